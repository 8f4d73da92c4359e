"""The intermediate model: plain, typed, frozen data for a whole doc set.

Stage two of docgen's one-way pipeline (markdown -> page -> **model** -> files).
Nothing here knows about Markdown tokens or templates. Every node carries the
:class:`SourceSpan` it was read from. Types are written as OData names
(``Edm.String``, ``microsoft.graph.customer``, ``Collection(Edm.Guid)``).

Two levels:

* :class:`PageModel` is what one page yields on its own (a pure function of the
  page's path and text, so pages can be parsed in parallel and cached);
* :class:`DocSet` is the linked whole: operations grouped by resource, types
  resolved across pages, one per API version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union
from urllib.parse import unquote

from docgen.diagnostics import Diagnostic, SourceSpan

JSON_MEDIA_TYPES = ("application/json", "text/json")
"""Media types of JSON bodies (and any ``+json`` type)."""


def is_json_media_type(media_type: str | None) -> bool:
    """The media type is JSON (None counts as JSON: a body the page gives no type for)."""
    return media_type is None or media_type in JSON_MEDIA_TYPES or media_type.endswith("+json")


def dot_segment(path: str) -> str | None:
    """The first ``.`` or ``..`` segment of a path (percent-encoded too: ``%2E%2E``), or None.

    Clients and servers remove dot segments, and ``..`` takes the segment before it along,
    so a path holding one does not name what it says, and may climb out of the base URL."""
    for segment in path.split("/"):
        if segment in (".", "..") or ("%" in segment and unquote(segment) in (".", "..")):
            return segment
    return None


JsonValue = Union[None, bool, int, float, str, list["JsonValue"], dict[str, "JsonValue"]]
"""A decoded JSON value."""

OperationKind = Literal["create", "list", "get", "update", "replace", "delete", "action"]
ParamLocation = Literal["path", "query", "header"]
TypeKind = Literal["entity", "complex", "enum"]
PageKind = Literal["api", "resource", "other"]


# --------------------------------------------------------------------- examples


@dataclass(frozen=True, slots=True)
class Header:
    """One HTTP header line of an example."""

    name: str
    """The header name as written."""
    value: str
    """The header value as written."""


@dataclass(frozen=True, slots=True)
class Body:
    """The body of an example request or response."""

    text: str
    """The body exactly as written in the page."""
    content_type: str | None
    """The media type of the Content-Type header, if any (lower case, without parameters)."""
    json: JsonValue = None
    """The decoded JSON (recovered when the text was malformed); None when not JSON."""
    is_json: bool = False
    """True when ``json`` holds the body (a JSON ``null`` body is then still JSON)."""
    recovered: bool = False
    """True when the JSON had to be repaired to be read."""


@dataclass(frozen=True, slots=True)
class ExampleRequest:
    """A documented example request."""

    method: str
    """Upper-case HTTP method."""
    url: str
    """The request target as written (may include scheme, host, version and query)."""
    path: str
    """The path alone: no scheme, host, API version or query string."""
    query: str
    """The query string without the ``?`` (empty when none)."""
    version: str | None
    """The version segment of the URL (``v1.0``, ``beta``, ...) when it had one."""
    headers: tuple[Header, ...]
    """Headers as written."""
    body: Body | None
    """The body, when there is one."""
    source: SourceSpan
    """Where the request line is."""


@dataclass(frozen=True, slots=True)
class ExampleResponse:
    """A documented example response."""

    status: int
    """The HTTP status code."""
    headers: tuple[Header, ...]
    """Headers as written."""
    body: Body | None
    """The body, when there is one."""
    truncated: bool
    """The annotation says the body shows only some of the properties."""
    odata_type: str | None
    """The annotation's ``@odata.type`` (qualified name or ``Collection(...)``)."""
    is_collection: bool
    """The annotation or the body says the response is a collection."""
    source: SourceSpan
    """Where the status line is."""


@dataclass(frozen=True, slots=True)
class Example:
    """A request and the response documented for it."""

    name: str
    """The annotation's name, or one derived from the page and position."""
    request: ExampleRequest
    """The request."""
    response: ExampleResponse | None
    """The matching response, when documented."""
    source: SourceSpan
    """Where the example starts."""


# --------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class Property:
    """A property of a type or a request-body parameter."""

    name: str
    """The name as documented (camelCase)."""
    type: str
    """OData type name: ``Edm.String``, ``microsoft.graph.x``, ``Collection(...)``."""
    description: str
    """The description cell, as plain text."""
    source: SourceSpan
    """Where the table row is."""
    read_only: bool = False
    """The description says the property is read-only / set by the server."""
    navigation: bool = False
    """The property comes from a Relationships table."""
    nullable: bool = True
    """False when the description says it is required / not nullable."""


@dataclass(frozen=True, slots=True)
class EnumMember:
    """A member of an enumeration."""

    name: str
    """The member name."""
    value: int | None
    """The numeric value, when documented."""
    description: str
    """The description."""
    source: SourceSpan
    """Where the row is."""


