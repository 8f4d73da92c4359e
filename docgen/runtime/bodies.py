"""Request bodies on the generated servers: JSON read strictly, so that nothing is
stored that cannot be served back.

``json.loads`` accepts what no JSON response can hold: a ``\\ud800`` escape gives a
string with a lone surrogate, which UTF-8 cannot encode (every later reply holding it
fails); ``NaN``, ``Infinity`` and ``1e999`` give floats that JSON has no text for; a
key given twice keeps one value silently; deep nesting makes validation and replies
recurse until they fail. :func:`parse_json` refuses each with a :class:`BodyError`
naming where it is, and :class:`BodyRoute` (the route class of every generated
router) answers it with 400 and an OData error body before the service runs.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from .errors import odata_error

__all__ = ["BodyError", "BodyRoute", "Limits", "parse_json"]


@dataclass(frozen=True, slots=True)
class Limits:
    """What a request body may hold."""

    max_json_depth: int = 64
    """Arrays and objects nested in one another, the outermost included."""


DEFAULT_LIMITS = Limits()


class BodyError(Exception):
    """A request body the server refuses: its status, OData error code and message."""

    def __init__(self, message: str, status: int = 400, code: str = "BadRequest") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def response(self) -> Response:
        """The OData error response."""
        return JSONResponse(odata_error(self.code, self.message), status_code=self.status)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""Where a surrogate may come from: JSON text that is valid UTF-8 holds none but its escapes."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def _constant(name: str) -> Any:
    raise BodyError(f"body: {name} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise BodyError(f"body: the key {_shown(key)} is given twice in one object")
            seen.add(key)
    return found


def _shown(key: str) -> str:
    """A key for a message: quoted, escaped (a lone surrogate too), and cut at 60 characters."""
    return repr(key if len(key) <= 60 else key[:60] + "...")


def _where(path: tuple[str | int, ...]) -> str:
    """``body.address.lines.0``, as FastAPI names a field (each part cut at 60 characters)."""
    return ".".join(["body", *(str(part)[:60] for part in path)])


def _lone(text: str) -> str | None:
    found = _SURROGATE.search(text)
    return None if found is None else f"\\u{ord(found.group()):04x}"


def _check(value: Any, limits: Limits, surrogates: bool) -> None:
    """Walk the parsed value (no recursion): its depth, its numbers, and its strings and
    keys when the text may hold a surrogate escape."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if len(path) >= limits.max_json_depth:
            raise BodyError(f"{_where(path)}: nested deeper than {limits.max_json_depth} levels")
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in items:
            if surrogates and isinstance(key, str) and (bad := _lone(key)) is not None:
                raise BodyError(
                    f"{_where(path)}: the key {_shown(key)} holds a lone surrogate ({bad}), which UTF-8 cannot encode"
                )
            if isinstance(item, (dict, list)):
                stack.append((item, (*path, key)))
            elif isinstance(item, float) and not math.isfinite(item):
                raise BodyError(f"{_where((*path, key))}: the number is too large for a JSON number")
            elif surrogates and isinstance(item, str) and (bad := _lone(item)) is not None:
                raise BodyError(
                    f"{_where((*path, key))}: the string holds a lone surrogate ({bad}), which UTF-8 cannot encode"
                )


def parse_json(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The JSON value of a request body, read strictly: UTF-8 only, no lone surrogates
    (in strings or keys), no ``NaN``/``Infinity`` nor numbers that overflow to them, no
    key twice in one object, no deeper than ``limits.max_json_depth``. :class:`BodyError`
    (400) names what is refused, and where."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError(f"body: not UTF-8 (byte {error.start})") from None
    try:
        value = json.loads(text, parse_constant=_constant, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        raise BodyError(f"body: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise BodyError(f"body: nested deeper than {limits.max_json_depth} levels") from None
    except ValueError as error:  # an integer longer than Python reads (4300 digits)
        raise BodyError(f"body: not valid JSON: {error}") from None
    if isinstance(value, (dict, list)):
        _check(value, limits, _SURROGATE_ESCAPE.search(text) is not None)
    elif isinstance(value, float) and not math.isfinite(value):
        raise BodyError("body: the number is too large for a JSON number")
    elif isinstance(value, str) and (bad := _lone(value)) is not None:
        raise BodyError(f"body: the string holds a lone surrogate ({bad}), which UTF-8 cannot encode")
    return value


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


def _json_media_type(request: Request) -> bool:
    """The body is JSON, or says nothing of its type (FastAPI reads both as JSON)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return not media_type or media_type in ("application/json", "text/json") or media_type.endswith("+json")


class BodyRoute(APIRoute):
    """The route class of the generated routers: a route that takes a JSON body reads it
    with :func:`parse_json` (the limits are ``app.state.limits``, else the defaults) and
    answers a body it refuses with its :class:`BodyError`, before FastAPI validates it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:  # no body, or an upload read as it is (read_content)
            return handler

        async def route(request: Request) -> Response:
            data = await request.body()
            if not data or not _json_media_type(request):
                return await handler(request)
            limits = getattr(request.app.state, "limits", None) or DEFAULT_LIMITS
            try:
                value = parse_json(data, limits)
            except BodyError as error:
                return error.response()
            return await handler(_ReadRequest(request, data, value))

        return route
