"""Indexing uploaded documents: the chunk index in the retrieval store and the consumer that fills it.

An upload (knowledge.py) stores the original in the blob provider, records the document as
``queued`` and sends ``{"document_id": ...}`` on the mq topic `TOPIC`. The `Ingestor`, started with
the server, consumes that topic: it reads the original back, extracts and splits the text
(chunking.py), embeds the chunks when an embedder is configured and stores them in the retrieval
store, updating the document's progress (``indexing`` n/m) as batches land, then marks it
``ready`` (or ``failed`` with the reason).

At-least-once and idempotent: a chunk's id is ``chunk_base * 65536 + index`` (the document's
`chunk_base` is fixed at upload), so indexing a document again (a redelivered message, a crash
half-way, the start-up sweep) overwrites the same chunks instead of adding copies. The start-up
sweep (`Ingestor.start`) sends again every document that is not ready or failed: with the
in-process bus (``mem://``) queued messages die with the process, and a durable bus (NATS)
redelivers unacked ones anyway, which the idempotent indexing absorbs.

A failing document is retried by the bus; after `MAX_ATTEMPTS` failed attempts it is marked
``failed`` with the last error, so a document never stays ``indexing`` forever.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cozelite.flows.chunking import ChunkingError, extract_text, split_text
from cozelite.flows.metadata import eq, now_ms
from providers.db.contract import ComplexCondition, Condition, Operator
from providers.embedding import Embedder
from providers.errors import ErrorCode, ProviderError
from providers.mq.message import Message
from providers.search.model import (
    CreateRequest,
    Document,
    Field,
    FieldType,
    RetrieveMode,
    RetrieveOptions,
)

log = logging.getLogger("cozelite.knowledge")

TOPIC = "knowledge.ingest"
GROUP = "knowledge-indexer"
CHUNK_ID_SPAN = 65536  # chunk ids: chunk_base * CHUNK_ID_SPAN + index (chunking.MAX_CHUNKS is below it)
MAX_ATTEMPTS = 3
EMBED_BATCH = 32
# Document states, as GET .../documents/{id} shows them.
QUEUED, INDEXING, READY, FAILED = "queued", "indexing", "ready", "failed"


def chunk_id(base: int, index: int) -> int:
    return base * CHUNK_ID_SPAN + index


@dataclass(frozen=True)
class Hit:
    chunk_id: int
    kb_id: str
    document_id: str
    index: int
    text: str
    score: float


class ChunkIndex:
    """The chunks of every knowledge base in one retrieval collection per embedder: partition =
    knowledge base id, scalar fields kb_id / document_id / owner / chunk_index, the chunk text
    indexed for BM25 and, with an embedder, its vector (cosine)."""

    def __init__(self, retrieval: Any, embedder: Embedder) -> None:
        self.retrieval = retrieval
        self.embedder = embedder
        tag = "text" if not embedder.enabled else re.sub(r"[^a-z0-9]+", "_",
                                                           f"{embedder.implementation}_{embedder.dimensions}".lower())
        self.collection = f"kb_chunks_{tag}"
        self._store: Any = None
        self._lock = threading.Lock()

    def store(self) -> Any:
        with self._lock:
            if self._store is None:
                dim = self.embedder.dimensions if self.embedder.enabled else None
                fields = [Field("kb_id", FieldType.TEXT), Field("document_id", FieldType.TEXT),
                          Field("owner", FieldType.TEXT), Field("chunk_index", FieldType.INT64),
                          Field("text_content", FieldType.TEXT, indexing=True, nullable=True, dim=dim)]
                self.retrieval.searchstore.create(CreateRequest(self.collection, fields,
                                                                {"embedder": self.embedder.model}))
                self._store = self.retrieval.searchstore.get_search_store(self.collection)
            return self._store

    def put(self, *, kb_id: str, document_id: str, owner: str, base: int, start: int, texts: Sequence[str]) -> None:
        vectors = self.embedder.embed(list(texts)) if self.embedder.enabled else None
        docs = [Document(id=str(chunk_id(base, start + i)), content=text,
                         dense_vector=None if vectors is None else vectors[i],
                         external={"kb_id": kb_id, "document_id": document_id, "owner": owner,
                                   "chunk_index": start + i})
                for i, text in enumerate(texts)]
        self.store().store(docs, partition=kb_id)

    def remove(self, base: int, count: int, collection: str | None = None) -> None:
        """Delete chunks 0..count-1 of a document (ids that were never written are ignored)."""
        if count <= 0:
            return
        store = self.store() if collection in (None, self.collection) else \
            self.retrieval.searchstore.get_search_store(collection)
        ids = [str(chunk_id(base, i)) for i in range(count)]
        for start in range(0, len(ids), 1000):
            store.delete(ids[start:start + 1000])

    def search(self, query: str, *, kb_ids: Sequence[str], owner: str, top_k: int, mode: RetrieveMode) -> list[Hit]:
        # The partitions are knowledge bases the flow checked are the caller's; the owner test below
        # is the second guard. (No DSL filter: it would make the store re-render the statement on
        # every call instead of reusing its cached shape.)
        options = RetrieveOptions(top_k=top_k, mode=mode, partitions=list(kb_ids))
        if mode is not RetrieveMode.TEXT:
            options.query_vector = self.embedder.embed_query(query)
        found = self.store().retrieve(query, options)
        return [Hit(chunk_id=int(d.id), kb_id=str(d.external.get("kb_id")),
                    document_id=str(d.external.get("document_id")), index=int(d.external.get("chunk_index") or 0),
                    text=d.content, score=float(d.score or 0.0))
                for d in found if d.external.get("owner") == owner]


class Ingestor:
    """Consumes `TOPIC` and indexes documents; `start()` registers the consumer and sweeps."""

    def __init__(self, services: Any, index: ChunkIndex) -> None:
        self.services = services
        self.index = index
        self._producer: Any = None

    # -- sending -------------------------------------------------------------------------------

    def enqueue(self, document_id: str) -> None:
        if self._producer is None:
            self._producer = self.services.mq.new_producer(TOPIC, group=GROUP)
        self._producer.send(json.dumps({"document_id": document_id}).encode(), sharding_key=document_id)

    def start(self) -> int:
        """Register the consumer, then send again every document left queued or indexing (by a
        crash, or a bus that lost its messages); returns how many were sent."""
        self.index.store()
        self.services.mq.register_consumer("", TOPIC, GROUP, self.handle)
        pending = self.services.db.select_data(
            "documents", fields=["id"],
            where=ComplexCondition(conditions=[Condition("status", Operator.IN, [QUEUED, INDEXING])])).result_set.rows
        for row in pending:
            self.enqueue(row["id"])
        if pending:
            log.info("knowledge: re-queued %d unfinished document(s) at start-up", len(pending))
        return len(pending)

    # -- consuming -----------------------------------------------------------------------------

    def handle(self, msg: Message) -> None:
        try:
            document_id = json.loads(msg.body)["document_id"]
            if not isinstance(document_id, str):
                raise TypeError("document_id is not a string")
        except (ValueError, KeyError, TypeError) as err:
            log.warning("knowledge: dropping a malformed ingest message (%s)", err)
            return
        try:
            self.index_document(document_id)
        except ChunkingError as err:
            self._set(document_id, status=FAILED, error=str(err))
        except Exception as err:
            attempts = self._attempt(document_id)
            if attempts >= MAX_ATTEMPTS:
                log.warning("knowledge: document %s failed %d times, giving up: %s", document_id, attempts, err)
                self._set(document_id, status=FAILED, error=f"indexing failed {attempts} times; last error: {err}")
                return
            raise  # the bus delivers the message again

    def _doc(self, document_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        db = self.services.db
        rows = db.select_data("documents", where=eq(id=document_id), limit=1).result_set.rows
        opts = db.select_data("knowledge_documents", where=eq(document_id=document_id), limit=1).result_set.rows
        if not rows or not opts:
            return None
        return rows[0], opts[0]

    def _set(self, document_id: str, **values: Any) -> None:
        values["updated_at"] = now_ms()
        self.services.db.update_data("documents", values, where=eq(id=document_id))

    def _attempt(self, document_id: str) -> int:
        db = self.services.db
        rows = db.select_data("knowledge_documents", fields=["attempts"], where=eq(document_id=document_id),
                              limit=1).result_set.rows
        if not rows:
            return MAX_ATTEMPTS
        attempts = int(rows[0]["attempts"]) + 1
        db.update_data("knowledge_documents", {"attempts": attempts}, where=eq(document_id=document_id))
        return attempts

    def index_document(self, document_id: str) -> None:
        found = self._doc(document_id)
        if found is None:
            return  # deleted since it was queued
        doc, opts = found
        if doc["status"] in (READY, FAILED):
            return  # a redelivered message for a document that is done
        base, kb_id, owner = int(opts["chunk_base"]), doc["kb_id"], doc["owner"]
        try:
            data = self.services.blob.get(doc["blob_key"])
        except ProviderError as err:
            if err.code is ErrorCode.NOT_FOUND:
                raise ChunkingError("the uploaded original is missing from the blob store; upload it again") from err
            raise
        chunks = split_text(extract_text(data, doc["content_type"], doc["name"]),
                            int(opts["chunk_size"]), int(opts["chunk_overlap"]))
        self._set(document_id, status=INDEXING, progress_done=0, progress_total=len(chunks), error=None)
        for start in range(0, len(chunks), EMBED_BATCH):
            batch = chunks[start:start + EMBED_BATCH]
            self.index.put(kb_id=kb_id, document_id=document_id, owner=owner, base=base, start=start,
                           texts=[c.text for c in batch])
            if self._doc(document_id) is None:  # deleted while indexing: take back what was written
                self.index.remove(base, start + len(batch))
                return
            self._set(document_id, progress_done=start + len(batch))
        self._set(document_id, status=READY, progress_done=len(chunks), progress_total=len(chunks))
        if self._doc(document_id) is None:
            self.index.remove(base, len(chunks))
