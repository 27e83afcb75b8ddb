"""`GET /blob/{key}?expires=&sig=`: the download end of the blob store's presigned URLs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO
from urllib.parse import quote

from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from providers.errors import ErrorCode, ProviderError

CHUNK = 64 * 1024

# Content types a browser runs or renders with script when shown inline from this origin: served
# as downloads, so an uploaded object can never act as a page of the server.
_ACTIVE_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/xsl",
    "application/xslt+xml", "text/javascript", "application/javascript", "application/x-javascript",
    "application/ecmascript", "text/ecmascript", "text/jscript",
})
# type/subtype, then parameters: what a stored content type must look like to be sent as given.
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;[\x20-\x7e]*)?")
_FALLBACK_TYPE = "application/octet-stream"


def object_headers(key: str, content_type: str | None) -> tuple[str, dict[str, str]]:
    """(media type, extra headers) for serving a stored object.

    Every object gets `X-Content-Type-Options: nosniff`; a malformed content type becomes
    application/octet-stream; active content (HTML, SVG, XML, JavaScript, ...) and any other XML
    type is sent with `Content-Disposition: attachment`."""
    media = (content_type or "").strip()
    if not _MEDIA_TYPE.fullmatch(media):
        media = _FALLBACK_TYPE
    essence = media.split(";", 1)[0].strip().lower()
    headers = {"X-Content-Type-Options": "nosniff"}
    if essence in _ACTIVE_TYPES or essence.endswith("+xml") or "javascript" in essence:
        name = key.rsplit("/", 1)[-1] or "download"
        # RFC 6266/5987: the UTF-8 name percent-encoded, so no byte of the key reaches the header raw.
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    return media, headers


def _chunks(fh: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := fh.read(CHUNK):
            yield chunk
    finally:
        fh.close()


async def download(request: Request) -> Response:
    providers = request.app.state.providers
    store: Any = providers.get("blob")
    if store is None:
        return JSONResponse({"error": "blob provider unavailable"}, status_code=503)
    key = request.path_params["key"]
    expires = request.query_params.get("expires", "")
    sig = request.query_params.get("sig", "")
    try:
        valid = bool(expires and sig) and await run_in_threadpool(store.verify_presigned, key, expires, sig)
    except ProviderError:
        valid = False  # a malformed key or expiry is just a bad signature to the client
    if not valid:
        return JSONResponse({"error": "invalid or expired signature"}, status_code=403)
    try:
        info = await run_in_threadpool(store.head, key)
        if info is None:
            return JSONResponse({"error": f"blob {key!r} not found"}, status_code=404)
        fh = await run_in_threadpool(store.get_stream, key)
    except ProviderError as err:
        if err.code is ErrorCode.NOT_FOUND:
            return JSONResponse({"error": f"blob {key!r} not found"}, status_code=404)
        return JSONResponse({"error": err.message}, status_code=503)
    media, extra = object_headers(key, info.content_type)
    return StreamingResponse(iterate_in_threadpool(_chunks(fh)), media_type=media,
                             headers={"Content-Length": str(info.size), "ETag": f'"{info.etag}"', **extra})
