"""Resource pages -> types: Properties and Relationships tables, enum tables,
the JSON representation's annotation, and "Inherits from"."""

from __future__ import annotations

import re

from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import Property, TypeDef, TypeKind
from docgen.parse import sections
from docgen.parse.annotations import block_type, read_annotation
from docgen.parse import jsontext
from docgen.parse.page import Comment, Fence, Heading, Page, Paragraph, Table
from docgen.parse.typecell import NAMESPACE, link_text, qualify

_TITLE_RE = re.compile(
    r"^`?([A-Za-z_][\w.]*)`?\s+(?:(?:resource|complex|entity|enum(?:eration)?)\s*)?(?:resource\s+)?type\b", re.I
)
_INHERITS_RE = re.compile(r"inherits\s+from\s+\[?`?([A-Za-z_][\w.]*)", re.I)
_ENUM_HEADING_RE = re.compile(r"^`?([A-Za-z_]\w*)`?\s+(?:values|enum(?:eration)?(?:\s+values)?)$", re.I)
_OTHER_SECTION_RE = re.compile(r"^(methods|json representation|example|see also|functions|actions)", re.I)
_NAMESPACE_RE = re.compile(r"^Namespace:\s*([A-Za-z_][\w.]*)")


def _declared(page: Page, title: str, diags: list[Diagnostic]) -> tuple[str | None, dict[str, object]]:
    """The qualified type name (resource annotation, else the title) and the annotation."""
    namespace = NAMESPACE
    for block in page.blocks:
        if isinstance(block, Paragraph):
            m = _NAMESPACE_RE.match(block.text)
            if m:
                namespace = m.group(1)
                break
    for block in page.blocks:
        if isinstance(block, Comment) and "resource" in block.text:
            ann = read_annotation(block.text, SourceSpan(page.path, block.line), diags)
            if block_type(ann) == "resource" and ann is not None:
                odata = ann.get("@odata.type")
                if isinstance(odata, str) and odata.strip():
                    return odata.strip().lstrip("#"), ann
                break
    m = _TITLE_RE.match(title.strip())
    if m:
        name = m.group(1)
        return (name if "." in name else f"{namespace}.{name}"), {}
    return None, {}


def _base_type(page: Page, annotation: dict[str, object]) -> str | None:
    base = annotation.get("baseType")
    if isinstance(base, str) and base.strip():
        return qualify(base)
    for block in page.blocks:
        if isinstance(block, Paragraph):
            m = _INHERITS_RE.search(link_text(block.raw))
            if m:
                return qualify(m.group(1))
        if isinstance(block, Heading) and block.level == 2 and block.text.lower() in ("properties", "methods"):
            break
    return None


def _check_representation(fence: Fence, path: str, diags: list[Diagnostic]) -> None:
    """Report a JSON representation that is not JSON (docgen reads the tables, not this
    block, but a reader copies it)."""
    text = fence.content
    if not text.lstrip().startswith(("{", "[")):
        return
    deep = jsontext.nesting_offset(text)
    if deep is not None:
        return  # the tables are what docgen reads; nothing to say about nesting here
    try:
        jsontext.loads(text)
    except jsontext.Unrepresentable:
        return
    except ValueError as error:
        line = fence.line + getattr(error, "lineno", 1)
        reason = getattr(error, "msg", str(error))
        diags.append(diag("DG206", f"JSON representation is not valid JSON: {reason}", SourceSpan(path, line, getattr(error, "colno", 1))))


def extract_types(page: Page, version: str, title: str, diags: list[Diagnostic]) -> tuple[TypeDef, ...]:
    """The page's type (when it declares one) and any enum types its tables define."""
    name, annotation = _declared(page, title, diags)
    props: list[Property] = []
    enums: list[TypeDef] = []
    enum_name: str | None = None
    checked = False
    for p in sections.placed(page):
        block = p.block
        if isinstance(block, Heading):
            m = _ENUM_HEADING_RE.match(block.text.strip())
            enum_name = m.group(1) if m else None
            continue
        if isinstance(block, Fence) and p.h2 == "json representation" and not checked:
            checked = True
            _check_representation(block, page.path, diags)
        if not isinstance(block, Table):
            continue
        sections.check_cells(block, page.path, diags)
        section = p.h3 if p.h3 in ("properties", "relationships") else p.h2
        if sections.is_property_table(block) and (section in ("properties", "relationships") or not _OTHER_SECTION_RE.match(section)):
            props.extend(sections.properties(block, page.path, diags, navigation=section == "relationships"))
        elif sections.is_enum_table(block) and (enum_name or section in ("properties", "members", "values")):
            ename = qualify(enum_name) if enum_name else name
            if ename is None:
                continue
            members = tuple(sections.enum_members(block, page.path, diags))
            enums.append(TypeDef(ename, "enum", version, "", None, (), members, False, SourceSpan(page.path, block.line)))
    out: list[TypeDef] = []
    if name is not None and (props or not enums):
        seen: set[str] = set()
        unique: list[Property] = []
        for prop in props:
            if prop.name in seen:
                diags.append(diag("DG205", f"property {prop.name!r} is listed twice; keeping the first", prop.source))
                continue
            seen.add(prop.name)
            unique.append(prop)
        open_type = annotation.get("openType") in (True, "true")
        kind: TypeKind = "entity" if any(pr.name == "id" for pr in unique) or "keyProperty" in annotation else "complex"
        out.append(
            TypeDef(name, kind, version, sections.page_description(page), _base_type(page, annotation), tuple(unique), (), open_type, SourceSpan(page.path, 1))
        )
    out.extend(enums)
    return tuple(out)
