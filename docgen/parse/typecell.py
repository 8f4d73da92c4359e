"""Type cells -> OData type names.

Real pages spell types many ways: ``String``, ``string``, ``Edm.String``,
``[identitySet](identityset.md)``, ``[identitySet][]``, ``identitySet collection``,
``Collection(identitySet)``, ``Collection of [x](x.md)``, ``String (timestamp)``,
``string, maximum size 20``. :func:`parse_type_cell` turns each into an OData
name (``Edm.String``, ``microsoft.graph.identitySet``, ``Collection(...)``).
"""

from __future__ import annotations

import re

from docgen.parse.inline import outside_code, unmark

NAMESPACE = "microsoft.graph"

PRIMITIVES: dict[str, str] = {
    p.lower(): "Edm." + p
    for p in (
        "String Boolean Byte SByte Int16 Int32 Int64 Single Double Decimal DateTimeOffset Date "
        "TimeOfDay Duration Guid Binary Stream"
    ).split()
}
PRIMITIVES.update(
    {
        "int": "Edm.Int32",
        "integer": "Edm.Int32",
        "bool": "Edm.Boolean",
        "datetime": "Edm.DateTimeOffset",
        "timestamp": "Edm.DateTimeOffset",
        "long": "Edm.Int64",
        "float": "Edm.Double",
        "number": "Edm.Double",
        "numeric": "Edm.Double",
        "uuid": "Edm.Guid",
        "url": "Edm.String",
        "uri": "Edm.String",
        "text": "Edm.String",
        "json": f"{NAMESPACE}.Json",
    }
)

# Each bracketed or parenthesised part stops at the next bracket or parenthesis, so
# that every attempt ends before the next one starts: linear in the cell's length.
_LINK_RE = re.compile(r"(?<!\\)\[([^\[\]]*)(?<!\\)\](?:\(([^()]*)\)|\[([^\[\]]*)\])?")  # not \[ or \]
_TAG_RE = re.compile(r"(?<!\\)<[^<>]*>")  # not an escaped \<
_COLL_FUNC_RE = re.compile(r"^collection\s*\((.*)\)$", re.I)
_COLL_OF_RE = re.compile(r"^(?:a\s+)?collection\s+of\s+(.*)$", re.I)
_COLL_SUFFIX_RE = re.compile(r"(?<!\s)\s+collections?$", re.I)
_NAME_RE = re.compile(r"[A-Za-z_][\w.]*")


def link_text(cell: str) -> str:
    """A cell with Markdown links, tags, code marks, emphasis and escapes reduced to its plain
    text (every other character kept: :func:`docgen.parse.inline.unmark`)."""
    cell = outside_code(cell, lambda text: _TAG_RE.sub(" ", _LINK_RE.sub(lambda m: m.group(1), text)))
    return unmark(cell).replace("\u00a0", " ").strip()


def qualify(name: str) -> str:
    """``identitySet`` -> ``microsoft.graph.identitySet``; primitives -> ``Edm.X``; qualified names kept."""
    name = name.strip().lstrip("#")
    lower = name.lower()
    if lower in PRIMITIVES:
        return PRIMITIVES[lower]
    if lower.startswith("edm."):
        return PRIMITIVES.get(lower[4:], "Edm." + name[4:])
    if lower.startswith("graph."):
        return f"{NAMESPACE}.{name[6:]}"
    if "." in name:
        return name
    return f"{NAMESPACE}.{name}"


def _single(text: str) -> str | None:
    """The type named by one non-collection spelling, or None when it names none."""
    text = text.strip().strip(".,;:")
    if not text:
        return None
    m = _NAME_RE.match(text)
    if m is None:
        return None
    word = m.group(0).rstrip(".")
    rest = text[m.end() :].strip()
    if rest and not rest.startswith(("(", ",", ";", "-", "\u2013")) and word.lower() not in PRIMITIVES:
        # "The requested, derived type of x", prose: not a type.
        return None
    return qualify(word)


def _collection_element(text: str) -> str | None:
    """What ``Collection(x)``, ``collection of x`` or ``x collection`` names, or None."""
    m = _COLL_FUNC_RE.match(text) or _COLL_OF_RE.match(text)
    if m:
        return m.group(1)
    suffix = _COLL_SUFFIX_RE.search(text)  # starts only where a run of spaces starts
    return text[: suffix.start()] if suffix else None


def parse_type_cell(cell: str) -> str | None:
    """The OData type a Markdown type cell names, or None when it names none."""
    raw = cell.strip()
    if not raw:
        return None
    text = link_text(raw)
    links = _LINK_RE.findall(raw)
    element = _collection_element(text)
    if element is not None:
        inner = _single(links[0][0] if links else element)
        return f"Collection({inner})" if inner else None
    if links:
        return _single(link_text(links[0][0]))
    return _single(text)


def is_collection(odata: str) -> bool:
    """True for ``Collection(...)`` names."""
    return odata.startswith("Collection(")


def element_type(odata: str) -> str:
    """``Collection(x)`` -> ``x``; anything else unchanged."""
    return odata[11:-1] if odata.startswith("Collection(") and odata.endswith(")") else odata
