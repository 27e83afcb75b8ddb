"""Backup and restore of the embedded providers' data.

A backup directory holds one sub-directory per area with local data (`db/`, `kv/`, `search/`,
`blob/`), each written by that provider's own `backup(dest)` (SQLite's online backup API, an LMDB
copy, a DuckDB checkpointed copy, the blob files), and `manifest.json`, written last: a directory
without it is an interrupted backup and restore refuses it.

`backup` works while a server runs: it finds the server through the data-directory lock
(cozelite/datadir_lock.py) and asks it (the only process that may open DuckDB) to write the copy.
Without a server it opens the providers itself, holding the same lock so no server starts
meanwhile. `restore` is offline only and holds the lock too. Neither loads the web stack.

Server areas (MySQL, Redis, S3, Milvus, ...) are not copied: backing them up is the server's own job
(mysqldump, Redis snapshots, bucket versioning, ...). The manifest lists each under "skipped" with
that reason and the command prints it. A backup with no local area at all is refused (BackupError,
exit code 1, nothing written): an empty backup is never reported as a success.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from cozelite.config import AREAS, Config, ConfigError, local_data_path, raise_problems, redact, uri_problems
from cozelite.datadir_lock import DataDirLock, DataDirLocked, lock_holder
from cozelite.wiring import Providers, open_providers
from providers.errors import ProviderError

MANIFEST = "manifest.json"
# Format 2 adds each file's size and SHA-256 (`checksums`), verified by restore before anything is
# replaced; format 1 backups (no checksums) are still read.
FORMAT = 2
READABLE_FORMATS = (1, 2)
_CHUNK = 1 << 20
# Files next to a database file that belong to it (WAL, shared memory, rollback journal).
_SIDECARS = ("-wal", "-shm", "-journal", ".wal")


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message says why and what to do."""


def _check_config(config: Config) -> None:
    """Malformed file-like URIs fail here, before a path derived from one is read or written."""
    try:
        raise_problems(uri_problems(config))
    except ConfigError as err:
        raise BackupError(str(err)) from None


def _check_empty(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"backup destination {dest} exists and is not an empty directory")


def server_areas(config: Config) -> dict[str, str]:
    """Area -> why it is not in a backup, for every area whose data lives on a server (search's
    retrieval half too, as "search.retrieval")."""
    out: dict[str, str] = {}
    for area in AREAS:
        uri = config.uri(area)
        if local_data_path(uri) is None and not _in_memory(uri):
            out[area] = _server_reason(uri)
    if config.retrieval is not None and local_data_path(config.retrieval.value) is None:
        out["search.retrieval"] = _server_reason(config.retrieval.value)
    return out


def _in_memory(uri: str) -> bool:
    return uri.split(":", 1)[0].lower() == "mem"


def _server_reason(uri: str) -> str:
    scheme = uri.split(":", 1)[0].lower()
    return f"kept by the {scheme} server ({redact(uri)}): back it up with that server's own tools"


def _skip_reason(config: Config, area: str, provider: Any) -> str | None:
    uri = config.uri(area)
    if _in_memory(uri):
        return "in memory: nothing on disk to copy"
    if local_data_path(uri) is None:
        return _server_reason(uri)
    if provider is None:
        return "provider not open"
    return None


