"""Issue 11: fuzzing of every public method of every embedded provider (sqlite, lmdb, file, mem,
duckdb) with random, wrong-typed and mutated arguments. Only ProviderError may come out, and a bad
input never surfaces as INTERNAL (that code means a bug of ours, not the caller's).

Fixed seed (COZELITE_FUZZ_SEED), a count per method sized for CI (COZELITE_NIGHTLY=1: 10x). The
counts per method are printed (`-s`) and kept in the test report's captured output."""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import math
import os
import random
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from providers.blob import open_blob
from providers.db import entity as db_entity
from providers.db import open_db
from providers.errors import ErrorCode, ProviderError
from providers.kv import open_kv
from providers.mq import open_mq
from providers.search import model as search_model
from providers.search import open_search

SEED = int(os.environ.get("COZELITE_FUZZ_SEED", "20261206"))
CALLS = 800 * (10 if os.environ.get("COZELITE_NIGHTLY") else 1)

# Methods not fuzzed, with why: lifecycle calls that end the store (close) or that the lifecycle
# suite covers (check_open, stats); backup is fuzzed with paths under the test's directory only.
SKIP = {"close", "check_open", "stats", "transaction", "types", "get_type", "new_bulk_indexer"}

NAMES = ["t", "k", "i", "a", "users", "doc1", "c", "g", "x/y"]
WEIRD_STR = ["", " ", "\x00", "\ud800", "a\udfffb", "é" * 70, "k" * 300, "../x", "a//b", "_cozelite_rdb_tables",
             "sqlite_master", ".cozelite/meta/x", "SELECT 1", "' OR 1=1 --", "\n", "%s%n", "\\", '"']
SQL = ["SELECT 1", "SELECT * FROM t", "INSERT INTO t (a) VALUES (?)", "ATTACH 'x.db' AS x", "PRAGMA query_only=1",
       "VACUUM INTO 'x.db'", "SELECT load_extension('x')", "SELECT 1 WHERE 1 IN _cozelite_rdb_ping",
       "CREATE TABLE t (a INT)", "DROP TABLE t", "SELECT ?", "BEGIN", "SELECT '\ud800'", "SELECT (((((1)))))",
       "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM n WHERE x<5) SELECT x FROM n",
       "UPDATE t SET a = 1", "DELETE FROM t", "SELECT a FROM t WHERE a IN ?"]


def _callable_handler(msg: Any) -> None:
    return None


class Gen:
    """Random argument values: scalars of every type, odd strings, containers, and instances of
    the areas' dataclasses with random fields (wrong types included)."""

    def __init__(self, seed: int, dataclasses_: list[type], root: Path) -> None:
        self.r = random.Random(seed)
        self.types = dataclasses_
        self.root = root

    def scalar(self) -> Any:
        r = self.r
        pool: list[Callable[[], Any]] = [
            lambda: None, lambda: True, lambda: 0, lambda: -1, lambda: r.randint(-10, 10), lambda: 2**63,
            lambda: -(2**64), lambda: 10**400, lambda: 1.5, lambda: math.nan, lambda: math.inf, lambda: -1e308,
            lambda: r.choice(NAMES), lambda: r.choice(WEIRD_STR), lambda: r.choice(SQL), lambda: b"",
            lambda: b"v", lambda: bytes(r.randrange(256) for _ in range(r.randrange(20))), lambda: bytearray(b"x"),
            lambda: datetime.timedelta(seconds=r.choice([-5, 0, 1, 10**9])), lambda: datetime.timedelta.max,
            lambda: datetime.datetime(2024, 1, 1), lambda: object(), lambda: _callable_handler, lambda: len,
            lambda: 1j, lambda: Ellipsis, lambda: memoryview(b"m"),
        ]
        return r.choice(pool)()

    def value(self, depth: int = 0) -> Any:
        r = self.r
        roll = r.random()
        if depth < 3 and roll < 0.15:
            return [self.value(depth + 1) for _ in range(r.randrange(4))]
        if depth < 3 and roll < 0.25:
            return {self.key(): self.value(depth + 1) for _ in range(r.randrange(4))}
        if depth < 3 and roll < 0.28:
            return tuple(self.value(depth + 1) for _ in range(r.randrange(3)))
        if depth < 3 and roll < 0.45 and self.types:
            return self.instance(r.choice(self.types), depth + 1)
        return self.scalar()

    def key(self) -> Any:
        return self.r.choice([*NAMES, *WEIRD_STR[:8], 1, None])

    def instance(self, cls: type, depth: int) -> Any:
        kwargs = {f.name: self.value(depth + 1) if self.r.random() < 0.6 else self.plausible(f.name)
                  for f in dataclasses.fields(cls) if f.init and ((f.default is dataclasses.MISSING
                                                                  and f.default_factory is dataclasses.MISSING)
                                                                  or self.r.random() < 0.5)}
        try:
            return cls(**kwargs)
        except Exception:  # a dataclass refusing its fields at construction is not the provider's
            return self.scalar()

    def plausible(self, name: str) -> Any:
        """A value of the kind the parameter named `name` usually takes (for mutated valid calls)."""
        r = self.r
        if name in ("dest_dir",):
            return str(self.root / f"backup{r.randrange(10**6)}")
        if name in ("sql",):
            return r.choice(SQL)
        if name in ("value", "body", "data") and r.random() < 0.5:
            return r.choice([b"v", {"a": 1}, [{"a": 1}], "v"])
        if name in ("bodies", "docs", "items", "operations", "values", "ids", "keys", "fields", "columns"):
            return [self.value(2) for _ in range(r.randrange(3))]
        if name in ("ttl", "expires_in", "timeout", "limit", "size", "amount", "start", "stop", "index_"):
            return r.choice([0, 1, 5, -1, 0.5, 10**6])
        return r.choice(NAMES)

    def args(self, fn: Callable[..., Any]) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for p in inspect.signature(fn).parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                if self.r.random() < 0.5:
                    args.extend(self.value() for _ in range(self.r.randrange(4)))
                continue
            if p.default is not p.empty and self.r.random() < 0.5:
                continue
            v = self.plausible(p.name) if self.r.random() < 0.5 else self.value()
            if p.name == "dest_dir" and not isinstance(v, str):
                v = str(self.root / "b") if self.r.random() < 0.5 else v
            if p.name == "dest_dir" and isinstance(v, str) and not v.startswith(str(self.root)):
                v = str(self.root / "rel" / v.lstrip("/").replace("..", "_"))  # never outside the test dir
            if p.kind is p.KEYWORD_ONLY:
                kwargs[p.name] = v
            else:
                args.append(v)
        return args, kwargs


