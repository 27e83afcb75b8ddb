"""The lifecycle every provider shares, checked once for every implementation of every area.

Each area's suite declares its implementations (`IMPLEMENTATIONS`, tests/conformance/_harness.py);
this suite runs the same checks on all of them:

- `ping()` answers on an open provider;
- `close()` is idempotent, and every call after it (the area's operations, ping, backup) raises
  FAILED_PRECONDITION;
- leaving a `with` block closes the provider;
- `backup(dir)` into an empty (or missing) directory writes a copy that, opened as a store, holds the
  data written before the backup and not what was written after it; an implementation without a
  live backup (a server's: its tools do that) says UNIMPLEMENTED and gives the reason in its
  `unsupported["backup"]`; one whose backup cannot be opened as a store gives `unsupported["restore"]`;
- `backup` into a directory that is not empty, or into a path that is a file, is refused with
  FAILED_PRECONDITION and touches nothing.

Per area, `AREAS` below says how to open a provider, what data to write before and after the backup,
how to see it in the restored copy, and which calls to try after close. The db suite is
tests/conformance/db.py (tests/conformance/rdb.py before its rename) and is used under whichever
name exists; a suite whose IMPLEMENTATIONS are not yet harness `Implementation`s is reported as
skipped, never silently left out.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from providers.errors import ErrorCode, ProviderError
from providers.registry import ProviderURL
from tests.conformance._harness import Bound, Context, Implementation, keeps, require

Calls = dict[str, Callable[[], Any]]


def code_of(fn: Callable[[], Any]) -> ErrorCode:
    with pytest.raises(ProviderError) as info:
        fn()
    return info.value.code


# -- kv
def _kv_open(uri: str) -> Any:
    from providers.kv import open_kv

    return open_kv(uri)


def _kv_seed(kv: Any) -> None:
    kv.set("s", "v")
    kv.hset("h", {"a": 1})
    kv.rpush("l", "x", "y")


def _kv_change(kv: Any) -> None:
    kv.set("s", "changed after backup")


def _kv_check(kv: Any) -> None:
    assert kv.get("s") == b"v"
    assert kv.hgetall("h") == {"a": b"1"}
    assert kv.lrange("l", 0, -1) == [b"x", b"y"]


def _kv_calls(kv: Any) -> Calls:
    pipeline = kv.pipeline()  # made while open, run after close
    pipeline.set("p", "v")
    return {
        "set": lambda: kv.set("a", "v"), "get": lambda: kv.get("a"), "incr": lambda: kv.incr("n"),
        "incr_by": lambda: kv.incr_by("n", 2), "hset": lambda: kv.hset("h", "f", "v"),
        "hgetall": lambda: kv.hgetall("h"), "delete": lambda: kv.delete("a"), "exists": lambda: kv.exists("a"),
        "expire": lambda: kv.expire("a", 10), "lindex": lambda: kv.lindex("l", 0), "lpush": lambda: kv.lpush("l", 1),
        "rpush": lambda: kv.rpush("l", 1), "lset": lambda: kv.lset("l", 0, "x"), "lpop": lambda: kv.lpop("l"),
        "lrange": lambda: kv.lrange("l", 0, -1), "pipeline": kv.pipeline, "pipeline.execute": pipeline.execute,
    }


# -- mq
class _Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bodies: list[bytes] = []

    def __call__(self, msg: Any) -> None:
        with self.lock:
            self.bodies.append(msg.body)


def _mq_open(uri: str) -> Any:
    from providers.mq import open_mq

    return open_mq(uri)


def _mq_seed(mq: Any) -> None:
    mq.register_consumer("", "t", "g", _Counter())
    mq.new_producer("t").send(b"before the backup")
    assert mq.drain(30)


def _mq_change(mq: Any) -> None:
    mq.new_producer("t").send(b"after the backup")


def _mq_check(mq: Any) -> None:
    raise AssertionError("an mq implementation that keeps 'restore' needs a check here")


def _mq_calls(mq: Any) -> Calls:
    producer = mq.new_producer("t")  # made while open, used after close
    return {
        "new_producer": lambda: mq.new_producer("t"), "send": lambda: producer.send(b"x"),
        "batch_send": lambda: producer.batch_send([b"x", b"y"]),
        "register_consumer": lambda: mq.register_consumer("", "t", "g", _Counter()),
        "drain": lambda: mq.drain(1),
    }


# -- blob
def _blob_open(uri: str) -> Any:
    from providers.blob import open_blob

    return open_blob(uri)


def _blob_seed(blob: Any) -> None:
    blob.put("a/1", b"one", content_type="text/x-one", tagging={"t": "1"})
    blob.put("b", b"two")


def _blob_change(blob: Any) -> None:
    blob.put("b", b"changed after backup")


def _blob_check(blob: Any) -> None:
    assert [f.key for f in blob.list_all()] == ["a/1", "b"]
    assert blob.get("b") == b"two"
    info = blob.head("a/1", with_tagging=True)
    assert info is not None and info.content_type == "text/x-one" and info.tagging == {"t": "1"}


def _blob_calls(blob: Any) -> Calls:
    return {
        "put": lambda: blob.put("k", b"v"), "put_stream": lambda: blob.put_stream("k", [b"v"]),
        "get": lambda: blob.get("k"), "get_stream": lambda: blob.get_stream("k"), "delete": lambda: blob.delete("k"),
        "head": lambda: blob.head("k"), "list_all": lambda: blob.list_all(),
        "list_paginated": lambda: blob.list_paginated(), "presign_get": lambda: blob.presign_get("k", 60),
        "verify_presigned": lambda: blob.verify_presigned("k", "9999999999", "00"),
    }


# -- db
def _db_api() -> ModuleType:
    return importlib.import_module("providers.db.contract")


def _db_open(uri: str) -> Any:
    from providers.db import open_db

    return open_db(uri)


def _db_table() -> Any:
    api = _db_api()
    return api.Table(
        name="lifecycle",
        columns=[api.Column("id", api.DataType.BIGINT, not_null=True),
                 api.Column("v", api.DataType.VARCHAR, length=32)],
        indexes=[api.Index("PRIMARY", api.IndexType.PRIMARY_KEY, ["id"])])


def _db_seed(db: Any) -> None:
    db.create_table(_db_table())
    db.insert_data("lifecycle", [{"id": 1, "v": "kept"}])


def _db_change(db: Any) -> None:
    db.insert_data("lifecycle", [{"id": 2, "v": "after the backup"}])


def _db_check(db: Any) -> None:
    rows = db.select_data("lifecycle", order_by=[_db_api().OrderBy("id")]).result_set.rows
    assert [(r["id"], r["v"]) for r in rows] == [(1, "kept")]


def _db_calls(db: Any) -> Calls:
    return {
        "create_table": lambda: db.create_table(_db_table()), "get_table": lambda: db.get_table("lifecycle"),
        "drop_table": lambda: db.drop_table("lifecycle", if_exists=True),
        "insert_data": lambda: db.insert_data("lifecycle", [{"id": 3, "v": "x"}]),
        "update_data": lambda: db.update_data("lifecycle", {"v": "y"}),
        "delete_data": lambda: db.delete_data("lifecycle"), "select_data": lambda: db.select_data("lifecycle"),
        "upsert_data": lambda: db.upsert_data("lifecycle", [{"id": 3, "v": "z"}]),
        "execute_sql": lambda: db.execute_sql("SELECT 1"),
    }


# -- search
def _search_api() -> ModuleType:
    return importlib.import_module("providers.search.contract")


def _search_open(uri: str) -> Any:
    from providers.search import open_search

    return open_search(uri)


def _search_ids(provider: Any) -> list[str]:
    response = provider.es.search("lifecycle", _search_api().Request(size=1000))
    return sorted(hit.id for hit in response.hits)


def _search_seed(provider: Any) -> None:
    provider.es.create_index("lifecycle", {"name": provider.es.types().new_text_property()})
    provider.es.create("lifecycle", "1", {"name": "backed up"})


def _search_change(provider: Any) -> None:
    provider.es.create("lifecycle", "2", {"name": "after the backup"})


def _search_check(provider: Any) -> None:
    assert _search_ids(provider) == ["1"]


def _search_calls(provider: Any) -> Calls:
    es = provider.es
    return {
        "es.create": lambda: es.create("lifecycle", "3", {"name": "x"}), "es.search": lambda: _search_ids(provider),
        "es.exists": lambda: es.exists("lifecycle"), "es.delete": lambda: es.delete("lifecycle", "1"),
        "get_meta": lambda: provider.get_meta("k"), "set_meta": lambda: provider.set_meta("k", "v"),
    }


@dataclass(frozen=True)
class Area:
    name: str
    suite: str  # the conformance suite module declaring its IMPLEMENTATIONS
    open: Callable[[str], Any]
    seed: Callable[[Any], None]  # written before the backup: the restored copy holds it
    change: Callable[[Any], None]  # written after the backup: the restored copy does not hold it
    check: Callable[[Any], None]  # asserts a restored copy holds exactly the seed
    calls: Callable[[Any], Calls]  # the area's operations with valid arguments, made while open


AREAS: dict[str, Area] = {area.name: area for area in (
    Area("kv", "tests.conformance.kv", _kv_open, _kv_seed, _kv_change, _kv_check, _kv_calls),
    Area("mq", "tests.conformance.mq", _mq_open, _mq_seed, _mq_change, _mq_check, _mq_calls),
    Area("blob", "tests.conformance.blob", _blob_open, _blob_seed, _blob_change, _blob_check, _blob_calls),
    Area("db", "tests.conformance.db", _db_open, _db_seed, _db_change, _db_check,
         _db_calls),
    Area("search", "tests.conformance.search", _search_open, _search_seed, _search_change, _search_check,
         _search_calls),
)}


def _implementations(area: Area) -> Mapping[str, Implementation]:
    table: Mapping[str, Implementation] = importlib.import_module(area.suite).IMPLEMENTATIONS
    return table


def _params() -> list[Any]:
    params = []
    for area in AREAS.values():
        table = _implementations(area)
        assert table, f"{area.suite} declares no implementation"
        params += [pytest.param((area.name, impl), id=f"{area.name}-{name}") for name, impl in sorted(table.items())]
    return params


@dataclass(frozen=True)
class Subject:
    area: Area
    bound: Bound

    def open(self) -> Any:
        return self.area.open(self.bound.uri)


@pytest.fixture(params=_params())
def subject(request: pytest.FixtureRequest, tmp_path: Path) -> Subject:
    area, impl = request.param
    for server in impl.servers:
        request.getfixturevalue(server)
    ctx = Context(tmp_path / "store", request)
    return Subject(AREAS[area], Bound(impl, impl.uri(ctx), ctx))


@pytest.fixture
def provider(subject: Subject) -> Iterator[Any]:
    opened = subject.open()
    try:
        yield opened
    finally:
        opened.close()


def restored_uri(bound: Bound, backup: Path) -> str:
    """The URI of a store opened on a backup: the implementation's "restore_uri" option, else its
    scheme on the backup's only file (embedded databases back up to one file)."""
    if "restore_uri" in bound.impl.options:
        uri: str = bound.option("restore_uri")(backup)
        return uri
    files = list(backup.iterdir())
    assert len(files) == 1, f"{bound.name}: give a restore_uri option for a backup of {len(files)} entries"
    return f"{ProviderURL.parse(bound.uri).scheme}:///{files[0]}"


