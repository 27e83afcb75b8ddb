"""Blob storage in a local directory: ``file:///var/data/blob``. `FileDriver` fills the blob driver
protocol (providers/blob/driver.py); `open_file` returns the portable `BlobStore` around it.

URI forms (paths follow SQLAlchemy's sqlite rule):
    file:///var/data/blob          directory var/data/blob under the working directory
    file:////srv/cozelite/blob     absolute directory /srv/cozelite/blob
Query parameters (anything else is rejected; keyword arguments of the same name override them):
    base_url=http://127.0.0.1:8080   where `cozelite serve` answers, for presigned URLs
    secret_file=<root>/.presign-secret  HMAC key for presigned URLs; created (32 random bytes, mode
                                     0600) on first open when missing; relative paths are relative to
                                     the working directory
    max_object_bytes=5GiB            largest object (S3's single-PUT limit)
Keyword arguments: ``clock`` (a ``time.time``-like callable used for presigned-URL expiry).

On disk: object ``a/b.txt`` is the plain file ``<root>/a/b.txt``, so the tree can be browsed and
copied with ordinary tools. Its content type, tags and ETag live in ``<root>/.cozelite/meta/a/b.txt.json``
with the data file's size and mtime (ns); metadata that does not match its data file (a crash between
the two renames, or two writers racing) is ignored and recomputed from the data, so data is never
wrong, at worst its content type falls back to a guess from the name.

Writes are atomic and durable: a temp file in ``<root>/.cozelite/tmp`` is written, fsynced and renamed
over the target, then the directory is fsynced; readers see the old object or the new one, never a
mix, and a killed process leaves at most a stray temp file (removed on the next open).

Keys cannot leave the root: the contract refuses NUL, absolute paths, empty, ``.`` and ``..``
segments, a trailing ``/``, segments over 250 bytes and the reserved names ``.cozelite`` and
``.presign-secret`` at the top; here the resolved parent directory must lie inside the root (a
planted symlink cannot redirect a write). As in Go CDK's
fileblob, a key cannot be both an object and a prefix "directory" of another key (``a`` and ``a/b``):
the second put fails with FAILED_PRECONDITION.

Why hand-written and not obstore or fsspec: obstore's LocalStore and fsspec's LocalFileSystem both
handle the bytes, but neither keeps content type or tags for local files, neither presigns local URLs,
fsspec's local writes are not atomic (no temp + rename, no fsync) and obstore would add a compiled
dependency for the ~60 lines of os calls below. The rest (keys, metadata, HMAC URLs) we would write
either way.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import fcntl
import hashlib
import hmac
import json
import math
import os
import re
import shutil
import stat
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from providers.blob import BLOB
from providers.blob.contract import DEFAULT_URL_EXPIRY, RESERVED_NAMES, BlobStore, content_type_for
from providers.blob.objects import FileInfo
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL

_INTERNAL = ".cozelite"
_SECRET_NAME = ".presign-secret"
assert {_INTERNAL, _SECRET_NAME} <= RESERVED_NAMES  # the contract keeps these names out of the key space
_PARAMS = ("base_url", "secret_file", "max_object_bytes")
_CHUNK = 1 << 20
_MAX_META_BYTES = 1 << 20  # a metadata file is a few hundred bytes; a bigger one is not ours


def _size_param(name: str, text: str) -> int:
    m = re.fullmatch(r"\s*(\d+)\s*(B|KiB|MiB|GiB|TiB)?\s*", text)
    if not m:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"file blob parameter {name}={text!r}: expected e.g. 5GiB")
    return int(m.group(1)) * {None: 1, "B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[m.group(2)]


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlocked(path: str) -> bool:
    """Whether no process holds a flock on the file at `path`."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # releases the lock taken, if any


