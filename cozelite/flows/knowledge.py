"""Knowledge bases: create, list, delete; upload, inspect and delete documents; retrieve chunks.

Every operation takes the `Caller` and touches only the caller's knowledge bases: another user's
knowledge base or document is "not found" (404), never visible. Retrieval checks every requested
knowledge base id against the caller's, searches only those partitions and also filters the
chunks by owner in the store. Indexing itself is asynchronous (ingest.py); a document's state and
progress are in its record.

`Knowledge` is built once per server (`Knowledge.open(services)`: opens the embedder of
`embedding.uri`, starts the ingest consumer and the resource index) and closed with the server.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from cozelite.flows.chunking import (
    DEFAULT_CHUNK,
    DEFAULT_OVERLAP,
    ChunkingError,
    check_options,
    content_type_of,
)
from cozelite.flows.context import Caller
from cozelite.flows.errors import BadRequest, Conflict, NotFound, TooLarge
from cozelite.flows.ingest import INDEXING, QUEUED, READY, ChunkIndex, Ingestor
from cozelite.flows.metadata import eq, new_id, now_ms
from cozelite.flows.resources import KNOWLEDGE, ResourceIndex
from providers.db.contract import ComplexCondition, Condition, Operator, OrderBy, SortDirection
from providers.embedding import Embedder, open_embedding
from providers.errors import ErrorCode, ProviderError
from providers.search.model import RetrieveMode

log = logging.getLogger("cozelite.knowledge")

MAX_NAME_CHARS = 128
MAX_DESCRIPTION_CHARS = 2000
MAX_QUERY_CHARS = 2000
MAX_TOP_K = 50
MAX_KB_PER_QUERY = 50
MAX_DOCUMENTS_LISTED = 1000


@dataclass(frozen=True)
class KnowledgeBase:
    id: str
    name: str
    description: str
    created_at: int


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    knowledge_id: str
    name: str
    content_type: str
    size: int
    checksum: str
    status: str
    progress_done: int
    progress_total: int
    error: str | None
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class RetrievedChunk:
    chunk_id: str
    knowledge_id: str
    document_id: str
    document_name: str
    index: int
    text: str
    score: float


def _kb(row: dict[str, Any]) -> KnowledgeBase:
    return KnowledgeBase(id=row["id"], name=row["name"], description=row.get("description") or "",
                         created_at=int(row["created_at"]))


def _document(row: dict[str, Any]) -> DocumentInfo:
    return DocumentInfo(id=row["id"], knowledge_id=row["kb_id"], name=row["name"], content_type=row["content_type"],
                        size=int(row["size"]), checksum=row["checksum"], status=row["status"],
                        progress_done=int(row["progress_done"]), progress_total=int(row["progress_total"]),
                        error=row.get("error"), created_at=int(row["created_at"]), updated_at=int(row["updated_at"]))


def _text(value: object, what: str, limit: int, *, required: bool) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"{what} must be a string")
    value = value.strip()
    if required and not value:
        raise BadRequest(f"{what} must not be empty")
    if len(value) > limit:
        raise BadRequest(f"{what} has {len(value)} characters; at most {limit}")
    return value


class Knowledge:
    """The knowledge flows over one `Services`."""

    def __init__(self, services: Any, embedder: Embedder, resources: ResourceIndex) -> None:
        self.services = services
        self.embedder = embedder
        self.resources = resources
        self.index = ChunkIndex(services.retrieval, embedder)
        self.ingestor = Ingestor(services, self.index)

    @classmethod
    def open(cls, services: Any) -> Knowledge:
        """Open the embedder of embedding.uri, start indexing and the resource index; closed with
        the services."""
        embedder = open_embedding(services.providers.config.embedding)
        try:
            resources = ResourceIndex(services)
            knowledge = cls(services, embedder, resources)
            resources.start()
            knowledge.ingestor.start()
        except BaseException:
            embedder.close()
            raise
        services.add_closer(embedder.close)
        return knowledge

    # -- knowledge bases -----------------------------------------------------------------------

    def create(self, caller: Caller, name: object, description: object = "") -> KnowledgeBase:
        kb = KnowledgeBase(id=new_id("kb"), name=_text(name, "name", MAX_NAME_CHARS, required=True),
                           description=_text(description, "description", MAX_DESCRIPTION_CHARS, required=False),
                           created_at=now_ms())
        self.services.db.insert_data("knowledge_bases", [{"id": kb.id, "owner": caller.user_id, "name": kb.name,
                                                          "description": kb.description,
                                                          "created_at": kb.created_at}])
        self.resources.publish_upsert(KNOWLEDGE, kb.id, caller.user_id, kb.name, kb.description)
        return kb

    def list_bases(self, caller: Caller) -> list[KnowledgeBase]:
        rows = self.services.db.select_data("knowledge_bases", where=eq(owner=caller.user_id),
                                            order_by=[OrderBy("created_at", SortDirection.ASC)]).result_set.rows
        return [_kb(r) for r in rows]

    def get(self, caller: Caller, kb_id: str) -> KnowledgeBase:
        rows = self.services.db.select_data("knowledge_bases", where=eq(id=kb_id, owner=caller.user_id),
                                            limit=1).result_set.rows
        if not rows:
            raise NotFound(f"no knowledge base {kb_id!r} of yours; list yours with GET /v1/knowledge")
        return _kb(rows[0])

    def delete(self, caller: Caller, kb_id: str) -> None:
        self.get(caller, kb_id)
        for doc in self._documents(caller, kb_id):
            self._remove_document(doc)
        self.services.db.delete_data("knowledge_bases", where=eq(id=kb_id, owner=caller.user_id))
        self.resources.publish_delete(KNOWLEDGE, kb_id, caller.user_id)

    # -- documents -----------------------------------------------------------------------------

    def upload(self, caller: Caller, kb_id: str, *, filename: str, content_type: str | None, data: bytes,
               chunk_size: int = DEFAULT_CHUNK, chunk_overlap: int = DEFAULT_OVERLAP) -> DocumentInfo:
        self.get(caller, kb_id)
        name = _text(filename or "document", "file name", 255, required=True)
        limit = self.services.settings.max_upload_bytes
        if len(data) > limit:
            raise TooLarge(f"document {name!r} has {len(data)} bytes; at most {limit} (COZE_API_MAX_UPLOAD_BYTES)")
        if not data:
            raise BadRequest(f"document {name!r} is empty")
        try:
            ctype = content_type_of(content_type, name)
            check_options(chunk_size, chunk_overlap)
        except ChunkingError as err:
            raise BadRequest(str(err)) from None
        now = now_ms()
        for _ in range(5):
            base = secrets.randbelow(2**46) + 1
            doc_id = f"doc_{base}"
            blob_key = f"knowledge/{caller.user_id}/{kb_id}/{doc_id}"
            try:
                # The bookkeeping row first: its unique chunk_base claims the id.
                self.services.db.insert_data("knowledge_documents", [{
                    "document_id": doc_id, "chunk_base": base, "chunk_size": chunk_size,
                    "chunk_overlap": chunk_overlap, "collection": self.index.collection, "attempts": 0}])
                break
            except ProviderError as err:
                if err.code is not ErrorCode.ALREADY_EXISTS:
                    raise
        else:
            raise Conflict("could not allocate a document id; try again")
        row = {"id": doc_id, "kb_id": kb_id, "owner": caller.user_id, "name": name, "content_type": ctype,
               "blob_key": blob_key, "status": QUEUED, "progress_done": 0, "progress_total": 0, "error": None,
               "size": len(data), "checksum": hashlib.sha256(data).hexdigest(), "created_at": now, "updated_at": now}
        try:
            self.services.blob.put(blob_key, data, content_type=ctype)
            self.services.db.insert_data("documents", [row])
        except BaseException:
            # Nothing half-made stays behind: no bookkeeping row or original without its document.
            with contextlib.suppress(ProviderError):
                self.services.db.delete_data("knowledge_documents", where=eq(document_id=doc_id))
            with contextlib.suppress(ProviderError):
                self.services.blob.delete(blob_key)
            raise
        try:
            self.ingestor.enqueue(doc_id)
        except ProviderError as err:  # stays queued: the next start-up sweep sends it again
            log.warning("knowledge: could not queue document %s (%s); it stays queued", doc_id, err.message)
        return _document(row)

    def _documents(self, caller: Caller, kb_id: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.services.db.select_data(
            "documents", where=eq(kb_id=kb_id, owner=caller.user_id),
            order_by=[OrderBy("created_at", SortDirection.ASC)], limit=MAX_DOCUMENTS_LISTED).result_set.rows
        return rows

    def documents(self, caller: Caller, kb_id: str) -> list[DocumentInfo]:
        self.get(caller, kb_id)
        return [_document(r) for r in self._documents(caller, kb_id)]

    def _document_row(self, caller: Caller, kb_id: str, doc_id: str) -> dict[str, Any]:
        rows = self.services.db.select_data("documents", where=eq(id=doc_id, kb_id=kb_id, owner=caller.user_id),
                                            limit=1).result_set.rows
        if not rows:
            raise NotFound(f"no document {doc_id!r} in knowledge base {kb_id!r} of yours")
        row: dict[str, Any] = rows[0]
        return row

    def document(self, caller: Caller, kb_id: str, doc_id: str) -> DocumentInfo:
        return _document(self._document_row(caller, kb_id, doc_id))

    def delete_document(self, caller: Caller, kb_id: str, doc_id: str) -> None:
        self._remove_document(self._document_row(caller, kb_id, doc_id))

    def _remove_document(self, row: dict[str, Any]) -> None:
        db = self.services.db
        opts = db.select_data("knowledge_documents", where=eq(document_id=row["id"]), limit=1).result_set.rows
        # The record goes first: an indexer still working on it sees it gone and takes back its chunks.
        db.delete_data("documents", where=eq(id=row["id"]))
        if opts:
            total = max(int(row["progress_total"]), int(row["progress_done"]))
            if row["status"] in (QUEUED, INDEXING):
                total = max(total, 1)  # the chunk count is not known yet: the indexer cleans up
            self.index.remove(int(opts[0]["chunk_base"]), total, opts[0]["collection"])
            db.delete_data("knowledge_documents", where=eq(document_id=row["id"]))
        try:
            self.services.blob.delete(row["blob_key"])
        except ProviderError as err:
            if err.code is not ErrorCode.NOT_FOUND:
                raise

    # -- retrieval -----------------------------------------------------------------------------

    def retrieve(self, caller: Caller, *, query: object, knowledge_ids: object, top_k: int = 5,
                 mode: str | None = None) -> list[RetrievedChunk]:
        text = _text(query, "query", MAX_QUERY_CHARS, required=True)
        if not isinstance(knowledge_ids, list) or not knowledge_ids or \
                not all(isinstance(k, str) for k in knowledge_ids):
            raise BadRequest("knowledge_ids must be a non-empty list of knowledge base ids")
        if len(knowledge_ids) > MAX_KB_PER_QUERY:
            raise BadRequest(f"knowledge_ids names {len(knowledge_ids)} knowledge bases; at most {MAX_KB_PER_QUERY}")
        if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
            raise BadRequest(f"top_k must be an integer 1..{MAX_TOP_K}, got {top_k!r}")
        chosen = mode or ("hybrid" if self.embedder.enabled else "text")
        try:
            how = RetrieveMode(chosen)
        except ValueError:
            raise BadRequest(f"mode must be text, vector or hybrid, got {chosen!r}") from None
        if how is not RetrieveMode.TEXT and not self.embedder.enabled:
            raise BadRequest(f"mode {chosen!r} needs an embedding model and this server has none "
                             "(embedding.uri = none://); use mode \"text\" or configure EMBEDDING_URI")
        owned = {r["id"] for r in self.services.db.select_data(
            "knowledge_bases", fields=["id"],
            where=ComplexCondition(conditions=[Condition("owner", Operator.EQUAL, caller.user_id),
                                               Condition("id", Operator.IN, list(set(knowledge_ids)))])
        ).result_set.rows}
        missing = [k for k in knowledge_ids if k not in owned]
        if missing:
            raise NotFound(f"no knowledge base {missing[0]!r} of yours")
        hits = self.index.search(text, kb_ids=sorted(owned), owner=caller.user_id, top_k=top_k, mode=how)
        # Only chunks of documents that still exist and are the caller's (a chunk of a document
        # deleted while its indexer ran may linger until that indexer cleans up).
        doc_ids = sorted({h.document_id for h in hits})
        names = {r["id"]: r["name"] for r in self.services.db.select_data(
            "documents", fields=["id", "name"],
            where=ComplexCondition(conditions=[Condition("owner", Operator.EQUAL, caller.user_id),
                                               Condition("id", Operator.IN, doc_ids)])).result_set.rows} \
            if doc_ids else {}
        return [RetrievedChunk(chunk_id=str(h.chunk_id), knowledge_id=h.kb_id, document_id=h.document_id,
                               document_name=names[h.document_id], index=h.index, text=h.text, score=h.score)
                for h in hits if h.document_id in names]


def as_dict(value: KnowledgeBase | DocumentInfo | RetrievedChunk) -> dict[str, Any]:
    return asdict(value)


__all__ = ["INDEXING", "QUEUED", "READY", "DocumentInfo", "Knowledge", "KnowledgeBase", "RetrievedChunk", "as_dict"]
