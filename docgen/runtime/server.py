"""Helpers of the generated FastAPI apps: replies, OData error bodies, route order."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from .errors import ServiceError, odata_error
from .query import absolute_links

__all__ = [
    "CALLER",
    "QUERY",
    "Content",
    "LazyApp",
    "Reply",
    "act_for",
    "include_routers",
    "install_error_handlers",
    "read_content",
    "respond",
    "route_path",
]

_CODES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "UnprocessableEntity",
}


CALLER: ContextVar[str] = ContextVar("caller", default="me")
"""The user the current request acts for: its bearer token, else ``me``."""

QUERY: ContextVar[dict[str, str]] = ContextVar("query", default={})
"""The query parameters of the current request (the in-memory service picks the
documented example whose query they are)."""


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply given as plain JSON rather than as models.

    ``status`` None means the operation's documented status.
    """

    body: Any = None
    """The JSON body; None for no body."""
    status: int | None = None
    """The status code, when not the documented one."""
    headers: dict[str, str] | None = None
    """Headers to send (a redirect's ``Location``)."""
    media_type: str | None = None
    """The media type of a body that is not JSON (``body`` is then its text or bytes)."""


@dataclass(frozen=True, slots=True)
class Content:
    """A body that is not JSON: an upload received, or a download, text or CSV to send."""

    data: bytes
    """The bytes."""
    media_type: str = "application/octet-stream"
    """Its content type."""


async def read_content(request: Request) -> Content:
    """The request body as it was sent (an upload), with its content type."""
    media_type = request.headers.get("content-type") or "application/octet-stream"
    return Content(await request.body(), media_type)


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_unset=True, mode="json")
    return value


def route_path(request: Request) -> str:
    """The path the request named, after the version segment (``/me/things/1``), decoded."""
    path: str = request.scope["path"]
    root: str = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path or "/"


def _served_at(request: Request) -> str:
    """The URL this version is served at (a mounted version's segment included)."""
    root: str = request.scope.get("root_path", "")
    return f"{request.url.scheme}://{request.url.netloc}{root}"


def act_for(request: Request) -> None:
    """Note whom the request acts for (the bearer token names the user ``/me`` stands
    for: the in-memory service serves ``/me/...`` as ``/users/<that user>/...``) and
    the query it sends."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    CALLER.set(token.strip() if scheme.lower() == "bearer" and token.strip() else "me")
    QUERY.set(dict(request.query_params))


def respond(result: Any, status: int, request: Request) -> Response:
    """The HTTP response for what a service method returned.

    A model is dumped by alias with the fields that were set; a list of models
    becomes an OData collection ``{"value": [...]}``; a :class:`Reply` is sent as
    it is; :class:`Content` is sent as bytes with its media type; None gives an
    empty body. Status 204 never has a body.
    """
    headers = None
    if isinstance(result, Content):
        return Response(result.data, status_code=status, media_type=result.media_type)
    if isinstance(result, Reply):
        status = result.status or status
        body = result.body
        headers = result.headers
        if result.media_type is not None and body is not None and status != 204:
            return Response(body, status_code=status, headers=headers, media_type=result.media_type)
    elif isinstance(result, (list, tuple)):
        body = {"value": [_dump(item) for item in result]}
    else:
        body = _dump(result)
    if status == 204 or body is None:
        return Response(status_code=status, headers=headers)
    if isinstance(body, dict):
        body = absolute_links(body, _served_at(request))
        if "@odata.context" not in body:
            body = {"@odata.context": f"{request.base_url}$metadata", **body}
        count = request.query_params.get("$count", "")
        if count.lower() == "true" and isinstance(body.get("value"), list):
            body.setdefault("@odata.count", len(body["value"]))
    return JSONResponse(body, status_code=status, headers=headers)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(odata_error(code, message), status_code=status)


def _validation_message(errors: Sequence[Any]) -> str:
    parts = []
    for error in errors:
        if isinstance(error, dict):
            where = ".".join(str(part) for part in error.get("loc", ()))
            parts.append(f"{where}: {error.get('msg', '')}")
        else:
            parts.append(str(error))
    return "; ".join(parts) or "invalid request"


async def _on_validation(request: Request, exc: Exception) -> Response:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    return _error(400, "BadRequest", _validation_message(errors))


async def _on_service_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ServiceError):
        return _error(exc.status_code, exc.code, exc.message)
    return _error(500, "InternalServerError", "internal error")


async def _on_http_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        code = _CODES.get(exc.status_code, "Error")
        if exc.status_code < 400 or exc.status_code == 204:
            return Response(status_code=exc.status_code, headers=exc.headers)
        return JSONResponse(
            odata_error(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )
    return _error(500, "InternalServerError", "internal error")


def install_error_handlers(app: FastAPI) -> None:
    """Answer bad input with 400, unknown entities with 404, both as OData error bodies."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ServiceError, _on_service_error)
    app.add_exception_handler(HTTPException, _on_http_error)


