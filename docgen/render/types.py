"""OData type names -> Python annotations.

``Edm.DateTimeOffset`` (and the other date and time types) map to ``str``, not
``datetime``: the generated tests compare the JSON a service echoes with the
JSON that was sent, and a ``datetime`` round trip rewrites timestamps
(``2016-12-31T23:56:51.5562076+03:00`` has seven fractional digits, Python
keeps six). Enum-typed properties are ``str`` too, so a value the docs do not
list (``unknownFutureValue`` and its successors) is still accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["TypeMap", "collection_item", "is_collection"]

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
    enums: frozenset[str]
    """Qualified enum type names (lower case)."""

    def model_class(self, odata_type: str | None) -> str | None:
        """The class of a model type (not of a collection), else None."""
        if odata_type is None or is_collection(odata_type):
            return None
        return self.classes.get(odata_type.strip().lower())

    def annotation(self, odata_type: str, qualify: Callable[[str], str]) -> str:
        """The annotation for a type; ``qualify`` turns a class name into how the module
        refers to it (``Customer`` or ``_models.Customer``)."""
        if is_collection(odata_type):
            return f"list[{self.annotation(collection_item(odata_type), qualify)}]"
        key = odata_type.strip().lower()
        if key in _PRIMITIVES:
            return _PRIMITIVES[key]
        if key in self.enums:
            return "str"
        if key in self.classes:
            return qualify(self.classes[key])
        return "Any"

    def referenced(self, odata_type: str) -> str | None:
        """The class a type refers to (through collections), when it is a model."""
        key = collection_item(odata_type).lower()
        while is_collection(key):
            key = collection_item(key)
        return self.classes.get(key)
