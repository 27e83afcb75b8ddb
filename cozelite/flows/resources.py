"""Resource search: the caller's databases and knowledge bases, found by name and description.

The index is `INDEX` in the document-search contract (`services.search.es`, Coze Studio's
``coze_resource`` index): one document per resource, id ``<kind>:<id>``, with its kind, id, owner,
name and description. Flows that change a resource send an event on the mq topic `TOPIC`
(`publish_resource_event`: ``{"op": "upsert"|"delete", "kind", "id", "owner", "name",
"description"}``); the consumer started with the server applies it to the index. At start-up
`ResourceIndex.start` also writes every database and knowledge base from the metadata tables into
the index (and removes documents of resources that are gone), so events lost with an in-process
bus (``mem://``) cannot leave the index stale across a restart.

A search always filters on the caller's user id: another user's resources are never returned.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from cozelite.flows.context import Caller
from cozelite.flows.errors import BadRequest
from cozelite.flows.metadata import eq
from providers.errors import ErrorCode, ProviderError
from providers.mq.message import Message
from providers.search.model import (
    Request,
    SortField,
    new_bool_query,
    new_equal_query,
    new_multi_match_query,
)

log = logging.getLogger("cozelite.resources")

INDEX = "coze_resource"
TOPIC = "resource.events"
GROUP = "resource-index"
DATABASE, KNOWLEDGE = "database", "knowledge"
KINDS = (DATABASE, KNOWLEDGE)
MAX_QUERY_CHARS = 500
MAX_RESULTS = 100
# The metadata table of each kind, and its description column.
_TABLES = {DATABASE: "user_databases", KNOWLEDGE: "knowledge_bases"}


@dataclass(frozen=True)
class Resource:
    kind: str
    id: str
    name: str
    description: str
    score: float | None


def publish_resource_event(services: Any, op: str, kind: str, resource_id: str, owner: str, name: str = "",
                           description: str = "") -> None:
    """Tell the resource index that a resource changed (`op` "upsert" or "delete"). Flows that
    create, rename or delete a database or knowledge base call this after their change commits; a
    lost event is repaired by the start-up resync."""
    if op not in ("upsert", "delete") or kind not in KINDS:
        raise ValueError(f"bad resource event {op!r} {kind!r}")
    body = json.dumps({"op": op, "kind": kind, "id": resource_id, "owner": owner, "name": name,
                       "description": description or ""}).encode()
    try:
        services.mq.new_producer(TOPIC, group=GROUP).send(body, sharding_key=f"{kind}:{resource_id}")
    except ProviderError as err:
        log.warning("resources: could not send %s event for %s %s (%s); the next start-up resync repairs it",
                    op, kind, resource_id, err.message)


class ResourceIndex:
    """Keeps `INDEX` current and searches it."""

    def __init__(self, services: Any) -> None:
        self.services = services

    @property
    def es(self) -> Any:
        return self.services.search.es

    def publish_upsert(self, kind: str, resource_id: str, owner: str, name: str, description: str) -> None:
        publish_resource_event(self.services, "upsert", kind, resource_id, owner, name, description)

    def publish_delete(self, kind: str, resource_id: str, owner: str) -> None:
        publish_resource_event(self.services, "delete", kind, resource_id, owner)

    def start(self) -> None:
        es = self.es
        if not es.exists(INDEX):
            t = es.types()
            es.create_index(INDEX, {"kind": t.new_text_property(), "res_id": t.new_text_property(),
                                    "owner": t.new_text_property(), "name": t.new_text_property(),
                                    "description": t.new_text_property()})
        self.services.mq.register_consumer("", TOPIC, GROUP, self.handle)
        self.resync()

    def resync(self) -> int:
        """Write every resource of the metadata tables into the index and drop the documents of
        resources that no longer exist; returns how many resources are indexed."""
        live: set[str] = set()
        for kind, table in _TABLES.items():
            try:
                rows = self.services.db.select_data(table, fields=["id", "owner", "name", "description"]
                                                    ).result_set.rows
            except ProviderError as err:
                if err.code is ErrorCode.NOT_FOUND:
                    continue
                raise
            for r in rows:
                self._upsert(kind, r["id"], r["owner"], r["name"], r.get("description") or "")
                live.add(f"{kind}:{r['id']}")
        for kind in KINDS:
            after: list[Any] = []
            while True:
                resp = self.es.search(INDEX, Request(query=new_equal_query("kind", kind), size=500,
                                                     sort=[SortField("res_id")], search_after=after))
                for hit in resp.hits:
                    if hit.id not in live:
                        self.es.delete(INDEX, hit.id)
                if len(resp.hits) < 500:
                    break
                after = resp.hits[-1].sort
        return len(live)

    def _upsert(self, kind: str, resource_id: str, owner: str, name: str, description: str) -> None:
        doc = {"kind": kind, "res_id": resource_id, "owner": owner, "name": name, "description": description}
        doc_id = f"{kind}:{resource_id}"
        try:
            self.es.create(INDEX, doc_id, doc)
        except ProviderError as err:
            if err.code is not ErrorCode.ALREADY_EXISTS:
                raise
            self.es.update(INDEX, doc_id, doc)

    def handle(self, msg: Message) -> None:
        try:
            event = json.loads(msg.body)
            op, kind, resource_id = event["op"], event["kind"], event["id"]
            if op not in ("upsert", "delete") or kind not in KINDS:
                raise ValueError(f"unknown op/kind {op!r}/{kind!r}")
        except (ValueError, KeyError, TypeError) as err:
            log.warning("resources: dropping a malformed event (%s)", err)
            return
        if op == "delete":
            try:
                self.es.delete(INDEX, f"{kind}:{resource_id}")
            except ProviderError as err:
                if err.code is not ErrorCode.NOT_FOUND:
                    raise
            return
        # An upsert applies the resource as it is now, so a late event never revives a deleted one
        # or restores an old name.
        rows = self.services.db.select_data(_TABLES[kind], fields=["id", "owner", "name", "description"],
                                            where=eq(id=resource_id), limit=1).result_set.rows
        if not rows:
            try:
                self.es.delete(INDEX, f"{kind}:{resource_id}")
            except ProviderError as err:
                if err.code is not ErrorCode.NOT_FOUND:
                    raise
            return
        r = rows[0]
        self._upsert(kind, r["id"], r["owner"], r["name"], r.get("description") or "")

    def search(self, caller: Caller, query: object = "", *, kind: str | None = None, limit: int = 20) -> list[Resource]:
        if not isinstance(query, str) or len(query) > MAX_QUERY_CHARS:
            raise BadRequest(f"query must be a string of at most {MAX_QUERY_CHARS} characters")
        if kind is not None and kind not in KINDS:
            raise BadRequest(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_RESULTS:
            raise BadRequest(f"limit must be an integer 1..{MAX_RESULTS}, got {limit!r}")
        filters = [new_equal_query("owner", caller.user_id)]
        if kind is not None:
            filters.append(new_equal_query("kind", kind))
        must = [new_multi_match_query(["name", "description"], query.strip())] if query.strip() else []
        resp = self.es.search(INDEX, Request(query=new_bool_query(filter=filters, must=must), size=limit))
        return [Resource(kind=h.source["kind"], id=h.source["res_id"], name=h.source["name"],
                         description=h.source.get("description") or "", score=h.score)
                for h in resp.hits if h.source.get("owner") == caller.user_id]
