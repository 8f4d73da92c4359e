"""What a request to a generated server may hold (:class:`Limits`), and JSON read
strictly within them, so that nothing is stored that cannot be served back.

``json.loads`` accepts what no JSON response can hold: a ``\\ud800`` escape gives a
string with a lone surrogate, which UTF-8 cannot encode (every later reply holding it
fails); ``NaN``, ``Infinity`` and ``1e999`` give floats that JSON has no text for; a
key given twice keeps one value silently; deep nesting makes validation and replies
recurse until they fail; and nothing bounds the work a body costs. :func:`parse_json`
refuses each with a :class:`LimitError` naming what and where; :func:`check_filter`
bounds a ``$filter`` before any service work. The generated routers apply both
(:class:`~.guard.GuardedRoute`) with the limits the app was made with
(``create_app(limits=Limits(...))``).

This module imports no web framework: the in-memory service's query engine reads
:data:`LIMITS` too.
"""

from __future__ import annotations

import json
import math
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Union

__all__ = ["LIMITS", "LimitError", "Limits", "check_filter", "parse_json"]


@dataclass(frozen=True, slots=True)
class Limits:
    """What a request may hold; each bound is refused with an OData error before the
    service runs. Give your own to ``create_app(limits=Limits(max_body_bytes=...))``."""

    max_body_bytes: int = 4 * 1024 * 1024
    """Largest JSON request body, in bytes (413 Payload Too Large, answered from the
    ``Content-Length`` header before the body is read, else as soon as more arrives)."""
    max_upload_bytes: int = 16 * 1024 * 1024
    """Largest body of an upload (content that is not JSON, kept in memory), in bytes (413)."""
    max_json_depth: int = 64
    """Arrays and objects nested in one another, the outermost included (400)."""
    max_json_items: int = 100_000
    """Values inside the arrays and objects of one body, all counted (400)."""
    max_filter_chars: int = 2048
    """Longest ``$filter``, in characters (400)."""
    max_filter_depth: int = 32
    """Deepest nesting of parentheses in a ``$filter`` (and, in the in-memory service's
    engine, of ``not``) (400)."""
    thread_json_bytes: int = 64 * 1024
    """A JSON body larger than this is read in a worker thread, so that the requests
    served meanwhile are not kept waiting (0: always)."""


LIMITS: ContextVar[Limits] = ContextVar("limits", default=Limits())
"""The limits of the app serving the current request."""


class LimitError(Exception):
    """A request the server refuses: its status, OData error code and message."""

    def __init__(self, message: str, status: int = 400, code: str = "BadRequest") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""Where a surrogate may come from: JSON text that is valid UTF-8 holds none but its escapes."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.?)*+(?:"|\Z)', re.DOTALL)
"""A JSON string, or an unterminated one to the end: every match that starts succeeds, so
replacing them all is linear in the text (however many quotes and backslashes it holds)."""
_FILTER_STRING = re.compile(r"'(?:[^']|'')*'")


