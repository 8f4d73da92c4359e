"""API pages -> operations.

Reads the request lines under ``## HTTP request``, the header, body and
permissions tables, the status named under ``## Response`` and the example
blocks (annotated, or recognised by their first line), then checks them
against each other: the example path against the documented lines, the
response status against the prose, the body against the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import (
    Example,
    ExampleRequest,
    ExampleResponse,
    Parameter,
    Permission,
    Property,
    RequestLine,
)
from docgen.parse import sections
from docgen.parse.annotations import block_type, read_annotation
from docgen.parse.examples import looks_like_request, looks_like_response, parse_request, parse_response
from docgen.parse.inline import links
from docgen.parse.page import Comment, Fence, Page, Paragraph, Table, TabMarker
from docgen.parse.query_options import QueryProse, is_query_section, query_table
from docgen.parse.request_line import parse_request_line
from docgen.parse.typecell import link_text, qualify

_HTTP_REQUEST_RE = re.compile(r"^http requests?\b", re.I)
_STATUS_PROSE_RE = re.compile(r"(?:^|[\s`(*])([1-5]\d\d)(?=\s+[A-Z][A-Za-z]|`|\s+response)")
_STANDARD_HEADERS = {"authorization", "content-type", "content-length", "accept"}
_MEDIA_TYPE_RE = re.compile(r"\b(?:application|text|image|audio|video|multipart)/[A-Za-z0-9][A-Za-z0-9.+-]*")
_BINARY_PHRASES = ("binary stream", "binary content", "binary data", "stream of bytes")
"""How a request body section says the body is bytes rather than JSON."""


@dataclass(slots=True)
class _Collected:
    lines: list[RequestLine] = field(default_factory=list)
    headers: list[Parameter] = field(default_factory=list)
    query_prose: list[QueryProse] = field(default_factory=list)
    """Paragraphs of the query parameter sections (which system options are supported)."""
    query_params: list[Parameter] = field(default_factory=list)
    """Rows of query and function parameter tables."""
    body_props: list[Property] = field(default_factory=list)
    body_type: str | None = None
    perms: list[Permission] = field(default_factory=list)
    status: int | None = None
    status_type: str | None = None
    status_collection: bool = False
    requests: list[tuple[ExampleRequest, str | None, SourceSpan]] = field(default_factory=list)
    responses: list[tuple[int, ExampleResponse]] = field(default_factory=list)
    response_names: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Response index -> the request names its annotation gives (``name``: one or a list)."""
    order: list[tuple[str, int]] = field(default_factory=list)
    content_type: str | None = None
    """The media type the request headers table gives ``Content-Type`` (the first one named)."""
    body_binary: bool = False
    """The request body section says the body is binary content (a stream of bytes)."""


def _is_request_section(p: sections.Placed) -> bool:
    return bool(_HTTP_REQUEST_RE.match(p.h2) or (p.h3 and _HTTP_REQUEST_RE.match(p.h3)))


def _link_type(raw: str) -> str | None:
    """The type named by the first link to a Markdown page in a paragraph."""
    for link in links(raw):
        target = (link.dest or "").split("#", 1)[0].split("?", 1)[0]
        if link.label and target.endswith(".md"):
            break
    else:
        return None
    text = link.label.strip().strip("`*")
    if not re.fullmatch(r"[A-Za-z_][\w.]*", text):
        stem = target.rsplit("/", 1)[-1][:-3]
        text = stem if re.fullmatch(r"[A-Za-z_][\w]*", stem) else ""
    return qualify(text) if text else None


def _request_lines(fence: Fence, path: str, col: _Collected, diags: list[Diagnostic]) -> None:
    for offset, line in enumerate(fence.content.split("\n")):
        if not line.strip():
            continue
        span = SourceSpan(path, fence.line + 1 + offset)
        parsed = parse_request_line(line)
        if parsed is None:
            if not line.lstrip().startswith(("#", "//", "<!--")) and re.match(r"^\s*[A-Za-z]+\s+/", line):
                diags.append(diag("DG102", f"cannot read request line {line.strip()!r}", span))
            continue
        if parsed.no_space:
            diags.append(diag("DG103", f"no space after {parsed.method} in {line.strip()!r}", span))
        col.lines.append(RequestLine(parsed.method, parsed.text, parsed.path, span))


def _prose(p: sections.Placed, block: Paragraph, col: _Collected) -> None:
    if is_query_section(p.h2, p.h3):
        col.query_prose.append(QueryProse(block.raw, block.line))
    if p.h2.startswith("request body") and col.body_type is None:
        col.body_type = _link_type(block.raw)
    if p.h2.startswith("request body") and any(phrase in block.text.lower() for phrase in _BINARY_PHRASES):
        col.body_binary = True
    if p.h2 == "response" and col.status is None:
        m = _STATUS_PROSE_RE.search(block.text)
        if m:
            col.status = int(m.group(1))
            col.status_type = _link_type(block.raw)
            col.status_collection = "collection" in block.text.lower()