@dataclasses.dataclass
class Outcome:
    calls: Counter[str] = dataclasses.field(default_factory=Counter)
    provider_errors: Counter[str] = dataclasses.field(default_factory=Counter)
    foreign: list[str] = dataclasses.field(default_factory=list)
    internal: list[str] = dataclasses.field(default_factory=list)


def fuzz(targets: dict[str, Any], gen: Gen, out: Outcome) -> None:
    for prefix, obj in targets.items():
        for name in sorted(n for n in dir(obj) if not n.startswith("_") and n not in SKIP):
            method = getattr(obj, name)
            if not callable(method) or inspect.isclass(method):
                continue
            label = f"{prefix}.{name}"
            for _ in range(CALLS):
                args, kwargs = gen.args(method)
                out.calls[label] += 1
                try:
                    result = method(*args, **kwargs)
                    if inspect.isgenerator(result) or hasattr(result, "__next__"):
                        for _item in zip(range(5), result, strict=False):
                            pass
                    if hasattr(result, "read") and hasattr(result, "close"):
                        result.read(10)
                        result.close()
                except ProviderError as err:
                    out.provider_errors[label] += 1
                    if err.code is ErrorCode.INTERNAL:
                        out.internal.append(f"{label}{_show(args, kwargs)}: {err}")
                except Exception as err:
                    out.foreign.append(f"{label}{_show(args, kwargs)}: {type(err).__name__}: {err}\n"
                                       + "".join(traceback.format_exception(err)[-3:]))


def _show(args: list[Any], kwargs: dict[str, Any]) -> str:
    text = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
    return f"({text[:300]})"


def report(area: str, out: Outcome) -> None:
    print(f"\nfuzz {area} (seed {SEED}): method calls/provider-errors")
    for label in sorted(out.calls):
        print(f"  {label}: {out.calls[label]}/{out.provider_errors[label]}")
    print(f"  total {sum(out.calls.values())} calls, {len(out.foreign)} foreign exceptions, "
          f"{len(out.internal)} INTERNAL")
    assert out.foreign == [], "\n".join(out.foreign[:10])
    assert out.internal == [], "\n".join(out.internal[:10])


def _dataclasses(module: Any) -> list[type]:
    return [v for v in vars(module).values() if dataclasses.is_dataclass(v) and isinstance(v, type)
            and v.__module__ == module.__name__]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    # Relative paths a fuzzed call might create land under the test's directory.
    deep = tmp_path / "cwd" / "a" / "b" / "c"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    yield tmp_path


def test_fuzz_db(workdir: Path) -> None:
    db = open_db(f"sqlite:///{workdir}/db/app.db")
    try:
        db.execute_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, v TEXT)")
        out = Outcome()
        fuzz({"db": db}, Gen(SEED, _dataclasses(db_entity), workdir), out)
    finally:
        db.close()
    report("db/sqlite", out)


def test_fuzz_kv(workdir: Path) -> None:
    kv = open_kv(f"lmdb:///{workdir}/kv")
    try:
        out = Outcome()
        fuzz({"kv": kv, "kv.pipeline": kv.pipeline()}, Gen(SEED, [], workdir), out)
    finally:
        kv.close()
    report("kv/lmdb", out)


def test_fuzz_blob(workdir: Path) -> None:
    blob = open_blob(f"file:///{workdir}/blob")
    try:
        blob.put("k", b"v")
        out = Outcome()
        fuzz({"blob": blob}, Gen(SEED, [], workdir), out)
    finally:
        blob.close()
    report("blob/file", out)


def test_fuzz_mq(workdir: Path) -> None:
    mq = open_mq("mem://?retry_backoff=0.001&max_retries=1&send_timeout=0.01&capacity=200")
    try:
        out = Outcome()
        fuzz({"mq": mq, "mq.producer": mq.new_producer("t")}, Gen(SEED, [], workdir), out)
    finally:
        mq.close(timeout=1)
    report("mq/mem", out)


def test_fuzz_search(workdir: Path) -> None:
    s = open_search(f"duckdb:///{workdir}/search.db")
    try:
        s.es.create_index("i", {"n": "long", "t": "text"})
        s.es.create("i", "1", {"n": 1, "t": "hello"})
        s.searchstore.create(search_model.CreateRequest("kb", [
            search_model.Field("id", search_model.FieldType.INT64, is_primary=True),
            search_model.Field("text_content", search_model.FieldType.TEXT, indexing=True, dim=4)]))
        out = Outcome()
        gen = Gen(SEED, _dataclasses(search_model), workdir)
        fuzz({"search": s, "search.es": s.es, "search.es.bulk_indexer": s.es.new_bulk_indexer("i"),
              "search.searchstore": s.searchstore, "search.collection": s.searchstore.get_search_store("kb")},
             gen, out)
    finally:
        s.close()
    report("search/duckdb", out)
