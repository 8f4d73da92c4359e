"""JSON text from a page (example bodies, annotations): read it, or say why not.

Pages are untrusted input, so every reading here takes time linear in the
text's length and never recurses on it:

* **Nesting** is measured before any decoder sees the text, by an iterative
  scan that skips strings. Text nested deeper than :data:`MAX_DEPTH` is not
  decoded: nothing built from a value (the model, its pickles, Python literals
  in the generated files, which Python cannot parse beyond 200 nested brackets)
  then nests deeper than that.
* **Numbers JSON data cannot hold** (``NaN``, ``Infinity``, ``-Infinity``,
  ``1e999``, integers longer than Python reads) are refused with their place
  (:class:`Unrepresentable`), never turned into floats that no JSON writer
  accepts.
* **Repair** of malformed JSON (json-repair) takes time quadratic in length on
  some inputs, so only texts up to :data:`REPAIR_LIMIT` characters are repaired.
"""

from __future__ import annotations

import json
import math
import re
import sys

from docgen.model import JsonValue

__all__ = [
    "MAX_DEPTH",
    "REPAIR_LIMIT",
    "Unrepresentable",
    "loads",
    "nesting_offset",
    "repair",
    "unrepresentable",
]

MAX_DEPTH = 64
"""The deepest nesting of arrays and objects docgen reads (the real reference nests at most 39 deep)."""
REPAIR_LIMIT = 65_536
"""The longest malformed JSON text docgen repairs, in characters (the real reference's longest is 6,433)."""

# A string, closed or running to the end of the text (escaped newlines included).
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"?'
_STRING_RE = re.compile(_STRING, re.S)
_NOT_BRACKET_RE = re.compile(r"[^\[\]{}]+")
_BRACKET_SCAN_RE = re.compile(_STRING + r"|[\[\]{}]", re.S)
_OPENERS = frozenset("[{")
_CLOSERS = frozenset("]}")
# A number JSON data cannot hold has an exponent of three digits or more, or 300 digits or
# more (each pattern starts with a digit, and the second only where a run of digits starts).
_EXPONENT_RE = re.compile(r"\d[eE][+-]?\d{3}")
_LONG_DIGITS_RE = re.compile(r"\d(?<!\d\d)\d{299}")
_NUMBER_SCAN_RE = re.compile(
    _STRING + r"|(?<![\w.])(-?(?:Infinity|NaN)|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)", re.S
)


class Unrepresentable(Exception):
    """The text holds a number that JSON data cannot hold."""

    def __init__(self, token: str, offset: int) -> None:
        super().__init__(token, offset)
        self.token = token
        """The number as written."""
        self.offset = offset
        """Its offset in the text."""


class _Refused(Exception):
    """Raised by the decoder hooks; located afterwards (the hooks do not know where they are)."""


def nesting_offset(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The offset of the first bracket that opens level ``limit + 1``, or None when ``text`` nests no deeper.

    Brackets inside strings do not count; a closing bracket with nothing open is
    ignored. Two iterative passes: a quick one over the brackets alone, then,
    only for text that is too deep, one that finds the place.
    """
    if text.count("[") + text.count("{") <= limit:
        return None
    brackets = _NOT_BRACKET_RE.sub("", _STRING_RE.sub("", text))
    if not _deeper(brackets, limit):
        return None
    depth = 0
    for m in _BRACKET_SCAN_RE.finditer(text):
        token = m.group()
        if token in _OPENERS:
            depth += 1
            if depth > limit:
                return m.start()
        elif token in _CLOSERS and depth:
            depth -= 1
    return None  # pragma: no cover - both passes skip the same strings


def _deeper(brackets: str, limit: int) -> bool:
    depth = 0
    for char in brackets:
        if char in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif depth:
            depth -= 1
    return False


def _refuse_constant(token: str) -> JsonValue:
    raise _Refused(token)


def _finite_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _Refused(token)
    return value


def loads(text: str) -> JsonValue:
    """Strict JSON, nested no deeper than :data:`MAX_DEPTH` (check with :func:`nesting_offset` first).

    Raises :class:`Unrepresentable` for a number JSON data cannot hold and
    :class:`ValueError` (``json.JSONDecodeError`` with its place) when the text is malformed.
    """
    try:
        value: JsonValue = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except _Refused as refused:
        found = unrepresentable(text)
        raise Unrepresentable(*(found or (str(refused), 0))) from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer longer than Python reads (sys.get_int_max_str_digits)
        found = unrepresentable(text)
        if found is None:
            raise
        raise Unrepresentable(*found) from None
    return value


def unrepresentable(text: str) -> tuple[str, int] | None:
    """The first number outside strings that JSON data cannot hold, with its offset, or None."""
    if "NaN" not in text and "Infinity" not in text:
        if not _EXPONENT_RE.search(text) and not _LONG_DIGITS_RE.search(text):
            return None
    for m in _NUMBER_SCAN_RE.finditer(text):
        token = m.group(1)
        if token is not None and _cannot_hold(token):
            return token, m.start(1)
    return None


def _cannot_hold(token: str) -> bool:
    digits = token.lstrip("-")
    if digits in ("NaN", "Infinity"):
        return True
    if "." in digits or "e" in digits or "E" in digits:
        return not math.isfinite(float(token))
    limit = sys.get_int_max_str_digits()
    return bool(limit) and len(digits) > limit


def repair(text: str) -> JsonValue | None:
    """json-repair's reading of malformed JSON up to :data:`REPAIR_LIMIT` characters, or None.

    None when the text is longer, deeper than :data:`MAX_DEPTH`, when the repairer
    gives up, or when its reading holds a float JSON cannot hold.
    """
    if len(text) > REPAIR_LIMIT or nesting_offset(text) is not None:
        return None
    from json_repair import repair_json

    try:
        value: JsonValue = repair_json(text, return_objects=True)
    except (ValueError, RecursionError):  # the repairer gives up
        return None
    return value if _all_finite(value) else None


def _all_finite(value: JsonValue) -> bool:
    """No float in ``value`` is NaN or infinite (an iterative walk)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return True
