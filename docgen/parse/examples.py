"""Example blocks: an HTTP request or response inside a fence -> model values.

A request block is a request line, header lines, a blank line and a body; a
response block is a status line (``HTTP/1.1 201 Created``, ``HTTP/1.1 201``,
``HTTP 201 Created``), headers and a body. Bodies that are JSON are decoded;
malformed JSON is repaired where the meaning is clear, with a diagnostic at the
line where it breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import Body, ExampleRequest, ExampleResponse, Header, JsonValue
from docgen.parse import jsontext
from docgen.parse.request_line import _VERSIONISH_RE, LINE_RE, normalise_path, strip_http_version

STATUS_RE = re.compile(r"^\s*HTTP(?:/\d(?:\.\d)?)?\s+(\d{3})\b", re.I)
_HEADER_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*:(.*)$")
_JSONISH_TYPES = ("application/json", "text/json")


@dataclass(frozen=True, slots=True)
class Parsed:
    """An example block split into its first line, headers and body."""

    first: str
    first_offset: int
    headers: tuple[Header, ...]
    header_offsets: tuple[int, ...]
    """Line offset of each header inside the fence content (0-based)."""
    body_text: str
    body_offset: int
    """Line offset of the body inside the fence content (0-based)."""


def looks_like_request(content: str) -> bool:
    """True when the first non-blank line is a request line."""
    first = next((ln for ln in content.split("\n") if ln.strip()), "")
    return LINE_RE.match(first) is not None


def looks_like_response(content: str) -> bool:
    """True when the first non-blank line is a status line."""
    first = next((ln for ln in content.split("\n") if ln.strip()), "")
    return STATUS_RE.match(first) is not None


def split_block(content: str) -> Parsed:
    """First line, headers (a blank line may follow the first line), body."""
    lines = content.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    first, first_offset = (lines[i].strip() if i < len(lines) else ""), i
    i += 1
    j = i
    while j < len(lines) and not lines[j].strip():
        j += 1
    headers: list[Header] = []
    offsets: list[int] = []
    if j < len(lines) and _HEADER_RE.match(lines[j]) and not lines[j].lstrip().startswith(("{", "[", '"')):
        i = j
        while i < len(lines) and lines[i].strip():
            m = _HEADER_RE.match(lines[i])
            if m is None:
                break
            headers.append(Header(m.group(1), m.group(2).strip()))
            offsets.append(i)
            i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    body = "\n".join(lines[i:]).rstrip()
    return Parsed(first, first_offset, tuple(headers), tuple(offsets), body, i)


def header_value(headers: tuple[Header, ...], name: str) -> str | None:
    """The first header of that name (case-insensitive)."""
    for h in headers:
        if h.name.lower() == name.lower():
            return h.value
    return None


def _content_type(headers: tuple[Header, ...]) -> str | None:
    value = header_value(headers, "Content-Type")
    return value.split(";", 1)[0].strip().lower() if value else None


def parse_body(
    text: str, content_type: str | None, span: SourceSpan, diags: list[Diagnostic]
) -> Body | None:
    """Decode a body; JSON is repaired where possible, with a diagnostic.

    JSON that cannot be data (nested deeper than :data:`~docgen.parse.jsontext.MAX_DEPTH`,
    or holding a number such as ``NaN`` that JSON data cannot hold) is kept as text, with a
    diagnostic at its place: the generated tests then do not replay it.
    """
    if not text.strip():
        return None
    stripped = text.lstrip()
    jsonish = content_type is None or content_type in _JSONISH_TYPES or content_type.endswith("+json")
    if not jsonish or not stripped.startswith(("{", "[")):
        if jsonish and content_type is not None:
            diags.append(diag("DG306", f"body is declared {content_type} but is not JSON", span))
        return Body(text, content_type)
    deep = jsontext.nesting_offset(text)
    if deep is not None:
        message = f"example JSON is nested deeper than {jsontext.MAX_DEPTH} levels; body kept as text"
        diags.append(diag("DG310", message, _at(span, text, deep)))
        return Body(text, content_type)
    try:
        return Body(text, content_type, jsontext.loads(text), True)
    except jsontext.Unrepresentable as exc:
        diags.append(_unrepresentable(exc.token, exc.offset, text, span))
        return Body(text, content_type)
    except ValueError as exc:
        error = exc
    line = span.line + getattr(error, "lineno", 1) - 1
    where = SourceSpan(span.path, line, getattr(error, "colno", 1))
    if len(text) > jsontext.REPAIR_LIMIT:
        message = (
            f"example JSON is malformed ({_reason(error)}) and longer than {jsontext.REPAIR_LIMIT:,}"
            " characters, more than docgen repairs; body kept as text"
        )
        diags.append(diag("DG311", message, where))
        return Body(text, content_type)
    found = jsontext.unrepresentable(text)
    if found is not None:
        diags.append(_unrepresentable(*found, text, span))
        return Body(text, content_type)
    value = _repair(text)
    if value is None:
        diags.append(diag("DG302", f"example JSON cannot be read: {_reason(error)}; body kept as text", where))
        return Body(text, content_type)
    diags.append(diag("DG301", f"example JSON is malformed ({_reason(error)}); read it leniently", where))
    return Body(text, content_type, value, True, True)


def _at(span: SourceSpan, text: str, offset: int) -> SourceSpan:
    """The place of ``text[offset]``, for a text that starts at ``span``."""
    line = span.line + text.count("\n", 0, offset)
    return SourceSpan(span.path, line, offset - text.rfind("\n", 0, offset))


def _unrepresentable(token: str, offset: int, text: str, span: SourceSpan) -> Diagnostic:
    shown = token if len(token) <= 24 else f"{token[:12]}... ({len(token)} characters)"
    message = f"example JSON has {shown}, a number JSON data cannot hold; body kept as text"
    return diag("DG309", message, _at(span, text, offset))


def _reason(error: Exception) -> str:
    msg = getattr(error, "msg", str(error))
    return str(msg).rstrip(".").lower()


def _repair(text: str) -> JsonValue | None:
    """A lenient reading of malformed JSON, or None when its meaning is not clear."""
    if ":" not in text and not text.lstrip().startswith("["):
        return None  # "{Raw bytes of the file}" and the like: prose, not JSON
    value = jsontext.repair(text.replace("\u00a0", " "))
    if not isinstance(value, (dict, list)) or value in ({}, []):
        return None
    return value


def parse_request(
    content: str, fence_line: int, path: str, diags: list[Diagnostic]
) -> ExampleRequest | None:
    """An example request, or None (with a diagnostic) when there is no request line."""
    parts = split_block(content)
    span = SourceSpan(path, fence_line + 1 + parts.first_offset)
    m = LINE_RE.match(parts.first)
    if m is None:
        diags.append(diag("DG307", "request example does not start with a request line", span))
        return None
    url = strip_http_version(m.group(3).strip())
    _, query, version = normalise_path(url)
    concrete = _concrete_path(url)
    body_span = SourceSpan(path, fence_line + 1 + parts.body_offset)
    ctype = _content_type(parts.headers)
    body = parse_body(parts.body_text, ctype, body_span, diags)
    _check_length(parts, body, SourceSpan(path, fence_line + 1), diags)
    return ExampleRequest(m.group(1), url, concrete, query, version, parts.headers, body, span)


def _concrete_path(url: str) -> str:
    """The example's path with host, version and query removed but placeholders kept as written."""
    t = re.sub(r"^https?://[^/\s]+", "", url, flags=re.I)
    had_host = t != url
    t = t.split("?", 1)[0]
    if not t.startswith("/"):
        t = "/" + t
    first, sep, rest = t[1:].partition("/")
    if first.lower() in ("v1.0", "beta") or (had_host and sep and _VERSIONISH_RE.match(first)):
        t = "/" + rest
    return t.rstrip("/") or "/"


