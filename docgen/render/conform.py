"""Does a documented JSON body fit the documented types, as the generated models read them?

The generated models validate what they are given: all fields optional, unknown
keys kept, and each documented type read strictly (a string for ``Edm.String``,
a GUID for ``Edm.Guid``, an ISO 8601 timestamp for ``Edm.DateTimeOffset``, a
number for ``Edm.Decimal``, a documented member for an enumeration: see the
generated ``_runtime/models.py``). An example whose body the models would
reject cannot be replayed; this module says why, so the reason can be reported
instead of a failing test. The string formats below are those pydantic reads.
"""

from __future__ import annotations

import json
import re
from datetime import date, time

from docgen.model import ApiVersion, JsonValue, Property, TypeDef
from docgen.render.types import collection_item, is_collection

__all__ = ["TypeIndex", "fit", "mismatch"]

_STRINGS = frozenset("edm.string edm.binary edm.stream".split())
_INTS = frozenset("edm.int16 edm.int32 edm.int64 edm.byte edm.sbyte".split())
_NUMBERS = frozenset("edm.double edm.single edm.decimal".split())
_MAX_DEPTH = 32

_HYPHENATED = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GUID_RE = re.compile(rf"(?:urn:uuid:)?(?:[0-9a-fA-F]{{32}}|{_HYPHENATED}|\{{{_HYPHENATED}\}})")
_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_TIME = r"(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
_ZONE = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?"
_DATETIME_RE = re.compile(rf"{_DATE}(?:[Tt ]{_TIME}{_ZONE})?")
_DATE_RE = re.compile(rf"{_DATE}(?:[Tt ]00:00(?::00(?:\.0+)?)?{_ZONE})?")
_TIME_RE = re.compile(rf"{_TIME}{_ZONE}")
_NUMBER = r"\d+(?:\.\d+)?"
_DURATION_RE = re.compile(
    rf"[+-]?P(?=\d|T\d)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
    rf"|[+-]?(?:\d+:)?\d{{2}}:\d{{2}}(?:\.\d+)?"
)


def _valid_date(match: re.Match[str]) -> bool:
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


def _valid_time(hour: str | None, minute: str | None, second: str | None) -> bool:
    if hour is None or minute is None:
        return True
    try:
        time(int(hour), int(minute), int(second or 0))
    except ValueError:
        return False
    return True


def _text_fits(text: str, key: str) -> bool:
    """The string ``text`` is a value of the primitive ``key`` (lower case) that reads strings."""
    if key == "edm.guid":
        return _GUID_RE.fullmatch(text) is not None
    if key == "edm.datetimeoffset":
        if text.isdigit():  # seconds since the epoch, as pydantic reads them
            return True
        found = _DATETIME_RE.fullmatch(text)
        return found is not None and _valid_date(found) and _valid_time(found[4], found[5], found[6])
    if key == "edm.date":
        found = _DATE_RE.fullmatch(text)
        return found is not None and _valid_date(found)
    if key == "edm.timeofday":
        found = _TIME_RE.fullmatch(text)
        return found is not None and _valid_time(found[1], found[2], found[3])
    if key == "edm.duration":
        return _DURATION_RE.fullmatch(text) is not None
    return key in _STRINGS


_TEXTS = frozenset("edm.guid edm.datetimeoffset edm.date edm.timeofday edm.duration".split()) | _STRINGS
_PRIMITIVES = _TEXTS | _INTS | _NUMBERS | {"edm.boolean"}


class TypeIndex:
    """The types of one API version, with the properties each model has (inherited too)."""

    def __init__(self, version: ApiVersion) -> None:
        self.version = version
        """The version indexed."""
        self.types: dict[str, TypeDef] = {}
        for typedef in version.types:
            self.types.setdefault(typedef.name.lower(), typedef)
        self._properties: dict[str, dict[str, Property]] = {}

    def get(self, odata_type: str) -> TypeDef | None:
        return self.types.get(odata_type.strip().lower())

    def properties(self, typedef: TypeDef) -> dict[str, Property]:
        """Property name -> property, the first declaration (from the root type down) winning."""
        key = typedef.name.lower()
        found = self._properties.get(key)
        if found is not None:
            return found
        chain: list[TypeDef] = []
        current: TypeDef | None = typedef
        while current is not None and current not in chain and current.kind != "enum":
            chain.insert(0, current)
            current = self.get(current.base_type) if current.base_type else None
        found = {}
        for member in chain:
            for prop in member.properties:
                found.setdefault(prop.name, prop)
        self._properties[key] = found
        return found


def _number(value: JsonValue) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _primitive(value: JsonValue, key: str) -> bool:
    """``value`` is a value of the primitive ``key`` (lower case)."""
    if key in _TEXTS:
        return isinstance(value, str) and _text_fits(value, key)
    if key in _INTS:
        return isinstance(value, int) and not isinstance(value, bool)
    if key in _NUMBERS:
        return _number(value)
    return isinstance(value, bool)


