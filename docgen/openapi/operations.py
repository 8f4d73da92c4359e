"""Operations -> OpenAPI path items: one operation object per route the generated
server has (the same served-path decisions as its routers), with its parameters,
request body, responses and the documented examples sent on that path.
"""

from __future__ import annotations

import re
from typing import Any

from docgen.model import Example, JsonValue, Operation, Parameter, Resource
from docgen.openapi.schemas import Schema, SchemaBuilder, primitive
from docgen.render.examples import BODY_METHODS, ExamplePlanner, downloads, plan_of, route_of, uploads
from docgen.render.paths import PathTemplate
from docgen.render.types import collection_item, is_collection
from docgen.render.views import RouteView

__all__ = ["JSON", "METHODS", "OperationBuilder"]

JSON = "application/json"
"""The media type of the request and response bodies that are JSON (the others have their
documented media type)."""

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
"""The methods a path item holds, in the order they are written."""

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_QUERY_OPTIONS: dict[str, dict[str, Any]] = {
    "$top": {"type": "integer", "minimum": 0},
    "$skip": {"type": "integer", "minimum": 0},
    "$count": {"type": "string", "enum": ["true", "false"]},
}
"""OData query options whose values the generated server checks."""
_IGNORED_HEADERS = frozenset({"accept", "authorization", "content-type"})
"""Headers OpenAPI describes elsewhere (media types, the security scheme)."""