def _segment_rank(segment: str) -> int:
    if "{" not in segment:
        return 0
    return 2 if segment.startswith("{") and segment.endswith("}") and segment.count("{") == 1 else 1


def _specificity(route: BaseRoute) -> tuple[int, ...]:
    """Literal segments sort before partly literal ones, and those before bare parameters."""
    if not isinstance(route, Route):
        return ()
    return tuple(_segment_rank(segment) for segment in route.path.strip("/").split("/"))


def include_routers(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Serve the routes of every router, most specific first, so that a literal segment
    (``/users/delta()``) wins over a parameter (``/users/{id}``) whichever router has it."""
    routes = [route for router in routers for route in router.routes]
    app.router.routes.extend(sorted(routes, key=_specificity))


class _Node:
    """A node of the tree of route paths, by segment."""

    __slots__ = ("literal", "param", "rest", "routers")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.rest: set[str] = set()
        """Routers with a route whose ``{name:path}`` parameter matches what is left."""
        self.routers: set[str] = set()
        """Routers with a route ending here."""


def _path_tree(paths: Mapping[str, Sequence[str]]) -> _Node:
    root = _Node()
    for router, templates in paths.items():
        for template in templates:
            node = root
            for segment in template.split("/"):
                if not segment:
                    continue
                if ":path}" in segment:
                    node.rest.add(router)
                    break
                if "{" in segment:
                    node.param = node.param or _Node()
                    node = node.param
                else:
                    node = node.literal.setdefault(segment, _Node())
            else:
                node.routers.add(router)
    return root


def _routers_of(node: _Node, segments: list[str], at: int, found: set[str]) -> None:
    found |= node.rest
    if at == len(segments):
        found |= node.routers
        return
    child = node.literal.get(segments[at])
    if child is not None:
        _routers_of(child, segments, at + 1, found)
    if node.param is not None:
        _routers_of(node.param, segments, at + 1, found)


class LazyApp(FastAPI):
    """A FastAPI app whose routers are imported on the first request one of their routes may answer.

    ``routers``: the package of the router modules; ``paths``: each router module
    and the paths of its routes. Building a router's routes builds the models of
    their bodies, so an app of a thousand resources would take seconds to start;
    this one starts in the time of the routers its first request needs. Routes are
    served in the order :func:`include_routers` gives (whatever was imported
    when), and ``app.routes`` (so the OpenAPI schema too) imports every router.
    """

    def __init__(
        self, *, routers: str, paths: Mapping[str, Sequence[str]], **settings: Any
    ) -> None:
        super().__init__(**settings)
        self._package = routers
        self._paths = paths
        self._tree: _Node | None = None
        self._loaded: dict[str, list[BaseRoute]] = {}
        self._own = list(self.router.routes)

    @property
    def routes(self) -> list[BaseRoute]:
        self.include(self._paths)
        return self.router.routes

    def include(self, modules: Iterable[str]) -> None:
        """Import the given router modules (those not imported yet) and serve their routes."""
        new = sorted(set(modules) - self._loaded.keys())
        if not new:
            return
        for module in new:
            router: APIRouter = importlib.import_module(f"{self._package}.{module}").router
            self._loaded[module] = list(router.routes)
        order = {module: i for i, module in enumerate(self._paths)}
        lazy = [
            (_specificity(route), order[module], i, route)
            for module, routes in self._loaded.items()
            for i, route in enumerate(routes)
        ]
        lazy.sort(key=lambda item: item[:3])
        known = {id(route) for route in self._own} | {id(item[3]) for item in lazy}
        later = [route for route in self.router.routes if id(route) not in known]
        self.router.routes[:] = [*self._own, *(item[3] for item in lazy), *later]

    def routers_for(self, path: str) -> set[str]:
        """The router modules with a route that may match ``path`` (a path inside the app)."""
        if self._tree is None:
            self._tree = _path_tree(self._paths)
        found: set[str] = set()
        _routers_of(self._tree, [segment for segment in path.split("/") if segment], 0, found)
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            inner = path[len(root) :] if root and path.startswith(root + "/") else path
            self.include(self.routers_for(path) | self.routers_for(inner))
        await super().__call__(scope, receive, send)
