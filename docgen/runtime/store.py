"""The in-memory store behind every generated ``InMemoryService``.

Entities are plain JSON objects kept per concrete collection path (e.g.
``/financials/companies/1/customers``) under their id; singletons (a path with
no id at the end) are kept per path. ``/me`` stands for ``/users/<id>``, where the
id is the bearer token of the request (``me`` without one), so an entity created
through ``/users/u1/things`` is found through ``/me/things`` by a request whose
token is ``u1``. Documented example replies stand in for operations the store
cannot serve (actions, functions, odd paths).
"""

from __future__ import annotations

import copy
import functools
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .errors import NotFound
from .query import Query, apply_entity, apply_list, local_link
from .server import CALLER, QUERY, Content, Reply

__all__ = [
    "DocumentedReply",
    "MemoryBase",
    "MemoryStore",
    "Plan",
    "Route",
    "Seed",
    "canonical",
    "documented",
    "documented_body",
    "merge",
    "now",
    "pick_reply",
]

_NOT_STORED = ("@odata.context",)


@dataclass(frozen=True, slots=True)
class Seed:
    """An entity shown in the docs, loaded into a fresh store."""

    collection: str
    """The concrete collection path (or the singleton's path)."""
    key: str | None
    """The entity's id in the collection; None for a singleton."""
    body: Any
    """The entity as documented."""


@dataclass(frozen=True, slots=True)
class DocumentedReply:
    """A documented example of an operation: what was sent and what came back."""

    path: str
    """The concrete request path, path parameters decoded."""
    request: Any
    """The request body (None when there was none)."""
    status: int
    """The documented status."""
    body: Any
    """The documented response body (None when there was none)."""
    location: str | None = None
    """The ``Location`` header of a documented redirect."""
    query: dict[str, str] | None = None
    """The documented query parameters."""
    media_type: str | None = None
    """The content type of a documented body that is not JSON (``body`` is its text)."""


def pick_reply(
    replies: Sequence[DocumentedReply], path: str, request: Any
) -> DocumentedReply | None:
    """The documented example closest to a request: same body, path and query, else
    same body and path, else same body, else same path, else the first one."""
    query = QUERY.get()
    ranked = sorted(
        range(len(replies)),
        key=lambda i: (
            replies[i].request != request,
            replies[i].path != path,
            (replies[i].query or {}) != query,
            i,
        ),
    )
    return replies[ranked[0]] if ranked else None


def documented(replies: Sequence[DocumentedReply], path: str, request: Any) -> Reply:
    """The documented reply for a request, else 204 with no body.

    Its ``@odata.nextLink`` is left out: the documented link names the docs' host,
    and this service has no next page to serve, so a client must not follow it. Its
    ``@odata.deltaLink`` is kept, as a link to this service.
    """
    reply = pick_reply(replies, path, request)
    if reply is None:
        return Reply(None, 204)
    body = copy.deepcopy(reply.body)
    if isinstance(body, dict):
        body.pop("@odata.nextLink", None)
        if isinstance(body.get("@odata.deltaLink"), str):  # resumed here, not at the docs' host
            body["@odata.deltaLink"] = local_link(body["@odata.deltaLink"])
    headers = {"Location": reply.location} if reply.location else None
    return Reply(body, reply.status, headers, reply.media_type)


def documented_body(replies: Sequence[DocumentedReply], request: Any) -> Any:
    """The documented response body for exactly this request body, else None."""
    for reply in replies:
        if reply.request == request:
            return copy.deepcopy(reply.body)
    return None