def _open_regular(path: str) -> int | None:
    """A read descriptor of `path` when it is a regular file (None otherwise). O_NONBLOCK: opening a
    FIFO placed in the store would otherwise wait for a writer forever; O_NOFOLLOW: no symlink."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    os.set_blocking(fd, True)
    return fd


def _os_code(err: OSError) -> ErrorCode:
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ErrorCode.PERMISSION_DENIED
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return ErrorCode.RESOURCE_EXHAUSTED
    if err.errno == errno.ENAMETOOLONG:
        return ErrorCode.INVALID_ARGUMENT
    return ErrorCode.UNAVAILABLE


def _os_error(err: OSError, what: str) -> ProviderError:
    code = _os_code(err)
    if code is ErrorCode.INVALID_ARGUMENT:
        return ProviderError(code, f"{what}: a key segment is too long for the file system")
    return ProviderError(code, f"{what}: {err.strerror or err}")


class FileDriver:
    """The blob driver on one directory."""

    def __init__(self, root: str, *, base_url: str = "http://127.0.0.1:8080", secret_file: str | None = None,
                 max_object_bytes: int = 5 * 2**30, clock: Callable[[], float] = time.time) -> None:
        self.root = os.path.abspath(root)
        self.base_url = base_url.rstrip("/")
        self.max_object_bytes = max_object_bytes
        self._clock = clock
        parsed = urllib.parse.urlsplit(self.base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query or parsed.fragment:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT, f"blob base_url {base_url!r} must be an http(s) URL without query")
        self._meta_root = os.path.join(self.root, _INTERNAL, "meta")
        self._tmp = os.path.join(self.root, _INTERNAL, "tmp")
        try:
            for path in (self.root, self._meta_root, self._tmp):
                os.makedirs(path, exist_ok=True)
        except OSError as err:
            raise _os_error(err, f"cannot create blob directory under {self.root!r}") from err
        if not os.access(self.root, os.W_OK | os.X_OK) or not os.access(self._tmp, os.W_OK | os.X_OK):
            raise ProviderError(
                ErrorCode.PERMISSION_DENIED,
                f"blob directory {self.root!r} is not writable by this user (uid {os.getuid()})")
        self._real_root = os.path.realpath(self.root)
        self._clean_tmp()
        self.secret_file = os.path.abspath(secret_file) if secret_file else os.path.join(self.root, _SECRET_NAME)
        self._secret = self._load_secret()

    def __repr__(self) -> str:
        return f"FileDriver({self.root!r})"

    def classify_error(self, err: BaseException) -> ErrorClass:
        return ErrorClass(_os_code(err) if isinstance(err, OSError) else ErrorCode.INTERNAL)

    # -- setup
    def _clean_tmp(self) -> None:
        """Remove the temp files of writers that died, at start-up (not after a day).

        Every open store holds a shared flock on `.cozelite/tmp.lock` for its lifetime. When this
        one gets it exclusively, no other process has the store open and every temp file is a
        leftover. Otherwise another process is live: only temp files whose own flock is free (a
        writer holds its file's lock while it writes, see `_temp_file`) and that are older than a
        minute (the moment between creating a file and locking it) are removed."""
        lock_path = os.path.join(self.root, _INTERNAL, "tmp.lock")
        self._lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except OSError:
            alone = False
        cutoff = time.time() - 60
        for entry in os.scandir(self._tmp):
            with contextlib.suppress(OSError):
                if alone or entry.is_symlink() or not entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
                elif entry.stat(follow_symlinks=False).st_mtime < cutoff and _unlocked(entry.path):
                    os.unlink(entry.path)
        fcntl.flock(self._lock_fd, fcntl.LOCK_SH)  # from exclusive (or nothing) to shared

    def _temp_file(self, prefix: str) -> tuple[int, str]:
        """A new temp file (0600 whatever the umask), locked for as long as `fd` is open."""
        fd, tmp = tempfile.mkstemp(dir=self._tmp, prefix=prefix)
        os.fchmod(fd, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd, tmp

    def _load_secret(self) -> bytes:
        path = self.secret_file
        try:
            with open(path, "rb") as fh:
                secret = fh.read()
        except FileNotFoundError:
            secret = self._create_secret(path)
        except OSError as err:
            raise _os_error(err, f"cannot read presign secret {path!r}") from err
        if len(secret) < 16:
            raise ProviderError(
                ErrorCode.FAILED_PRECONDITION,
                f"presign secret {path!r} has {len(secret)} bytes; it needs at least 16 (delete it to regenerate)")
        return secret

    def _create_secret(self, path: str) -> bytes:
        directory = os.path.dirname(path) or "."
        try:
            os.makedirs(directory, exist_ok=True)
            # Not next to the objects: a leftover of a crash here would be listed as an object.
            tmp_dir = self._tmp if os.path.abspath(directory) == self.root else directory
            fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix=".presign-")
            try:
                os.fchmod(fd, 0o600)
                os.write(fd, os.urandom(32))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                # link() fails if another process created the secret first: everyone uses that one.
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
            _fsync_dir(directory)
            with open(path, "rb") as fh:
                return fh.read()
        except OSError as err:
            raise _os_error(err, f"cannot create presign secret {path!r}") from err

    # -- paths
    def _paths(self, key: str) -> tuple[list[str], str, str]:
        # `key` passed the contract's check_key (or came from a listing of this root).
        segments = key.split("/")
        data = os.path.join(self.root, *segments)
        meta = os.path.join(self._meta_root, *segments[:-1], segments[-1] + ".json")
        return segments, data, meta

    def _inside_root(self, directory: str, key: str, base: str | None = None) -> None:
        """Refuse a directory that resolves outside `base` (the root, or the metadata root for
        metadata paths): a symlinked directory must not lead a read, write or delete elsewhere."""
        real_base = self._real_root if base is None else os.path.realpath(base)
        real = os.path.realpath(directory)
        if real != real_base and not real.startswith(real_base + os.sep):
            raise ProviderError(
                ErrorCode.PERMISSION_DENIED, f"blob key {key!r} resolves outside the store root (a symlink?)")

    def _makedirs(self, directory: str, base: str, key: str) -> None:
        """Create `directory` under `base` one level at a time, 0700 whatever the umask, refusing
        a symlink at any level before anything is created beyond it (os.makedirs follows them)."""
        rel = os.path.relpath(directory, base)
        if rel == ".":
            return
        path = base
        for part in rel.split(os.sep):
            path = os.path.join(path, part)
            try:
                os.mkdir(path, 0o700)
                os.chmod(path, 0o700)
                continue
            except FileExistsError:
                pass
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                raise ProviderError(
                    ErrorCode.PERMISSION_DENIED, f"blob key {key!r} runs through a symlink; refused")
            if not stat.S_ISDIR(st.st_mode):
                raise NotADirectoryError(errno.ENOTDIR, "not a directory", path)

    # -- writing
    def write(self, key: str, chunks: Iterable[bytes], content_type: str, tagging: dict[str, str]) -> None:
        _segments, data_path, meta_path = self._paths(key)
        size, digest, tmp_path = self._write_temp(key, chunks)
        tmp_meta = ""
        try:
            # The mtime we set is recorded in the metadata: it is how a reader tells whether the
            # metadata file belongs to the data file it sees.
            mtime_ns = time.time_ns()
            os.utime(tmp_path, ns=(mtime_ns, mtime_ns))
            meta = {"content_type": content_type, "tagging": tagging, "etag": digest, "size": size,
                    "mtime_ns": mtime_ns}
            # Metadata is not fsynced: after an OS crash a lost or torn metadata file fails the
            # size/mtime check (or does not parse) and is recomputed from the data, which is fsynced.
            tmp_meta = self._write_temp(key, [json.dumps(meta, sort_keys=True).encode("utf-8")], sync=False)[2]
            # Data first: a key that conflicts with another object's path fails before any metadata
            # is written.
            self._install(key, tmp_path, data_path)
            self._install(key, tmp_meta, meta_path, sync=False)
        finally:
            for leftover in (tmp_path, tmp_meta):
                if leftover and os.path.exists(leftover):
                    os.unlink(leftover)

    def _write_temp(self, key: str, chunks: Iterable[bytes], *, sync: bool = True) -> tuple[int, str, str]:
        try:
            fd, tmp = self._temp_file("put-")
        except OSError as err:
            raise _os_error(err, f"cannot write blob {key!r}") from err
        md5 = hashlib.md5(usedforsecurity=False)
        size = 0
        try:
            with os.fdopen(fd, "wb") as fh:
                # The contract's chunk iterator stops an object past max_object_bytes by raising
                # here; the temp file is removed below.
                for chunk in chunks:
                    size += len(chunk)
                    md5.update(chunk)
                    fh.write(chunk)
                fh.flush()
                if sync:
                    os.fsync(fh.fileno())
        except BaseException as err:
            os.unlink(tmp)
            if isinstance(err, OSError):
                raise _os_error(err, f"cannot write blob {key!r}") from err
            raise
        return size, md5.hexdigest(), tmp

    def _install(self, key: str, tmp: str, target: str, *, sync: bool = True) -> None:
        directory = os.path.dirname(target)
        for attempt in range(3):
            base = self._meta_root if target.startswith(self._meta_root + os.sep) else self.root
            try:
                self._makedirs(directory, base, key)
                self._inside_root(directory, key, base)
                os.replace(tmp, target)
                if sync:
                    _fsync_dir(directory)
                return
            except FileNotFoundError:
                # A concurrent delete pruned the (then empty) directory between makedirs and rename.
                if attempt == 2:
                    raise ProviderError(ErrorCode.UNAVAILABLE, f"blob {key!r}: directory kept disappearing") from None
            except (NotADirectoryError, FileExistsError) as err:
                raise ProviderError(
                    ErrorCode.FAILED_PRECONDITION,
                    f"blob key {key!r} runs through an existing object (a key cannot be both an object and a "
                    "prefix of other keys in the file store)") from err
            except IsADirectoryError as err:
                raise ProviderError(
                    ErrorCode.FAILED_PRECONDITION,
                    f"blob key {key!r} is a prefix of existing objects (a key cannot be both an object and a "
                    "prefix of other keys in the file store)") from err
            except OSError as err:
                raise _os_error(err, f"cannot write blob {key!r}") from err

    # -- reading
    def _open(self, key: str) -> BinaryIO:
        _, data_path, _ = self._paths(key)
        try:
            self._inside_root(os.path.dirname(data_path), key)
            fd = _open_regular(data_path)
        except (FileNotFoundError, NotADirectoryError) as err:
            raise ProviderError(ErrorCode.NOT_FOUND, f"blob {key!r} not found") from err
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise ProviderError(ErrorCode.PERMISSION_DENIED, f"blob {key!r} is a symlink; not served") from err
            raise _os_error(err, f"cannot read blob {key!r}") from err
        if fd is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"blob {key!r} not found (not a regular file: a prefix of "
                                "other keys, or something else placed in the store)")
        return os.fdopen(fd, "rb")

    def open_read(self, key: str) -> BinaryIO:
        return self._open(key)

    def delete(self, key: str) -> None:
        _segments, data_path, meta_path = self._paths(key)
        try:
            self._inside_root(os.path.dirname(data_path), key)
            os.unlink(data_path)
        except (FileNotFoundError, NotADirectoryError):
            pass
        except IsADirectoryError:
            return  # a prefix, not an object: nothing to delete
        except OSError as err:
            raise _os_error(err, f"cannot delete blob {key!r}") from err
        try:
            self._inside_root(os.path.dirname(meta_path), key, self._meta_root)
            os.unlink(meta_path)
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError as err:
            raise _os_error(err, f"cannot delete metadata of blob {key!r}") from err
        self._prune(os.path.dirname(data_path), self.root)
        self._prune(os.path.dirname(meta_path), self._meta_root)

    @staticmethod
    def _prune(directory: str, stop: str) -> None:
        # Remove directories the delete left empty, so listing and later puts of a file named like
        # the old prefix keep working.
        while directory != stop and directory.startswith(stop + os.sep):
            try:
                os.rmdir(directory)
            except OSError:
                return
            directory = os.path.dirname(directory)

    def head(self, key: str, with_tagging: bool, with_url: bool) -> FileInfo | None:
        _, data_path, meta_path = self._paths(key)
        try:
            self._inside_root(os.path.dirname(data_path), key)
            st = os.stat(data_path, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as err:
            raise _os_error(err, f"cannot stat blob {key!r}") from err
        if not stat.S_ISREG(st.st_mode):
            return None
        return self._info(key, data_path, meta_path, st, with_tagging, with_url)

    def _info(self, key: str, data_path: str, meta_path: str, st: os.stat_result, with_tagging: bool,
              with_url: bool) -> FileInfo:
        meta = self._read_meta(meta_path, st)
        if meta is None:
            meta = {"content_type": content_type_for(None, key), "tagging": {}, "etag": self._md5(data_path)}
        return FileInfo(
            key=key,
            last_modified=datetime.datetime.fromtimestamp(st.st_mtime_ns / 1e9, tz=datetime.UTC),
            etag=meta["etag"],
            size=st.st_size,
            content_type=meta["content_type"],
            url=self.presign(key, DEFAULT_URL_EXPIRY) if with_url else "",
            tagging=dict(meta["tagging"]) if with_tagging else {},
        )

    def _read_meta(self, meta_path: str, st: os.stat_result) -> dict[str, Any] | None:
        try:
            self._inside_root(os.path.dirname(meta_path), meta_path, self._meta_root)
            fd = _open_regular(meta_path)
            if fd is None:
                return None
            with os.fdopen(fd, "rb") as fh:
                meta = json.loads(fh.read(_MAX_META_BYTES))
        except (OSError, ValueError, ProviderError):
            return None
        if not isinstance(meta, dict) or meta.get("size") != st.st_size or meta.get("mtime_ns") != st.st_mtime_ns:
            return None
        return meta

    @staticmethod
    def _md5(path: str) -> str:
        md5 = hashlib.md5(usedforsecurity=False)
        try:
            fd = _open_regular(path)
            if fd is None:
                return ""
            with os.fdopen(fd, "rb") as fh:
                for chunk in iter(lambda: fh.read(_CHUNK), b""):
                    md5.update(chunk)
        except OSError:
            return ""
        return md5.hexdigest()

    # -- listing
    def _iter_objects(self, prefix: str, start_after: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        yield from self._walk(self.root, "", prefix, start_after)

    def _walk(self, directory: str, base: str, prefix: str, start_after: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            return  # removed by a concurrent delete
        except OSError as err:
            raise _os_error(err, f"cannot list blob directory {directory!r}") from err
        items: list[tuple[str, os.DirEntry[str], bool]] = []
        for entry in entries:
            name = entry.name
            if (not base and name in RESERVED_NAMES) or _undecodable(name):
                continue
            # A directory sorts as name + "/": the order of the keys below it among their siblings.
            if entry.is_dir(follow_symlinks=False):
                items.append((name + "/", entry, True))
            elif entry.is_file(follow_symlinks=False):
                items.append((name, entry, False))
        items.sort(key=lambda item: item[0])
        for sort_name, entry, is_dir in items:
            full = base + sort_name
            if is_dir:
                if not (full.startswith(prefix) or prefix.startswith(full)):
                    continue
                if start_after and start_after > full and not start_after.startswith(full):
                    continue  # every key below is smaller than the cursor
                yield from self._walk(entry.path, full, prefix, start_after)
            elif full.startswith(prefix) and full > start_after:
                yield full, entry

    def _file_info(self, key: str, entry: os.DirEntry[str], with_tagging: bool, with_url: bool) -> FileInfo | None:
        _, _, meta_path = self._paths(key)
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            return None
        return self._info(key, entry.path, meta_path, st, with_tagging, with_url)

    def list_objects(self, prefix: str, start_after: str, limit: int | None, with_tagging: bool,
                     with_url: bool) -> tuple[list[FileInfo], bool]:
        files: list[FileInfo] = []
        for key, entry in self._iter_objects(prefix, start_after):
            if limit is not None and len(files) == limit:
                return files, True
            info = self._file_info(key, entry, with_tagging, with_url)
            if info is not None:
                files.append(info)
        return files, False

    # -- presigned URLs
    def _signature(self, key: str, expires: str) -> str:
        return hmac.new(self._secret, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def presign(self, key: str, expires_in: float) -> str:
        expires = str(math.ceil(self._clock() + expires_in))
        return f"{self.base_url}/blob/{urllib.parse.quote(key)}?expires={expires}&sig={self._signature(key, expires)}"

    def verify(self, key: str, expires: str, sig: str) -> bool:
        if not re.fullmatch(r"[0-9]{1,12}", expires) or int(expires) < self._clock():
            return False
        return hmac.compare_digest(self._signature(key, expires).encode(), sig.encode("utf-8", "replace"))

    # -- lifecycle
    def ping(self) -> None:
        token = os.urandom(16)
        try:
            fd, tmp = self._temp_file("ping-")
            try:
                os.write(fd, token)
                os.fsync(fd)
                os.lseek(fd, 0, os.SEEK_SET)
                echoed = os.read(fd, 64)
            finally:
                os.close(fd)
                os.unlink(tmp)
        except OSError as err:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"blob store {self.root!r} failed ping: {err.strerror}") from err
        if echoed != token:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"blob store {self.root!r} failed ping: short read")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._lock_fd)  # the store's shared lock (see _clean_tmp)

    def backup(self, dest_dir: str) -> None:
        """Copy every object (and its metadata, and the presign secret when it lives in the root) into
        ``dest_dir``, empty or missing (the portable type checked) and outside the root. Objects are
        replaced by rename, never modified in place, so each copied object is one complete version;
        objects written while the backup runs may or may not be in it. Restore: copy the directory
        back into place before opening."""
        dest = os.path.abspath(dest_dir)
        if dest == self._real_root or dest.startswith(self._real_root + os.sep) or dest == self.root \
                or dest.startswith(self.root + os.sep):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob backup directory {dest!r} is inside the store root")
        try:
            os.makedirs(dest, exist_ok=True)
            for key, entry in self._iter_objects("", ""):
                segments, _, meta_path = self._paths(key)
                self._copy(entry.path, os.path.join(dest, *segments))
                rel_meta = os.path.relpath(meta_path, self.root)
                if os.path.exists(meta_path):
                    self._copy(meta_path, os.path.join(dest, rel_meta))
            os.makedirs(os.path.join(dest, _INTERNAL, "tmp"), exist_ok=True)
            if os.path.dirname(self.secret_file) == self.root:
                self._copy(self.secret_file, os.path.join(dest, _SECRET_NAME))
                os.chmod(os.path.join(dest, _SECRET_NAME), 0o600)
        except OSError as err:
            raise _os_error(err, f"blob backup to {dest!r} failed") from err

    @staticmethod
    def _copy(src: str, dst: str) -> None:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            with open(src, "rb") as fin, open(dst, "wb") as fout:
                shutil.copyfileobj(fin, fout, _CHUNK)
                fout.flush()
                os.fsync(fout.fileno())
                st = os.fstat(fin.fileno())
            # Same mtime as the source: the metadata check compares it.
            os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))
        except FileNotFoundError:
            if os.path.exists(dst):
                os.unlink(dst)  # deleted while the backup ran: not part of it


def _undecodable(name: str) -> bool:
    # Names the file system could not decode as UTF-8 are not keys this store wrote.
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@BLOB.register("file")
def open_file(url: ProviderURL, *, base_url: str | None = None, secret_file: str | None = None,
              clock: Callable[[], float] = time.time) -> BlobStore:
    path = url.local_dir()
    url.reject_unknown_params(_PARAMS)
    p = url.params
    return BlobStore(FileDriver(
        path,
        base_url=base_url or p.get("base_url") or "http://127.0.0.1:8080",
        secret_file=secret_file or p.get("secret_file") or None,
        max_object_bytes=_size_param("max_object_bytes", p["max_object_bytes"]) if "max_object_bytes" in p
        else 5 * 2**30,
        clock=clock,
    ), name="file")
