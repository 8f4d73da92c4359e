"""Stage one's output: a page as a flat list of located blocks.

Produced from markdown-it tokens by :mod:`docgen.parse.markdown`; consumed by the
extractors. No tokens leak past this module's producer: extractors see only
these plain values, each with its 1-based source line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading (docfx tab markers are :class:`TabMarker` instead)."""

    level: int
    text: str
    """The heading's plain text."""
    line: int


@dataclass(frozen=True, slots=True)
class TabMarker:
    """A docfx tab marker ``# [HTTP](#tab/http)``: not a section."""

    label: str
    line: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph (or list item text): raw inline Markdown and its plain text."""

    raw: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Row:
    """A table row: raw inline Markdown of each cell, and how many cells the source line had."""

    cells: tuple[str, ...]
    line: int
    source_cells: int


@dataclass(frozen=True, slots=True)
class Table:
    """A pipe table."""

    header: tuple[str, ...]
    """Plain text of the header cells."""
    rows: tuple[Row, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Fence:
    """A fenced code block."""

    info: str
    """The info string, lower case (``http``, ``json``, ``msgraph-interactive``...)."""
    content: str
    line: int
    """Line of the opening fence; the content starts on the next line."""
    closed: bool


@dataclass(frozen=True, slots=True)
class Comment:
    """An HTML comment block (annotations live in these)."""

    text: str
    """The comment's inside, without ``<!--`` and ``-->``."""
    line: int


@dataclass(frozen=True, slots=True)
class MdLink:
    """A link whose target is another Markdown page."""

    text: str
    target: str
    line: int


Block = Union[Heading, TabMarker, Paragraph, Table, Fence, Comment]


@dataclass(frozen=True, slots=True)
class Page:
    """A parsed page: front matter, blocks in order, and links to other pages."""

    path: str
    front_matter: dict[str, object]
    front_matter_error: str | None
    blocks: tuple[Block, ...]
    links: tuple[MdLink, ...]
    unclosed_fences: tuple[int, ...]
    """Lines of fences that were never closed (they were closed by docgen before re-reading)."""
