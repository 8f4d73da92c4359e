"""Collected API-page parts -> :class:`~docgen.model.Operation` values, with cross-checks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import Body, Example, Operation, OperationKind, Parameter, RequestLine, dot_segment
from docgen.parse.api_page import _Collected, _pair_examples
from docgen.parse.page import Page
from docgen.parse.query_options import SYSTEM_OPTIONS, options_from_prose
from docgen.parse.request_line import (
    KNOWN_VERSIONS,
    ends_in_collection,
    ends_in_key,
    strip_odata_suffix,
)
from docgen.parse.templates import TemplateIndex
from docgen.parse.typecell import PRIMITIVES, qualify

_SERVER_SET_RE = re.compile(r"^(id|createdDateTime|lastModifiedDateTime)$", re.I)
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
_FUNCTION_ARG_RE = re.compile(r"[(,]\s*([A-Za-z_]\w*)\s*=")


def build_operations(
    page: Page, col: _Collected, version: str, title: str, description: str, diags: list[Diagnostic]
) -> tuple[Operation, ...]:
    """One operation per documented method on the page."""
    stem = page.path.rsplit("/", 1)[-1].removesuffix(".md")
    if not col.lines:
        diags.append(diag("DG101", "API page has no request line under '## HTTP request'", SourceSpan(page.path, 1)))
        for request, _, span in col.requests:  # never a silent loss: each example says why it is not replayed
            message = f"example {request.method} {request.path} is not replayed: the page documents no request line"
            diags.append(diag("DG308", message, span))
        return ()
    methods = sorted({ln.method for ln in col.lines}, key=[ln.method for ln in col.lines].index)
    if len(methods) > 1:
        diags.append(
            diag(
                "DG107",
                f"request lines use {', '.join(methods)}; documenting one operation per method",
                col.lines[0].source,
            )
        )
    examples = _pair_examples(col, stem.replace("-", "_"))
    ops: list[Operation] = []
    for method in methods:
        lines = tuple(ln for ln in col.lines if ln.method == method)
        mine = [e for e in examples if e.request.method == method or len(methods) == 1]
        op_id = stem if len(methods) == 1 else f"{stem}-{method.lower()}"
        if _dot_segments(op_id, lines, mine, diags):
            continue
        ops.append(_operation(page, col, version, title, description, op_id, method, lines, mine, diags))
    return tuple(ops)


def _dot_segments(op_id: str, lines: tuple[RequestLine, ...], examples: list[Example], diags: list[Diagnostic]) -> bool:
    """Report each request line holding a dot segment (DG108); True when there is one: the
    operation is then left out, since no client or server would keep the path as written."""
    found = False
    for ln in lines:
        segment = dot_segment(ln.path)
        if segment is None:
            continue
        found = True
        at = ln.text.find("/" + segment)
        message = (
            f"request line {ln.method} {ln.text} has the dot segment {segment!r}, which HTTP clients and"
            f" servers remove ('..' with the segment before it); operation {op_id!r} left out"
        )
        diags.append(diag("DG108", message, replace(ln.source, col=len(ln.method) + 2 + at + 1 if at >= 0 else 1)))
    if found:
        for ex in examples:
            message = f"example {ex.request.method} {ex.request.path} is not replayed: its operation is left out (DG108)"
            diags.append(diag("DG308", message, ex.request.source))
    return found


def _choose_path(
    lines: tuple[RequestLine, ...], examples: list[Example], fits: list[frozenset[str]], diags: list[Diagnostic]
) -> str:
    """The template the generated code uses: the documented line most examples follow.

    ``fits[i]`` holds the templates (lines, and lines without a ``$ref``-like suffix)
    that ``examples[i]`` fits.
    """
    votes: Counter[str] = Counter()
    for fit in fits:
        votes.update(fit)
    line_votes = [votes[ln.path] for ln in lines]
    if line_votes and max(line_votes) > 0:
        return lines[line_votes.index(max(line_votes))].path
    first_stripped: dict[str, int] = {}  # template without the suffix -> the first line giving it
    for i, ln in enumerate(lines):
        stripped = strip_odata_suffix(ln.path)
        if stripped:
            first_stripped.setdefault(stripped, i)
    for ex, fit in zip(examples, fits):
        found = [(first_stripped[t], t) for t in fit if t in first_stripped]
        if found:
            index, stripped = min(found)
            ln = lines[index]
            diags.append(
                diag(
                    "DG104",
                    f"request line ends in {ln.path[len(stripped):]!r} but the example sends"
                    f" {ex.request.method} {ex.request.path}; generating {stripped} (the path the"
                    " example uses)",
                    ln.source,
                )
            )
            return stripped
    return lines[0].path


def _column_of(method: str, url: str, segment: str) -> int:
    """1-based column of a path segment in ``METHOD url`` (1 when not found)."""
    at = url.find("/" + segment + "/")
    return 1 if at < 0 else len(method) + 2 + at + 1


def _check_examples(
    lines: tuple[RequestLine, ...], examples: list[Example], fits: list[frozenset[str]], diags: list[Diagnostic]
) -> None:
    for ex, fit in zip(examples, fits):
        req = ex.request
        if req.version is not None and req.version not in KNOWN_VERSIONS:
            diags.append(
                diag(
                    "DG106",
                    f"example URL has version segment {req.version!r} (expected one of"
                    f" {', '.join(KNOWN_VERSIONS)}); read the path after it",
                    replace(req.source, col=_column_of(req.method, req.url, req.version)),
                )
            )
        if not fit:
            documented = "; ".join(ln.path for ln in lines[:3])
            diags.append(
                diag("DG105", f"example path {req.path} matches no documented request line ({documented})", req.source)
            )


def _types(col: _Collected, examples: list[Example], method: str) -> tuple[str | None, bool]:
    """(response element type, is collection) from the annotation, then the prose."""
    for ex in examples:
        resp = ex.response
        if resp is not None and resp.odata_type:
            coll = resp.is_collection
            if not coll and resp.body is not None and isinstance(resp.body.json, dict):
                coll = isinstance(resp.body.json.get("value"), list) and "@odata.type" not in resp.body.json
                coll = coll and resp.is_collection
            return qualify(resp.odata_type), coll
    if col.status_type:
        return col.status_type, col.status_collection
    return None, False


def _kind(method: str, path: str, status: int, resp_type: str | None, coll: bool, title: str) -> OperationKind:
    if method == "GET":
        if coll and ends_in_collection(path):
            return "list"
        if ends_in_key(path) and not coll:
            return "get"
        return "action"
    if method == "POST" and ends_in_collection(path) and (status == 201 or title.lower().startswith(("create", "add"))):
        return "create" if resp_type and not coll else "action"
    if method in ("PATCH", "PUT") and ends_in_key(path):
        return "update" if method == "PATCH" else "replace"
    if method == "DELETE" and ends_in_key(path):
        return "delete"
    return "action"


def _path_params(path: str, source: SourceSpan) -> tuple[Parameter, ...]:
    return tuple(
        Parameter(name, "path", "Edm.String", "", True, source) for name in _PLACEHOLDER_RE.findall(path)
    )


def _query_params(
    col: _Collected, path: str, lines: tuple[RequestLine, ...], collection: bool
) -> tuple[Parameter, ...]:
    """The system query options the page supports, then the other query parameters its
    tables document (those the request lines take as placeholders are path parameters)."""
    found: dict[str, Parameter] = {}
    for option, line in options_from_prose(col.query_prose, collection):
        found.setdefault(
            option, Parameter(option, "query", SYSTEM_OPTIONS[option], "", False, SourceSpan(path, line))
        )
    if not col.query_params:
        return tuple(found.values())
    in_path = {name.lower() for ln in lines for name in _PLACEHOLDER_RE.findall(ln.path)}
    in_path |= {name.lower() for ln in lines for name in _FUNCTION_ARG_RE.findall(ln.text)}  # f(period='{x}')
    for param in col.query_params:
        key = param.name.lower()
        if key not in in_path and key not in found:
            found[key] = param
    return tuple(found.values())


def _server_set(op_kind: OperationKind, col: _Collected, examples: list[Example], diags: list[Diagnostic]) -> None:
    if op_kind != "create":
        return
    sent: set[str] = set()
    for ex in examples:
        body = ex.request.body
        if body is not None and isinstance(body.json, dict):
            sent |= {k.lower() for k in body.json}
    for prop in col.body_props:
        if (_SERVER_SET_RE.match(prop.name) or prop.read_only) and prop.name.lower() not in sent:
            diags.append(
                diag(
                    "DG202",
                    f"{prop.name!r} is listed as a property to supply on create, but the server sets it"
                    " (the example omits it); the generated server assigns it",
                    prop.source,
                )
            )


def _unlisted(col: _Collected, examples: list[Example], diags: list[Diagnostic]) -> None:
    if not col.body_props:
        return
    listed = {p.name.lower() for p in col.body_props}
    for ex in examples:
        body = ex.request.body
        if body is None or not isinstance(body.json, dict):
            continue
        for key in body.json:
            if not key.startswith("@") and "@odata" not in key and key.lower() not in listed:
                diags.append(
                    diag("DG204", f"example body sends {key!r}, which the request body table does not list", ex.request.source)
                )


def _status_check(status: int, examples: list[Example], diags: list[Diagnostic]) -> None:
    for ex in examples:
        if ex.response is not None and ex.response.status != status:
            diags.append(
                diag(
                    "DG304",
                    f"example response status {ex.response.status} differs from {status} named under '## Response'",
                    ex.response.source,
                )
            )


def _operation(
    page: Page,
    col: _Collected,
    version: str,
    title: str,
    description: str,
    op_id: str,
    method: str,
    lines: tuple[RequestLine, ...],
    examples: list[Example],
    diags: list[Diagnostic],
) -> Operation:
    source = SourceSpan(page.path, 1)
    index = TemplateIndex([ln.path for ln in lines] + [s for ln in lines if (s := strip_odata_suffix(ln.path))])
    fits = [index.fitting(ex.request.path) for ex in examples]
    path = _choose_path(lines, examples, fits, diags)
    _check_examples(lines, examples, fits, diags)
    default_status = 204 if method == "DELETE" else (201 if method == "POST" and title.lower().startswith(("create", "add")) else 200)
    status = col.status or (examples[0].response.status if examples and examples[0].response else default_status)
    _status_check(status, examples, diags)
    elem, coll = _types(col, examples, method)
    if elem is not None and elem.lower() in ("microsoft.graph.stream", "edm.stream"):
        elem = "Edm.Stream"
    elif elem is not None and elem.split(".")[-1].lower() in PRIMITIVES and not elem.startswith("Edm."):
        elem = qualify(elem.split(".")[-1])
    response_type = None if status == 204 or elem is None else (f"Collection({elem})" if coll else elem)
    kind = _kind(method, path, status, elem, coll, title)
    request_type = col.body_type if method in ("POST", "PATCH", "PUT") else None
    if request_type is None and kind in ("create", "update", "replace"):
        request_type = elem
    _server_set(kind, col, examples, diags)
    _unlisted(col, examples, diags)
    resource = op_id.split("-", 1)[0]
    return Operation(
        id=op_id,
        title=title,
        description=description,
        version=version,
        resource=resource,
        kind=kind,
        method=method,
        path=path,
        paths=lines,
        parameters=_path_params(path, lines[0].source)
        + _query_params(col, page.path, lines, kind == "list" or coll)
        + tuple(col.headers),
        request_type=request_type,
        request_properties=tuple(col.body_props),
        response_type=response_type,
        response_status=status,
        examples=tuple(examples),
        permissions=tuple(col.perms),
        source=source,
        request_media_type=_request_media_type(method, col, examples, request_type),
        response_media_type=_response_media_type(examples, response_type),
    )


def _body_media_type(body: Body) -> str:
    """What a body of an example is: its Content-Type, else JSON (read, or meant: it starts
    as JSON does) or plain text."""
    if body.content_type:
        return body.content_type
    meant = body.text.lstrip().startswith(("{", "["))
    return "application/json" if body.is_json or meant else "text/plain"


def _request_media_type(method: str, col: _Collected, examples: list[Example], request_type: str | None) -> str | None:
    """The request body's media type: the first example body's, else the headers table's,
    else ``application/octet-stream`` for a binary body, else JSON when a body is documented."""
    if method not in ("POST", "PATCH", "PUT"):
        return None
    for ex in examples:
        if ex.request.body is not None:
            return _body_media_type(ex.request.body)
    if col.content_type:
        return col.content_type
    if col.body_binary or (request_type or "").lower() == "edm.stream":
        return "application/octet-stream"
    if request_type is not None or col.body_props or col.body_type is not None:
        return "application/json"
    return None


def _response_media_type(examples: list[Example], response_type: str | None) -> str | None:
    """A successful response body's media type: the first example body's, else
    ``application/octet-stream`` for a stream, else JSON for a documented type."""
    for ex in examples:
        response = ex.response
        if response is not None and 200 <= response.status < 300 and response.body is not None:
            return _body_media_type(response.body)
    if response_type is None:
        return None
    return "application/octet-stream" if response_type.lower() == "edm.stream" else "application/json"
