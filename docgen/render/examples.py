"""Documented examples as generated tests, seeds and in-memory replies.

:func:`replayable` decides which examples become tests; the diagnostics stage
uses the same function (DG308) so that every example without a test is
reported with its reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl

from docgen.model import (
    ApiVersion,
    Body,
    Example,
    JsonValue,
    Operation,
    Resource,
    dot_segment,
    is_json_media_type,
)
from docgen.render.conform import TypeIndex, fit, mismatch
from docgen.render.paths import PathTemplate, StorePlan, store_plan
from docgen.render.text import doc_text, py_literal
from docgen.render.types import is_collection
from docgen.runtime.query import split_list

__all__ = [
    "ExamplePlanner",
    "ExampleTest",
    "Fitted",
    "ReplyView",
    "SeedView",
    "TestCall",
    "downloads",
    "fitted",
    "plan_of",
    "replayable",
    "route_key",
    "uploads",
]

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
"""Methods whose generated client methods and handlers take a body."""


def _json(body: Body | None) -> tuple[bool, JsonValue]:
    """(present, value) of a body that is JSON; a body of only whitespace, or JSON
    ``null``, is absent."""
    if body is None or not body.is_json or body.json is None:
        return False, None
    return True, body.json


def _is_model(odata_type: str | None) -> bool:
    return (
        odata_type is not None
        and not is_collection(odata_type)
        and not odata_type.strip().lower().startswith("edm.")
    )


def _collection_response(operation: Operation) -> bool:
    response = operation.response_type
    return operation.kind == "list" or (response is not None and is_collection(response))


def _location(example: Example) -> str | None:
    """The ``Location`` header of a documented response (a redirect's target)."""
    response = example.response
    if response is None:
        return None
    return next((h.value.strip() for h in response.headers if h.name.lower() == "location"), None)


def _broken_json(body: Body | None) -> bool:
    """A body meant as JSON that could not be read: declared JSON, or undeclared and
    starting as JSON does."""
    if body is None or body.is_json or not body.text.strip():
        return False
    if body.content_type is None:
        return body.text.lstrip().startswith(("{", "["))
    return is_json_media_type(body.content_type)


def _content(body: Body | None) -> Body | None:
    """A body that is not JSON (text, CSV, binary), when there is one."""
    if body is None or body.is_json or not body.text.strip() or _broken_json(body):
        return None
    return body


def _media_type(body: Body) -> str:
    return body.content_type or "text/plain"


def _sent_type(example: Example) -> str:
    """The Content-Type an example request is sent with: the header as written when it has
    parameters (a multipart boundary, a charset), else the body's media type."""
    body = example.request.body
    written = next((h.value.strip() for h in example.request.headers if h.name.lower() == "content-type"), "")
    if ";" in written:
        return written
    return _media_type(body) if body is not None else "application/octet-stream"


def uploads(operation: Operation) -> bool:
    """The operation's request body is content, not JSON (an upload, a text or MIME body)."""
    media_type = operation.request_media_type
    return operation.method.upper() in BODY_METHODS and media_type is not None and not is_json_media_type(media_type)


def downloads(operation: Operation) -> bool:
    """The operation's response body is content, not JSON (a download, a text or CSV reply)."""
    media_type = operation.response_media_type
    return media_type is not None and not is_json_media_type(media_type)


def _redirected(operation: Operation, template: PathTemplate) -> bool:
    """An example of the operation on this path answers with a redirect to the content."""
    return operation.method.upper() == "GET" and any(
        example.response is not None
        and 300 <= example.response.status < 400
        and _location(example) is not None
        and template.match(example.request.path) is not None
        for example in operation.examples
    )


def plan_of(operation: Operation, template: PathTemplate) -> StorePlan:
    """How the in-memory service serves ``operation`` on ``template``: a path whose body is
    content (an upload, a download, a documented redirect to the content) keeps content."""
    plan = store_plan(operation.kind, template)
    if uploads(operation):
        return store_plan(operation.kind, template, "upload")
    if downloads(operation) or (plan.action in ("reply", "get_single") and _redirected(operation, template)):
        return store_plan(operation.kind, template, "download")
    return plan


def served_templates(operation: Operation) -> list[PathTemplate]:
    """The paths an operation's routes serve: its own path, then its other documented
    request lines of the same method (one per shape)."""
    templates = [PathTemplate.parse(operation.path)]
    shapes = {templates[0].shape}
    for line in operation.paths:
        if line.method.upper() == operation.method.upper():
            template = PathTemplate.parse(line.path)
            if template.shape not in shapes:
                shapes.add(template.shape)
                templates.append(template)
    return templates


def example_templates(operation: Operation) -> list[PathTemplate]:
    """The paths its examples send requests to that none of its request lines fits
    (the docs disagree with themselves): served as they are written, so that each
    example is replayed against the URL it documents."""
    documented = served_templates(operation)
    found: list[PathTemplate] = []
    shapes = {template.shape for template in documented}
    for example in operation.examples:
        request = example.request
        if request.method.upper() != operation.method.upper() or not request.path.startswith("/"):
            continue
        if dot_segment(request.path) is not None:  # no client keeps it as written: never served
            continue
        if any(template.match(request.path) is not None for template in documented):
            continue
        template = PathTemplate.parse(request.path)
        if template.shape not in shapes:
            shapes.add(template.shape)
            found.append(template)
    return found


Served = dict[str, tuple[list[PathTemplate], list[PathTemplate]]]
"""Operation id -> (its documented paths that it serves, its own first; the paths only its
examples use that it serves): one route per method and path in a version."""

_SERVED: dict[int, tuple[ApiVersion, Served]] = {}


def served_paths(version: ApiVersion) -> Served:
    """What each operation of ``version`` serves (computed once per version).

    Every operation keeps its own path; each other path goes to the first operation
    (in resource and operation order) that has it, unless a route of the same method
    and shape is taken: one route per method and path.
    """
    known = _SERVED.get(id(version))
    if known is not None and known[0] is version:
        return known[1]
    ops = [op for resource in version.resources for op in resource.operations]
    taken: set[tuple[str, str]] = set()
    found: Served = {}
    for op in ops:
        primary = PathTemplate.parse(op.path)
        found[op.id] = ([primary], [])
        taken.add((op.method.upper(), primary.shape))
    for extra in (0, 1):
        for op in ops:
            for template in example_templates(op) if extra else served_templates(op)[1:]:
                key = (op.method.upper(), template.shape)
                if key not in taken:
                    taken.add(key)
                    found[op.id][extra].append(template)
    if len(_SERVED) > 64:
        _SERVED.clear()
    _SERVED[id(version)] = (version, found)
    return found


def route_of(
    operation: Operation, path: str, served: tuple[list[PathTemplate], list[PathTemplate]] | None = None
) -> tuple[PathTemplate, tuple[str, ...]] | None:
    """The served path that a concrete request path fits, and its parameter values
    (a value the example left as a placeholder, ``{id}``, made a realistic id).

    ``served``: the operation's entry of :func:`served_paths` (else every path of its own)."""
    templates = served[0] + served[1] if served is not None else served_templates(operation) + example_templates(operation)
    for template in templates:
        values = template.match(path)
        if values is not None:
            return template, tuple(
                _example_id(name) if _PLACEHOLDER_VALUE.fullmatch(value) else value
                for name, value in zip(template.names, values)
            )
    return None


_PLACEHOLDER_VALUE = re.compile(r"\{[^{}]*\}|<[^<>]*>")


def _example_id(name: str) -> str:
    """A stable, realistic id for a path parameter an example did not fill in."""
    h = hashlib.sha256(name.encode("utf-8")).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def replayable(
    example: Example, operation: Operation, version: ApiVersion | TypeIndex | None = None
) -> str | None:
    """None when the generated tests replay ``example``, else the reason they do not.

    With ``version`` (the operation's API version, or its :class:`TypeIndex`),
    bodies are also checked against the documented types, as the generated
    models will read them.
    """
    index = None if version is None else version if isinstance(version, TypeIndex) else TypeIndex(version)
    served = None if index is None else served_paths(index.version).get(operation.id)
    reason = _replay_reason(example, operation, served)
    if reason is not None or index is None:
        return reason
    return _type_reason(example, operation, index)


@dataclass(frozen=True, slots=True)
class Fitted:
    """An example's JSON bodies as the tests send and expect them: each value the models
    reject as its documented type (``"datetime-value"`` for a timestamp) replaced by a
    stand-in of the type (:func:`docgen.render.conform.fit`)."""

    request: JsonValue
    """The request body (None when there is none)."""
    response: JsonValue
    """The response body (None when there is none)."""
    stand_ins: tuple[str, ...]
    """What was replaced: where, and why."""


def fitted(example: Example, operation: Operation, index: TypeIndex | None) -> Fitted:
    """The bodies of ``example`` fitted to the documented types of ``operation`` (as they
    are, without ``index``)."""
    _, request = _json(example.request.body)
    response = example.response
    _, body = _json(response.body) if response is not None else (False, None)
    if index is None:
        return Fitted(request, body, ())
    found: list[str] = []
    if operation.request_type is not None and operation.method.upper() in BODY_METHODS:
        request = fit(request, operation.request_type, index, found)
        found = [f"request {item}" for item in found]
    sent = len(found)
    response_type = operation.response_type
    if response is None or response.status == 204 or response_type is None:
        return Fitted(request, body, tuple(found))
    if _collection_response(operation) and isinstance(body, dict):
        items = response_type if is_collection(response_type) else f"Collection({response_type})"
        body = {**body, "value": fit(body.get("value"), items, index, found, "$.value")}
    elif response_type.strip().lower().startswith("edm.") and isinstance(body, dict):
        body = {**body, "value": fit(body.get("value"), response_type, index, found, "$.value")}
    else:
        body = fit(body, response_type, index, found)
    found[sent:] = [f"response {item}" for item in found[sent:]]
    return Fitted(request, body, tuple(found))


def _type_reason(example: Example, operation: Operation, index: TypeIndex) -> str | None:
    """Why the models reject a documented body, even with stand-ins for the values that
    do not fit their types, if they do."""
    bodies = fitted(example, operation, index)
    if operation.request_type is not None and operation.method.upper() in BODY_METHODS:
        found = mismatch(bodies.request, operation.request_type, index)
        if found:
            return f"request body does not fit {operation.request_type}: {found}"
    response = example.response
    if response is None or response.status == 204 or operation.response_type is None:
        return None
    body, response_type = bodies.response, operation.response_type
    if _collection_response(operation) and isinstance(body, dict):
        body, response_type = body.get("value"), (
            response_type if is_collection(response_type) else f"Collection({response_type})"
        )
    elif response_type.strip().lower().startswith("edm.") and isinstance(body, dict):
        body = body.get("value")  # a primitive is sent as {"value": ...}
    found = mismatch(body, response_type, index)
    if found:
        return f"response body does not fit {operation.response_type}: {found}"
    return None


def _replay_reason(
    example: Example, operation: Operation, served: tuple[list[PathTemplate], list[PathTemplate]] | None
) -> str | None:
    request, response = example.request, example.response
    if response is None:
        return "no documented response"
    if not 200 <= response.status < 400:
        return f"documented status {response.status} is not a success"
    if request.method.upper() != operation.method.upper():
        return f"example method {request.method} differs from the operation's {operation.method}"
    route = route_of(operation, request.path, served)
    if route is None:
        return f"example path {request.path!r} fits none of the operation's paths ({operation.path!r}...)"
    if _broken_json(request.body):
        return "request body is not JSON"
    sent = _content(request.body)
    if sent is not None and request.method.upper() not in BODY_METHODS:
        return f"request body on a {request.method.upper()} request"
    if sent is not None and _is_model(operation.request_type) and not uploads(operation):
        return "request body is not JSON"
    has_request, request_json = _json(request.body)
    if has_request and request.method.upper() not in BODY_METHODS:
        return f"request body on a {request.method.upper()} request"
    if has_request and _is_model(operation.request_type) and not isinstance(request_json, dict):
        return "request body is not a JSON object"
    plan = plan_of(operation, route[0])
    replies = plan.action in ("reply", "get_content", "put_content")
    if response.status >= 300 and (not replies or _location(example) is None):
        return f"documented status {response.status} is not a success"
    if not replies and response.status != operation.response_status:
        return (
            f"example status {response.status} differs from the operation's "
            f"{operation.response_status}"
        )
    if response.status == 204:
        return None
    if _broken_json(response.body):
        return "response body is not JSON"
    if _content(response.body) is not None:
        reads_json = _collection_response(operation) or _is_model(operation.response_type)
        return "response body is not JSON" if reads_json and not downloads(operation) else None
    has_response, response_json = _json(response.body)
    if _collection_response(operation):
        if has_response and not (
            isinstance(response_json, dict) and isinstance(response_json.get("value"), list)
        ):
            return "collection response has no 'value' array"
    elif has_response and _is_model(operation.response_type):
        if not isinstance(response_json, dict):
            return "response body is not a JSON object"
    return None


# --------------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class SeedView:
    """An entity a test (or the default app) puts into the store first."""

    collection: str
    """Literal: the concrete collection (or singleton) path."""
    key: str
    """Literal: the id in the collection, ``None`` for a singleton."""
    body: str
    """Literal: the entity."""
    create_path: str
    """Literal: where a live service creates it, ``None`` when the docs have no create."""
    binds_key: bool
    """The id the seed returns is the one the test addresses (item operations)."""


@dataclass(frozen=True, slots=True)
class _Seed:
    """An entity to put into the store, as data (:class:`SeedView` prints it)."""

    collection: str
    key: str | None
    body: JsonValue
    create_path: str | None
    binds_key: bool

    def merged(self, later: _Seed) -> _Seed:
        """This seed with the properties of a later one of the same entity over its own."""
        if not isinstance(later.body, dict):
            return self
        mine = self.body if isinstance(self.body, dict) else {}
        return replace(self, body={**mine, **later.body})

    def view(self) -> SeedView:
        return SeedView(
            repr(self.collection),
            repr(self.key),
            py_literal(self.body),
            repr(self.create_path),
            self.binds_key,
        )


@dataclass(frozen=True, slots=True)
class ReplyView:
    """A documented example the in-memory service replies with."""

    path: str
    """Literal: the concrete path (decoded parameters)."""
    request: str
    """Literal: the request body, ``None`` when there was none."""
    status: int
    """The documented status."""
    body: str
    """Literal: the response body, ``None`` when there was none."""
    location: str = "None"
    """Literal: the ``Location`` header of a documented response (a redirect, an accepted
    request), ``None`` when there is none."""
    query: str = "None"
    """Literal: the documented query parameters, ``None`` when there were none."""
    media_type: str = "None"
    """Literal: the content type of a response body that is not JSON (``body`` is its text)."""


@dataclass(frozen=True, slots=True)
class TestCall:
    """How a test calls the client, decided by the renderer."""

    __test__ = False

    name: str
    """The test function name."""
    attr: str
    """The client attribute of the resource."""
    method: str
    """The client method."""
    iterator: bool
    """The method returns an iterator (a collection)."""
    params: tuple[str, ...]
    """The path parameter names of all the operation's paths."""
    via: bool
    """The client method takes ``via`` (paths with the same parameters)."""
    body_class: str | None
    """The model class of the request body, when it is one."""
    options: tuple[tuple[str, str, str], ...] = ()
    """The client method's typed query options: (documented name, keyword, annotation)."""


@dataclass(frozen=True, slots=True)
class ExampleTest:
    """One generated test: replay one documented example."""

    name: str
    """The test function name."""
    attr: str
    """The client attribute of the resource."""
    method: str
    """The client method."""
    iterator: bool
    """The method returns an iterator (a collection)."""
    doc: str
    """Escaped docstring."""
    seeds: tuple[SeedView, ...]
    """What to seed first."""
    args: tuple[tuple[str, str], ...]
    """Keyword arguments of the client call: (name, expression over the test's locals)."""
    status: int
    """The documented status."""
    has_body: bool
    """The documented response has a JSON body to compare."""
    response: str
    """Literal: the documented response body."""
    request: str
    """Literal: the request body (``None`` when there is none)."""
    body: str
    """Expression of the ``body`` argument from the local ``request`` (empty: no body)."""
    params: str
    """Literal: the query parameters (empty: none)."""
    raw_path: str = ""
    """Literal: the path, when the example's URL is none of the documented request lines:
    the test sends it through the client's session (no client method takes that path)."""
    http_method: str = ""
    """Literal: the HTTP method, with ``raw_path``."""
    content_type: str = ""
    """Literal: the media type of a request body that is not JSON (``body`` is then bytes)."""
    media_type: str = ""
    """Literal: the media type of a documented response body that is not JSON (``response``
    is then its text)."""
    location: bool = False
    """The documented response has a ``Location`` header (a redirect, ``202 Accepted``)."""


def _shape(template: PathTemplate, segments: int) -> tuple[str, ...]:
    return tuple(
        "{}" if any(t.param is not None for t in seg) else "".join(t.text for t in seg).lower()
        for seg in template.segments()[:segments]
    )


def route_key(operation: Operation) -> tuple[str, tuple[str, ...]]:
    """The method and path shape of an operation's own request line: operations with the
    same key are served by one handler (and answer from each other's examples)."""
    template = PathTemplate.parse(operation.path)
    return operation.method.upper(), _shape(template, len(template.segments()))


class ExamplePlanner:
    """Seeds, replies and tests for the examples of one API version."""

    def __init__(self, operations: list[Operation], index: TypeIndex) -> None:
        self.index = index
        self.served = served_paths(index.version)
        self.routes: dict[tuple[str, tuple[str, ...]], list[Operation]] = {}
        for op in operations:
            self.routes.setdefault(route_key(op), []).append(op)
        self.create_shapes = {
            _shape(template, len(template.segments()))
            for template in (PathTemplate.parse(op.path) for op in operations if op.kind == "create")
        }

    def entity_of(self, resource: Resource) -> JsonValue:
        """A documented entity of the resource (first get example), for operations whose
        example shows none (delete, an update answered with 204)."""
        for op in resource.operations:
            if op.kind != "get":
                continue
            for example in op.examples:
                if example.response is None:
                    continue
                present, _ = _json(example.response.body)
                body = fitted(example, op, self.index).response
                if present and isinstance(body, dict):
                    return body
        return {}

    def seeds(self, op: Operation, example: Example, fallback: JsonValue) -> list[SeedView]:
        """What the store must hold before ``example`` is sent (empty when nothing)."""
        return [seed.view() for seed in self._seeds(op, example, fallback)]

    def _seeds(self, op: Operation, example: Example, fallback: JsonValue) -> list[_Seed]:
        route = route_of(op, example.request.path, self.served.get(op.id))
        if route is None:
            return []
        template, values = route
        plan = plan_of(op, template)
        if plan.action in ("reply", "create", "put_content", "get_content"):
            return []
        collection = template.fill(values, plan.segments)
        create = collection if _shape(template, plan.segments) in self.create_shapes else None
        present, body = (False, None)
        if example.response is not None:
            present, _ = _json(example.response.body)
            body = fitted(example, op, self.index).response
        if plan.action == "list":
            items = body.get("value") if isinstance(body, dict) else None
            return [
                _Seed(collection, _key(item, index), item, create, False)
                for index, item in enumerate(items if isinstance(items, list) else [])
            ]
        entity = body if present and isinstance(body, dict) else fallback
        if plan.key is None:
            return [_Seed(collection, None, entity, None, False)]
        return [_Seed(collection, values[plan.key], entity, create, True)]

    def replies(self, op: Operation) -> list[ReplyView]:
        """Documented examples the in-memory service answers from (actions, odd paths;
        defaults of create and replace): those of ``op`` and of every operation documented with the
        same method and path (one handler serves them all)."""
        templates = served_templates(op) + example_templates(op)
        actions = {plan_of(op, template).action for template in templates}
        if not actions & {"reply", "create", "replace", "get_content", "put_content"}:
            return []
        result = []
        for other, example in (
            (other, example)
            for other in [op] + [o for o in self.routes.get(route_key(op), []) if o is not op]
            for example in other.examples
        ):
            if example.response is None or replayable(example, other) is not None:
                continue
            route = route_of(other, example.request.path)
            assert route is not None
            has_response, _ = _json(example.response.body)
            bodies = fitted(example, other, self.index)
            request, body = bodies.request, bodies.response
            sent = _content(example.request.body)
            text = _content(example.response.body) if example.response.status != 204 else None
            result.append(
                ReplyView(
                    repr(route[0].fill(route[1])),
                    py_literal(sent.text) if sent is not None else py_literal(request),
                    example.response.status,
                    py_literal(text.text) if text is not None else py_literal(body) if has_response else "None",
                    repr(_location(example)),  # a redirect's target, an accepted request's monitor
                    py_literal(dict(parse_qsl(example.request.query, keep_blank_values=True)))
                    if example.request.query
                    else "None",
                    repr(_media_type(text)) if text is not None else "None",
                )
            )
        return result

    def default_seeds(self, resource: Resource) -> list[SeedView]:
        """Entities the default app starts with: those shown by get and list examples, each
        once (an entity shown by several examples with the properties of all of them, as
        the store would load them one after the other)."""
        found: dict[tuple[str, str | None], _Seed] = {}
        for op in resource.operations:
            if op.kind not in ("get", "list"):
                continue
            for example in op.examples:
                if replayable(example, op) is not None:
                    continue
                for seed in self._seeds(op, example, {}):
                    known = found.get((seed.collection, seed.key))
                    found[(seed.collection, seed.key)] = seed if known is None else known.merged(seed)
        return [seed.view() for seed in found.values()]

    def test(
        self, op: Operation, example: Example, call: TestCall, fallback: JsonValue
    ) -> ExampleTest:
        """The test replaying a replayable example."""
        assert example.response is not None
        route = route_of(op, example.request.path, self.served.get(op.id))
        assert route is not None
        template, values = route
        seeds = self.seeds(op, example, fallback)
        plan = plan_of(op, template)
        args = [
            (param, "entity_id" if index == plan.key and seeds else repr(values[index]))
            for index, param in enumerate(template.names)
        ]
        if call.via:
            args.append(("via", repr(template.plain())))
        bodies = fitted(example, op, self.index)
        has_request, _ = _json(example.request.body)
        request = bodies.request
        sent = _content(example.request.body)
        body = ""
        if sent is not None:
            body = repr(sent.text.encode("utf-8"))
            args.append(("body", "body"))
            if uploads(op) and _sent_type(example) != op.request_media_type:
                args.append(("content_type", repr(_sent_type(example))))
        elif has_request:
            body = "request"
            if call.body_class is not None:
                body = f"_models.{call.body_class}.model_validate(request)"
            args.append(("body", "body"))
        raw = (
            template not in self.served.get(op.id, ([], []))[0]
            or (sent is not None and not uploads(op))  # content where the client method sends JSON
            or (has_request and uploads(op))  # JSON where it sends content
        )
        params = ""
        if example.request.query:
            typed, rest = typed_options(parse_qsl(example.request.query, keep_blank_values=True), () if raw else call.options)
            args.extend(typed)  # through the session (raw), every option goes as it is sent
            if rest:
                params = py_literal(dict[str, JsonValue](rest))
                args.append(("params", "params"))
        has_response, _ = _json(example.response.body)
        response = bodies.response
        text = _content(example.response.body) if example.response.status != 204 else None
        source = example.source
        if downloads(op) and 300 <= example.response.status < 400 and not raw:
            args.append(("follow_redirects", "False"))
        return ExampleTest(
            name=call.name,
            attr=call.attr,
            method=call.method,
            iterator=call.iterator,
            doc=doc_text(f"Replay example {example.name!r} ({source.path}:{source.line})."),
            seeds=tuple(seeds),
            args=tuple(args),
            status=example.response.status,
            has_body=(has_response or text is not None) and example.response.status != 204,
            response=py_literal(text.text) if text is not None else py_literal(response),
            request=body if sent is not None else py_literal(request) if has_request else "None",
            body=body,
            params=params,
            raw_path=repr(template.fill(values)) if raw else "",
            http_method=repr(op.method.upper()) if raw else "",
            content_type=repr(_sent_type(example)) if sent is not None else "",
            media_type=repr(_media_type(text)) if text is not None else "",
            location=_location(example) is not None and plan.action in ("reply", "get_content", "put_content"),
        )


def typed_options(
    pairs: list[tuple[str, str]], options: tuple[tuple[str, str, str], ...]
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """An example's query parameters as the client's typed keywords (name, literal) where the
    operation documents them and the value fits the type; the rest as a ``params`` mapping."""
    by_name = {original.lower(): (name, annotation) for original, name, annotation in options}
    typed: list[tuple[str, str]] = []
    rest: dict[str, str] = {}
    given: set[str] = set()
    for key, value in pairs:
        found = by_name.get(key.lower())
        literal = _option_literal(value, found[1]) if found is not None and found[0] not in given else None
        if found is None or literal is None:
            rest[key] = value
            continue
        typed.append((found[0], literal))
        given.add(found[0])
    return typed, rest


def _option_literal(value: str, annotation: str) -> str | None:
    if annotation.startswith("int"):
        return repr(int(value)) if value.isdigit() and len(value) < 10 else None
    if annotation.startswith("bool"):
        return repr(value.lower() == "true") if value.lower() in ("true", "false") else None
    if annotation.startswith("Sequence"):
        return py_literal(list[JsonValue](split_list(value)))  # as the runtime splits it
    return repr(value)


def _key(item: JsonValue, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), (str, int)):
        return str(item["id"])
    return f"item-{index}"

