"""A migrations folder: which files apply, in which order, their checksums, and their statements.

Naming (atlas, flyway, golang-migrate): `V1__init.sql`, `V1_1__x.sql`, `20240101120000_x.up.sql`,
`0001_x.sql`, `20240101_x.sql`. `.down.sql` files (golang-migrate's reverse steps), `atlas.sum` and
anything not ending in `.sql` are ignored. Files apply by version (the leading number, compared as
numbers so V10 follows V9; flyway's V1_1 is 1.1), then by name: for zero-padded or timestamp names
this is the lexical order.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

from cozelite.migrate.model import MigrationError

MAX_FILE_BYTES = 16 * 2**20
MAX_STATEMENTS = 20_000
_VERSION = re.compile(r"^[Vv]?(\d+(?:[._]\d+)*)(?=[_.\-]|$)")


@dataclass(frozen=True)
class MigrationFile:
    name: str  # the file name: what the revisions table records
    path: str
    version: tuple[int, ...]
    checksum: str  # sha256 of the bytes, hex
    text: str


@dataclass(frozen=True)
class Statement:
    sql: str
    line: int  # 1-based line of the statement's first character


def _version(name: str) -> tuple[int, ...]:
    m = _VERSION.match(name)
    if m is None:
        return ()
    parts = m.group(1)
    # flyway writes V1_1 for 1.1; a timestamp or counter prefix is one number
    if name[:1] in "Vv" and "__" in name:
        return tuple(int(p) for p in re.split(r"[._]", parts))
    return (int(re.split(r"[._]", parts)[0]),)


def discover(folder: str) -> list[MigrationFile]:
    """The folder's migration files in the order they apply."""
    if not os.path.isdir(folder):
        raise MigrationError(f"{folder}: not a directory (give the folder holding the .sql migration files)")
    files = []
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if not name.endswith(".sql") or name.endswith(".down.sql") or not os.path.isfile(path):
            continue
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise MigrationError(f"{name}: {size} bytes, more than the {MAX_FILE_BYTES} a migration file may have")
        data = open(path, "rb").read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise MigrationError(f"{name}: not UTF-8 (byte {err.start}); save the file as UTF-8") from err
        files.append(MigrationFile(name, path, _version(name), hashlib.sha256(data).hexdigest(), text))
    files.sort(key=lambda f: (f.version == (), f.version, f.name))
    seen: dict[tuple[int, ...], str] = {}
    for f in files:
        if f.version and f.version in seen and f.name.startswith(("V", "v")):
            version = ".".join(map(str, f.version))
            raise MigrationError(f"{f.name} and {seen[f.version]} have the same version {version}")
        seen[f.version] = f.name
    return files


# The one executable comment kept: a SET of FOREIGN_KEY_CHECKS (mysqldump wraps it in /*!40014 ... */);
# the others mysqldump writes (character sets, time zone, DISABLE KEYS) have no effect on a target.
_EXECUTABLE_FK = re.compile(r"/\*!\d{0,6}\s*(SET\b[^;]*?\bFOREIGN_KEY_CHECKS\b[^;]*?)\s*\*/", re.I | re.S)


def split(text: str, file: str = "") -> list[Statement]:
    """The statements of a file (`;`-separated), skipping comments (`--`, `#`, `/* */`, including
    MySQL's `/*! ... */` version comments, except a SET of FOREIGN_KEY_CHECKS, which is kept as the
    statement it wraps) and empty statements. Quotes ('', "", ``) are respected."""
    out: list[Statement] = []
    buf: list[str] = []
    start_line = None
    line = 1
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == "\\" and ch != "`":
                    j += 2
                    continue
                if text[j] == ch:
                    if j + 1 < n and text[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            if j >= n:
                raise MigrationError(f"{file}:{line}: unterminated {ch} quote")
            piece = text[i:j + 1]
            if start_line is None:
                start_line = line
            buf.append(piece)
            line += piece.count("\n")
            i = j + 1
            continue
        if (text.startswith("--", i) and (i + 2 >= n or text[i + 2] in " \t\r\n")) or ch == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise MigrationError(f"{file}:{line}: unterminated /* comment")
            kept = _EXECUTABLE_FK.fullmatch(text[i:j + 2])
            if kept is not None and start_line is None:
                start_line = line  # mysqldump's `/*!40014 SET ... FOREIGN_KEY_CHECKS=0 */`: the statement it wraps
            line += text[i:j].count("\n")
            i = j + 2
            buf.append(f" {kept.group(1)} " if kept is not None else " ")
            continue
        if ch == ";":
            sql = "".join(buf).strip()
            if sql:
                _check(sql, file, start_line or line)
                out.append(Statement(sql, start_line or line))
                if len(out) > MAX_STATEMENTS:
                    raise MigrationError(f"{file}: more than {MAX_STATEMENTS} statements")
            buf, start_line = [], None
            i += 1
            continue
        if ch == "\n":
            line += 1
        elif not ch.isspace() and start_line is None:
            start_line = line
        buf.append(ch)
        i += 1
    sql = "".join(buf).strip()
    if sql:
        _check(sql, file, start_line or line)
        out.append(Statement(sql, start_line or line))
    return out


def _check(sql: str, file: str, line: int) -> None:
    if sql.upper().startswith("DELIMITER"):
        raise MigrationError(f"{file}:{line}: DELIMITER (stored routines and triggers) is not supported in migrations")
