"""/v1/files: the caller's files (blob provider): upload, presigned download URL, list, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from cozelite.api.deps import CallerDep, ServicesDep
from cozelite.flows import files as flow

router = APIRouter(prefix="/v1/files", tags=["files"])


class FileOut(BaseModel):
    id: str
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: int


class FileList(BaseModel):
    files: list[FileOut]
    total: int


class DownloadURL(BaseModel):
    url: str = Field(description="GET it to download the file; anyone holding it can, until it expires.")
    expires_at: int = Field(description="ms since the epoch")


def _out(f: flow.StoredFile) -> FileOut:
    return FileOut(id=f.id, name=f.name, content_type=f.content_type, size=f.size, sha256=f.checksum,
                   created_at=f.created_at)


@router.post("", status_code=201, response_model=FileOut,
             summary="Upload a file (multipart/form-data, field `file`; size limit COZE_API_MAX_UPLOAD_BYTES)")
async def upload(file: UploadFile, caller: CallerDep, services: ServicesDep) -> FileOut:
    stored = await run_in_threadpool(flow.upload_file, services, caller, file.file, name=file.filename,
                                     content_type=file.content_type)
    return _out(stored)


@router.get("", response_model=FileList, summary="The caller's files, newest first")
def list_files(caller: CallerDep, services: ServicesDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> FileList:
    files, total = flow.list_files(services, caller, limit=limit, offset=offset)
    return FileList(files=[_out(f) for f in files], total=total)


@router.get("/{file_id}", response_model=FileOut, summary="A file's metadata")
def get_file(file_id: str, caller: CallerDep, services: ServicesDep) -> FileOut:
    return _out(flow.get_file(services, caller, file_id))


@router.get("/{file_id}/url", response_model=DownloadURL, summary="A presigned download URL that expires")
def download_url(file_id: str, caller: CallerDep, services: ServicesDep,
                 expires_in: Annotated[int | None, Query(ge=1)] = None) -> DownloadURL:
    url, expires_at = flow.download_url(services, caller, file_id, expires_in)
    return DownloadURL(url=url, expires_at=expires_at)


@router.delete("/{file_id}", status_code=204, summary="Delete a file")
def delete_file(file_id: str, caller: CallerDep, services: ServicesDep) -> Response:
    flow.delete_file(services, caller, file_id)
    return Response(status_code=204)