def test_ping(provider: Any) -> None:
    provider.ping()


def test_close_is_idempotent_and_every_call_after_it_fails(subject: Subject, tmp_path: Path) -> None:
    opened = subject.open()
    opened.ping()
    calls = subject.area.calls(opened)
    opened.close()
    opened.close()
    calls["ping"] = opened.ping
    calls["backup"] = lambda: opened.backup(tmp_path / "after-close")
    codes = {name: code_of(call) for name, call in calls.items()}
    assert codes == dict.fromkeys(calls, ErrorCode.FAILED_PRECONDITION)
    assert not (tmp_path / "after-close").exists()


def test_context_manager_closes(subject: Subject) -> None:
    with subject.open() as opened:
        opened.ping()
    assert code_of(opened.ping) is ErrorCode.FAILED_PRECONDITION


def test_backup_then_restore_sees_the_data(subject: Subject, provider: Any, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    subject.area.seed(provider)
    if not keeps(subject.bound, "backup"):
        assert code_of(lambda: provider.backup(dest)) is ErrorCode.UNIMPLEMENTED
        require(subject.bound, "backup")  # skips, with the reason written down
    provider.backup(dest)
    assert dest.is_dir() and any(dest.iterdir())
    subject.area.change(provider)
    assert code_of(lambda: provider.backup(dest)) is ErrorCode.FAILED_PRECONDITION  # not empty
    require(subject.bound, "restore")
    with subject.area.open(restored_uri(subject.bound, dest)) as restored:
        subject.area.check(restored)


def test_backup_refuses_a_directory_that_is_not_empty(provider: Any, tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("x")
    assert code_of(lambda: provider.backup(full)) is ErrorCode.FAILED_PRECONDITION
    assert os.listdir(full) == ["x"] and (full / "x").read_text() == "x"
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert code_of(lambda: provider.backup(a_file)) is ErrorCode.FAILED_PRECONDITION
    assert a_file.read_text() == "x"
