"""Blob storage on any S3-API server: ``s3://bucket/prefix?endpoint=...&region=...``. `S3Driver`
fills the blob driver protocol (providers/blob/driver.py); `open_s3` returns the portable `BlobStore`
around it.

URI forms::

    s3://bucket                                   objects at the top of the bucket (AWS, default endpoint)
    s3://bucket/some/prefix                       objects under "some/prefix/"
    s3://ACCESS_KEY:SECRET@bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1

Credentials: the URI's user and password when given (the password never appears in messages),
else boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, ~/.aws, instance roles).
Query parameters (anything else is rejected):

    endpoint=http://host:port   the S3 API's address (MinIO, moto, Ceph, ...); path-style addressing
    region=us-east-1            the signing region
    addressing=path|virtual     bucket in the path (default with an endpoint) or in the host name
    connect_timeout=3           seconds to reach the server; an unreachable server fails open() within
                                about (connect_timeout x attempts), never hangs
    read_timeout=30             seconds a response may stall
    attempts=2                  tries per call (boto3's standard retry mode: throttling, 5xx, resets)
    create_bucket=false         create the bucket when it is missing (tests, first run); otherwise a
                                missing bucket fails open() with FAILED_PRECONDITION
    max_object_bytes=5GiB       largest object (S3's single-PUT limit: every object is one PUT, so
                                its ETag is its MD5, as in the file store)

Differences from the file store (the blob conformance suite lists each with its reason):
- Presigned URLs are S3's own (SigV4 query signing) and point at the S3 server, not at
  `cozelite serve`; `verify_presigned` is therefore always False (the server's /blob route is for
  the file store). `S3Driver.presign_put` makes a presigned PUT a plain HTTP client can use.
- Keys are flat: ``a`` and ``a/b`` can both be objects.
- `backup` is UNIMPLEMENTED: backing up a bucket is the S3 server's job (versioning, replication,
  `aws s3 sync`).

Why boto3 and not obstore: obstore covers put/get/list/delete/head and presigning, and is faster per
call, but it cannot read an object's tags (no GetObjectTagging), which `head(with_tagging=True)` and
listings with tags need; boto3 covers the whole contract with one client.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO

import boto3
import botocore.config
import botocore.exceptions

from providers.blob import BLOB
from providers.blob.contract import DEFAULT_URL_EXPIRY, BlobStore, check_key, expiry_seconds
from providers.blob.objects import FileInfo
from providers.errors import ErrorCode, ProviderError
from providers.portable import ErrorClass
from providers.registry import ProviderURL

_PARAMS = ("endpoint", "region", "addressing", "connect_timeout", "read_timeout", "attempts", "create_bucket",
           "max_object_bytes")
_SPOOL = 8 * 2**20  # a streamed object is kept in memory up to this size, then in a temp file
_LIST_PAGE = 1000
_LIST_HEADS = 8
"""Concurrent HEAD requests while listing (botocore's connection pool holds 10): a listing has no
content type, so each listed object costs one round trip; in parallel a 1,000-object page takes
about an eighth of the serial time."""
_NOT_FOUND = {"NoSuchKey", "404", "NotFound"}
_DENIED = {"AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden"}
_TRUE = {"1", "true", "yes", "on"}


def _size_param(name: str, text: str) -> int:
    m = re.fullmatch(r"\s*(\d+)\s*(B|KiB|MiB|GiB|TiB)?\s*", text)
    if not m:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"s3 blob parameter {name}={text!r}: expected e.g. 5GiB")
    return int(m.group(1)) * {None: 1, "B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[m.group(2)]


def _number(url: ProviderURL, name: str, default: float) -> float:
    raw = url.params.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"{url.redacted!r}: {name}={raw!r} must be a positive number")
    return value


def _error_code(err: BaseException) -> str:
    if isinstance(err, botocore.exceptions.ClientError):
        return str(err.response.get("Error", {}).get("Code", ""))
    return ""


def _classify(err: BaseException) -> ErrorClass:
    code = _error_code(err)
    if code in _NOT_FOUND:
        return ErrorClass(ErrorCode.NOT_FOUND)
    if code in _DENIED:
        return ErrorClass(ErrorCode.PERMISSION_DENIED, "the S3 server refused the credentials")
    if code == "NoSuchBucket":
        return ErrorClass(ErrorCode.FAILED_PRECONDITION, "the bucket does not exist")
    if code in ("SlowDown", "ServiceUnavailable", "RequestTimeout", "InternalError", "500", "503"):
        return ErrorClass(ErrorCode.UNAVAILABLE, "the S3 server is busy or failing; retry")
    if isinstance(err, (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError,
                        botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectionClosedError,
                        botocore.exceptions.HTTPClientError, ConnectionError, TimeoutError)):
        return ErrorClass(ErrorCode.UNAVAILABLE, "cannot reach the S3 server; retry")
    if isinstance(err, botocore.exceptions.NoCredentialsError):
        return ErrorClass(ErrorCode.PERMISSION_DENIED, "no S3 credentials: put them in the URI or AWS_* variables")
    return ErrorClass(ErrorCode.INTERNAL)


class _Body(io.RawIOBase):
    """A botocore StreamingBody as a raw binary file (so callers get a normal BufferedReader)."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class S3Driver:
    """The blob driver on one bucket (and key prefix) of an S3-API server."""

    def __init__(self, bucket: str, prefix: str, *, endpoint: str | None, region: str | None,
                 access_key: str | None, secret_key: str | None, addressing: str = "path",
                 connect_timeout: float = 3.0, read_timeout: float = 30.0, attempts: int = 2,
                 create_bucket: bool = False, max_object_bytes: int = 5 * 2**30, where: str = "") -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint = endpoint
        self.max_object_bytes = max_object_bytes
        self.where = where or f"s3://{bucket}"
        config = botocore.config.Config(
            connect_timeout=connect_timeout, read_timeout=read_timeout,
            retries={"max_attempts": attempts, "mode": "standard"},
            s3={"addressing_style": addressing}, signature_version="s3v4")
        session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                        region_name=region or "us-east-1")
        self.client = session.client("s3", endpoint_url=endpoint, config=config)
        # Its threads start on first use only.
        self._heads = ThreadPoolExecutor(max_workers=_LIST_HEADS, thread_name_prefix="s3-list")
        self._check_bucket(create_bucket)

    def __repr__(self) -> str:
        return f"S3Driver({self.where!r})"

    def _server(self) -> str:
        return self.endpoint or "the AWS S3 endpoint"

    def _check_bucket(self, create: bool) -> None:
        """A real round trip at open: an unreachable server or a missing bucket fails here, naming both."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except Exception as err:
            code = _error_code(err)
            if code not in ("404", "NoSuchBucket", "NotFound"):
                kind, hint = _classify(err)
                raise ProviderError(kind, f"cannot open blob store {self.where!r} on {self._server()}: "
                                    f"{hint + ' ' if hint else ''}({type(err).__name__}: {err})") from err
            if not create:
                raise ProviderError(
                    ErrorCode.FAILED_PRECONDITION,
                    f"bucket {self.bucket!r} does not exist on {self._server()} (create it, or add "
                    "create_bucket=true to the URI)") from err
        try:
            self.client.create_bucket(Bucket=self.bucket)
        except botocore.exceptions.ClientError as err:
            if _error_code(err) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise ProviderError(_classify(err).code, f"cannot create bucket {self.bucket!r} on "
                                    f"{self._server()}: {err}") from err

    def classify_error(self, err: BaseException) -> ErrorClass:
        return _classify(err)

    def _key(self, key: str) -> str:
        return self.prefix + key

    # -- writing
    def write(self, key: str, chunks: Iterable[bytes], content_type: str, tagging: dict[str, str]) -> None:
        # One PUT of a known length: S3 replaces an object atomically, and a stream that fails part
        # way (too large, a reader error) never reaches the server.
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL) as spool:
            size = 0
            for chunk in chunks:
                spool.write(chunk)
                size += len(chunk)
            spool.seek(0)
            extra: dict[str, Any] = {"ContentType": content_type}
            if tagging:
                extra["Tagging"] = urllib.parse.urlencode(tagging, quote_via=urllib.parse.quote)
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=spool, ContentLength=size, **extra)

    # -- reading
    def open_read(self, key: str) -> BinaryIO:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except botocore.exceptions.ClientError as err:
            if _error_code(err) in _NOT_FOUND:
                raise ProviderError(ErrorCode.NOT_FOUND, f"blob {key!r} not found") from err
            raise
        return io.BufferedReader(_Body(response["Body"]), buffer_size=1 << 20)  # type: ignore[return-value]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def _tags(self, full_key: str) -> dict[str, str]:
        response = self.client.get_object_tagging(Bucket=self.bucket, Key=full_key)
        return {t["Key"]: t["Value"] for t in response.get("TagSet", [])}

    def head(self, key: str, with_tagging: bool, with_url: bool) -> FileInfo | None:
        full = self._key(key)
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=full)
            tags = self._tags(full) if with_tagging else {}
        except botocore.exceptions.ClientError as err:
            if _error_code(err) in _NOT_FOUND:
                return None
            raise
        return FileInfo(
            key=key,
            last_modified=_utc(response["LastModified"]),
            etag=str(response.get("ETag", "")).strip('"'),
            size=int(response["ContentLength"]),
            content_type=response.get("ContentType") or "application/octet-stream",
            url=self.presign(key, DEFAULT_URL_EXPIRY) if with_url else "",
            tagging=tags,
        )

    def list_objects(self, prefix: str, start_after: str, limit: int | None, with_tagging: bool,
                     with_url: bool) -> tuple[list[FileInfo], bool]:
        files: list[FileInfo] = []
        args: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix + prefix}
        if start_after:
            args["StartAfter"] = self.prefix + start_after
        while True:
            want = _LIST_PAGE if limit is None else min(_LIST_PAGE, limit + 1 - len(files))
            response = self.client.list_objects_v2(MaxKeys=want, **args)
            items = response.get("Contents", [])
            if limit is not None and len(files) + len(items) > limit:
                files.extend(self._listed_page(items[:limit - len(files)], with_tagging, with_url))
                return files, True
            files.extend(self._listed_page(items, with_tagging, with_url))
            if not response.get("IsTruncated"):
                return files, False
            if limit is not None and len(files) == limit:
                return files, True
            args["ContinuationToken"] = response["NextContinuationToken"]
            args.pop("StartAfter", None)

    def _listed_page(self, items: list[dict[str, Any]], with_tagging: bool, with_url: bool) -> list[FileInfo]:
        """The listed objects of one page, in listing order, their HEADs in parallel; an object
        deleted between the listing and its HEAD is left out, as a listing a moment later would."""
        if len(items) <= 1:
            found = [self._listed(item, with_tagging, with_url) for item in items]
        else:
            found = list(self._heads.map(lambda item: self._listed(item, with_tagging, with_url), items))
        return [info for info in found if info is not None]

    def _listed(self, item: dict[str, Any], with_tagging: bool, with_url: bool) -> FileInfo | None:
        full: str = item["Key"]
        key = full[len(self.prefix):]
        # A listing has no content type: one HEAD per object gives it, as the file store's metadata does.
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=full)
        except botocore.exceptions.ClientError as err:
            if _error_code(err) in _NOT_FOUND:
                return None
            raise
        return FileInfo(
            key=key,
            last_modified=_utc(item["LastModified"]),
            etag=str(item.get("ETag", "")).strip('"'),
            size=int(item["Size"]),
            content_type=head.get("ContentType") or "application/octet-stream",
            url=self.presign(key, DEFAULT_URL_EXPIRY) if with_url else "",
            tagging=self._tags(full) if with_tagging else {},
        )

    # -- presigned URLs
    def presign(self, key: str, expires_in: float) -> str:
        return str(self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self._key(key)}, ExpiresIn=int(expires_in)))

    def presign_put(self, key: str, expires_in: float, content_type: str | None = None) -> str:
        """A URL that lets anyone PUT the object for `expires_in` seconds (an upload straight from a
        browser). With `content_type`, the upload must send that Content-Type header. The key is
        checked as every contract key is."""
        check_key(key)
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self._key(key)}
        if content_type:
            params["ContentType"] = content_type
        return str(self.client.generate_presigned_url("put_object", Params=params,
                                                       ExpiresIn=int(expiry_seconds(expires_in))))

    def verify(self, key: str, expires: str, sig: str) -> bool:
        # S3 checks its own signatures; cozelite's /blob route never serves this store's objects.
        return False

    # -- lifecycle
    def ping(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)

    def close(self) -> None:
        self._heads.shutdown(wait=True)
        self.client.close()

    def backup(self, dest_dir: str) -> None:
        raise ProviderError(
            ErrorCode.UNIMPLEMENTED,
            f"backup of {self.where!r} is the S3 server's job (bucket versioning, replication, "
            "`aws s3 sync`); cozelite backs up local data only")


def _utc(value: datetime.datetime) -> datetime.datetime:
    # botocore gives listings in local time and HEADs in UTC: one zone for every FileInfo.
    return value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value.astimezone(datetime.UTC)


@BLOB.register("s3")
def open_s3(url: ProviderURL, *, clock: Callable[[], float] | None = None) -> BlobStore:
    """`clock` is not supported (S3 signs with the real time); passing one is an error."""
    url.reject_unknown_params(_PARAMS)
    if clock is not None:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, "the s3 blob store signs URLs with the real clock; "
                            "clock= is a file-store option")
    if not url.host:
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"s3 URI {url.redacted!r} names no bucket (s3://bucket/prefix)")
    p = url.params
    endpoint = p.get("endpoint") or None
    if endpoint is not None:
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ProviderError(ErrorCode.INVALID_ARGUMENT,
                                f"{url.redacted!r}: endpoint={endpoint!r} must be an http(s) URL")
    addressing = p.get("addressing") or ("path" if endpoint else "virtual")
    if addressing not in ("path", "virtual"):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"{url.redacted!r}: addressing must be path or virtual")
    attempts = _number(url, "attempts", 2)
    if attempts != int(attempts):
        raise ProviderError(ErrorCode.INVALID_ARGUMENT, f"{url.redacted!r}: attempts must be a whole number")
    create = (p.get("create_bucket") or "false").lower()
    shown = url.redacted.split("?", 1)[0]
    return BlobStore(S3Driver(
        url.host, url.path, endpoint=endpoint, region=p.get("region") or None,
        access_key=urllib.parse.unquote(url.username) if url.username else None,
        secret_key=urllib.parse.unquote(url.password) if url.password else None,
        addressing=addressing,
        connect_timeout=_number(url, "connect_timeout", 3.0), read_timeout=_number(url, "read_timeout", 30.0),
        attempts=int(attempts), create_bucket=create in _TRUE,
        max_object_bytes=_size_param("max_object_bytes", p["max_object_bytes"]) if "max_object_bytes" in p
        else 5 * 2**30,
        where=shown,
    ), name="s3")