def _open(odata_type: str, index: TypeIndex) -> bool:
    """The type is read as ``Any`` (unknown, ``Edm.Json``, ...): anything goes, null too."""
    key = odata_type.strip().lower()
    if is_collection(key) or key in _PRIMITIVES:
        return False
    return index.get(key) is None


def _kind(value: JsonValue) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if _number(value):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def mismatch(
    value: JsonValue, odata_type: str, index: TypeIndex, where: str = "$", depth: int = 0
) -> str | None:
    """None when the models accept ``value`` as ``odata_type``, else where and why not."""
    if value is None or depth > _MAX_DEPTH:
        return None
    if is_collection(odata_type):
        if not isinstance(value, list):
            return f"{where} is {_kind(value)}, documented as {odata_type}"
        item_type = collection_item(odata_type)
        for position, item in enumerate(value):
            if item is None and not _open(item_type, index):
                return f"{where}[{position}] is null in a {odata_type}"
            found = mismatch(item, item_type, index, f"{where}[{position}]", depth + 1)
            if found:
                return found
        return None
    key = odata_type.strip().lower()
    if key in _PRIMITIVES:
        if _primitive(value, key):
            return None
        if isinstance(value, str) and key in _TEXTS:
            return f"{where} is {value!r}, not a valid {odata_type}"
        return f"{where} is {_kind(value)}, documented as {odata_type}"
    typedef = index.get(odata_type)
    if typedef is None:
        return None
    if typedef.kind == "enum":
        if not isinstance(value, str):
            return f"{where} is {_kind(value)}, documented as the enum {odata_type}"
        if not typedef.members or value in {member.name for member in typedef.members}:
            return None
        return f"{where} is {value!r}, not a member of the enum {odata_type}"
    if not isinstance(value, dict):
        return f"{where} is {_kind(value)}, documented as {odata_type}"
    properties = index.properties(typedef)
    for name, item in value.items():
        if name == "@odata.type":
            if item is not None and not isinstance(item, str):
                return f"{where}.@odata.type is {_kind(item)}"
            continue
        prop = properties.get(name)
        if prop is not None:
            found = mismatch(item, prop.type, index, f"{where}.{name}", depth + 1)
            if found:
                return found
    return None


_STAND_INS: dict[str, JsonValue] = {
    "edm.guid": "00000000-0000-0000-0000-000000000000",
    "edm.datetimeoffset": "0001-01-01T00:00:00Z",
    "edm.date": "0001-01-01",
    "edm.timeofday": "00:00:00",
    "edm.duration": "PT0S",
}


def _stand_in(value: JsonValue, key: str, typedef: TypeDef | None) -> JsonValue:
    """A value of the primitive (or enum) ``key`` standing in for ``value``, which is not one:
    the same value in the right JSON type when it reads as one (``5`` -> ``"5"``,
    ``"5"`` -> ``5``, ``"true"`` -> ``true``), else a neutral value of the type."""
    if typedef is not None:
        return typedef.members[0].name
    if key in _STAND_INS:
        return _STAND_INS[key]
    if key in _STRINGS:
        return json.dumps(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if key == "edm.boolean":
            return text == "true"
        try:
            number = float(text)
        except ValueError:
            return 0
        if key in _INTS:
            return int(number) if number.is_integer() else 0
        return int(number) if number.is_integer() and "." not in text else number
    if key == "edm.boolean":
        return bool(value)
    if key in _INTS and isinstance(value, float) and value.is_integer():
        return int(value)
    return 0 if isinstance(value, bool) else value


def fit(
    value: JsonValue,
    odata_type: str,
    index: TypeIndex,
    found: list[str],
    where: str = "$",
    depth: int = 0,
) -> JsonValue:
    """``value`` with each primitive or enum value the models would reject replaced by a
    stand-in of its documented type (a placeholder such as ``"datetime-value"`` for an
    ``Edm.DateTimeOffset``); what was replaced, where and why, is appended to ``found``.
    Objects and arrays in the wrong place are left as they are (:func:`mismatch` tells)."""
    if value is None or depth > _MAX_DEPTH:
        return value
    if is_collection(odata_type):
        if not isinstance(value, list):
            return value
        item_type = collection_item(odata_type)
        return [
            fit(item, item_type, index, found, f"{where}[{position}]", depth + 1)
            for position, item in enumerate(value)
        ]
    key = odata_type.strip().lower()
    typedef = index.get(key)
    if key in _PRIMITIVES or (typedef is not None and typedef.kind == "enum" and typedef.members):
        problem = mismatch(value, odata_type, index, where, depth)
        if problem is None or isinstance(value, (dict, list)):
            return value
        found.append(problem)
        return _stand_in(value, key, typedef if key not in _PRIMITIVES else None)
    if typedef is None or typedef.kind == "enum" or not isinstance(value, dict):
        return value
    properties = index.properties(typedef)
    return {
        name: (
            fit(item, properties[name].type, index, found, f"{where}.{name}", depth + 1)
            if name in properties and name != "@odata.type"
            else item
        )
        for name, item in value.items()
    }
