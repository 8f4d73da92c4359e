"""The route class of the generated routers: each request is held to the app's
:class:`~.limits.Limits` before FastAPI reads it or the service runs.

* ``$filter``: its length and nesting (:func:`~.limits.check_filter`), 400;
* a body larger than the route takes: 413, from ``Content-Length`` before any of it
  is read, else as soon as more arrives (a JSON body: ``max_body_bytes``; an upload:
  ``max_upload_bytes``);
* a JSON route sent another media type: 415;
* a JSON body: read strictly (:func:`~.limits.parse_json`), in a worker thread when it
  is large, so that the requests served meanwhile do not wait for it; 400.

Each refusal is an OData error body. A route that takes no body reads none.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import anyio.to_thread
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from .errors import odata_error
from .limits import LIMITS, LimitError, Limits, check_filter, parse_json
from .server import read_content

__all__ = ["GuardedRoute", "limits_of"]


def limits_of(request: Request) -> Limits:
    """The limits of the app serving ``request`` (``create_app(limits=...)``), else the defaults."""
    limits = getattr(request.app.state, "limits", None)
    return limits if isinstance(limits, Limits) else Limits()


class _ReadRequest(Request):
    """A request whose body was read, and parsed as JSON, before FastAPI asks for it."""

    def __init__(self, request: Request, data: bytes, value: Any) -> None:
        super().__init__(request.scope, request.receive)
        self._read = data
        self._value = value

    async def body(self) -> bytes:
        return self._read

    async def json(self) -> Any:
        return self._value


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    """A media type FastAPI reads as JSON."""
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def _read(request: Request, limit: int) -> bytes:
    """The body, or 413 as soon as it is known to be larger than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    too_large = LimitError(f"the request body is larger than {limit} bytes", 413, "PayloadTooLarge")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def _parse(data: bytes, limits: Limits) -> Any:
    if len(data) > limits.thread_json_bytes:
        return await anyio.to_thread.run_sync(parse_json, data, limits)
    return parse_json(data, limits)


async def _read_body(
    request: Request, kind: str, limits: Limits, accepts: frozenset[str] = frozenset()
) -> tuple[bytes, Any]:
    """The body of a route that takes one, and its JSON value (None for an upload)."""
    data = await _read(
        request, limits.max_upload_bytes if kind == "upload" else limits.max_body_bytes
    )
    if kind != "json" or not data or _media_type(request) in accepts:
        return data, None
    media_type = _media_type(request)
    if media_type and not _is_json(media_type):
        message = f"the body is {media_type}; this operation takes application/json"
        raise LimitError(message, 415, "UnsupportedMediaType")
    return data, await _parse(data, limits)


def _body_kind(route: APIRoute) -> str:
    """``json``, ``upload`` (the body read as it is, by :func:`~.server.read_content`) or ``""``."""
    if route.body_field is not None:
        return "json"
    if any(dependency.call is read_content for dependency in route.dependant.dependencies):
        return "upload"
    return ""


class GuardedRoute(APIRoute):
    """A route that holds each request to the app's limits (see the module)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        kind = _body_kind(self)
        # media types besides JSON that the page's examples send ("JSON or MIME"): taken as sent
        accepts = frozenset((self.openapi_extra or {}).get("x-accepts", ()))

        async def route(request: Request) -> Response:
            limits = limits_of(request)
            LIMITS.set(limits)  # the in-memory service's $filter engine reads them
            try:
                for name, text in request.query_params.multi_items():
                    if name.lower() == "$filter":
                        check_filter(text, limits)
                read = await _read_body(request, kind, limits, accepts) if kind else None
            except LimitError as error:
                return JSONResponse(
                    odata_error(error.code, error.message), status_code=error.status
                )
            return await handler(request if read is None else _ReadRequest(request, *read))

        return route