def now() -> str:
    """The current time as an ISO 8601 UTC timestamp."""
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def merge(base: Any, patch: Any) -> Any:
    """``patch`` applied to ``base``: objects merged key by key (recursively, as PATCH does
    for complex values), arrays of the same length item by item, anything else replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and len(base) == len(patch):
        return [merge(old, new) for old, new in zip(base, patch)]
    return copy.deepcopy(patch)


def canonical(path: str) -> str:
    """``path`` with ``/me`` spelled as the user the request acts for (``/users/<id>``)."""
    if path == "/me" or path.startswith("/me/"):
        return "/users/" + CALLER.get() + path[3:]
    return path


@dataclass(frozen=True, slots=True)
class Route:
    """How the in-memory service serves one documented path of an operation."""

    template: str
    """The documented path, placeholders as ``{name}``."""
    action: str
    """``create``, ``list``, ``get``, ``update``, ``replace``, ``delete``, ``get_single``,
    ``update_single``, ``replace_single``, ``put_content`` (keep an upload under the path),
    ``get_content`` (send what was kept, else the documented reply) or ``reply`` (a
    documented example)."""
    segments: int
    """Leading segments of the path that name the collection (or the singleton)."""

    def matches(self, path: str) -> bool:
        # A bound on the length keeps a crafted path from costing more than linear time
        # where placeholders stand side by side in one segment.
        return len(path) <= 4096 and _pattern(self.template).match(path) is not None


@dataclass(frozen=True, slots=True)
class Plan:
    """How the in-memory service serves an operation: one route per documented path."""

    routes: tuple[Route, ...]
    server_times: tuple[str, ...] = ()
    """Read-only timestamps a create sets."""
    delta: bool = False
    """A delta function: the last page of a list carries ``@odata.deltaLink``."""


@functools.lru_cache(maxsize=None)
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^{}]*\})", template)
    regex = "".join(
        (
            ("(.+?)" if index and parts[index - 1].endswith(":") else "([^/]+)")
            if index % 2
            else re.escape(part)
        )
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}/?$", re.IGNORECASE)


def _entity(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {}
    return {key: copy.deepcopy(value) for key, value in body.items() if key not in _NOT_STORED}


class MemoryStore:
    """Collections of JSON entities by concrete path, and singletons by path."""

    def __init__(self) -> None:
        self._collections: dict[str, dict[str, dict[str, Any]]] = {}
        self._singletons: dict[str, dict[str, Any]] = {}
        self._contents: dict[str, Content] = {}

    def load(self, seeds: Iterable[Seed]) -> None:
        """Put documented entities into the store; an entity shown by several examples
        gets the properties of all of them."""
        for seed in seeds:
            collection = canonical(seed.collection)
            if seed.key is None:
                known = self._singletons.get(collection, {})
                self.put_single(collection, {**known, **_entity(seed.body)})
            else:
                known = self._collections.get(collection, {}).get(seed.key, {})
                self.put(collection, seed.key, {**known, **_entity(seed.body)})

    def put(self, collection: str, key: str, body: Any) -> str:
        """Store ``body`` under ``key`` (replacing what was there); return the key."""
        collection = canonical(collection)
        self._collections.setdefault(collection, {})[key] = _entity(body)
        return key

    def create(
        self,
        collection: str,
        body: Any,
        *,
        server_times: Iterable[str] = (),
        defaults: Any = None,
    ) -> dict[str, Any]:
        """Store a new entity: an id (a fresh one unless the body brings its own),
        server-set timestamps, and the documented response's properties under the
        request's when the request is a documented one (``defaults``; a documented
        timestamp is kept, as documented, rather than set to now)."""
        given = body.get("id") if isinstance(body, dict) else None
        key = given if isinstance(given, str) and given else str(uuid.uuid4())
        shown = _entity(defaults)
        entity = merge(shown, _entity(body))
        entity["id"] = key
        stamp = now()
        for name in server_times:
            entity[name] = shown.get(name, stamp)
        self._collections.setdefault(collection, {})[key] = entity
        return copy.deepcopy(entity)

    def list(self, collection: str) -> list[dict[str, Any]]:
        """Every entity of a collection, in the order stored."""
        return copy.deepcopy(list(self._collections.get(collection, {}).values()))

    def page(self, collection: str) -> dict[str, Any]:
        """A collection as an OData response body: its items and their count."""
        items = self.list(collection)
        return {"@odata.count": len(items), "value": items}

    def _find(self, collection: str, key: str) -> dict[str, Any]:
        try:
            return self._collections[collection][key]
        except KeyError:
            raise NotFound(f"no entity {key!r} in {collection}") from None

    def get(self, collection: str, key: str) -> dict[str, Any]:
        """One entity; :class:`NotFound` when there is none."""
        return copy.deepcopy(self._find(collection, key))

    def update(self, collection: str, key: str, patch: Any) -> dict[str, Any]:
        """Apply ``patch`` to an entity (see :func:`merge`)."""
        entity = merge(self._find(collection, key), _entity(patch))
        self._collections[collection][key] = entity
        return copy.deepcopy(entity)

    def replace(
        self, collection: str, key: str, body: Any, *, defaults: Any = None
    ) -> dict[str, Any]:
        """Replace an entity, keeping its id (``defaults``: as for :meth:`create`)."""
        self._find(collection, key)
        entity = merge(_entity(defaults), _entity(body))
        entity["id"] = key
        self._collections[collection][key] = entity
        return copy.deepcopy(entity)

    def delete(self, collection: str, key: str) -> None:
        """Remove an entity; :class:`NotFound` when there is none."""
        self._find(collection, key)
        del self._collections[collection][key]

    def put_single(self, path: str, body: Any) -> None:
        """Store a singleton."""
        path = canonical(path)
        self._singletons[path] = _entity(body)

    def get_single(self, path: str) -> dict[str, Any]:
        """A singleton; :class:`NotFound` when there is none."""
        try:
            return copy.deepcopy(self._singletons[path])
        except KeyError:
            raise NotFound(f"nothing at {path}") from None

    def put_content(self, path: str, content: Content) -> None:
        """Keep uploaded content under its path (``/users/u1/things/t1/content``)."""
        self._contents[canonical(path)] = content

    def get_content(self, path: str) -> Content | None:
        """The content uploaded to a path; None when nothing was."""
        return self._contents.get(canonical(path))

    def update_single(self, path: str, patch: Any) -> dict[str, Any]:
        """Merge ``patch`` into a singleton."""
        entity = self._singletons.get(path)
        if entity is None:
            raise NotFound(f"nothing at {path}")
        self._singletons[path] = merge(entity, _entity(patch))
        return copy.deepcopy(self._singletons[path])


class MemoryBase:
    """What the generated in-memory services share: the store, and serving a request from it."""

    store: MemoryStore
    """Where the entities live."""

    def serve(
        self,
        plan: Plan,
        path: str,
        body: Any,
        replies: Sequence[DocumentedReply] = (),
        *,
        query: Query | None = None,
    ) -> Reply:
        """Answer a request for ``path`` (after the version segment) as the route it matches says;
        a list or a get honours ``query`` (see :mod:`.query`)."""
        route = next((r for r in plan.routes if r.matches(path)), plan.routes[0])
        if isinstance(body, Content):
            if route.action == "put_content":
                self.store.put_content(path, body)
            body = body.data
        if isinstance(body, bytes):  # a body that is not JSON matches its documented text
            body = body.decode("utf-8", errors="replace")
        if route.action == "get_content":
            stored = self.store.get_content(path)
            if stored is not None:
                return Reply(stored.data, 200, None, stored.media_type)
            if not replies:  # nothing uploaded here, and no documented example to answer with
                raise NotFound(f"no content at {path}")
        if route.action == "put_content" and not replies:
            return Reply(None)
        if route.action in ("reply", "put_content", "get_content"):
            return documented(replies, path, body)
        parts = path.strip("/").split("/")
        collection = canonical("/" + "/".join(parts[: route.segments]))
        key = parts[route.segments] if route.segments < len(parts) else ""
        store = self.store
        if route.action == "create":
            defaults = documented_body(replies, body)
            return Reply(
                store.create(collection, body, server_times=plan.server_times, defaults=defaults)
            )
        if route.action == "list":
            if query is None and not plan.delta:
                return Reply(store.page(collection))
            return Reply(_listed(store.list(collection), query or Query(), path, plan.delta))
        if route.action == "get":
            return Reply(apply_entity(store.get(collection, key), query or Query()))
        if route.action == "update":
            return Reply(store.update(collection, key, body))
        if route.action == "replace":
            return Reply(
                store.replace(collection, key, body, defaults=documented_body(replies, body))
            )
        if route.action == "delete":
            store.delete(collection, key)
            return Reply(None)
        if route.action == "get_single":
            return Reply(store.get_single(collection))
        if route.action == "update_single":
            return Reply(store.update_single(collection, body))
        store.put_single(collection, body)  # replace_single
        return Reply(store.get_single(collection))


def _listed(items: list[dict[str, Any]], query: Query, path: str, delta: bool) -> dict[str, Any]:
    """A collection as ``query`` asks for it; the last page of a delta function carries
    ``@odata.deltaLink`` (a round here always gives the whole collection: the changes since
    any earlier round are among them)."""
    page = apply_list(items, query, path)
    if delta and "@odata.nextLink" not in page:
        page["@odata.deltaLink"] = path + "?$deltatoken=latest"
    return page
