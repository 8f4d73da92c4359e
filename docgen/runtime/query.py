"""OData query options: read from a request into a :class:`Query`, and applied to
JSON entities by the in-memory service (``$filter``, ``$orderby``, ``$count``,
``$skip``, ``$top`` with a next page link, ``$select``).

A service method whose page documents query options gets the request's
:class:`Query` as its ``query`` keyword: the system options typed, every other
query parameter as text in ``params``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from .errors import BadRequest
from .filters import FilterError, parse_filter
from .limits import LIMITS

__all__ = [
    "NO_QUERY",
    "Query",
    "absolute_links",
    "apply_entity",
    "apply_list",
    "join_list",
    "local_link",
    "query_of",
    "request_headers",
    "request_params",
    "split_list",
]

_LIST_OPTIONS = ("$select", "$expand", "$orderby")
_TEXT_OPTIONS = ("$filter", "$search")
_INT_OPTIONS = ("$top", "$skip")
_ALWAYS_SELECTED = frozenset({"id"})


@dataclass(frozen=True, slots=True)
class Query:
    """The query options of a request."""

    select: tuple[str, ...] = ()
    """``$select``: the properties to return (empty: all)."""
    expand: tuple[str, ...] = ()
    """``$expand``: navigation properties to include."""
    filter: str | None = None
    """``$filter``: the expression the items must satisfy."""
    orderby: tuple[str, ...] = ()
    """``$orderby``: ``property [asc|desc]`` terms, most significant first."""
    top: int | None = None
    """``$top``: the most items a page returns."""
    skip: int | None = None
    """``$skip``: items to leave out before the first one returned."""
    search: str | None = None
    """``$search``: the search expression, as sent."""
    count: bool = False
    """``$count=true``: the response carries ``@odata.count``."""
    params: Mapping[str, str] = field(default_factory=dict)
    """Every other query parameter, as sent (``startDateTime``, ``$skiptoken``...)."""


NO_QUERY = Query()
"""No query options: the default of the ``query`` keyword of service methods."""


def split_list(text: str) -> tuple[str, ...]:
    """``a, b(c,d)`` -> ``('a', 'b(c,d)')``: items split at top-level commas, blanks dropped."""
    items: list[str] = []
    depth, start, quoted = 0, 0, False
    for index, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            items.append(text[start:index].strip())
            start = index + 1
    items.append(text[start:].strip())
    return tuple(item for item in items if item)


def join_list(values: Sequence[str]) -> str:
    """``['id', 'displayName']`` -> ``id,displayName`` (a client's list option)."""
    return ",".join(str(value) for value in values)


def _integer(name: str, text: str) -> int:
    if not text.strip().isdigit():
        raise BadRequest(f"{name} must be a non-negative integer, got {text!r}")
    return int(text)


def query_of(params: Mapping[str, str]) -> Query:
    """The :class:`Query` of a request's query parameters (option names ignore case);
    :class:`BadRequest` for a value an option cannot take."""
    options: dict[str, Any] = {}
    others: dict[str, str] = {}
    for name, value in params.items():
        key = name.lower()
        if key in _LIST_OPTIONS:
            options[key[1:]] = split_list(value)
        elif key in _TEXT_OPTIONS:
            options[key[1:]] = value
        elif key in _INT_OPTIONS:
            options[key[1:]] = _integer(name, value)
        elif key == "$count":
            if value.lower() not in ("true", "false"):
                raise BadRequest(f"$count must be true or false, got {value!r}")
            options["count"] = value.lower() == "true"
        else:
            others[name] = value
    return Query(**options, params=others)


def _select(entity: Any, select: tuple[str, ...]) -> Any:
    """The selected properties of an entity, with its id and annotations (``@odata.type``...)."""
    if not select or not isinstance(entity, dict):
        return entity
    wanted = {name.split("/", 1)[0].lower() for name in select} | _ALWAYS_SELECTED
    if "*" in wanted:
        return entity
    return {
        key: value for key, value in entity.items() if key.startswith("@") or key.lower() in wanted
    }


def apply_entity(entity: Any, query: Query) -> Any:
    """One entity as ``query`` asks for it (``$select``)."""
    return _select(entity, query.select)


def _sort_key(value: Any) -> tuple[int, Any]:
    """Nulls first, then booleans, numbers and text, each among its own kind."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, (int, float)):
        return (2, value)
    if isinstance(value, str):
        return (3, value.lower())
    return (4, 0)


def _property(entity: Any, path: str) -> Any:
    value = entity
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _order(items: list[Any], orderby: tuple[str, ...]) -> list[Any]:
    for term in reversed(orderby):  # a stable sort per term, least significant first
        words = term.split()
        if (
            not words
            or len(words) > 2
            or (len(words) == 2 and words[1].lower() not in ("asc", "desc"))
        ):
            raise BadRequest(
                f"cannot read the $orderby term {term!r} (expected 'property [asc|desc]')"
            )
        descending = len(words) == 2 and words[1].lower() == "desc"
        items = sorted(
            items, key=lambda item: _sort_key(_property(item, words[0])), reverse=descending
        )
    return items


def _next_link(path: str, query: Query, skip: int) -> str:
    """The link to the next page: the same request with ``$skip`` moved on (relative: the
    server makes it absolute)."""
    params: dict[str, str] = dict(query.params)
    if query.select:
        params["$select"] = join_list(query.select)
    if query.expand:
        params["$expand"] = join_list(query.expand)
    if query.filter is not None:
        params["$filter"] = query.filter
    if query.orderby:
        params["$orderby"] = join_list(query.orderby)
    if query.search is not None:
        params["$search"] = query.search
    if query.count:
        params["$count"] = "true"
    if query.top is not None:
        params["$top"] = str(query.top)
    params["$skip"] = str(skip)
    return (
        quote(path, safe="/:@!$&'()*+,;=") + "?" + urlencode(params, safe="$,'()/", quote_via=quote)
    )


def apply_list(items: list[Any], query: Query, path: str) -> dict[str, Any]:
    """A collection as ``query`` asks for it, as an OData response body: the items that pass
    ``$filter``, in ``$orderby`` order, ``@odata.count`` of them all, the page ``$skip`` and
    ``$top`` give, each with the ``$select`` properties, and ``@odata.nextLink`` when more
    items follow. :class:`BadRequest` names what cannot be served."""
    if query.filter is not None:
        try:
            limits = LIMITS.get()
            keep = parse_filter(query.filter, limits.max_filter_chars, limits.max_filter_depth)
        except FilterError as error:
            raise BadRequest(f"unsupported $filter: {error}") from None
        items = [item for item in items if isinstance(item, dict) and keep(item)]
    if query.orderby:
        items = _order(items, query.orderby)
    total = len(items)
    start = query.skip or 0
    end = total if query.top is None else start + query.top
    body: dict[str, Any] = {"@odata.count": total}
    body["value"] = [_select(item, query.select) for item in items[start:end]]
    if end < total and query.top:
        body["@odata.nextLink"] = _next_link(path, query, end)
    return body


def local_link(url: str) -> str:
    """A link the docs show (``https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=x``)
    as a path on this service, after the version segment (``/users/delta()?$deltatoken=x``)."""
    rest = url.split("://", 1)[1] if "://" in url else url
    path = "/" + rest.split("/", 1)[1] if "://" in url and "/" in rest else rest
    first, _, after = path.lstrip("/").partition("/")
    if first.lower() in ("v1.0", "beta") and after:
        path = "/" + after
    return path


def absolute_links(body: Any, base_url: str) -> Any:
    """``body`` with its relative ``@odata.nextLink`` and ``@odata.deltaLink`` made absolute
    on ``base_url`` (the URL the version is served at)."""
    if not isinstance(body, dict):
        return body
    for key in ("@odata.nextLink", "@odata.deltaLink"):
        link = body.get(key)
        if isinstance(link, str) and link.startswith("/"):
            body = {**body, key: base_url.rstrip("/") + link}
    return body


def request_params(
    params: Mapping[str, str] | None, options: Mapping[str, object]
) -> dict[str, str] | None:
    """A client's query parameters: ``params`` and the typed options that were given
    (lists joined with ``,``, booleans as ``true``/``false``), the typed ones winning."""
    found = dict(params or {})
    for name, value in options.items():
        if value is None:
            continue
        if isinstance(value, bool):
            found[name] = "true" if value else "false"
        elif isinstance(value, (str, int, float)):
            found[name] = str(value)
        elif isinstance(value, Sequence):
            found[name] = join_list(value)
        else:
            found[name] = str(value)
    return found or None


def request_headers(
    options: Mapping[str, str | None], headers: Mapping[str, str] | None = None
) -> dict[str, str] | None:
    """A client's request headers: ``headers`` and the typed ones that were given, the typed
    ones winning."""
    found = dict(headers or {})
    found.update({name: value for name, value in options.items() if value is not None})
    return found or None
