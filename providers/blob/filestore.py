"""Blob storage in a local directory: ``file:///var/data/blob``.

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

Keys cannot leave the root: NUL, absolute paths, empty, ``.`` and ``..`` segments, a trailing ``/``
and the reserved names ``.cozelite`` and ``.presign-secret`` at the top are refused, and the resolved
parent directory must lie inside the root (a planted symlink cannot redirect a write). Each segment
between '/'s is at most 250 bytes (file-name limits). As in Go CDK's
fileblob, a key cannot be both an object and a prefix "directory" of another key (``a`` and ``a/b``):
the second put fails with FAILED_PRECONDITION.

Why hand-written and not obstore or fsspec: obstore's LocalStore and fsspec's LocalFileSystem both
handle the bytes, but neither keeps content type or tags for local files, neither presigns local URLs,
fsspec's local writes are not atomic (no temp + rename, no fsync) and obstore would add a compiled
dependency for the ~60 lines of os calls below. The rest (keys, metadata, HMAC URLs) we would write
either way.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import errno
import hashlib
import hmac
import json
import math
import mimetypes
import os
import re
import shutil
import stat
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import BinaryIO

from providers.blob import BLOB
from providers.blob.contract import (
    MAX_KEY_BYTES,
    BlobStore,
    Expiry,
    FileInfo,
    ListPage,
    check_tagging,
    expiry_seconds,
)
from providers.errors import ErrorCode, ProviderError
from providers.registry import ProviderURL

_INTERNAL = ".cozelite"
_SECRET_NAME = ".presign-secret"
_RESERVED_TOP = frozenset({_INTERNAL, _SECRET_NAME})
_PARAMS = ("base_url", "secret_file", "max_object_bytes")
_CHUNK = 1 << 20
_CONTENT_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+( *; *[\w.+-]+=(\"[^\"\r\n]*\"|[\w.+-]+))*")
DEFAULT_URL_EXPIRY = 3600.0
# File systems allow 255-byte names; the metadata file adds ".json".
MAX_SEGMENT_BYTES = 250


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


def _os_error(err: OSError, what: str) -> ProviderError:
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ProviderError(ErrorCode.PERMISSION_DENIED, f"{what}: {err.strerror}")
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return ProviderError(ErrorCode.RESOURCE_EXHAUSTED, f"{what}: {err.strerror}")
    if err.errno == errno.ENAMETOOLONG:
        return ProviderError(ErrorCode.INVALID_ARGUMENT, f"{what}: a key segment is too long for the file system")
    return ProviderError(ErrorCode.UNAVAILABLE, f"{what}: {err.strerror or err}")


def check_key(key: object) -> list[str]:
    """The key's path segments, or INVALID_ARGUMENT."""
    if not isinstance(key, str):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key must be a str, not {type(key).__name__}")
    if not key:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, "blob key must not be empty")
    if "\x00" in key:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key {key[:60]!r} contains NUL")
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError as err:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key {key[:60]!r} is not valid Unicode") from err
    if size > MAX_KEY_BYTES:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key is {size} bytes; at most {MAX_KEY_BYTES}")
    if key.startswith("/"):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key {key[:60]!r} is absolute; keys are relative")
    segments = key.split("/")
    for seg in segments:
        if seg in ("", ".", ".."):
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"blob key {key[:60]!r} has an empty, '.' or '..' segment (or a trailing '/'); keys cannot "
                "navigate directories")
        if len(seg.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT,
                f"blob key {key[:60]!r} has a segment longer than {MAX_SEGMENT_BYTES} bytes between '/'s "
                "(a file-name limit of the file store)")
    if segments[0] in _RESERVED_TOP:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob key {key[:60]!r} uses the reserved name {segments[0]!r}")
    return segments


def _check_content_type(content_type: str | None, key: str) -> str:
    if content_type is None or content_type == "":
        guessed, _ = mimetypes.guess_type(key, strict=False)
        return guessed or "application/octet-stream"
    if not isinstance(content_type, str) or len(content_type) > 255 or not _CONTENT_TYPE.fullmatch(content_type):
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT, f"blob content type {content_type!r} is not a valid media type (type/subtype)")
    return content_type


def _chunks(stream: BinaryIO | Iterable[bytes]) -> Iterator[bytes]:
    read = getattr(stream, "read", None)
    if callable(read):
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                return
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise ProviderError(
                    ErrorCode.INVALID_ARGUMENT, "blob put_stream needs a binary stream (read() -> bytes)")
            yield bytes(chunk)
    elif isinstance(stream, (bytes, bytearray, memoryview, str)):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, "blob put_stream takes a stream or an iterable of chunks; "
                            "use put() for bytes")
    else:
        try:
            iterator = iter(stream)
        except TypeError as err:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT, f"blob put_stream cannot read a {type(stream).__name__}") from err
        for chunk in iterator:
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise ProviderError(
                    ErrorCode.INVALID_ARGUMENT, f"blob put_stream chunk must be bytes, not {type(chunk).__name__}")
            yield bytes(chunk)


