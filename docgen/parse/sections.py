"""Section context for blocks, and the tables found in sections."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import EnumMember, Permission, Property
from docgen.names import attribute_names, enum_member_names, identifier_loss, option_names, snake_case
from docgen.parse.page import Block, Heading, Page, Paragraph, Table
from docgen.parse.typecell import link_text, parse_type_cell

_NAME_HEADERS = {"property", "parameter", "name", "relationship", "property name", "parameter name", "member"}
_READ_ONLY_RE = re.compile(r"read[- ]?only|server[- ]generated|set by the (server|system)", re.I)
_REQUIRED_RE = re.compile(r"\brequired\b|not nullable", re.I)
_SCOPE_SEPARATOR_RE = re.compile(r"[,;]|(?<!\s)\s+or\s+")  # "or" only tried where a run of spaces starts
_NOTE_RE = re.compile(r"\s+\((?:deprecated|preview|beta|optional|required|read-?only)\)$", re.I)
"""A note after a property's name in its cell (``capabilities (deprecated)``): not part of the name."""
_ENUM_VALUE_RE = re.compile(r"-?\d{1,19}")
"""Enum member values docgen reads (an Int64 has at most 19 digits; longer ones are left unread)."""


@dataclass(frozen=True, slots=True)
class Placed:
    """A block and the headings it sits under (lower-case plain text)."""

    block: Block
    h1: str
    h2: str
    h3: str
    last: str = ""
    """The nearest heading above it, of any level (``#### Response``)."""


def placed(page: Page) -> Iterator[Placed]:
    """Every block with its enclosing headings; tab markers do not start sections."""
    h1 = h2 = h3 = last = ""
    for block in page.blocks:
        if isinstance(block, Heading):
            text = block.text.strip().lower()
            last = text
            if block.level == 1:
                h1, h2, h3 = text, "", ""
            elif block.level == 2:
                h2, h3 = text, ""
            elif block.level == 3:
                h3 = text
        yield Placed(block, h1, h2, h3, last)


def page_description(page: Page) -> str:
    """The front matter's description, else the first paragraph that is not the Namespace line."""
    desc = page.front_matter.get("description")
    if isinstance(desc, str) and desc.strip():
        return desc.strip()
    for block in page.blocks:
        if isinstance(block, Paragraph) and not block.text.startswith("Namespace:"):
            return block.text
    return ""


def cell(row: tuple[str, ...], i: int) -> str:
    """The i-th cell or an empty string."""
    return row[i] if i < len(row) else ""