def _table(p: sections.Placed, table: Table, path: str, col: _Collected, diags: list[Diagnostic]) -> None:
    sections.check_cells(table, path, diags)
    if p.h2.startswith("permission"):
        col.perms.extend(sections.permissions(table, path, diags))
    elif p.h2.startswith("request header") or p.h3.startswith("request header"):
        name_col = sections.column(table, "header", "name")
        desc_col = sections.column(table, "value", "description")
        for row in table.rows:
            name = link_text(sections.cell(row.cells, name_col or 0)).split(":", 1)[0].strip()
            desc = link_text(sections.cell(row.cells, desc_col or 1))
            if name.lower() == "content-type" and col.content_type is None:
                found = _MEDIA_TYPE_RE.search(desc)
                col.content_type = found.group(0).rstrip(".").lower() if found else None
            if not name or name.lower() in _STANDARD_HEADERS:
                continue
            if any(known.name.lower() == name.lower() for known in col.headers):  # Prefer: a, Prefer: b
                continue
            required = "required" in desc.lower() and "not required" not in desc.lower()
            col.headers.append(
                Parameter(name, "header", "Edm.String", desc, required, SourceSpan(path, row.line))
            )
    elif is_query_section(p.h2, p.h3):
        col.query_params.extend(query_table(table, path, diags))
    elif (p.h2.startswith("request body") or p.h3.startswith("request body")) and sections.is_property_table(table):
        col.body_props.extend(sections.properties(table, path, diags))


def _example(
    fence: Fence,
    annotation: dict[str, object] | None,
    path: str,
    col: _Collected,
    diags: list[Diagnostic],
    heading: str = "",
) -> None:
    kind = block_type(annotation)
    if kind in ("example", "samples", "resource"):
        return
    if kind == "ignored":  # kept out of the docs' own test runs, but an example all the same
        kind = None
    if kind is None:
        if fence.info not in ("", "http", "msgraph-interactive", "json", "rest") and not fence.info.startswith("http"):
            return
        if looks_like_request(fence.content):
            kind = "request"
        elif looks_like_response(fence.content):
            kind = "response"
        elif fence.info == "json" and col.requests and (heading == "response" or col.order[-1][0] == "request"):
            kind = "response"  # a bare JSON body after a request, or under "Response": the documented status
        else:
            return
    if kind == "request":
        req = parse_request(fence.content, fence.line, path, diags)
        if req is not None:
            name = annotation.get("name") if annotation else None
            col.requests.append((req, name if isinstance(name, str) else None, SourceSpan(path, fence.line)))
            col.order.append(("request", len(col.requests) - 1))
    elif kind == "response":
        resp = parse_response(fence.content, fence.line, path, annotation or {}, col.status or 200, diags)
        col.responses.append((fence.line, resp))
        col.order.append(("response", len(col.responses) - 1))
        names = annotation.get("name") if annotation else None
        if isinstance(names, str):
            names = [names]
        if isinstance(names, list) and all(isinstance(n, str) for n in names) and names:
            col.response_names[len(col.responses) - 1] = tuple(names)


def collect(page: Page, diags: list[Diagnostic]) -> _Collected:
    """One pass over the page's blocks."""
    col = _Collected()
    pending: dict[str, object] | None = None
    for p in sections.placed(page):
        block = p.block
        if isinstance(block, Comment):
            ann = read_annotation(block.text, SourceSpan(page.path, block.line), diags)
            if ann is not None and "blockType" in ann:
                pending = ann
            continue
        if isinstance(block, TabMarker):
            continue
        annotation, pending = pending, None
        if isinstance(block, Fence):
            if _is_request_section(p):
                _request_lines(block, page.path, col, diags)
                if block_type(annotation) == "request":  # an example placed under the heading
                    _example(block, annotation, page.path, col, diags)
            else:
                _example(block, annotation, page.path, col, diags, p.last)
        elif isinstance(block, Table):
            _table(p, block, page.path, col, diags)
        elif isinstance(block, Paragraph):
            _prose(p, block, col)
        if annotation is not None and not isinstance(block, Fence) and block_type(annotation) != "ignored":
            diags.append(
                diag("DG007", "annotation is not followed by a code block", SourceSpan(page.path, block_line(block)))
            )
    return col


def block_line(block: object) -> int:
    """The line of any block."""
    return int(getattr(block, "line", 1))


def _pair_examples(col: _Collected, stem: str) -> list[Example]:
    """Each request with the response whose annotation names it, else with the next
    response before the following request."""
    examples: list[Example] = []
    current: int | None = None
    paired: dict[int, ExampleResponse] = {}
    named = {name: index for index, names in col.response_names.items() for name in names}
    claimed: set[int] = set()  # responses that went to the requests they name
    for i, (_, name, _) in enumerate(col.requests):
        if name is not None and name in named:
            paired[i] = col.responses[named[name]][1]
            claimed.add(named[name])
    waiting: list[int] = []  # requests since the last response, alternatives of one another
    for kind, index in col.order:
        if kind == "request":
            current = index
            same = waiting and col.requests[waiting[-1]][0].method == col.requests[index][0].method
            if not same:
                waiting = []
            waiting.append(index)  # not waiting + [index]: a long run of requests would copy it each time
        elif current is not None and current not in paired and index not in claimed:
            for alternative in waiting:  # "with a user token: ... with an app token: ..." then one response
                paired.setdefault(alternative, col.responses[index][1])
            waiting = []
    used: set[str] = set()
    tried: dict[str, int] = {}  # base name -> the last suffix tried (those below it are taken)
    for i, (req, name, span) in enumerate(col.requests):
        base = name or (stem if len(col.requests) == 1 else f"{stem}_{i + 1}")
        n = tried.get(base, 1)
        unique = base if n == 1 else f"{base}_{n}"
        while unique in used:
            n += 1
            unique = f"{base}_{n}"
        tried[base] = n
        used.add(unique)
        examples.append(Example(unique, req, paired.get(i), span))
    return examples
