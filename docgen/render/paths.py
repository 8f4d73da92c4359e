"""Path templates of operations: their parameters, routes, and how the in-memory
store serves them.

A template such as ``/financials/companies/{companyId}/customers/{customerId}``
is split into literal text and placeholders; every placeholder gets a fresh
Python identifier (:func:`docgen.names.parameter_names`), whatever characters
the docs put between its braces.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from docgen.names import parameter_names

__all__ = ["PathTemplate", "StorePlan", "store_plan"]

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PLAIN_SEGMENT = re.compile(r"^[A-Za-z0-9_.\-]+$")
MAX_PATH = 2048
"""Longest example path matched against the documented paths."""
_GENERIC_ID = re.compile(r"^id(?:_?\d+)?$", re.IGNORECASE)
_WORD_SEGMENT = re.compile(r"/([A-Za-z][A-Za-z0-9]*)/$")

StoreAction = Literal[
    "create", "list", "get", "update", "replace", "delete", "get_single", "update_single",
    "replace_single", "reply", "put_content", "get_content",
]


@dataclass(frozen=True, slots=True)
class Token:
    """Literal text (``param`` is None) or a placeholder (``param`` is its index)."""

    text: str
    """The literal text, or the placeholder's text between the braces."""
    param: int | None = None
    """Index of the parameter, for a placeholder."""


@dataclass(frozen=True, slots=True)
class PathTemplate:
    """A parsed path template."""

    tokens: tuple[Token, ...]
    """Literal text and placeholders, in order."""
    originals: tuple[str, ...]
    """Placeholder texts, in order."""
    names: tuple[str, ...]
    """Their Python identifiers, in order."""
    spans: tuple[bool, ...] = ()
    """Per placeholder: it stands for an item path that may hold ``/`` (``root:/{item-path}:``)."""

    @classmethod
    def parse(cls, path: str) -> PathTemplate:
        """Parse ``path`` (cached: templates are parsed for every file that needs them)."""
        return _parse(path)

    @classmethod
    def _parse(cls, path: str) -> PathTemplate:
        """Parse ``path`` (a trailing slash is dropped, a leading one added)."""
        path = "/" + path.strip().strip("/")
        tokens: list[Token] = []
        originals: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(path):
            if match.start() > position:
                tokens.append(Token(path[position : match.start()]))
            tokens.append(Token(match.group(1), len(originals)))
            originals.append(match.group(1))
            position = match.end()
        if position < len(path):
            tokens.append(Token(path[position:]))
        return cls(tuple(tokens), tuple(originals), tuple(parameter_names(_contextual(tokens))), _spans(tokens))

    @property
    def shape(self) -> str:
        """The path with every placeholder as ``{}``, lower case: equal for paths one route serves."""
        return "".join("{}" if t.param is not None else t.text for t in self.tokens).lower()

    def segments(self) -> list[list[Token]]:
        """Tokens per path segment (placeholders never split a segment)."""
        segments: list[list[Token]] = [[]]
        for token in self.tokens:
            if token.param is not None:
                segments[-1].append(token)
                continue
            for index, piece in enumerate(token.text.split("/")):
                if index:
                    segments.append([])
                if piece:
                    segments[-1].append(Token(piece))
        return [segment for segment in segments if segment] or [[]]

    def route(self) -> str:
        """The FastAPI route path: placeholders renamed to their identifiers (``:path``
        for an item path, which may hold ``/``)."""
        return "".join(
            token.text
            if token.param is None
            else "{" + self.names[token.param] + (":path" if self.spans[token.param] else "") + "}"
            for token in self.tokens
        )

    def plain(self) -> str:
        """The path with each placeholder as ``{identifier}``."""
        return "".join(
            token.text if token.param is None else "{" + self.names[token.param] + "}" for token in self.tokens
        )

    def _pattern(self) -> re.Pattern[str]:
        parts = [
            re.escape(token.text)
            if token.param is None
            else ("(.+?)" if self.spans[token.param] else "([^/]+)")
            for token in self.tokens
        ]
        return _compile("^" + "".join(parts) + "/?$")

    def match(self, concrete: str) -> tuple[str, ...] | None:
        """The (decoded) parameter values of a concrete path, or None when it does not fit
        (a path longer than :data:`MAX_PATH` fits nothing: placeholders side by side in
        one segment make a regular expression whose failures cost more than linear time)."""
        if len(concrete) > MAX_PATH:
            return None
        found = self._pattern().match("/" + concrete.strip().lstrip("/"))
        if found is None:
            return None
        return tuple(unquote(value) for value in found.groups())

    def fill(self, values: tuple[str, ...], segments: int | None = None) -> str:
        """The concrete path for parameter values (only the first ``segments`` segments)."""
        chosen = self.segments()[:segments]
        return "/" + "/".join(
            "".join(t.text if t.param is None else values[t.param] for t in segment)
            for segment in chosen
        )

    def expression(self, segments: int | None = None, quote: str = "") -> str:
        """A Python expression building the concrete path from the parameters.

        Literal parts are ``repr`` literals. With ``quote`` (the client), each
        parameter is wrapped in the function that escapes it for where it stands:
        ``quote`` for a path segment, ``item_path_value`` for an item path (keeps ``/``),
        ``literal_value`` inside an OData string literal (doubles ``'``).
        """
        pieces: list[str] = []
        literal = ""
        previous = ""
        for segment in self.segments()[:segments]:
            literal += "/"
            previous = "/"
            for token in segment:
                if token.param is None:
                    literal += token.text
                    previous = token.text
                    continue
                if literal:
                    pieces.append(repr(literal))
                    literal = ""
                name = self.names[token.param]
                pieces.append(f"{self._quote(token.param, previous, quote)}({name})" if quote else name)
                previous = ""
        if literal:
            pieces.append(repr(literal))
        return " + ".join(pieces) if pieces else repr("/")

    def _quote(self, param: int, previous: str, quote: str) -> str:
        if self.spans[param]:
            return "item_path_value"
        if previous.endswith("'"):
            return "literal_value"
        return quote

    def quotes(self) -> frozenset[str]:
        """The escaping functions :meth:`expression` uses with a ``quote`` (for imports)."""
        found = set()
        previous = ""
        for token in self.tokens:
            if token.param is None:
                previous = token.text
            else:
                found.add(self._quote(token.param, previous, "path_value"))
                previous = ""
        return frozenset(found)


