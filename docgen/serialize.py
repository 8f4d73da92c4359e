"""The model as JSON: what ``docgen parse --format json`` prints (documented in ``docs/json.md``).

:func:`to_json` turns any model value into plain JSON data. The rules are few and
fixed, so that the output is the same for the same model on every run:

* a dataclass becomes an object with its field names as keys, in field order;
* a tuple or list becomes an array in its order; a set becomes a sorted array;
* a mapping keeps its keys in insertion order (the model builds them in page order);
* an enum becomes its value, a :class:`~pathlib.PurePath` its posix string;
* a :class:`~docgen.diagnostics.SourceSpan` becomes ``{"path", "line", "col"}``;
* a :class:`~docgen.model.RequestLine` becomes ``{"method", "path", "template", "source"}``,
  where ``path`` is the line as written and ``template`` its normalised form.

The output is strict JSON. The model holds no number JSON cannot write: the parser
keeps an example body with ``NaN``, ``Infinity`` or ``1e999`` as text (DG309), and no
JSON value nested deeper than :data:`docgen.parse.jsontext.MAX_DEPTH` (DG310).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

from docgen.diagnostics import SourceSpan
from docgen.model import JsonValue, RequestLine

__all__ = ["FORMAT", "dumps", "to_json"]

FORMAT = "docgen-model/1"
"""Names the JSON form; changes when a field is renamed or removed (not when one is added)."""


def _span(span: SourceSpan) -> JsonValue:
    return {"path": span.path, "line": span.line, "col": span.col}


def _request_line(line: RequestLine) -> JsonValue:
    return {
        "method": line.method,
        "path": line.text,
        "template": line.path,
        "source": _span(line.source),
    }


_SPECIAL: dict[type[Any], Callable[[Any], JsonValue]] = {
    SourceSpan: _span,
    RequestLine: _request_line,
}
_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELDS[cls] = names
    return names


def _sort_key(value: JsonValue) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def to_json(obj: object) -> JsonValue:
    """``obj`` (a model value, or any nesting of them) as JSON-compatible data."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        # StrEnum and IntEnum members are str/int already; give their plain value.
        if isinstance(obj, enum.Enum):
            return to_json(obj.value)
        return obj
    special = _SPECIAL.get(type(obj))
    if special is not None:
        return special(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: to_json(getattr(obj, name)) for name in _field_names(type(obj))}
    if isinstance(obj, (tuple, list)):
        return [to_json(item) for item in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((to_json(item) for item in obj), key=_sort_key)
    if isinstance(obj, Mapping):
        return {str(to_json(key)): to_json(value) for key, value in obj.items()}
    if isinstance(obj, enum.Enum):
        return to_json(obj.value)
    if isinstance(obj, PurePath):
        return obj.as_posix()
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def dumps(obj: object, *, indent: int | None = None) -> str:
    """``obj`` as JSON text ending in a newline: UTF-8 (no ``\\u`` escapes), stable.

    Compact by default: the standard library's fast encoder only runs without
    ``indent``, which matters for a model of 10,000 pages (about 90 MB).
    """
    separators = (",", ":") if indent is None else (",", ": ")
    data = to_json(obj)
    return json.dumps(data, indent=indent, separators=separators, ensure_ascii=False, allow_nan=False) + "\n"
