"""OData type names -> Python annotations.

Model fields are typed (:meth:`TypeMap.field_annotation`): ``Edm.Guid`` is
``Guid`` (a ``uuid.UUID``), ``Edm.DateTimeOffset`` is ``DateTimeOffset`` (a
``datetime``), ``Edm.Decimal`` is ``Decimal``, an enumeration its generated
``Enum``, and so on: the aliases of the generated ``_runtime.models``, which read
JSON strictly and write back a value read from JSON as it was read (a
timestamp's seventh fractional digit kept). Everything else (the client's and
the service's annotations of non-model results) is the JSON the value travels
as (:meth:`TypeMap.annotation`): ``str``, ``int``, ``float``, ``bool``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["FIELD_TYPES", "TypeMap", "collection_item", "is_collection"]

_PRIMITIVES = {
    "edm.string": "str",
    "edm.guid": "str",
    "edm.binary": "str",
    "edm.stream": "str",
    "edm.date": "str",
    "edm.timeofday": "str",
    "edm.duration": "str",
    "edm.datetimeoffset": "str",
    "edm.int16": "int",
    "edm.int32": "int",
    "edm.int64": "int",
    "edm.byte": "int",
    "edm.sbyte": "int",
    "edm.double": "float",
    "edm.single": "float",
    "edm.decimal": "float",
    "edm.boolean": "bool",
}
"""Primitive types as the JSON values they travel as."""

FIELD_TYPES = {
    "edm.string": "str",
    "edm.guid": "Guid",
    "edm.binary": "str",
    "edm.stream": "str",
    "edm.date": "Date",
    "edm.timeofday": "TimeOfDay",
    "edm.duration": "Duration",
    "edm.datetimeoffset": "DateTimeOffset",
    "edm.int16": "StrictInt",
    "edm.int32": "StrictInt",
    "edm.int64": "StrictInt",
    "edm.byte": "StrictInt",
    "edm.sbyte": "StrictInt",
    "edm.double": "StrictFloat",
    "edm.single": "StrictFloat",
    "edm.decimal": "Decimal",
    "edm.boolean": "StrictBool",
}
"""Primitive types as model fields: ``str`` or a name the generated ``_runtime.models`` exports."""


def is_collection(odata_type: str) -> bool:
    """``Collection(x)`` (any letter case)."""
    text = odata_type.strip()
    return text.lower().startswith("collection(") and text.endswith(")")


def collection_item(odata_type: str) -> str:
    """``Collection(x)`` -> ``x``; anything else unchanged."""
    text = odata_type.strip()
    return text[len("collection(") : -1].strip() if is_collection(text) else text


@dataclass(frozen=True, slots=True)
class TypeMap:
    """Annotations for the types of one API version."""

    classes: Mapping[str, str]
    """Qualified model type name (lower case) -> class name."""
    enums: Mapping[str, str]
    """Qualified enum type name (lower case) -> class name."""

    def model_class(self, odata_type: str | None) -> str | None:
        """The class of a model type (not of a collection), else None."""
        if odata_type is None or is_collection(odata_type):
            return None
        return self.classes.get(odata_type.strip().lower())

    def annotation(self, odata_type: str, qualify: Callable[[str], str]) -> str:
        """The annotation for a type outside a model (primitives and enums as their JSON
        value); ``qualify`` turns a class name into how the module refers to it
        (``Customer`` or ``_models.Customer``)."""
        return self._annotation(odata_type, qualify, False)

    def field_annotation(self, odata_type: str) -> str:
        """The annotation of a model field of this type (the module names classes bare)."""
        return self._annotation(odata_type, lambda name: name, True)

    def _annotation(self, odata_type: str, qualify: Callable[[str], str], field: bool) -> str:
        if is_collection(odata_type):
            return f"list[{self._annotation(collection_item(odata_type), qualify, field)}]"
        key = odata_type.strip().lower()
        if key in _PRIMITIVES:
            return FIELD_TYPES[key] if field else _PRIMITIVES[key]
        if key in self.enums:
            return qualify(self.enums[key]) if field else "str"
        if key in self.classes:
            return qualify(self.classes[key])
        return "Any"

    def referenced(self, odata_type: str) -> str | None:
        """The class a model field of this type refers to (through collections): a model's
        or an enumeration's."""
        key = collection_item(odata_type).lower()
        while is_collection(key):
            key = collection_item(key)
        return self.classes.get(key) or self.enums.get(key)