def _contextual(tokens: list[Token]) -> list[str]:
    """Placeholder texts, a bare ``{id}`` named after the collection before it
    (``/users/{id}`` -> ``user_id``), so that one name means one thing on every path."""
    found = []
    previous = ""
    for token in tokens:
        if token.param is None:
            previous = token.text
            continue
        word = _WORD_SEGMENT.search(previous)
        if _GENERIC_ID.match(token.text) and word is not None:
            found.append(f"{_singular(word.group(1))}_id")
        else:
            found.append(token.text)
        previous = ""
    return found


def _singular(word: str) -> str:
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _spans(tokens: list[Token]) -> tuple[bool, ...]:
    """Per placeholder: it follows ``:/`` or ``:`` (an item addressed by its path)."""
    spans = []
    previous = ""
    for token in tokens:
        if token.param is None:
            previous = token.text
        else:
            spans.append(previous.endswith((":/", ":")) and not previous.endswith("::"))
            previous = ""
    return tuple(spans)


@functools.lru_cache(maxsize=4096)
def _parse(path: str) -> PathTemplate:
    return PathTemplate._parse(path)


@dataclass(frozen=True, slots=True)
class StorePlan:
    """How the in-memory service serves an operation."""

    action: StoreAction
    """What it does with the store (``reply``: answer with a documented example)."""
    segments: int
    """How many leading segments make the collection (or singleton) path."""
    key: int | None
    """Index of the parameter holding the entity id, for item operations."""


def _plain(segment: list[Token]) -> bool:
    return len(segment) == 1 and segment[0].param is None and bool(
        _PLAIN_SEGMENT.match(segment[0].text)
    )


def _value_segment(segment: list[Token]) -> bool:
    """``$value``: the raw value of an entity or property."""
    return len(segment) == 1 and segment[0].param is None and segment[0].text.lower() == "$value"


def _placeholder(segment: list[Token]) -> bool:
    return len(segment) == 1 and segment[0].param is not None


_ITEM_ACTIONS: dict[str, StoreAction] = {
    "get": "get", "update": "update", "replace": "replace", "delete": "delete",
}
_COLLECTION_ACTIONS: dict[str, StoreAction] = {
    "create": "create", "list": "list", "get": "get_single", "update": "update_single",
    "replace": "replace_single",
}


def store_plan(kind: str, template: PathTemplate, content: str = "") -> StorePlan:
    """Map an operation onto the store, or onto documented replies when it cannot be.

    ``content``: ``upload`` or ``download`` when the operation sends or receives a body
    that is not JSON on this path; the store then keeps it under the path (PUT stores,
    GET returns what was stored, else the documented reply)."""
    segments = template.segments()
    reply = StorePlan("reply", len(segments), None)
    if content and segments[0] and all(
        _plain(segment) or _placeholder(segment) or _value_segment(segment) for segment in segments
    ):
        return StorePlan("put_content" if content == "upload" else "get_content", len(segments), None)
    if kind == "action" or not segments[0]:
        return reply
    if not all(_plain(segment) or _placeholder(segment) for segment in segments):
        return reply
    last = segments[-1]
    if _placeholder(last) and kind in _ITEM_ACTIONS:
        return StorePlan(_ITEM_ACTIONS[kind], len(segments) - 1, last[0].param)
    if _plain(last) and kind in _COLLECTION_ACTIONS:
        return StorePlan(_COLLECTION_ACTIONS[kind], len(segments), None)
    return reply


@functools.lru_cache(maxsize=None)
def _compile(pattern: str) -> re.Pattern[str]:
    """``re.compile`` without the bound of ``re``'s own cache (thousands of paths)."""
    return re.compile(pattern, re.IGNORECASE)