def backup_providers(providers: Providers, dest: str | os.PathLike[str]) -> dict[str, Any]:
    """Copy every open provider with local data into `dest` (empty or missing); returns the manifest.
    BackupError, with nothing written, when no area has local data."""
    dest = Path(dest)
    _check_empty(dest)
    config = providers.config
    skipped = {area: reason for area in AREAS
               if (reason := _skip_reason(config, area, providers.get(area))) is not None}
    if config.retrieval is not None and "search" not in skipped:
        # The search backup holds the document store only (providers/search/split.py).
        r_uri = config.retrieval.value
        r_local = local_data_path(r_uri)
        skipped["search.retrieval"] = _server_reason(r_uri) if r_local is None else (
            f"the retrieval store {r_local[0]} has no live backup: copy it while cozelite is stopped")
    if all(area in skipped for area in AREAS):
        raise BackupError("nothing to back up: no area keeps local data (" +
                          "; ".join(f"{a}: {r}" for a, r in skipped.items()) + ")")
    dest.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"format": FORMAT, "created_at": _dt.datetime.now(_dt.UTC).isoformat(),
                                "areas": {}, "skipped": skipped}
    for area in AREAS:
        uri = config.uri(area)
        local = local_data_path(uri)
        provider = providers.get(area)
        if area in skipped or local is None or provider is None:
            continue
        path, is_file = local
        try:
            provider.backup(dest / area)
        except ProviderError as err:
            raise BackupError(f"backup of {area} ({redact(uri)}) failed: {err.message}") from err
        files = sorted(str(p.relative_to(dest / area)) for p in (dest / area).rglob("*") if p.is_file())
        manifest["areas"][area] = {"scheme": providers.scheme(area), "kind": "file" if is_file else "dir",
                                   "name": path.name, "files": files,
                                   "checksums": {f: _digest(dest / area / f) for f in files}}
    tmp = dest / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2))
    os.replace(tmp, dest / MANIFEST)
    return manifest


def backup(config: Config, dest: str | os.PathLike[str], *, timeout: float = 600.0) -> dict[str, Any]:
    """Back up the data `config` names into `dest`, through the running server if there is one."""
    dest = Path(dest).resolve()
    _check_empty(dest)
    _check_config(config)
    holder = lock_holder(config.data_path)
    if holder:
        return _backup_via_server(config.data_path, holder, dest, timeout)
    lock = DataDirLock(config.data_path)
    try:
        lock.acquire()
    except DataDirLocked as err:  # a server (or another backup) started between the check and now
        raise BackupError(str(err)) from None
    try:
        areas = tuple(a for a in AREAS if local_data_path(config.uri(a)) is not None)
        if not areas:
            servers = server_areas(config)
            raise BackupError(
                "nothing to back up: every area is on a server or in memory; a server's data is backed up "
                "with its own tools (" + "; ".join(f"{a}: {r}" for a, r in servers.items()) + ")")
        try:
            providers = open_providers(config, areas=areas, retrieval=False)
        except ConfigError as err:
            raise BackupError(str(err)) from None
        try:
            return backup_providers(providers, dest)
        finally:
            providers.close()
    finally:
        lock.release()


def _backup_via_server(data_dir: Path, holder: dict[str, Any], dest: Path, timeout: float) -> dict[str, Any]:
    host, port, token = holder.get("host"), holder.get("port"), holder.get("token")
    if not host or not port or not token:  # an offline backup or a restore: nobody to ask
        raise BackupError(str(DataDirLocked(data_dir.resolve(), holder)))
    request = urllib.request.Request(
        f"http://{host}:{port}/admin/backup", data=json.dumps({"dest": str(dest)}).encode(), method="POST",
        headers={"content-type": "application/json", "x-cozelite-token": token})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        try:
            detail = json.loads(err.read()).get("error", "")
        except ValueError:
            detail = ""
        raise BackupError(f"the running server (pid {holder.get('pid')}) refused the backup: "
                          f"HTTP {err.code} {detail}") from None
    except (urllib.error.URLError, OSError) as err:
        raise BackupError(f"cannot reach the running server at http://{host}:{port}: {err}") from None


def _digest(path: Path) -> dict[str, Any]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": h.hexdigest()}