class FileStore(BlobStore):
    def __init__(self, root: str, *, base_url: str = "http://127.0.0.1:8080", secret_file: str | None = None,
                 max_object_bytes: int = 5 * 2**30, clock: Callable[[], float] = time.time) -> None:
        self.root = os.path.abspath(root)
        self.base_url = base_url.rstrip("/")
        self.max_object_bytes = max_object_bytes
        self._clock = clock
        self._closed = False
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
        return f"FileStore({self.root!r})"

    # -- setup
    def _clean_tmp(self) -> None:
        # Leftovers of killed writers; old enough that no live writer still owns them.
        cutoff = time.time() - 24 * 3600
        for entry in os.scandir(self._tmp):
            try:
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
            except OSError:
                pass

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
    def _check_open(self) -> None:
        if self._closed:
            raise ProviderError(ErrorCode.UNAVAILABLE, f"blob store {self.root!r} is closed")

    def _paths(self, key: str) -> tuple[list[str], str, str]:
        self._check_open()
        segments = check_key(key)
        data = os.path.join(self.root, *segments)
        meta = os.path.join(self._meta_root, *segments[:-1], segments[-1] + ".json")
        return segments, data, meta

    def _inside_root(self, directory: str, key: str) -> None:
        real = os.path.realpath(directory)
        if real != self._real_root and not real.startswith(self._real_root + os.sep):
            raise ProviderError(
                ErrorCode.PERMISSION_DENIED, f"blob key {key!r} resolves outside the store root (a symlink?)")

    # -- writing
    def put(self, key: str, data: bytes, *, content_type: str | None = None,
            tagging: Mapping[str, str] | None = None) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT, f"blob put needs bytes, not {type(data).__name__}; encode text first")
        self._write(key, [bytes(data)] if data else [], content_type, tagging)

    def put_stream(self, key: str, stream: BinaryIO | Iterable[bytes], *, content_type: str | None = None,
                   tagging: Mapping[str, str] | None = None) -> None:
        self._write(key, _chunks(stream), content_type, tagging)

    def _write(self, key: str, chunks: Iterable[bytes], content_type: str | None,
               tagging: Mapping[str, str] | None) -> None:
        _segments, data_path, meta_path = self._paths(key)
        ctype = _check_content_type(content_type, key)
        tags = check_tagging(tagging)
        size, digest, tmp_path = self._write_temp(key, chunks)
        tmp_meta = ""
        try:
            # The mtime we set is recorded in the metadata: it is how a reader tells whether the
            # metadata file belongs to the data file it sees.
            mtime_ns = time.time_ns()
            os.utime(tmp_path, ns=(mtime_ns, mtime_ns))
            meta = {"content_type": ctype, "tagging": tags, "etag": digest, "size": size, "mtime_ns": mtime_ns}
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
            fd, tmp = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        except OSError as err:
            raise _os_error(err, f"cannot write blob {key!r}") from err
        md5 = hashlib.md5(usedforsecurity=False)
        size = 0
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_object_bytes:
                        raise ProviderError(
                            ErrorCode.INVALID_ARGUMENT,
                            f"blob {key!r} is larger than max_object_bytes={self.max_object_bytes} of {self.root!r}")
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
            try:
                os.makedirs(directory, exist_ok=True)
                self._inside_root(directory, key)
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
            fd = os.open(data_path, os.O_RDONLY | os.O_NOFOLLOW)
        except (FileNotFoundError, NotADirectoryError) as err:
            raise ProviderError(ErrorCode.NOT_FOUND, f"blob {key!r} not found") from err
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise ProviderError(ErrorCode.PERMISSION_DENIED, f"blob {key!r} is a symlink; not served") from err
            raise _os_error(err, f"cannot read blob {key!r}") from err
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise ProviderError(ErrorCode.NOT_FOUND, f"blob {key!r} not found (it is a prefix of other keys)")
        return os.fdopen(fd, "rb")

    def get(self, key: str) -> bytes:
        with self._open(key) as fh:
            return fh.read()

    def get_stream(self, key: str) -> BinaryIO:
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

    def head(self, key: str, *, with_tagging: bool = False, with_url: bool = False) -> FileInfo | None:
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
            meta = {"content_type": _check_content_type(None, key), "tagging": {}, "etag": self._md5(data_path)}
        return FileInfo(
            key=key,
            last_modified=datetime.datetime.fromtimestamp(st.st_mtime_ns / 1e9, tz=datetime.UTC),
            etag=meta["etag"],
            size=st.st_size,
            content_type=meta["content_type"],
            url=self.presign_get(key, DEFAULT_URL_EXPIRY) if with_url else "",
            tagging=dict(meta["tagging"]) if with_tagging else {},
        )

    @staticmethod
    def _read_meta(meta_path: str, st: os.stat_result) -> dict | None:
        try:
            with open(meta_path, "rb") as fh:
                meta = json.loads(fh.read())
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("size") != st.st_size or meta.get("mtime_ns") != st.st_mtime_ns:
            return None
        return meta

    @staticmethod
    def _md5(path: str) -> str:
        md5 = hashlib.md5(usedforsecurity=False)
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(_CHUNK), b""):
                    md5.update(chunk)
        except OSError:
            return ""
        return md5.hexdigest()

    # -- listing
    def _iter_objects(self, prefix: str, start_after: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        if not isinstance(prefix, str):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob prefix must be a str, not {type(prefix).__name__}")
        self._check_open()
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
            if (not base and name in _RESERVED_TOP) or _undecodable(name):
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

    def list_all(self, prefix: str = "", *, with_tagging: bool = False, with_url: bool = False) -> list[FileInfo]:
        out = []
        for key, entry in self._iter_objects(prefix, ""):
            info = self._file_info(key, entry, with_tagging, with_url)
            if info is not None:
                out.append(info)
        return out

    def list_paginated(self, prefix: str = "", *, page_size: int = 100, cursor: str = "", with_tagging: bool = False,
                       with_url: bool = False) -> ListPage:
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= 1000:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob page_size must be 1..1000, got {page_size!r}")
        start_after = self._decode_cursor(cursor)
        files: list[FileInfo] = []
        more = False
        for key, entry in self._iter_objects(prefix, start_after):
            if len(files) == page_size:
                more = True
                break
            info = self._file_info(key, entry, with_tagging, with_url)
            if info is not None:
                files.append(info)
        next_cursor = self._encode_cursor(files[-1].key) if more and files else ""
        return ListPage(files=files, cursor=next_cursor, is_truncated=more)

    @staticmethod
    def _encode_cursor(key: str) -> str:
        return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii").rstrip("=")

    @staticmethod
    def _decode_cursor(cursor: str) -> str:
        if not isinstance(cursor, str):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob cursor must be a str, not {type(cursor).__name__}")
        if not cursor:
            return ""
        try:
            return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError) as err:
            raise ProviderError(
                ErrorCode.INVALID_ARGUMENT, f"blob cursor {cursor[:40]!r} is not one this store returned") from err

    # -- presigned URLs
    def _signature(self, key: str, expires: str) -> str:
        return hmac.new(self._secret, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def presign_get(self, key: str, expires_in: Expiry) -> str:
        check_key(key)
        self._check_open()
        expires = str(math.ceil(self._clock() + expiry_seconds(expires_in)))
        return f"{self.base_url}/blob/{urllib.parse.quote(key)}?expires={expires}&sig={self._signature(key, expires)}"

    def verify_presigned(self, key: str, expires: str, sig: str) -> bool:
        if not isinstance(key, str) or not isinstance(expires, str) or not isinstance(sig, str):
            return False
        if not re.fullmatch(r"[0-9]{1,12}", expires) or int(expires) < self._clock():
            return False
        try:
            check_key(key)
        except ProviderError:
            return False
        return hmac.compare_digest(self._signature(key, expires).encode(), sig.encode("utf-8", "replace"))

    # -- lifecycle
    def ping(self) -> None:
        self._check_open()
        token = os.urandom(16)
        try:
            fd, tmp = tempfile.mkstemp(dir=self._tmp, prefix="ping-")
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
        self._closed = True

    def backup(self, dest_dir: str | os.PathLike[str]) -> None:
        """Copy every object (and its metadata, and the presign secret when it lives in the root) into
        ``dest_dir``, empty or missing and outside the root. Objects are replaced by rename, never
        modified in place, so each copied object is one complete version; objects written while the
        backup runs may or may not be in it. Restore: copy the directory back into place before opening."""
        self._check_open()
        dest = os.path.abspath(os.fspath(dest_dir))
        if dest == self._real_root or dest.startswith(self._real_root + os.sep) or dest == self.root \
                or dest.startswith(self.root + os.sep):
            raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"blob backup directory {dest!r} is inside the store root")
        try:
            os.makedirs(dest, exist_ok=True)
            if os.listdir(dest):
                raise ProviderError(ErrorCode.FAILED_PRECONDITION, f"blob backup directory {dest!r} is not empty")
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
              clock: Callable[[], float] = time.time) -> FileStore:
    if url.host:
        raise ProviderError(
            ErrorCode.INVALID_ARGUMENT,
            f"file URI {url.redacted!r} has a host; use file:///relative/dir or file:////absolute/dir")
    if not url.path:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"file URI {url.redacted!r} names no directory")
    url.reject_unknown_params(_PARAMS)
    p = url.params
    return FileStore(
        url.path,
        base_url=base_url or p.get("base_url") or "http://127.0.0.1:8080",
        secret_file=secret_file or p.get("secret_file") or None,
        max_object_bytes=_size_param("max_object_bytes", p["max_object_bytes"]) if "max_object_bytes" in p
        else 5 * 2**30,
        clock=clock,
    )
