"""`cozelite migrate ...` as a user runs it: a subprocess, exit codes, what it prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cozelite.cli", "migrate", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_plan_apply_schema_status(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__t.sql").write_text("CREATE TABLE `app`.`t` (id INT NOT NULL AUTO_INCREMENT, "
                                      "name VARCHAR(20) COMMENT 'who', PRIMARY KEY (id));\n")
    (folder / "V1__t.down.sql").write_text("DROP TABLE `app`.`t`;\n")
    db = f"sqlite:///{tmp_path / 'app.db'}"
    proc = run("plan", str(folder), "--db-uri", db, "--database-map", "app=")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:3] == [
        "-- V1__t.sql", "-- line 1: translated",
        'CREATE TABLE "t" ("id" INTEGER PRIMARY KEY AUTOINCREMENT CHECK ("id" BETWEEN -2147483648 AND 2147483647) '
        'CHECK (TYPEOF("id") IN (\'integer\', \'null\')), "name" TEXT CHECK (LENGTH("name") <= 20));']
    proc = run("apply", str(folder), "--db-uri", db)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: V1__t.sql:1: ") and "--database-map app=" in proc.stderr
    proc = run("apply", str(folder), "--db-uri", db, "--database-map", "app=")
    assert proc.returncode == 0, proc.stderr
    assert "applied V1__t.sql (1 statements" in proc.stdout
    proc = run("schema", "--db-uri", db)
    assert "`name` VARCHAR(20) COMMENT 'who'" in proc.stdout
    proc = run("status", str(folder), "--db-uri", db, "--database-map", "app=main")  # SQLite's one database
    assert proc.returncode == 0 and proc.stdout.startswith("applied  V1__t.sql"), proc.stderr
    (folder / "V1__t.sql").write_text("CREATE TABLE t (id BIGINT PRIMARY KEY);\n")
    proc = run("status", str(folder), "--db-uri", db)
    assert proc.returncode == 1 and proc.stdout.startswith("changed  V1__t.sql")


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    # Every subcommand: one "error:" line naming the server, exit code 2 (an error), no traceback.
    from tests.netutil import free_port

    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__t.sql").write_text("CREATE TABLE t (id INT PRIMARY KEY);\n")
    uri = f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
    for args in (("plan", str(folder)), ("apply", str(folder)), ("status", str(folder)), ("schema",)):
        proc = run(*args, "--db-uri", uri)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert proc.stderr.startswith("error: UNAVAILABLE: cannot open db"), (args, proc.stderr)
        assert "Traceback" not in proc.stderr, (args, proc.stderr)