def verify(src: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a backup without touching any data: its manifest, and every file against the
    size and SHA-256 the manifest lists (no file missing, none extra). Returns the manifest;
    BackupError names every file that does not match."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{src} is not a complete cozelite backup (no {MANIFEST})") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise BackupError(f"{src / MANIFEST} is not valid JSON: {err}") from None
    if not isinstance(manifest, dict) or manifest.get("format") not in READABLE_FORMATS:
        got = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"{src} has backup format {got!r}; this version reads "
                          f"{', '.join(map(str, READABLE_FORMATS))}")
    bad: list[str] = []
    for area, entry in manifest.get("areas", {}).items():
        if not (src / area).is_dir():
            bad.append(f"{src / area} is missing")
            continue
        if manifest["format"] < 2:
            continue
        expected: dict[str, Any] = entry.get("checksums", {})
        present = {str(p.relative_to(src / area)) for p in (src / area).rglob("*") if p.is_file()}
        bad += [f"{src / area / f}: missing" for f in sorted(set(expected) - present)]
        bad += [f"{src / area / f}: not in the manifest" for f in sorted(present - set(expected))]
        for f in sorted(set(expected) & present):
            got = _digest(src / area / f)
            if got != expected[f]:
                bad.append(f"{src / area / f}: expected {expected[f]['size']} bytes sha256 "
                           f"{expected[f]['sha256'][:16]}..., found {got['size']} bytes sha256 {got['sha256'][:16]}...")
    if bad:
        raise BackupError(f"backup {src} is damaged; nothing was restored and the current data is untouched:\n" +
                          "\n".join(f"  - {b}" for b in bad))
    return manifest


def restore(config: Config, src: str | os.PathLike[str]) -> list[str]:
    """Put a backup back in place of the data `config` names. Offline: refuses while a server
    holds the data directory. Returns a line per restored area.

    Nothing is replaced until every file of the backup matches its checksum and every area is
    copied next to its target; only then are the targets swapped. A failure before the swap leaves
    the current data as it was."""
    src = Path(src)
    manifest = verify(src)
    _check_config(config)
    plan: list[tuple[str, dict[str, Any], Path, bool]] = []
    for area, entry in manifest.get("areas", {}).items():
        local = local_data_path(config.uri(area)) if area in AREAS else None
        if local is None:
            raise BackupError(f"the backup has {area} data but {area}.uri is {redact(config.uri(area))!r}, which "
                              "keeps no local files; restore with the embedded URI (e.g. --lite)")
        plan.append((area, entry, local[0], local[1]))
    config.data_path.mkdir(parents=True, exist_ok=True)
    lock = DataDirLock(config.data_path)
    try:
        lock.acquire()
    except DataDirLocked as err:
        raise BackupError(f"refusing to restore: {err}") from None
    note = "" if manifest["format"] >= 2 else " (format 1 backup: no checksums to verify)"
    staged: list[tuple[Path, Path, bool, str]] = []
    try:
        try:
            for area, entry, path, is_file in plan:
                staging = _stage_file(src / area, entry["name"], path) if is_file else _stage_dir(src / area, path)
                staged.append((staging, path, is_file, area))
        except OSError as err:
            raise BackupError(f"cannot copy the backup into place ({err}); nothing was replaced") from None
        done = []
        for staging, path, is_file, area in staged:
            _swap_file(staging, path) if is_file else _swap_dir(staging, path)
            done.append(f"{area}: {path}{note}")
        staged = []
        return done
    finally:
        for staging, *_ in staged:
            shutil.rmtree(staging, ignore_errors=True)
        lock.release()


def _stage_file(src: Path, name: str, target: Path) -> Path:
    """Copy a database file (and any sidecar the backup holds), renamed to the configured file name,
    into a staging directory beside `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.restoring"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    for f in sorted(src.iterdir()):
        if not f.is_file():
            continue
        new_name = target.name + f.name[len(name):] if f.name.startswith(name) else f.name
        shutil.copy2(f, staging / new_name)
        with open(staging / new_name, "rb+") as fh:
            os.fsync(fh.fileno())
    return staging


def _swap_file(staging: Path, target: Path) -> None:
    for suffix in ("", *_SIDECARS):
        Path(str(target) + suffix).unlink(missing_ok=True)
    for f in sorted(staging.iterdir()):
        os.replace(f, target.parent / f.name)
    staging.rmdir()


def _stage_dir(src: Path, target: Path) -> Path:
    """A copy of a directory store beside `target`, swapped in whole by `_swap_dir`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(src, staging)
    return staging


def _swap_dir(staging: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
