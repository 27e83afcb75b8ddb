"""The knowledge routes (/v1/knowledge): knowledge bases, documents, retrieval.

Thin HTTP over cozelite/flows/knowledge.py: pydantic models for bodies and answers (422 with a
field path for a malformed body), the caller from the API key, everything else in the flow.
`start(services)` runs once at server start-up (routers.STARTUP_HOOKS): it opens the embedder and
starts the ingest consumer and the resource index.
"""

from __future__ import annotations

import weakref
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from cozelite.api.deps import CallerDep, ServicesDep
from cozelite.flows.chunking import DEFAULT_CHUNK, DEFAULT_OVERLAP, MAX_CHUNK
from cozelite.flows.errors import Unavailable
from cozelite.flows.knowledge import MAX_KB_PER_QUERY, MAX_QUERY_CHARS, MAX_TOP_K, Knowledge, as_dict
from cozelite.flows.services import Services

router = APIRouter(prefix="/v1/knowledge", tags=["knowledge"])

# The running flows of each app's Services (one per server; weak so a closed app frees it).
_RUNNING: weakref.WeakKeyDictionary[Services, Knowledge] = weakref.WeakKeyDictionary()


def start(services: Services) -> None:
    """Open the knowledge flows for this server (embedder, ingest consumer, resource index)."""
    if any(services.providers.get(area) is None for area in ("db", "search", "mq", "blob")):
        return  # a server opened for some areas only (tests, tools): the routes answer 503
    _RUNNING[services] = Knowledge.open(services)


def knowledge_of(services: Services) -> Knowledge:
    running = _RUNNING.get(services)
    if running is None:
        raise Unavailable("the knowledge flows are not running in this server (they need the db, search, mq "
                          "and blob providers)")
    return running


def get_knowledge(services: ServicesDep) -> Knowledge:
    return knowledge_of(services)


KnowledgeDep = Annotated[Knowledge, Depends(get_knowledge)]


class KnowledgeBaseIn(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    description: str = Field(default="", max_length=2000)


class KnowledgeBaseOut(BaseModel):
    id: str
    name: str
    description: str
    created_at: int


class KnowledgeBaseList(BaseModel):
    items: list[KnowledgeBaseOut]


class DocumentOut(BaseModel):
    id: str
    knowledge_id: str
    name: str
    content_type: str
    size: int
    checksum: str
    status: Literal["queued", "indexing", "ready", "failed"]
    progress_done: int
    progress_total: int
    error: str | None
    created_at: int
    updated_at: int


class DocumentList(BaseModel):
    items: list[DocumentOut]


class RetrieveIn(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    knowledge_ids: list[str] = Field(min_length=1, max_length=MAX_KB_PER_QUERY)
    top_k: int = Field(default=5, ge=1, le=MAX_TOP_K)
    mode: Literal["text", "vector", "hybrid"] | None = Field(
        default=None, description="Default: hybrid with an embedding model, else text.")


class ChunkOut(BaseModel):
    chunk_id: str
    knowledge_id: str
    document_id: str
    document_name: str
    index: int
    text: str
    score: float


class RetrieveOut(BaseModel):
    chunks: list[ChunkOut]


@router.post("/retrieve", response_model=RetrieveOut, summary="Chunks of your knowledge bases matching a query")
def retrieve(body: RetrieveIn, caller: CallerDep, knowledge: KnowledgeDep) -> RetrieveOut:
    chunks = knowledge.retrieve(caller, query=body.query, knowledge_ids=body.knowledge_ids, top_k=body.top_k,
                                mode=body.mode)
    return RetrieveOut(chunks=[ChunkOut(**as_dict(c)) for c in chunks])


@router.post("", response_model=KnowledgeBaseOut, status_code=201, summary="Create a knowledge base")
def create_kb(body: KnowledgeBaseIn, caller: CallerDep, knowledge: KnowledgeDep) -> KnowledgeBaseOut:
    return KnowledgeBaseOut(**as_dict(knowledge.create(caller, body.name, body.description)))


@router.get("", response_model=KnowledgeBaseList, summary="Your knowledge bases")
def list_kbs(caller: CallerDep, knowledge: KnowledgeDep) -> KnowledgeBaseList:
    return KnowledgeBaseList(items=[KnowledgeBaseOut(**as_dict(kb)) for kb in knowledge.list_bases(caller)])


@router.get("/{kb_id}", response_model=KnowledgeBaseOut, summary="One of your knowledge bases")
def get_kb(kb_id: str, caller: CallerDep, knowledge: KnowledgeDep) -> KnowledgeBaseOut:
    return KnowledgeBaseOut(**as_dict(knowledge.get(caller, kb_id)))


@router.delete("/{kb_id}", status_code=204, summary="Delete a knowledge base, its documents and chunks")
def delete_kb(kb_id: str, caller: CallerDep, knowledge: KnowledgeDep) -> Response:
    knowledge.delete(caller, kb_id)
    return Response(status_code=204)


@router.post("/{kb_id}/documents", response_model=DocumentOut, status_code=202,
             summary="Upload a document (text, Markdown, HTML or PDF); it is indexed in the background")
async def upload_document(
    kb_id: str, caller: CallerDep, knowledge: KnowledgeDep, request: Request,
    file: Annotated[UploadFile, File(description="The document")],
    chunk_size: Annotated[int, Form(ge=1, le=MAX_CHUNK)] = DEFAULT_CHUNK,
    chunk_overlap: Annotated[int, Form(ge=0, le=MAX_CHUNK)] = DEFAULT_OVERLAP,
) -> DocumentOut:
    data = await file.read()
    doc = await run_in_threadpool(knowledge.upload, caller, kb_id, filename=file.filename or "document",
                                  content_type=file.content_type, data=data, chunk_size=chunk_size,
                                  chunk_overlap=chunk_overlap)
    return DocumentOut(**as_dict(doc))


@router.get("/{kb_id}/documents", response_model=DocumentList, summary="The documents of a knowledge base")
def list_documents(kb_id: str, caller: CallerDep, knowledge: KnowledgeDep) -> DocumentList:
    return DocumentList(items=[DocumentOut(**as_dict(d)) for d in knowledge.documents(caller, kb_id)])


@router.get("/{kb_id}/documents/{doc_id}", response_model=DocumentOut,
            summary="A document's state: queued, indexing (progress_done of progress_total chunks), ready, failed")
def get_document(kb_id: str, doc_id: str, caller: CallerDep, knowledge: KnowledgeDep) -> DocumentOut:
    return DocumentOut(**as_dict(knowledge.document(caller, kb_id, doc_id)))


@router.delete("/{kb_id}/documents/{doc_id}", status_code=204, summary="Delete a document, its chunks and original")
def delete_document(kb_id: str, doc_id: str, caller: CallerDep, knowledge: KnowledgeDep) -> Response:
    knowledge.delete_document(caller, kb_id, doc_id)
    return Response(status_code=204)
