"""Configuration resolution: defaults -> cozelite.toml -> env -> flags, the lite preset, and
`cozelite config show`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cozelite.cli import cli
from cozelite.config import (
    DEFAULT_URIS,
    LITE_URIS,
    ConfigError,
    load_config,
    local_data_path,
    prepare_data_dirs,
)
from cozelite.wiring import check_schemes, open_providers, scheme_problems


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray ./cozelite.toml


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_defaults_are_the_external_servers() -> None:
    config = load_config(env={})
    assert {a: s.value for a, s in config.uris.items()} == DEFAULT_URIS
    assert all(s.source == "default" for s in config.uris.values())
    # Document search stays on DuckDB in server mode: no Elasticsearch client ships (es:// is refused).
    assert [config.uri(a).split(":")[0] for a in ("db", "kv", "search", "mq", "blob")] == \
        ["mysql", "redis", "duckdb", "nats", "s3"]
    assert config.lite.value == "false"


def test_file_then_env_then_flag(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '[db]\nuri = "sqlite:///file.db"\n[kv]\nuri = "lmdb:///file-kv"\n'
                                     '[mq]\nuri = "mem://"\n')
    config = load_config(config_file=cfg, env={"KV_URI": "lmdb:///env-kv", "DB_URI": "sqlite:///env.db"},
                         flags={"db": "sqlite:///flag.db"})
    assert (config.uri("db"), config.uris["db"].source, config.uris["db"].origin) == \
        ("sqlite:///flag.db", "flag", "--db-uri")
    assert (config.uri("kv"), config.uris["kv"].source, config.uris["kv"].origin) == \
        ("lmdb:///env-kv", "env", "KV_URI")
    assert (config.uri("mq"), config.uris["mq"].source, config.uris["mq"].origin) == ("mem://", "file", str(cfg))
    assert config.uris["search"].source == "default"


def test_lite_fills_only_unset_uris(tmp_path: Path) -> None:
    for kwargs in ({"env": {"COZE_LITE": "1", "DB_URI": "sqlite:///mine.db"}},
                   {"env": {"DB_URI": "sqlite:///mine.db"}, "lite": True},
                   {"env": {"DB_URI": "sqlite:///mine.db"},
                    "config_file": write(tmp_path / "lite.toml", "lite = true\n")}):
        config = load_config(**kwargs)
        assert config.uri("db") == "sqlite:///mine.db" and config.uris["db"].source == "env"
        for area in ("kv", "search", "mq", "blob"):
            assert (config.uri(area), config.uris[area].source) == (LITE_URIS[area], "lite preset")
        assert config.lite.value == "true"


def test_env_and_flag_can_turn_lite_off(tmp_path: Path) -> None:
    cfg = write(tmp_path / "lite.toml", "lite = true\n")
    assert load_config(config_file=cfg, env={"COZE_LITE": "0"}).uri("db") == DEFAULT_URIS["db"]
    assert load_config(env={"COZE_LITE": "yes"}, lite=False).uri("db") == DEFAULT_URIS["db"]


def test_the_default_config_file_is_read_from_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path / "cozelite.toml", '[blob]\nuri = "file:///b"\n')
    config = load_config(env={})
    assert config.uri("blob") == "file:///b" and config.config_file == Path("cozelite.toml")
    other = write(tmp_path / "other.toml", '[blob]\nuri = "file:///o"\n')
    assert load_config(env={"COZE_CONFIG": str(other)}).uri("blob") == "file:///o"


@pytest.mark.parametrize(("text", "needle"), [
    ("[db]\nuri = \n", "invalid TOML"),
    ("[dbb]\nuri = \"x://\"\n", "dbb"),
    ("[db]\nurl = \"sqlite:///x\"\n", "db.url"),
    ("lite = \"yes\"\n", "lite"),
    ("[db]\nuri = 3\n", "db.uri"),
    ("[db]\nuri = \"no-scheme\"\n", "db.uri"),
])
def test_bad_files_fail_naming_the_problem(tmp_path: Path, text: str, needle: str) -> None:
    cfg = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(config_file=cfg, env={})
    assert needle in str(info.value)


def test_bad_env_and_missing_file() -> None:
    with pytest.raises(ConfigError, match="COZE_LITE"):
        load_config(env={"COZE_LITE": "maybe"})
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(config_file="nope.toml", env={})


def test_config_show_prints_sources_and_redacts_passwords(tmp_path: Path) -> None:
    write(tmp_path / "cozelite.toml", '[kv]\nuri = "redis://:hunter2@cache:6379/0"\n')
    result = CliRunner().invoke(cli, ["config", "show", "--lite", "--blob-uri", "file:///x"],
                                env={"DB_URI": "mysql://app:s3cret@db:3306/coze", "COZE_LITE": None})
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output and "hunter2" not in result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if not line.startswith("#")}
    assert "mysql://app:***@db:3306/coze" in lines["db.uri"] and "[env (DB_URI)]" in lines["db.uri"]
    assert "[file (cozelite.toml)]" in lines["kv.uri"]
    assert "duckdb:///var/data/duckdb/search.db" in lines["search.uri"] and "[lite preset]" in lines["search.uri"]
    assert "[flag (--blob-uri)]" in lines["blob.uri"]
    assert "[flag (--lite)]" in lines["lite"]


def test_redact_hides_passwords_and_secret_parameters() -> None:
    from cozelite.config import redact

    assert redact("mysql://app:pw@db/coze") == "mysql://app:***@db/coze"
    shown = redact("s3://bucket?region=eu&access_key=AK1&secret_key=SK2")
    assert "AK1" not in shown and "SK2" not in shown and "region=eu" in shown
    assert redact("file:///var/data/blob") == "file:///var/data/blob"


def test_data_dirs_are_created_and_an_unwritable_one_fails_naming_it(tmp_path: Path) -> None:
    config = load_config(env={}, lite=True)
    made = prepare_data_dirs(config)
    for sub in ("var/data/sqlite", "var/data/kv", "var/data/duckdb", "var/data/blob"):
        assert (tmp_path / sub).is_dir() and Path(sub) in made
    blocker = tmp_path / "blocked"
    blocker.write_text("a file, not a directory")
    config = load_config(env={"KV_URI": f"lmdb:///{blocker}/kv"}, lite=True)
    with pytest.raises(ConfigError) as info:
        prepare_data_dirs(config)
    assert str(blocker) in str(info.value)


def test_local_data_paths() -> None:
    assert local_data_path("sqlite:///var/data/sqlite/app.db") == (Path("var/data/sqlite/app.db"), True)
    assert local_data_path("lmdb:////abs/kv") == (Path("/abs/kv"), False)
    assert local_data_path("mem://") is None and local_data_path("mysql://h/db") is None


def test_a_scheme_without_implementation_fails_at_startup_listing_the_available_ones() -> None:
    config = load_config(env={"DB_URI": "oracle://h/db"}, lite=True)
    with pytest.raises(ConfigError) as info:
        check_schemes(config, areas=("db",))
    assert "'oracle'" in str(info.value)
    assert all(scheme in str(info.value) for scheme in ("sqlite", "mysql", "postgresql"))
    config = load_config(env={"DB_URI": "oracle://h/db"})
    with pytest.raises(ConfigError, match="--lite"):
        check_schemes(config, areas=("db",))


def test_serve_refuses_an_unimplemented_scheme_before_listening(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli("serve", "--lite", "--db-uri", "oracle://h/db", "--port", "1", cwd=tmp_path)
    assert result.returncode == 1
    assert "oracle" in result.stderr and "available db schemes: " in result.stderr
    assert "sqlite" in result.stderr.split("available db schemes: ", 1)[1]
    assert "Traceback" not in result.stderr


def test_serve_fails_fast_naming_an_unwritable_data_directory(tmp_path: Path, run_cli: Any) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    result = run_cli("serve", "--lite", "--kv-uri", f"lmdb:///{blocker}/kv", "--port", "1", cwd=tmp_path)
    assert result.returncode == 1 and str(blocker) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("design", "sqlalchemy"), [
    ("sqlite://./var/data/sqlite/app.db", "sqlite:///var/data/sqlite/app.db"),
    ("duckdb://./var/data/duckdb/search.db", "duckdb:///var/data/duckdb/search.db"),
    ("file://./var/data/blob", "file:///var/data/blob"),
    ("lmdb://./var/data/kv", "lmdb:///var/data/kv"),
    ("lmdb://../elsewhere/kv", "lmdb:///../elsewhere/kv"),
])
def test_the_designs_relative_form_names_the_same_path_as_sqlalchemys(design: str, sqlalchemy: str) -> None:
    assert local_data_path(design) is not None
    assert local_data_path(design) == local_data_path(sqlalchemy)


def test_the_designs_uri_forms_serve_from_the_working_directory(tmp_path: Path) -> None:
    config = load_config(env={"DB_URI": "sqlite://./var/data/sqlite/app.db", "KV_URI": "lmdb://./var/data/kv",
                              "SEARCH_URI": "duckdb://./var/data/duckdb/search.db",
                              "BLOB_URI": "file://./var/data/blob"}, lite=True)
    prepare_data_dirs(config)
    providers = open_providers(config)
    try:
        providers["kv"].set("k", b"v")
        providers["blob"].put("a.txt", b"x", content_type="text/plain")
    finally:
        providers.close()
    assert (tmp_path / "var/data/kv/data.mdb").is_file() and (tmp_path / "var/data/sqlite/app.db").is_file()
    assert (tmp_path / "var/data/duckdb/search.db").is_file()
    assert any((tmp_path / "var/data/blob").rglob("*"))


def test_badger_and_nutsdb_name_the_equivalent_lmdb_uri(tmp_path: Path) -> None:
    for scheme in ("badger", "nutsdb"):
        config = load_config(env={"KV_URI": f"{scheme}://./var/data/{scheme}"}, lite=True)
        problems = scheme_problems(config)
        assert len(problems) == 1
        assert "LMDB" in problems[0] and f"'lmdb://./var/data/{scheme}'" in problems[0]
    assert list(tmp_path.iterdir()) == []


BAD_EVERYWHERE = {"DB_URI": "sqlite://somehost/app.db", "KV_URI": "badger://./var/data/badger",
                  "MQ_URI": "nsq://127.0.0.1:4150", "BLOB_URI": "file://", "SEARCH_URI": "es://127.0.0.1:9200"}


def test_config_check_reports_every_invalid_area_in_one_run_and_creates_nothing(tmp_path: Path,
                                                                                run_cli: Any) -> None:
    result = run_cli("config", "show", "--check", "--lite", cwd=tmp_path, **BAD_EVERYWHERE)
    assert result.returncode == 1, result.stdout
    assert "5 problem(s)" in result.stderr
    for needle in ("db.uri", "kv.uri", "mq.uri", "blob.uri", "search.uri", "'lmdb://./var/data/badger'"):
        assert needle in result.stderr
    assert "Traceback" not in result.stderr
    ok = run_cli("config", "show", "--check", "--lite", cwd=tmp_path)
    assert ok.returncode == 0 and "check: ok" in ok.stdout
    assert list(tmp_path.iterdir()) == []


def test_serve_reports_every_invalid_area_in_one_run_and_creates_nothing(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli("serve", "--lite", "--port", "0", cwd=tmp_path, **BAD_EVERYWHERE)
    assert result.returncode == 1
    assert "5 settings are invalid" in result.stderr
    assert all(f"{area}.uri" in result.stderr for area in ("db", "kv", "search", "mq", "blob"))
    assert "serving on" not in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
    # A host in a file-like URI used to become an absolute path (sqlite://var/... -> /data/...).
    assert not Path("/somehost").exists()


def test_every_unparsable_uri_is_named_in_one_error() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(env={"DB_URI": "no-scheme", "KV_URI": "redis://h:99999/0"})
    assert "db.uri" in str(info.value) and "kv.uri" in str(info.value)