class OperationBuilder:
    """Operation objects of one API version."""

    def __init__(self, schemas: SchemaBuilder, planner: ExamplePlanner) -> None:
        self.schemas = schemas
        self.ctx = schemas.ctx
        self.planner = planner

    def routes(self, resource: Resource) -> list[tuple[PathTemplate, str, dict[str, Any]]]:
        """(path template, method, operation object) of every route of the resource's operations."""
        found = []
        for op in resource.operations:
            method = op.method.lower()
            if method not in METHODS:
                continue  # OpenAPI 3.1 has no place for other methods
            templates, extra = self.ctx.served.get(op.id, ([PathTemplate.parse(op.path)], []))
            views = self.ctx.operation_view(op).routes
            for template, view in zip(templates + extra, views):
                found.append((template, method, self.operation(resource, op, template, view)))
        return found

    def operation(self, resource: Resource, op: Operation, template: PathTemplate, view: RouteView) -> dict[str, Any]:
        """The operation object of one route."""
        examples = [e for e in op.examples if self._sent_here(op, e, template)]
        # the route's name; made unique across the version when the document is joined
        result: dict[str, Any] = {"operationId": f"{self.ctx.resource_module(resource)}_{view.handler}", "tags": [resource.name]}
        if op.title.strip():
            result["summary"] = op.title.strip()
        if op.description.strip():
            result["description"] = op.description.strip()
        parameters = self.parameters(op, template)
        if parameters:
            result["parameters"] = parameters
        if op.method.upper() in BODY_METHODS:
            result["requestBody"] = self.request_body(op, examples)
        result["responses"] = self.responses(op, template, examples)
        return result

    def _sent_here(self, op: Operation, example: Example, template: PathTemplate) -> bool:
        if example.request.method.upper() != op.method.upper():
            return False
        route = route_of(op, example.request.path, self.ctx.served.get(op.id))
        return route is not None and route[0] == template

    # ----------------------------------------------------------------- parameters

    def parameters(self, op: Operation, template: PathTemplate) -> list[dict[str, Any]]:
        """The path parameters of the route, then the documented query and header ones."""
        documented = {p.name: p for p in op.parameters if p.location == "path"}
        result: list[dict[str, Any]] = []
        for name, original in zip(template.names, template.originals):
            found = documented.get(original)
            description = found.description.strip() if found is not None else ""
            result.append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "description": description or f"The {original} path parameter.",
                    "schema": {"type": "string"},
                }
            )
        seen: set[tuple[str, str]] = set()
        for param in op.parameters:
            described = self.parameter(param)
            if described is not None and (param.location, param.name.lower()) not in seen:
                seen.add((param.location, param.name.lower()))
                result.append(described)
        return result

    def parameter(self, param: Parameter) -> dict[str, Any] | None:
        """A documented query or header parameter (the server reads none of them: optional)."""
        if param.location == "path" or not _TOKEN.match(param.name):
            return None
        if param.location == "header" and param.name.lower() in _IGNORED_HEADERS:
            return None
        result: dict[str, Any] = {"name": param.name, "in": param.location, "required": False}
        if param.description.strip():
            result["description"] = param.description.strip()
        found = _QUERY_OPTIONS.get(param.name.lower()) if param.location == "query" else None
        result["schema"] = dict(found) if found is not None else {"type": "string"}
        return result

    # ----------------------------------------------------------------- bodies

    def request_body(self, op: Operation, examples: list[Example]) -> dict[str, Any]:
        """The body: content of its media type (an upload), the documented type (required
        when the server reads it into a model), else the documented request properties, else
        any JSON (optional)."""
        if uploads(op) and op.request_media_type is not None:
            return {"required": True, "content": {op.request_media_type: {"schema": _BINARY}}}
        required = False
        if self.ctx.types.model_class(op.request_type) is not None and op.request_type is not None:
            schema, required = self.schemas.of(op.request_type), True
        elif op.request_type is not None and is_collection(op.request_type):
            schema = self.schemas.of(op.request_type)
        elif op.request_properties:
            schema = self.schemas.object(op.request_properties)
        else:
            schema = {}
        media: dict[str, Any] = {"schema": schema}
        shown = _examples((e.name, e.request.body) for e in examples)
        if shown:
            media["examples"] = shown
        return {"required": required, "content": {JSON: media}}

    def response_schema(self, op: Operation) -> Schema:
        """What a success answers with: a collection page, an entity, ``{"value": ...}``
        for a primitive, any JSON when the docs name no type."""
        response = op.response_type
        if op.kind == "list" or (response is not None and is_collection(response)):
            items = self.schemas.of(collection_item(response)) if response is not None else {}
            return {
                "type": "object",
                "properties": {
                    "value": {"type": "array", "items": items},
                    "@odata.nextLink": {"type": "string", "description": "The URL of the next page."},
                },
            }
        if response is None:
            return {}
        found = primitive(response)
        if found is not None:
            return {"type": "object", "properties": {"value": found}}
        return self.schemas.of(response)

    def responses(self, op: Operation, template: PathTemplate, examples: list[Example]) -> dict[str, Any]:
        """The success statuses the route answers with, then the OData errors."""
        action = plan_of(op, template).action
        if action in ("reply", "get_content", "put_content"):
            replies = self.planner.replies(op)
            statuses: dict[int, bool] = {} if replies else {204: False}
            for reply in replies:
                statuses[reply.status] = statuses.get(reply.status, False) or reply.body != "None"
        else:
            statuses = {op.response_status: action != "delete"}
        result: dict[str, Any] = {}
        for status, has_body in sorted(statuses.items()):
            result[str(status)] = self._success(op, status, has_body, examples)
        result["400"] = {"$ref": "#/components/responses/BadRequest"}
        result["404"] = {"$ref": "#/components/responses/NotFound"}
        if op.method.upper() in BODY_METHODS:  # the app's limits (_runtime/guard.py)
            result["413"] = {"$ref": "#/components/responses/PayloadTooLarge"}
            if not uploads(op):
                result["415"] = {"$ref": "#/components/responses/UnsupportedMediaType"}
        return result

    def _success(self, op: Operation, status: int, has_body: bool, examples: list[Example]) -> dict[str, Any]:
        response: dict[str, Any] = {"description": _REASONS.get(status, f"Status {status}.")}
        if 300 <= status < 400:
            response["headers"] = {"Location": {"description": "Where to go.", "schema": {"type": "string"}}}
            return response
        if status == 204 or not has_body:
            return response
        if downloads(op) and op.response_media_type is not None:
            response["content"] = {op.response_media_type: {"schema": _BINARY}}
            return response
        media: dict[str, Any] = {"schema": self.response_schema(op)}
        shown = _examples(
            (e.name, e.response.body) for e in examples if e.response is not None and e.response.status == status
        )
        if shown:
            media["examples"] = shown
        response["content"] = {JSON: media}
        return response


_BINARY: dict[str, Any] = {"type": "string", "format": "binary"}
"""The schema of a body that is not JSON (bytes of the operation's media type)."""

_REASONS = {
    200: "OK.",
    201: "Created.",
    202: "Accepted.",
    204: "No content.",
}


def _examples(bodies: Any) -> dict[str, Any]:
    """Example objects of the JSON bodies among ``(name, body)`` pairs, named uniquely."""
    found: dict[str, Any] = {}
    for name, body in bodies:
        if body is None or not body.is_json or body.json is None:
            continue
        value: JsonValue = body.json
        key, index = name or "example", 1
        while key in found:
            index += 1
            key = f"{name}_{index}"
        found[key] = {"value": value}
    return found
