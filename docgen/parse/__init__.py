"""Stage one and two for a single page: Markdown text -> :class:`~docgen.model.PageModel`.

:func:`parse_page` is a pure function of the page's path and text, so pages
can be parsed in any order, in parallel, and cached by content.
"""

from __future__ import annotations

import re

from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import Link, Operation, PageKind, PageModel, TypeDef
from docgen.parse.api_page import collect
from docgen.parse.markdown import read_page
from docgen.parse.operations import build_operations
from docgen.parse.page import Heading, Page
from docgen.parse.resource_page import extract_types
from docgen.parse.sections import page_description

__all__ = ["parse_page", "version_of"]

_VERSION_RE = re.compile(r"(?:^|/)(v\d+(?:\.\d+)?|beta)(?:/|$)")
_HTTP_HEADING_RE = re.compile(r"^http requests?\b", re.I)


def version_of(path: str, default: str) -> str:
    """The API version a page belongs to, from a ``v1.0``/``beta`` folder in its path."""
    m = _VERSION_RE.search(path)
    return m.group(1) if m else default


def _title(page: Page) -> str:
    for block in page.blocks:
        if isinstance(block, Heading) and block.level == 1:
            return block.text
    title = page.front_matter.get("title")
    return title.strip() if isinstance(title, str) else page.path.rsplit("/", 1)[-1].removesuffix(".md")


def _kind(page: Page) -> PageKind:
    parts = page.path.lower().split("/")
    if "api" in parts[:-1]:
        return "api"
    if "resources" in parts[:-1]:
        return "resource"
    if any(isinstance(b, Heading) and _HTTP_HEADING_RE.match(b.text) for b in page.blocks):
        return "api"
    if any(isinstance(b, Heading) and b.text.lower() in ("properties", "relationships") for b in page.blocks):
        return "resource"
    return "other"


def parse_page(path: str, text: str, default_version: str = "v1.0") -> PageModel:
    """Everything one page says, with the diagnostics it earns."""
    diags: list[Diagnostic] = []
    page = read_page(path, text)
    if page.front_matter_error:
        diags.append(diag("DG002", f"front matter is not valid YAML: {page.front_matter_error}", SourceSpan(path, 1)))
    for line in page.unclosed_fences:
        diags.append(diag("DG003", "code fence is never closed; closed it before the next block it swallowed", SourceSpan(path, line)))
    version = version_of(path, default_version)
    title = _title(page)
    kind = _kind(page)
    operations: tuple[Operation, ...] = ()
    types: tuple[TypeDef, ...] = ()
    if kind == "api":
        col = collect(page, diags)
        operations = build_operations(page, col, version, title, page_description(page), diags)
    elif kind == "resource":
        types = extract_types(page, version, title, diags)
    else:
        diags.append(diag("DG006", "page is neither an API page nor a resource page; nothing generated from it", SourceSpan(path, 1)))
    links = tuple(Link(ln.target, SourceSpan(path, ln.line)) for ln in page.links)
    diags.sort(key=Diagnostic.sort_key)
    return PageModel(path, kind, version, title, operations, types, links, tuple(diags))
