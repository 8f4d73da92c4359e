"""Query parameters of an API page: the OData system query options the
``## Optional query parameters`` section names, and the rows of query and
function parameter tables.

The prose says which system options the method supports ("This method supports
the `$select`, `$filter` and `$top` OData query parameters"); a section that
supports them without naming any ("supports the OData query parameters") means
the usual set for what the method returns, and one that says it does not support
them means none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.diagnostics import Diagnostic, SourceSpan
from docgen.model import Parameter
from docgen.parse import sections
from docgen.parse.page import Table
from docgen.parse.typecell import link_text, parse_type_cell

__all__ = [
    "COLLECTION_OPTIONS",
    "ENTITY_OPTIONS",
    "SYSTEM_OPTIONS",
    "QueryProse",
    "is_query_section",
    "options_from_prose",
    "query_table",
    "system_option",
]

SYSTEM_OPTIONS: dict[str, str] = {
    "$select": "Collection(Edm.String)",
    "$expand": "Collection(Edm.String)",
    "$filter": "Edm.String",
    "$orderby": "Collection(Edm.String)",
    "$top": "Edm.Int32",
    "$skip": "Edm.Int32",
    "$search": "Edm.String",
    "$count": "Edm.Boolean",
    "$format": "Edm.String",
    "$skiptoken": "Edm.String",
    "$deltatoken": "Edm.String",
}
"""The OData system query options docgen knows, with the type of their value."""

COLLECTION_OPTIONS = ("$select", "$filter", "$top", "$skip", "$orderby", "$expand", "$count", "$search")
"""What "supports the OData query parameters" means for a method returning a collection."""
ENTITY_OPTIONS = ("$select", "$expand")
"""What it means for a method returning one entity (or nothing)."""

_DOLLAR_RE = re.compile(r"(?<![\w$])\$(select|expand|filter|orderby|top|skip|search|count|format|skiptoken|deltatoken)\b", re.I)
_QUOTED_RE = re.compile(r"`\$?(select|expand|filter|orderby|top|skip|search|count|format|skiptoken|deltatoken)`", re.I)
_NEGATIVE_RE = re.compile(r"\b(does|do)\s+(\*\*)?not(\*\*)?\s+support|\bnot\s+(currently\s+)?supported\b", re.I)
_SOME_RE = re.compile(r"\bsome\b", re.I)
"""'supports some of the OData query parameters': only those the prose goes on to name."""
_EXAMPLES_RE = re.compile(r"\bincluding\b|\bsuch as\b", re.I)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z*`\[])")
_POSITIVE_RE = re.compile(r"\bsupport|\buse\b|\badd\b|\binclude\b|\bspecify\b", re.I)
_SECTION_RE = re.compile(r"\b(query|function)\s+param", re.I)
_NAME_RE = re.compile(r"\$?[A-Za-z_][A-Za-z0-9_.-]*")


@dataclass(frozen=True, slots=True)
class QueryProse:
    """A paragraph of a query-parameter section."""

    raw: str
    """Its raw inline Markdown."""
    line: int
    """Where it is."""


def is_query_section(h2: str, h3: str) -> bool:
    """The headings name a query (or function) parameter section."""
    return bool(_SECTION_RE.search(h2) or _SECTION_RE.search(h3))


def system_option(name: str) -> str | None:
    """``$Top`` / ``top`` -> ``$top`` when it names a system query option, else None."""
    key = "$" + name.strip().lstrip("$").lower()
    return key if key in SYSTEM_OPTIONS else None


def options_from_prose(paragraphs: list[QueryProse], collection: bool) -> list[tuple[str, int]]:
    """(option, line) for the system options the section's prose supports, in first-mention order.

    Options named in a paragraph that says what is supported or how to use one ("supports
    the `$select` and `$top` ...", "You can use the `$top` query parameter ...") count;
    those named in a sentence that says what is not supported do not. A sentence saying
    the method supports the OData query parameters without naming any, or naming some as
    examples ("including `$search`"), gives the usual set for what it returns as well
    (not "some of the OData query parameters": then only those it names).
    """
    named: dict[str, int] = {}
    refused: set[str] = set()
    generic: int | None = None
    for paragraph, sentence in ((p, s) for p in paragraphs for s in _SENTENCE_RE.split(p.raw)):
        found = _named(sentence)
        if _NEGATIVE_RE.search(sentence):
            refused.update(found)
            continue
        if not _POSITIVE_RE.search(sentence):
            continue
        for option in found:
            named.setdefault(option, paragraph.line)
        lowered = sentence.lower()
        if ("odata" in lowered or "query param" in lowered) and not _SOME_RE.search(sentence) and (
            not found or _EXAMPLES_RE.search(sentence)
        ):
            generic = paragraph.line if generic is None else generic
    if generic is not None:  # the usual set, and the options the prose names beyond it
        usual = COLLECTION_OPTIONS if collection else ENTITY_OPTIONS
        named = {option: generic for option in usual} | {o: ln for o, ln in named.items() if o not in usual}
    return [(option, line) for option, line in named.items() if option not in refused]


def _named(raw: str) -> list[str]:
    """The system options a paragraph names (`$top`, `` `select` ``), in order of mention."""
    found: dict[str, int] = {}
    for regex in (_DOLLAR_RE, _QUOTED_RE):
        for match in regex.finditer(raw):
            option = system_option(match.group(1))
            if option is not None:
                found.setdefault(option, match.start())
    return [option for option, _ in sorted(found.items(), key=lambda kv: kv[1])]


def query_table(table: Table, path: str, diags: list[Diagnostic] | None = None) -> list[Parameter]:
    """The rows of a query or function parameter table (``Name|Type|Description`` and its spellings).

    A system option is its ``$name``; any other parameter is named by its whole cell, as
    :func:`docgen.parse.sections.documented_name` reads it (DG207 in ``diags`` when its
    Python name leaves characters out)."""
    name_col = sections.column(table, "parameter", "name", "query parameter", "parameter name")
    if name_col is None:
        return []
    type_col = sections.column(table, "type", "value type", "data type")
    desc_col = sections.column(table, "description", "value")
    out: list[Parameter] = []
    for row in table.rows:
        raw = sections.cell(row.cells, name_col)
        if link_text(raw).startswith("$"):
            match = _NAME_RE.search(link_text(raw))
            name = match.group(0).rstrip(".-") if match is not None else ""
        else:
            name = sections.documented_name(raw, SourceSpan(path, row.line), [] if diags is None else diags, "parameter") or ""
        if not name:
            continue
        option = system_option(name) if name.startswith("$") else None
        if name.startswith("$") and option is None:
            continue
        description = link_text(sections.cell(row.cells, desc_col)) if desc_col is not None else ""
        odata = SYSTEM_OPTIONS[option] if option else None
        if odata is None and type_col is not None:
            odata = parse_type_cell(sections.cell(row.cells, type_col))
        lowered = description.lower()
        required = "required" in lowered and "not required" not in lowered and "optional" not in lowered
        out.append(
            Parameter(option or name, "query", odata or "Edm.String", description, required, SourceSpan(path, row.line))
        )
    return out