@dataclass(frozen=True, slots=True)
class TypeDef:
    """A resource or complex type, or an enumeration, from a resource page."""

    name: str
    """Qualified name, e.g. ``microsoft.graph.customer``."""
    kind: TypeKind
    """entity (has an id or is addressable), complex, or enum."""
    version: str
    """API version the page belongs to (``v1.0``, ``beta``)."""
    description: str
    """The first paragraph of the page."""
    base_type: str | None
    """Qualified name of the base type ("Inherits from" or ``baseType``)."""
    properties: tuple[Property, ...]
    """Properties and relationships documented on the page (not inherited ones)."""
    members: tuple[EnumMember, ...]
    """Enum members (enum types only)."""
    open_type: bool
    """The annotation marks it open: properties beyond the documented ones are allowed."""
    source: SourceSpan
    """Where the page (or the enum table) is."""


# --------------------------------------------------------------------- operations


@dataclass(frozen=True, slots=True)
class Parameter:
    """A path, query or header parameter of an operation."""

    name: str
    """The name as documented (a path placeholder's text without braces)."""
    location: ParamLocation
    """path, query or header."""
    type: str
    """OData type name."""
    description: str
    """Description (may be empty)."""
    required: bool
    """Path parameters are always required."""
    source: SourceSpan
    """Where it was found."""


@dataclass(frozen=True, slots=True)
class RequestLine:
    """One request line documented under ``## HTTP request``."""

    method: str
    """Upper-case HTTP method."""
    text: str
    """The path as written (including alternatives, casts, query strings)."""
    path: str
    """The normalised template: no version, no query, placeholders as ``{name}``."""
    source: SourceSpan
    """Where the line is."""


@dataclass(frozen=True, slots=True)
class Permission:
    """One row of the permissions table."""

    kind: str
    """The permission type cell, e.g. ``Application``."""
    scopes: tuple[str, ...]
    """Permission names; empty when not supported."""
    source: SourceSpan
    """Where the row is."""


@dataclass(frozen=True, slots=True)
class Operation:
    """One documented API operation (one API page may document several lines for it)."""

    id: str
    """Stable identifier, unique in its version: derived from the page file name."""
    title: str
    """The page's title."""
    description: str
    """The page's description (front matter, else first paragraph)."""
    version: str
    """API version (``v1.0``, ``beta``)."""
    resource: str
    """Resource it belongs to (an unqualified type name, e.g. ``customer``)."""
    kind: OperationKind
    """What it does, as far as docgen can tell (create, list, get, update, ...)."""
    method: str
    """HTTP method."""
    path: str
    """The path template used for the generated code."""
    paths: tuple[RequestLine, ...]
    """Every request line documented for it, as written."""
    parameters: tuple[Parameter, ...]
    """Path, query and header parameters."""
    request_type: str | None
    """OData type of the request body, when it is one resource (e.g. create/update)."""
    request_properties: tuple[Property, ...]
    """The request-body table (properties or action parameters)."""
    response_type: str | None
    """OData type of the response body (``Collection(...)`` for lists); None for no body."""
    response_status: int
    """The status code named in ``## Response`` (200 when not said)."""
    examples: tuple[Example, ...]
    """Documented examples."""
    permissions: tuple[Permission, ...]
    """The permissions table."""
    source: SourceSpan
    """The page (line 1) the operation is documented on."""
    request_media_type: str | None = None
    """Media type of the request body (``application/json``, ``application/octet-stream``,
    ``text/plain``...): from the examples' Content-Type, else the request headers table,
    else what the page says the body is; None when the page documents no request body."""
    response_media_type: str | None = None
    """Media type of a successful response's body (``application/json``, ``text/csv``,
    ``application/octet-stream`` for ``Edm.Stream``...); None when it has none."""


# --------------------------------------------------------------------- pages and doc sets


@dataclass(frozen=True, slots=True)
class Link:
    """A Markdown link to another page, for checking that it resolves."""

    target: str
    """The link target as written (relative path, maybe with a fragment)."""
    source: SourceSpan
    """Where the link is."""


@dataclass(frozen=True, slots=True)
class PageModel:
    """What one page yields on its own, before linking."""

    path: str
    """The page's path (as given, relative to the doc set root)."""
    kind: PageKind
    """api, resource or other."""
    version: str
    """API version from the path (``v1.0``/``beta``), else the default."""
    title: str
    """The page title."""
    operations: tuple[Operation, ...]
    """Operations documented on the page (resource not yet linked)."""
    types: tuple[TypeDef, ...]
    """Types defined on the page (resource pages: the type and its enums)."""
    links: tuple[Link, ...]
    """Links to other Markdown pages."""
    diagnostics: tuple[Diagnostic, ...]
    """What was wrong with the page."""


@dataclass(frozen=True, slots=True)
class Resource:
    """A group of operations on one resource, for one router/client/test module each."""

    name: str
    """Unqualified resource name (e.g. ``customer``)."""
    type: str | None
    """Qualified type name when the resource is a documented type."""
    operations: tuple[Operation, ...]
    """Its operations, in a stable order."""
    pages: tuple[str, ...]
    """The pages its operations come from, sorted."""


@dataclass(frozen=True, slots=True)
class ApiVersion:
    """One API version of the doc set."""

    name: str
    """``v1.0``, ``beta``, ..."""
    resources: tuple[Resource, ...]
    """Resources sorted by name."""
    types: tuple[TypeDef, ...]
    """Types sorted by name."""


@dataclass(frozen=True, slots=True)
class DocSet:
    """The linked model of a whole doc set."""

    versions: tuple[ApiVersion, ...]
    """Versions sorted by name."""
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    """Every diagnostic from every page and from linking, sorted by place."""
