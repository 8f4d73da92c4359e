"""OData types -> JSON Schema (the dialect of OpenAPI 3.1).

One schema component per documented type of a version, named by its qualified
name (``microsoft.graph.customer``); inheritance is ``allOf`` with the base
type's component, as the generated models inherit. Primitive ``Edm`` types map
to JSON types with a ``format`` (or ``contentEncoding``); nullable properties
are type arrays with ``"null"``. Objects stay open (``additionalProperties`` is
not restricted): responses carry ``@odata.*`` annotations and properties the
docs do not list, and the generated models keep them.
"""

from __future__ import annotations

import re
from typing import Any

from docgen.model import Property, TypeDef
from docgen.render.types import collection_item, is_collection
from docgen.render.views import VersionContext

__all__ = ["ERROR_SCHEMA", "SchemaBuilder", "primitive"]

Schema = dict[str, Any]

_PRIMITIVES: dict[str, Schema] = {
    "edm.string": {"type": "string"},
    "edm.guid": {"type": "string", "format": "uuid"},
    "edm.date": {"type": "string", "format": "date"},
    # hh:mm[:ss[.fffffff]], no offset: not a JSON Schema "time" (RFC 3339 requires one)
    "edm.timeofday": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,7})?)?$"},
    "edm.duration": {"type": "string", "format": "duration"},
    "edm.datetimeoffset": {"type": "string", "format": "date-time"},
    "edm.binary": {"type": "string", "contentEncoding": "base64"},
    "edm.stream": {"type": "string", "contentMediaType": "application/octet-stream"},
    "edm.byte": {"type": "integer", "format": "uint8"},
    "edm.sbyte": {"type": "integer", "format": "int8"},
    "edm.int16": {"type": "integer", "format": "int16"},
    "edm.int32": {"type": "integer", "format": "int32"},
    "edm.int64": {"type": "integer", "format": "int64"},
    "edm.single": {"type": "number", "format": "float"},
    "edm.double": {"type": "number", "format": "double"},
    "edm.decimal": {"type": "number", "format": "decimal"},
    "edm.boolean": {"type": "boolean"},
}
"""The primitive types the generated models type (any other ``Edm`` type is any JSON)."""

ERROR_SCHEMA: Schema = {
    "type": "object",
    "description": "An OData error.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "A machine-readable error code."},
                "message": {"type": "string", "description": "What went wrong, for people."},
            },
        }
    },
}
"""The body of every error response: ``{"error": {"code": ..., "message": ...}}``."""

_COMPONENT = re.compile(r"[^A-Za-z0-9._-]")


def primitive(odata_type: str) -> Schema | None:
    """The schema of a primitive ``Edm`` type the models know, else None."""
    found = _PRIMITIVES.get(odata_type.strip().lower())
    return dict(found) if found is not None else None


def _nullable(schema: Schema) -> Schema:
    """``schema`` that also admits ``null``."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    if not schema or "type" in schema:
        return schema  # any value already, or a type array
    return {"anyOf": [schema, {"type": "null"}]}


class SchemaBuilder:
    """Schemas of the types of one API version, and their component names."""

    def __init__(self, ctx: VersionContext) -> None:
        self.ctx = ctx
        self.names = _component_names(list(ctx.typedefs.values()))
        """Qualified type name (lower case) -> component name."""

    def ref(self, typedef: TypeDef) -> Schema:
        return {"$ref": f"#/components/schemas/{self.names[typedef.name.lower()]}"}

    def of(self, odata_type: str) -> Schema:
        """The schema of a value of ``odata_type`` (a primitive, a documented type, a
        collection of one); any JSON for what the docs do not define."""
        if is_collection(odata_type):
            return {"type": "array", "items": self.of(collection_item(odata_type))}
        found = primitive(odata_type)
        if found is not None:
            return found
        typedef = self.ctx.typedefs.get(odata_type.strip().lower())
        return self.ref(typedef) if typedef is not None else {}

    def property(self, prop: Property) -> Schema:
        """The schema of a property: its type, nullable unless documented otherwise,
        its description, read-only when the server sets it."""
        schema = self.of(prop.type)
        if prop.nullable:
            schema = _nullable(schema)
        if prop.description.strip():
            schema["description"] = prop.description.strip()
        if prop.read_only:
            schema["readOnly"] = True
        return schema

    def object(self, properties: list[Property] | tuple[Property, ...]) -> Schema:
        """An open object with these properties (the first of each name)."""
        schema: Schema = {"type": "object"}
        found: dict[str, Schema] = {}
        for prop in properties:
            if prop.name not in found:
                found[prop.name] = self.property(prop)
        if found:
            schema["properties"] = found
        return schema

    def component(self, typedef: TypeDef) -> Schema:
        """The component of a documented type."""
        if typedef.kind == "enum":
            schema: Schema = {"type": "string"}
            members = list(dict.fromkeys(member.name for member in typedef.members))
            if members:
                schema["enum"] = members
        else:
            schema = self.object(self.ctx.own_properties(typedef))
            base = self.ctx.base_of(typedef)
            if base is not None:
                schema = {"allOf": [self.ref(base), schema]}
        if typedef.description.strip():
            schema["description"] = typedef.description.strip()
        return schema

    def components(self) -> dict[str, Schema]:
        """Every type's component, by component name."""
        found = {self.names[key]: self.component(t) for key, t in self.ctx.typedefs.items()}
        return dict(sorted(found.items()))


def _component_names(typedefs: list[TypeDef]) -> dict[str, str]:
    """A component name per type (characters OpenAPI does not allow made ``_``; a
    clash gets ``_2``, ``_3``, ... in name order)."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for typedef in sorted(typedefs, key=lambda t: t.name):
        base = _COMPONENT.sub("_", typedef.name) or "type"
        name, index = base, 1
        while name.lower() in taken:
            index += 1
            name = f"{base}_{index}"
        taken.add(name.lower())
        result[typedef.name.lower()] = name
    return result
