"""Diagnostics: located messages about the docs, with stable codes.

Every defect docgen finds in a page is a :class:`Diagnostic` value with a place.
Extractors collect them and keep going; the CLI prints them the way compilers
do (``specs/x.md:42:3: warning: DG012 ...``). The codes and their meaning live
in :data:`CODES`, the one table that ``docs/diagnostics.md`` documents.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    """How bad a diagnostic is; ``error`` leaves something out of the output."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True, order=True)
class SourceSpan:
    """A place in a page: the page's path as given to docgen, 1-based line and column."""

    path: str
    """The page's path, relative to the folder docgen was pointed at when possible."""
    line: int
    """1-based line number."""
    col: int = 1
    """1-based column number."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Code:
    """One entry of the diagnostics table."""

    code: str
    """The stable code, e.g. ``DG101``."""
    severity: Severity
    """The default severity."""
    title: str
    """A short summary of what the code means."""


def _codes(*entries: tuple[str, Severity, str]) -> dict[str, Code]:
    return {c: Code(c, s, t) for c, s, t in entries}


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES: dict[str, Code] = _codes(
    # Pages and Markdown structure (DG0xx)
    ("DG001", E, "page cannot be read (I/O error or not UTF-8)"),
    ("DG002", W, "front matter is not valid YAML"),
    ("DG003", W, "code fence is never closed"),
    ("DG004", W, "table row has more or fewer cells than its header"),
    ("DG005", W, "annotation comment is not valid JSON"),
    ("DG006", I, "page is neither an API page nor a resource page"),
    ("DG007", W, "annotation is not followed by a code block"),
    ("DG008", E, "not a page docgen reads: not a regular file, a link leading out of the specs folder, or a non-UTF-8 name"),
    ("DG009", E, "docgen bug while reading this page (please report it); page left out"),
    ("DG010", E, "page is larger than max_page_bytes; left out"),
    ("DG011", W, "a `<!-- docgen: ignore ... -->` comment names no known code"),
    # Request lines (DG1xx)
    ("DG101", E, "API page has no request line under '## HTTP request'"),
    ("DG102", W, "request line cannot be parsed"),
    ("DG103", W, "request line has no space after the method"),
    ("DG104", W, "request line ends in $ref/$value/$count while the example uses another path"),
    ("DG105", W, "example request path matches no documented request line"),
    ("DG106", W, "unknown API version segment in example URL"),
    ("DG107", W, "documented request lines use different methods"),
    ("DG108", E, "request line has a dot segment ('.' or '..', also percent-encoded): the operation is left out"),
    # Tables (DG2xx)
    ("DG201", W, "type cell cannot be understood"),
    ("DG202", W, "server-set property listed as a property to supply"),
    ("DG203", W, "permissions are still TODO"),
    ("DG204", W, "request body uses a property missing from the page's table"),
    ("DG205", W, "duplicate property in a table"),
    ("DG206", W, "a resource page's JSON representation is not valid JSON"),
    ("DG207", W, "a property's, parameter's or enum member's name loses characters on its way to a Python name (emoji, symbols, invisible characters)"),
    # Examples (DG3xx)
    ("DG301", W, "example JSON body is malformed; recovered"),
    ("DG302", W, "example JSON body is malformed and cannot be recovered"),
    ("DG303", W, "Content-Length header does not match the body"),
    ("DG304", W, "example response status differs from the one named in '## Response'"),
    ("DG305", W, "response example has no status line"),
    ("DG306", I, "example body is not JSON"),
    ("DG307", W, "request example has no request line"),
    ("DG308", I, "example not replayed by the generated tests"),
    ("DG309", W, "example JSON body has a number JSON data cannot hold (NaN, Infinity, 1e999); kept as text"),
    ("DG310", W, "example JSON body or annotation nested deeper than 64 levels; not read"),
    ("DG311", W, "malformed example JSON body longer than 65,536 characters; not repaired"),
    ("DG312", W, "example value does not fit its documented type; the generated test uses a stand-in"),
    # Linking (DG4xx)
    ("DG401", W, "link to a page that does not exist"),
    ("DG402", W, "link differs in letter case from the page it names"),
    ("DG403", W, "unknown type; treated as an open object"),
    ("DG404", I, "type documented on more than one page; merged"),
    ("DG405", W, "base type not found"),
    ("DG407", W, "two operations share one method and path"),
    # Generated code (DG5xx)
    ("DG501", E, "docgen bug while rendering a file made from this page (please report it); file left out"),
    ("DG502", E, "a file made from this page would not be valid Python; file left out"),
    ("DG503", E, "a template of the templates folder fails or renders invalid Python (its file and line named); file left out"),
)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One located message about the docs."""

    severity: Severity
    """error, warning or info."""
    code: str
    """A stable code from :data:`CODES`."""
    message: str
    """What is wrong, and what docgen did about it."""
    span: SourceSpan
    """Where it is."""

    def __str__(self) -> str:
        return f"{self.span}: {self.severity.value} {self.code} {self.message}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.path, self.span.line, self.span.col, self.code, self.message)


def diag(code: str, message: str, span: SourceSpan, severity: Severity | None = None) -> Diagnostic:
    """A diagnostic with the code's default severity unless one is given."""
    return Diagnostic(severity or CODES[code].severity, code, message, span)