def _constant(name: str) -> Any:
    raise LimitError(f"body: {name} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise LimitError(f"body: the key {_shown(key)} is given twice in one object")
            seen.add(key)
    return found


def _shown(key: str) -> str:
    """A key for a message: quoted, escaped (a lone surrogate too), and cut at 60 characters."""
    return repr(key if len(key) <= 60 else key[:60] + "...")


_Entry = tuple[Any, int, Any, Union[str, int]]
"""A container met in the walk: (the value, its depth, its parent's entry, its key there)."""


def _where(entry: _Entry | None, key: str | int | None = None) -> str:
    """``body.address.lines.0``, as FastAPI names a field (each part cut at 60 characters)."""
    parts: list[str] = [] if key is None else [str(key)[:60]]
    while entry is not None and entry[2] is not None:
        parts.append(str(entry[3])[:60])
        entry = entry[2]
    return ".".join(["body", *reversed(parts)])


def _lone(text: str) -> str | None:
    found = _SURROGATE.search(text)
    return None if found is None else f"\\u{ord(found.group()):04x}"


def _check(value: Any, limits: Limits, surrogates: bool) -> None:
    """Walk the parsed value (no recursion): its depth and size, its numbers, and its
    strings and keys when the text may hold a surrogate escape."""
    stack: list[_Entry] = [(value, 1, None, "")]
    count = 0
    while stack:
        entry = stack.pop()
        node, depth = entry[0], entry[1]
        if depth > limits.max_json_depth:
            raise LimitError(f"{_where(entry)}: nested deeper than {limits.max_json_depth} levels")
        count += len(node)
        if count > limits.max_json_items:
            raise LimitError(
                f"body: more than {limits.max_json_items} values in its arrays and objects"
            )
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in items:
            if surrogates and isinstance(key, str) and (bad := _lone(key)) is not None:
                raise LimitError(
                    f"{_where(entry)}: the key {_shown(key)} holds a lone surrogate ({bad}), which UTF-8 cannot encode"
                )
            if isinstance(item, (dict, list)):
                if item:
                    stack.append((item, depth + 1, entry, key))
                elif depth + 1 > limits.max_json_depth:
                    raise LimitError(
                        f"{_where(entry, key)}: nested deeper than {limits.max_json_depth} levels"
                    )
            elif isinstance(item, float) and not math.isfinite(item):
                raise LimitError(f"{_where(entry, key)}: the number is too large for a JSON number")
            elif surrogates and isinstance(item, str) and (bad := _lone(item)) is not None:
                raise LimitError(
                    f"{_where(entry, key)}: the string holds a lone surrogate ({bad}), which UTF-8 cannot encode"
                )


def _too_many(data: bytes, limit: int) -> bool:
    """Certainly more than ``limit`` values: as many commas outside strings (each separates
    two values). Counted before parsing, in C, so a body of a million tiny values costs
    nothing more; the walk after parsing counts exactly."""
    if data.count(b",") < limit:
        return False
    return _JSON_STRING.sub(b'""', data).count(b",") >= limit


def parse_json(data: bytes, limits: Limits | None = None) -> Any:
    """The JSON value of a request body, read strictly: UTF-8 only, no lone surrogates
    (in strings or keys), no ``NaN``/``Infinity`` nor numbers that overflow to them, no
    key twice in one object, within ``limits`` (depth and values; :data:`LIMITS` when
    None). :class:`LimitError` (400) names what is refused, and where."""
    limits = limits or LIMITS.get()
    if _too_many(data, limits.max_json_items):
        raise LimitError(
            f"body: more than {limits.max_json_items} values in its arrays and objects"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LimitError(f"body: not UTF-8 (byte {error.start})") from None
    try:
        value = json.loads(text, parse_constant=_constant, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        raise LimitError(
            f"body: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise LimitError(f"body: nested deeper than {limits.max_json_depth} levels") from None
    except ValueError as error:  # an integer longer than Python reads (4300 digits)
        raise LimitError(f"body: not valid JSON: {error}") from None
    if isinstance(value, (dict, list)):
        _check(value, limits, _SURROGATE_ESCAPE.search(text) is not None)
    elif isinstance(value, float) and not math.isfinite(value):
        raise LimitError("body: the number is too large for a JSON number")
    elif isinstance(value, str) and (bad := _lone(value)) is not None:
        raise LimitError(
            f"body: the string holds a lone surrogate ({bad}), which UTF-8 cannot encode"
        )
    return value


def check_filter(text: str, limits: Limits | None = None) -> None:
    """A ``$filter`` no longer than ``limits.max_filter_chars`` and nested (parentheses
    outside string literals) no deeper than ``limits.max_filter_depth``, else a
    :class:`LimitError` (400). Only its size is checked here, not what it uses: a
    service of your own may serve more than the in-memory one."""
    limits = limits or LIMITS.get()
    if len(text) > limits.max_filter_chars:
        raise LimitError(
            f"unsupported $filter: the expression is longer than {limits.max_filter_chars} characters"
        )
    depth = 0
    for char in _FILTER_STRING.sub("''", text):
        if char == "(":
            depth += 1
            if depth > limits.max_filter_depth:
                raise LimitError(
                    f"unsupported $filter: the expression is nested deeper than {limits.max_filter_depth} levels"
                )
        elif char == ")":
            depth -= 1