_BYTE_COUNT = re.compile(r"[0-9]{1,18}")


def _check_length(parts: Parsed, body: Body | None, content_span: SourceSpan, diags: list[Diagnostic]) -> None:
    index = next((i for i, h in enumerate(parts.headers) if h.name.lower() == "content-length"), None)
    if index is None or body is None or not _BYTE_COUNT.fullmatch(parts.headers[index].value.strip()):
        return  # no count to check: none given, or not a plain number of bytes (e.g. 5,000 digits, '²')
    declared = parts.headers[index].value.strip()
    span = SourceSpan(content_span.path, content_span.line + parts.header_offsets[index])
    actual = len(body.text.encode("utf-8"))
    if int(declared) != actual:
        diags.append(
            diag("DG303", f"Content-Length says {int(declared)} bytes but the body has {actual}", span)
        )


def parse_response(
    content: str,
    fence_line: int,
    path: str,
    annotation: dict[str, object],
    documented_status: int,
    diags: list[Diagnostic],
) -> ExampleResponse:
    """An example response; without a status line the documented status is assumed."""
    parts = split_block(content)
    span = SourceSpan(path, fence_line + 1 + parts.first_offset)
    m = STATUS_RE.match(parts.first)
    if m is None:
        diags.append(diag("DG305", f"response example has no status line; assuming {documented_status}", span))
        body_text, offset, headers = content.strip(), 0, tuple[Header, ...]()
        status = documented_status
    else:
        body_text, offset, headers = parts.body_text, parts.body_offset, parts.headers
        status = int(m.group(1))
    body_span = SourceSpan(path, fence_line + 1 + offset)
    body = parse_body(body_text, _content_type(headers), body_span, diags)
    if m is not None:
        _check_length(parts, body, SourceSpan(path, fence_line + 1), diags)
    odata = annotation.get("@odata.type", annotation.get("@type"))  # "@type": the older spelling
    odata_type = str(odata).strip().lstrip("#") if isinstance(odata, str) and odata.strip() else None
    is_coll = annotation.get("isCollection") in (True, "true", "True")
    if odata_type and odata_type.lower().startswith("collection("):
        is_coll, odata_type = True, odata_type[11:].rstrip(")").strip()
    truncated = annotation.get("truncated") in (True, "true", "True")
    return ExampleResponse(status, headers, body, truncated, odata_type, is_coll, span)
