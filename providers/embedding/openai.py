"""``openai://``: the OpenAI-compatible embeddings API (``POST {base}/embeddings``) that hosted
models, Ollama, vLLM and text-embeddings-inference serve.

URI: ``openai://HOST[:PORT]/PATH?model=NAME[&tls=true][&batch=N][&timeout=S][&dimensions=D][&retries=R]``

* ``PATH`` is the API base (usually ``v1``): requests go to ``http(s)://HOST:PORT/PATH/embeddings``.
* ``model`` (required): the model name sent in each request.
* ``tls``: ``true`` for https (hosted APIs), default ``false`` (a local Ollama / vLLM).
* ``batch`` (1..2048, default 64): texts per request (servers cap it; OpenAI's limit is 2048).
* ``timeout`` (seconds, default 30): per request, connect and read.
* ``dimensions``: sent to the server (models that can shorten their vectors) and checked on replies;
  without it the first reply fixes the dimensions (`open` sends one probe request).
* ``retries`` (0..5, default 2): for connection errors, 429 and 5xx, with a short backoff.
* The API key is read from the environment variable ``OPENAI_API_KEY`` (or the one named by
  ``key_env``), never from the URI, so it does not end up in configs and logs.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt

from providers.embedding import EMBEDDING
from providers.embedding.contract import Embedder
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_PARAMS = ("model", "tls", "batch", "timeout", "dimensions", "retries", "key_env")


class OpenAIDriver:
    """The EmbeddingDriver of an OpenAI-compatible server."""

    def __init__(self, base_url: str, model: str, *, batch: int, timeout: float, dimensions: int | None,
                 retries: int, api_key: str | None, shown: str) -> None:
        headers = {"Content-Type": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(base_url=base_url, headers=headers, timeout=timeout, follow_redirects=False)
        self._model = model
        self.max_batch = batch
        self._dim = dimensions
        self._ask_dim = dimensions
        self._retries = retries
        self._shown = shown

    def model(self) -> str:
        return self._model

    def dimensions(self) -> int:
        if self._dim is None:
            self._dim = int(self._request(["dimension probe"]).shape[1])
        return self._dim

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._request(texts)

    def _request(self, texts: list[str]) -> npt.NDArray[np.float32]:
        body: dict[str, Any] = {"model": self._model, "input": texts, "encoding_format": "float"}
        if self._ask_dim is not None:
            body["dimensions"] = self._ask_dim
        attempt = 0
        while True:
            try:
                resp = self._client.post("embeddings", json=body)
            except httpx.TransportError as err:
                if attempt >= self._retries:
                    raise ProviderError(ErrorCode.UNAVAILABLE, f"embedding server {self._shown} unreachable: "
                                        f"{type(err).__name__}: {err}") from err
            else:
                if resp.status_code == 429 or resp.status_code >= 500:
                    if attempt >= self._retries:
                        raise self._http_error(resp)
                else:
                    break
            attempt += 1
            time.sleep(min(2.0, 0.2 * 2 ** attempt))
        if resp.status_code != 200:
            raise self._http_error(resp)
        if len(resp.content) > MAX_RESPONSE_BYTES:
            raise ProviderError(ErrorCode.INTERNAL, f"embedding server {self._shown} sent {len(resp.content)} bytes; "
                                f"more than {MAX_RESPONSE_BYTES}")
        try:
            data = resp.json()["data"]
            rows = sorted(data, key=lambda item: int(item["index"]))
            if [int(r["index"]) for r in rows] != list(range(len(texts))):
                raise ValueError(f"indexes {[r['index'] for r in rows][:10]} for {len(texts)} inputs")
            arr = np.asarray([r["embedding"] for r in rows], dtype=np.float32)
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as err:
            raise ProviderError(ErrorCode.INTERNAL, f"embedding server {self._shown} sent a malformed reply: "
                                f"{type(err).__name__}: {err}") from err
        if arr.ndim != 2 or (self._dim is not None and arr.shape[1] != self._dim):
            raise ProviderError(ErrorCode.INTERNAL, f"embedding server {self._shown} sent vectors of shape "
                                f"{arr.shape}; expected {self._dim} dimensions")
        return arr

    def _http_error(self, resp: httpx.Response) -> ProviderError:
        try:
            detail = resp.json().get("error", {})
            message = detail.get("message", "") if isinstance(detail, dict) else str(detail)
        except (ValueError, AttributeError):
            message = resp.text[:200]
        code = {400: ErrorCode.INVALID_ARGUMENT, 401: ErrorCode.PERMISSION_DENIED, 403: ErrorCode.PERMISSION_DENIED,
                404: ErrorCode.NOT_FOUND, 413: ErrorCode.INVALID_ARGUMENT, 422: ErrorCode.INVALID_ARGUMENT,
                429: ErrorCode.RESOURCE_EXHAUSTED}.get(resp.status_code, ErrorCode.UNAVAILABLE)
        hint = {401: "; set OPENAI_API_KEY (or key_env=VAR)", 404: "; check the URI's path (usually /v1) and model"
                }.get(resp.status_code, "")
        return ProviderError(code, f"embedding server {self._shown} answered HTTP {resp.status_code}: "
                             f"{message[:300]}{hint}")

    def ping(self) -> None:
        self._request(["ping"])

    def close(self) -> None:
        self._client.close()

    def backup(self, dest_dir: str) -> None:
        raise ProviderError(ErrorCode.UNIMPLEMENTED, "an embedding server has no state to back up here")

    def classify_error(self, err: BaseException) -> ErrorClass:
        if isinstance(err, httpx.HTTPError):
            return ErrorClass(ErrorCode.UNAVAILABLE, "embedding server request failed")
        return ErrorClass(ErrorCode.INTERNAL)


def _int_param(url: ProviderURL, name: str, default: int, low: int, high: int) -> int:
    raw = url.params.get(name, str(default))
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"{name} must be an integer {low}..{high} in {url.redacted!r}, "
                            f"got {raw!r}")
    return int(raw)


@EMBEDDING.register("openai")
def open_openai(url: ProviderURL, *, env: dict[str, str] | None = None) -> Embedder:
    url.reject_unknown_params(_PARAMS)
    if not url.host:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"openai URI {url.redacted!r} needs a host: "
                            "openai://HOST[:PORT]/v1?model=NAME")
    model = url.params.get("model", "")
    if not model:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"openai URI {url.redacted!r} needs ?model=NAME")
    tls = url.params.get("tls", "false").lower()
    if tls not in ("true", "false", "1", "0"):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"tls must be true or false, got {tls!r}")
    try:
        timeout = float(url.params.get("timeout", "30"))
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 600:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"timeout must be seconds in (0, 600], got "
                            f"{url.params.get('timeout')!r}")
    dims = _int_param(url, "dimensions", 0, 1, 65536) if "dimensions" in url.params else None
    host = f"[{url.host}]" if ":" in url.host else url.host
    port = f":{url.port}" if url.port else ""
    path = url.path.strip("/")
    base = f"{'https' if tls in ('true', '1') else 'http'}://{host}{port}/{path + '/' if path else ''}"
    environ = os.environ if env is None else env
    key = environ.get(url.params.get("key_env", "OPENAI_API_KEY"))
    driver = OpenAIDriver(base, model, batch=_int_param(url, "batch", 64, 1, 2048), timeout=timeout,
                          dimensions=dims, retries=_int_param(url, "retries", 2, 0, 5), api_key=key,
                          shown=base)
    embedder = Embedder(driver, name="openai")
    try:
        embedder.dimensions  # noqa: B018 - the probe: fail at open, not on the first upload
    except ProviderError:
        embedder.close()
        raise
    return embedder
