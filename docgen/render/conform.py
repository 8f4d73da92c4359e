"""Does a documented JSON body fit the documented types, as the generated models read them?

The generated models validate what they are given (pydantic's lax mode, all
fields optional, unknown keys kept, numbers accepted for strings). An example
whose body the models would reject cannot be replayed; this module says why,
so the reason can be reported instead of a failing test.
"""

from __future__ import annotations

from docgen.model import ApiVersion, JsonValue, Property, TypeDef
from docgen.render.types import collection_item, is_collection

__all__ = ["TypeIndex", "mismatch"]

_STRINGS = frozenset(
    "edm.string edm.guid edm.binary edm.stream edm.date edm.timeofday edm.duration "
    "edm.datetimeoffset".split()
)
_INTS = frozenset("edm.int16 edm.int32 edm.int64 edm.byte edm.sbyte".split())
_FLOATS = frozenset("edm.double edm.single edm.decimal".split())
_BOOL_STRINGS = frozenset("0 1 true false t f yes no y n on off".split())
_MAX_DEPTH = 32


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


def _numeric_text(value: JsonValue, integral: bool) -> bool:
    if not isinstance(value, str):
        return False
    try:
        number = float(value.strip())
    except ValueError:
        return False
    return not integral or number.is_integer()


def _primitive(value: JsonValue, key: str) -> bool:
    if key in _STRINGS:
        return isinstance(value, str) or _number(value)
    if key in _INTS:
        return (
            (isinstance(value, int) and not isinstance(value, bool))
            or (isinstance(value, float) and value.is_integer())
            or _numeric_text(value, True)
        )
    if key in _FLOATS:
        return _number(value) or _numeric_text(value, False)
    return isinstance(value, bool) or (
        isinstance(value, str) and value.strip().lower() in _BOOL_STRINGS
    ) or value in (0, 1)


def _open(odata_type: str, index: TypeIndex) -> bool:
    """The type is read as ``Any`` (unknown, ``Edm.Json``, ...): anything goes, null too."""
    key = odata_type.strip().lower()
    if is_collection(key) or key == "edm.boolean" or key in _STRINGS | _INTS | _FLOATS:
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
    if key == "edm.boolean" or key in _STRINGS or key in _INTS or key in _FLOATS:
        if _primitive(value, key):
            return None
        return f"{where} is {_kind(value)}, documented as {odata_type}"
    typedef = index.get(odata_type)
    if typedef is None:
        return None
    if typedef.kind == "enum":
        if isinstance(value, str) or _number(value):
            return None
        return f"{where} is {_kind(value)}, documented as the enum {odata_type}"
    if not isinstance(value, dict):
        return f"{where} is {_kind(value)}, documented as {odata_type}"
    properties = index.properties(typedef)
    for name, item in value.items():
        if name == "@odata.type":
            if item is not None and not isinstance(item, str) and not _number(item):
                return f"{where}.@odata.type is {_kind(item)}"
            continue
        prop = properties.get(name)
        if prop is not None:
            found = mismatch(item, prop.type, index, f"{where}.{name}", depth + 1)
            if found:
                return found
    return None
