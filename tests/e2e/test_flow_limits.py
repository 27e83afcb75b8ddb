"""The flows' bounds, in-process over real lite providers (cheap: no server process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cozelite.config import ConfigError
from cozelite.flows.context import Caller
from cozelite.flows.errors import BadRequest, Conflict, TooLarge
from cozelite.flows.services import FlowSettings, Services


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    from cozelite.config import load_config, prepare_data_dirs
    from cozelite.flows.metadata import ensure_schema
    from cozelite.wiring import open_providers

    monkeypatch.chdir(tmp_path)
    config = load_config(env={}, lite=True)
    prepare_data_dirs(config)
    settings = FlowSettings(max_vars_per_user=3, max_var_value_bytes=100, max_sql_rows=5, max_sql_chars=200)
    svc = Services(open_providers(config, areas=("db", "kv", "mq")), settings)  # mq: resource events
    ensure_schema(svc)
    try:
        yield svc
    finally:
        svc.close()


def test_settings_from_env() -> None:
    assert FlowSettings.from_env({"COZE_API_MAX_UPLOAD_BYTES": "123"}).max_upload_bytes == 123
    for bad in ("x", "0", "-5", "1.5"):
        with pytest.raises(ConfigError, match="COZE_API_MAX_SQL_ROWS"):
            FlowSettings.from_env({"COZE_API_MAX_SQL_ROWS": bad})


def test_variable_count_and_size_limits(services: Services) -> None:
    from cozelite.flows import variables

    me, other = Caller("usr_me", "me"), Caller("usr_other", "other")
    for name in ("a", "b", "c"):
        variables.set_variable(services, me, name, 1)
    variables.set_variable(services, me, "a", 2)  # replacing one is not a new one
    with pytest.raises(Conflict, match="COZE_API_MAX_VARS_PER_USER"):
        variables.set_variable(services, me, "d", 1)
    variables.set_variable(services, other, "d", 1)  # the limit is per user
    variables.delete_variable(services, me, "b")
    variables.set_variable(services, me, "d", 1)
    assert [v.name for v in variables.list_variables(services, me)] == ["a", "c", "d"]
    with pytest.raises(TooLarge):
        variables.set_variable(services, me, "a", "x" * 200)
    with pytest.raises(BadRequest):
        variables.set_variable(services, me, "a", 1, ttl_seconds=0)
    # Many names set and deleted keep the index bounded (tombstones are compacted).
    variables.delete_variable(services, me, "d")
    for i in range(300):
        variables.set_variable(services, me, f"churn{i}", i)
        variables.delete_variable(services, me, f"churn{i}")
    assert len(services.kv.hgetall(f"varidx:{me.user_id}")) < 200


def test_sql_rows_are_capped_and_text_bounded(services: Services) -> None:
    from cozelite.flows import databases
    from cozelite.flows.user_sql import run_sql

    me = Caller("usr_me", "me")
    db = databases.create_database(services, me, name="d", tables=[
        {"name": "t", "fields": [{"name": "v", "type": "integer"}]}])
    databases.add_records(services, me, db.id, "t", [{"v": i} for i in range(5)])
    assert len(run_sql(services, me, db.id, "SELECT v FROM t").rows) == 5
    databases.add_records(services, me, db.id, "t", [{"v": 99}])
    capped = run_sql(services, me, db.id, "SELECT v FROM t")
    assert len(capped.rows) == 5 and capped.truncated
    limited = run_sql(services, me, db.id, "SELECT v FROM t ORDER BY v LIMIT 2")
    assert [r["v"] for r in limited.rows] == [0, 1] and not limited.truncated
    big = run_sql(services, me, db.id, "SELECT v FROM t ORDER BY v LIMIT 1000")
    assert len(big.rows) == 5 and big.truncated
    with pytest.raises(TooLarge, match="COZE_API_MAX_SQL_CHARS"):
        run_sql(services, me, db.id, "SELECT v FROM t WHERE v IN (" + ", ".join(["1"] * 100) + ")")
    with pytest.raises(BadRequest):
        run_sql(services, me, db.id, "SELECT v FROM t WHERE v = ?", [[1, 2]])
