"""`cozelite sql ...` as a user runs it: a real subprocess, arguments and stdin, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cozelite.cli", *args], input=stdin, capture_output=True,
                          timeout=120, check=False)


def test_rewrite_from_argument() -> None:
    proc = run("sql", "--style", "compat", "rewrite", "--table", "users=new_users", "--column", "users.id=user_id",
               "SELECT id, name FROM users WHERE id > 18")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().strip() == "SELECT user_id,name FROM new_users WHERE user_id>18"


def test_filter_from_stdin_as_json() -> None:
    proc = run("sql", "--json", "filter", "--condition", "uid = 'u1'", stdin=b"DELETE FROM t WHERE a = 1 OR b = 2")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"sql": "DELETE FROM t WHERE (a = 1 OR b = 2) AND uid = 'u1'"}


def test_parse_error_goes_to_stderr_with_exit_2() -> None:
    proc = run("sql", "op", "SELECT * FROM WHERE")
    assert proc.returncode == 2
    assert proc.stdout == b""
    err = proc.stderr.decode()
    assert err.startswith("error: ") and "line 1" in err
    assert "Traceback" not in err


def test_json_error_carries_position() -> None:
    proc = run("sql", "--json", "table", "SELECT a FROM t WHERE (")
    assert proc.returncode == 2
    payload = json.loads(proc.stderr)
    assert payload["line"] == 1 and payload["column"] >= 1


def test_binary_stdin_is_a_clear_error() -> None:
    proc = run("sql", "op", stdin=b"\xff\xfe\x00SELECT")
    assert proc.returncode == 2
    assert b"UTF-8" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [("insert-cols", "--col", "age=18", "--pk", "pk=1,2"),
                                  ("select-fields", "--field", "pk_id")])
def test_other_commands(args: tuple[str, ...]) -> None:
    sql = "INSERT INTO t (a) VALUES (1), (2)" if args[0] == "insert-cols" else "SELECT a FROM t"
    proc = run("sql", "--json", *args, sql)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)["sql"]
    assert ("18" in out and "pk" in out) if args[0] == "insert-cols" else out == "SELECT a, pk_id FROM t"


def test_count_rows() -> None:
    proc = run("sql", "count-rows", "INSERT INTO t (a) VALUES (1), (2), (3)")
    assert proc.returncode == 0 and proc.stdout.decode().strip() == "3"


_PAIRS = [(r, w) for r in ("mysql", "sqlite", "postgres") for w in ("mysql", "sqlite", "postgres")]
# Without a schema a SQLite comparison of a column with a number is refused (its meaning depends on
# the column's affinity), so the portable statement compares with a string.
_PORTABLE = "SELECT id, name FROM t WHERE name = 'x' ORDER BY id LIMIT 2"


def test_translate_every_offered_pair() -> None:
    # `sql --dialect Y translate --read X`: every X and Y the help offers works (the nine processes
    # run side by side: each one pays the interpreter's start-up).
    procs = {(r, w): subprocess.Popen([sys.executable, "-m", "cozelite.cli", "sql", "--json", "--dialect", w,
                                       "translate", "--read", r, _PORTABLE],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for r, w in _PAIRS}
    for (read, write), proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, (read, write, stderr)
        out = json.loads(stdout)
        assert out["read"] == read and out["write"] == write
        assert out["sql"].startswith("SELECT id, name FROM t WHERE name = 'x' ORDER BY ") and "LIMIT 2" in out["sql"]


def test_translate_with_a_schema_file(tmp_path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"t": {"a": "INTEGER", "b": "INTEGER"}}))
    proc = run("sql", "--dialect", "mysql", "translate", "--read", "sqlite", "--schema", str(schema),
               "SELECT a / b FROM t")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().strip() == "SELECT a DIV b FROM t"
    # Without the schema the type-dependent division is a named error, exit code 2.
    proc = run("sql", "--dialect", "mysql", "translate", "--read", "sqlite", "SELECT a / b FROM t")
    assert proc.returncode == 2
    assert b"division" in proc.stderr and b"schema=" in proc.stderr


def test_translate_needs_a_target() -> None:
    proc = run("sql", "translate", "--read", "sqlite", "SELECT 1")
    assert proc.returncode == 2
    assert b"target dialect" in proc.stderr


def test_translate_schema_file_errors_are_clear(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    proc = run("sql", "--dialect", "mysql", "translate", "--read", "sqlite", "--schema", str(bad), "SELECT 1")
    assert proc.returncode == 2
    assert b"--schema" in proc.stderr


def test_translate_reads_the_schema_from_an_open_database(tmp_path) -> None:
    import apsw

    path = tmp_path / "app.db"
    conn = apsw.Connection(str(path))
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, name TEXT)")
    conn.close()
    proc = run("sql", "--dialect", "mysql", "translate", "--read", "sqlite", "--schema-db", f"sqlite:///{path}",
               "SELECT a / b, name FROM t WHERE name = 5")
    assert proc.returncode == 0, proc.stderr
    # INTEGER / INTEGER divides as integers; a TEXT column compares with 5 as text.
    assert proc.stdout.decode().strip() == "SELECT a DIV b, name FROM t WHERE name = '5'"
