"""``$filter`` expressions: a small parser and an evaluator over JSON entities.

The subset served: comparisons (``eq``, ``ne``, ``gt``, ``lt``, ``ge``, ``le``),
``and``, ``or``, ``not``, parentheses, ``startswith(path, 'text')``, string
(``'it''s'``), number, boolean and ``null`` literals, and property paths
(``address/city``). Anything else (``in``, ``has``, arithmetic, lambdas such as
``members/any(...)``, other functions) is refused with :class:`FilterError`
naming it, and so is an expression longer than :data:`MAX_LENGTH` characters or
nested deeper than :data:`MAX_DEPTH` (the defaults; the app's ``Limits`` set them). The text is parsed, never evaluated as code.

Grammar (lowest precedence first), read by recursive descent::

    or_expr    := and_expr ("or" and_expr)*
    and_expr   := unary ("and" unary)*
    unary      := "not" unary | comparison
    comparison := operand (("eq"|"ne"|"gt"|"lt"|"ge"|"le") operand)?
    operand    := literal | function "(" args ")" | path | "(" or_expr ")"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "FilterError", "Predicate", "parse_filter"]

MAX_LENGTH = 2048
"""Longest ``$filter`` accepted, in characters."""
MAX_DEPTH = 32
"""Deepest nesting of parentheses and ``not`` accepted."""

_COMPARISONS = frozenset({"eq", "ne", "gt", "lt", "ge", "le"})
_UNSUPPORTED_OPERATORS = frozenset({"in", "has", "add", "sub", "mul", "div", "divby", "mod"})
_LAMBDAS = frozenset({"any", "all"})
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
_TOKEN_RE = re.compile(
    r"""\s*(?:
    (?P<string>'(?:[^']|'')*')
    | (?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<name>[A-Za-z_@][A-Za-z0-9_.@]*)
    | (?P<punct>[(),/])
    | (?P<other>\S)
    )""",
    re.VERBOSE,
)

Predicate = Callable[[Mapping[str, Any]], bool]
"""A parsed filter: True for the entities it keeps."""


class FilterError(ValueError):
    """A ``$filter`` that cannot be read, or uses what is not served; the message names it."""


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    at: int


@dataclass(frozen=True, slots=True)
class _Literal:
    value: Any


@dataclass(frozen=True, slots=True)
class _Path:
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Call:
    name: str
    args: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Binary:
    op: str
    left: _Node
    right: _Node


@dataclass(frozen=True, slots=True)
class _Junction:
    """``a and b and c`` (or ``or``): a chain of any length, evaluated without recursion."""

    op: str
    parts: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Not:
    operand: _Node


_Node = Union[_Literal, _Path, _Call, _Binary, _Junction, _Not]


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None or match.end() == pos:  # only trailing whitespace is left
            break
        kind = match.lastgroup or "other"
        tokens.append(_Token(kind, match.group(kind), match.start(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, max_depth: int = MAX_DEPTH) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0
        self.max_depth = max_depth

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def word(self) -> str:
        token = self.peek()
        return token.text.lower() if token is not None and token.kind == "name" else ""

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise FilterError("the expression ends too early")
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise FilterError(
                f"expected {text!r} at character {token.at + 1}, found {token.text!r}"
            )

    def nested(self) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise FilterError(f"the expression is nested deeper than {self.max_depth} levels")

    def parse(self) -> _Node:
        node = self.or_expr()
        token = self.peek()
        if token is not None:
            self.unsupported_operator(token)
            raise FilterError(f"unexpected {token.text!r} at character {token.at + 1}")
        return node

    def unsupported_operator(self, token: _Token) -> None:
        if token.kind == "name" and token.text.lower() in _UNSUPPORTED_OPERATORS:
            raise FilterError(f"the operator {token.text.lower()!r} is not supported")

    def or_expr(self) -> _Node:
        parts = [self.and_expr()]
        while self.word() == "or":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else _Junction("or", tuple(parts))

    def and_expr(self) -> _Node:
        parts = [self.unary()]
        while self.word() == "and":
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else _Junction("and", tuple(parts))

    def unary(self) -> _Node:
        if self.word() == "not":
            self.take()
            self.nested()
            node: _Node = _Not(self.unary())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> _Node:
        left = self.operand()
        word = self.word()
        if word in _COMPARISONS:
            self.take()
            return _Binary(word, left, self.operand())
        token = self.peek()
        if token is not None:
            self.unsupported_operator(token)
        return left

    def operand(self) -> _Node:
        token = self.take()
        if token.text == "(":
            self.nested()
            node = self.or_expr()
            self.expect(")")
            self.depth -= 1
            return node
        if token.kind == "string":
            return _Literal(token.text[1:-1].replace("''", "'"))
        if token.kind == "datetime":
            return _Literal(token.text)
        if token.kind == "number":
            is_float = any(c in token.text for c in ".eE")
            return _Literal(float(token.text) if is_float else int(token.text))
        if token.kind != "name":
            raise FilterError(f"unexpected {token.text!r} at character {token.at + 1}")
        lowered = token.text.lower()
        if lowered in _LITERALS:
            return _Literal(_LITERALS[lowered])
        if (
            lowered in _COMPARISONS
            or lowered in ("and", "or", "not")
            or lowered in _UNSUPPORTED_OPERATORS
        ):
            raise FilterError(f"expected a value at character {token.at + 1}, found {token.text!r}")
        nxt = self.peek()
        if nxt is not None and nxt.text == "(":
            return self.call(token)
        return self.path(token)

    def call(self, name: _Token) -> _Node:
        if name.text.lower() != "startswith":
            raise FilterError(f"the function {name.text!r} is not supported")
        self.expect("(")
        self.nested()
        args = [self.or_expr()]
        while self.peek() is not None and self.tokens[self.pos].text == ",":
            self.take()
            args.append(self.or_expr())
        self.expect(")")
        self.depth -= 1
        if len(args) != 2:
            raise FilterError(f"startswith takes 2 arguments, got {len(args)}")
        return _Call("startswith", tuple(args))

    def path(self, first: _Token) -> _Node:
        parts = [first.text]
        while self.peek() is not None and self.tokens[self.pos].text == "/":
            self.take()
            token = self.take()
            if token.kind != "name":
                raise FilterError(f"expected a property name at character {token.at + 1}")
            nxt = self.peek()
            if token.text.lower() in _LAMBDAS and nxt is not None and nxt.text == "(":
                raise FilterError(f"the lambda operator {token.text!r} is not supported")
            if nxt is not None and nxt.text == "(":
                raise FilterError(f"the function {token.text!r} is not supported")
            parts.append(token.text)
        return _Path(tuple(parts))


def _lookup(entity: Any, parts: tuple[str, ...]) -> Any:
    """The value at a property path; names match exactly, else ignoring case; None when absent."""
    value = entity
    for part in parts:
        if not isinstance(value, Mapping):
            return None
        if part in value:
            value = value[part]
            continue
        lowered = part.lower()
        value = next(
            (v for k, v in value.items() if isinstance(k, str) and k.lower() == lowered), None
        )
    return value


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "eq":
        return bool(left == right) and (_number(left) == _number(right))
    if op == "ne":
        return not _compare("eq", left, right)
    if not (
        (_number(left) and _number(right)) or (isinstance(left, str) and isinstance(right, str))
    ):
        return False  # null, or values of different types, are not ordered
    if op == "gt":
        return bool(left > right)
    if op == "lt":
        return bool(left < right)
    if op == "ge":
        return bool(left >= right)
    return bool(left <= right)


def _value(node: _Node, entity: Mapping[str, Any]) -> Any:
    if isinstance(node, _Literal):
        return node.value
    if isinstance(node, _Path):
        return _lookup(entity, node.parts)
    if isinstance(node, _Call):
        text, prefix = (_value(arg, entity) for arg in node.args)
        return (
            isinstance(text, str)
            and isinstance(prefix, str)
            and text.lower().startswith(prefix.lower())
        )
    if isinstance(node, _Not):
        return not _truth(node.operand, entity)
    if isinstance(node, _Junction):
        if node.op == "and":
            return all(_truth(part, entity) for part in node.parts)
        return any(_truth(part, entity) for part in node.parts)
    return _compare(node.op, _value(node.left, entity), _value(node.right, entity))


def _truth(node: _Node, entity: Mapping[str, Any]) -> bool:
    return _value(node, entity) is True


def parse_filter(text: str, max_length: int = MAX_LENGTH, max_depth: int = MAX_DEPTH) -> Predicate:
    """The predicate a ``$filter`` expression stands for; :class:`FilterError` when it cannot be
    served, or is longer than ``max_length`` characters or nested deeper than ``max_depth``."""
    if len(text) > max_length:
        raise FilterError(f"the expression is longer than {max_length} characters")
    if not text.strip():
        raise FilterError("the expression is empty")
    tree = _Parser(text, max_depth).parse()
    return lambda entity: _truth(tree, entity)
