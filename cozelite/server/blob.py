"""`GET /blob/{key}?expires=&sig=`: the download end of the blob store's presigned URLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from providers.errors import ErrorCode, ProviderError

CHUNK = 64 * 1024


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
    return StreamingResponse(iterate_in_threadpool(_chunks(fh)), media_type=info.content_type,
                             headers={"Content-Length": str(info.size), "ETag": f'"{info.etag}"'})