def column(table: Table, *names: str) -> int | None:
    """Index of the first header cell named one of ``names`` (case-insensitive)."""
    lowered = [h.strip().lower() for h in table.header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def is_property_table(table: Table) -> bool:
    """``Property|Type|Description`` and its spellings."""
    return (
        len(table.header) >= 2
        and table.header[0].strip().lower() in _NAME_HEADERS
        and table.header[1].strip().lower() in ("type", "data type", "value type")
    )


def is_enum_table(table: Table) -> bool:
    """``Member|Value|Description`` (or ``Value|Description`` style member lists)."""
    head = [h.strip().lower() for h in table.header]
    return bool(head) and head[0] in ("member", "value", "name", "member name") and "type" not in head


def check_cells(table: Table, path: str, diags: list[Diagnostic]) -> None:
    """DG004 for rows with more or fewer cells than the header."""
    for row in table.rows:
        if row.source_cells != len(table.header):
            diags.append(
                diag(
                    "DG004",
                    f"table row has {row.source_cells} cells but the header has {len(table.header)}"
                    " (an unescaped '|'?); read the first cells as written",
                    SourceSpan(path, row.line),
                )
            )


def properties(table: Table, path: str, diags: list[Diagnostic], navigation: bool = False) -> list[Property]:
    """Rows of a property table as properties (rows with no usable name or type are reported)."""
    out: list[Property] = []
    desc_col = column(table, "description", "notes", "remarks")
    for row in table.rows:
        span = SourceSpan(path, row.line)
        name = documented_name(cell(row.cells, 0), span, diags)
        if name is None:
            continue
        type_cell = cell(row.cells, 1)
        odata = parse_type_cell(type_cell)
        if odata is None:
            diags.append(diag("DG201", f"type of {name!r} cannot be read from {type_cell!r}; using Edm.String", span))
            odata = "Edm.String"
        description = link_text(cell(row.cells, desc_col)) if desc_col is not None else ""
        out.append(
            Property(
                name,
                odata,
                description,
                span,
                read_only=bool(_READ_ONLY_RE.search(description)),
                navigation=navigation,
                nullable=not _REQUIRED_RE.search(description),
            )
        )
    return out


def documented_name(raw: str, span: SourceSpan, diags: list[Diagnostic], what: str = "property") -> str | None:
    """The name a property's (or a parameter's, an enum member's) cell documents, as written (its wire
    name: JSON key, query key, member value); None for an empty cell.

    The whole text of the cell, less a note such as ``(deprecated)`` and a final ``.``:
    a name that is no identifier (``with space``, ``ünïcødé``) is kept for the wire and
    given a Python name by :mod:`docgen.names`; DG207 says so when that name leaves
    characters out (an emoji, a zero-width space) or has none at all (``{{ }}``).
    """
    name = _NOTE_RE.sub("", link_text(raw)).rstrip(".").strip()
    if not name:
        return None
    lost = identifier_loss(name)
    if lost or not snake_case(name):
        if what == "member":
            python = enum_member_names([name])[name]
        elif what == "parameter":
            python = option_names([name])[name]
        else:
            python = attribute_names([name])[name]
        why = f"without {lost!r}, which no identifier holds" if lost else "which has no letter or digit to keep"
        diags.append(diag("DG207", f"{what} {name!r} is named {python!r} in Python, {why}", span))
    return name


def enum_members(table: Table, path: str, diags: list[Diagnostic] | None = None) -> list[EnumMember]:
    """Rows of a ``Member|Value|Description`` table; a member is named by its whole cell
    (:func:`documented_name`, DG207 in ``diags`` when its Python name leaves characters out)."""
    value_col = column(table, "value") if table.header[0].strip().lower() != "value" else None
    desc_col = column(table, "description")
    out: list[EnumMember] = []
    for row in table.rows:
        span = SourceSpan(path, row.line)
        name = documented_name(cell(row.cells, 0), span, [] if diags is None else diags, "member")
        if name is None:
            continue
        raw = link_text(cell(row.cells, value_col)) if value_col is not None else ""
        value = int(raw) if _ENUM_VALUE_RE.fullmatch(raw) else None
        desc = link_text(cell(row.cells, desc_col)) if desc_col is not None else ""
        out.append(EnumMember(name, value, desc, span))
    return out


def permissions(table: Table, path: str, diags: list[Diagnostic]) -> list[Permission]:
    """Rows of a permissions table; TODO scopes are reported (DG203)."""
    out: list[Permission] = []
    for row in table.rows:
        kind = link_text(cell(row.cells, 0))
        scopes_text = link_text(cell(row.cells, 1))
        span = SourceSpan(path, row.line)
        if "todo" in scopes_text.lower():
            diags.append(diag("DG203", f"permissions for {kind!r} are still TODO", span))
            out.append(Permission(kind, (), span))
            continue
        if scopes_text.lower().startswith("not supported") or not scopes_text:
            out.append(Permission(kind, (), span))
            continue
        # a trailing "*" marks a footnote, not part of the scope's name
        scopes = tuple(s.strip().rstrip("*") for s in _SCOPE_SEPARATOR_RE.split(scopes_text) if s.strip().rstrip("*"))
        out.append(Permission(kind, scopes, span))
    return out
