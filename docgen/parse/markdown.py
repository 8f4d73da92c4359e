"""Markdown -> :class:`~docgen.parse.page.Page`, with markdown-it-py.

The only module that sees markdown-it tokens. It keeps every block's source
line (``token.map``), treats docfx tab markers as tabs rather than sections,
and closes fences that were never closed (before re-reading the page) so that
they do not swallow the rest of it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

from docgen.parse.inline import links, replace_links, unmark
from docgen.parse.page import (
    Block,
    Comment,
    Fence,
    Heading,
    MdLink,
    Page,
    Paragraph,
    Row,
    Table,
    TabMarker,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

TAB_RE = re.compile(r"^\[([^\]]*)\]\(#tab/[^)]*\)$")
_OPENER_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING_RE = re.compile(r"^ {0,3}#{1,6}\s")
_MAX_REPAIRS = 20

try:  # the C loader is several times faster when PyYAML was built with it
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _YamlLoader = yaml.SafeLoader


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    # Inline parsing is most of markdown-it's time and nothing here needs its
    # tokens: cells keep their raw Markdown, and links are read from raw text.
    return MarkdownIt("commonmark").enable("table").use(front_matter_plugin).disable("inline")


def read_page(path: str, text: str) -> Page:
    """Parse one page's text into located blocks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    unclosed: list[int] = []
    for _ in range(_MAX_REPAIRS):
        env: dict[str, Any] = {}
        tokens = _parser().parse(text, env)
        lines = text.split("\n")
        repaired = _close_one_fence(tokens, lines)
        if repaired is None:
            break
        opener_line, text = repaired
        unclosed.append(opener_line)
    return _build(path, tokens, lines, env.get("references", {}), tuple(unclosed))


def _close_one_fence(tokens: list[Token], lines: list[str]) -> tuple[int, str] | None:
    """If a fence is never closed, close it where the block it swallowed starts.

    A fence is taken as unclosed when its content holds an opening fence with an
    info string (the next example's ```` ```http ````), or when it runs to the
    end of the page. It is then closed before that opener (or, at the end of the
    page, before the first heading inside it). Returns the opener's 1-based line
    and the repaired text, or None when nothing needs repair.
    """
    for tok in tokens:
        if tok.type != "fence" or tok.map is None:
            continue
        start, end = tok.map
        char = tok.markup[0]
        last = lines[end - 1].strip() if end - 1 < len(lines) else ""
        closed = end - start >= 2 and last.startswith(tok.markup) and set(last) == {char}
        cut = None
        for i in range(start + 1, end - 1 if closed else end):
            m = _OPENER_RE.match(lines[i])
            if m and m.group(1)[0] == char and len(m.group(1)) >= len(tok.markup):
                if lines[i].strip()[len(m.group(1)) :].strip():
                    cut = i
                    break
            if not closed and cut is None and _HEADING_RE.match(lines[i]):
                cut = i
                break
        if cut is not None:
            indent = len(lines[start]) - len(lines[start].lstrip(" "))
            fixed = lines[:cut] + [" " * indent + tok.markup] + lines[cut:]
            return start + 1, "\n".join(fixed)
    return None


_TAG_RE = re.compile(r"(?<!\\)<[^<>\n]*>")  # not an escaped \<


def plain_text(raw: str) -> str:
    """Inline Markdown reduced to its text: links to their text, emphasis, code marks and tags
    removed, escapes read (:func:`docgen.parse.inline.unmark`), every other character kept."""
    if "[" in raw:
        raw = replace_links(raw)
    if "<" in raw:
        raw = _TAG_RE.sub("", raw)
    return unmark(raw.replace("__", "")).replace("\n", " ").strip()


def _links(raw: str, line: int, refs: dict[str, Any], out: list[MdLink]) -> None:
    """Links to other Markdown pages in raw inline text (reference-style ones resolved)."""
    if "[" not in raw:
        return
    for link in links(raw):
        href = link.dest
        if href is None:
            label = (link.ref or link.label).strip().lower()
            ref = refs.get(" ".join(label.split()).upper()) or refs.get(label)
            if not isinstance(ref, dict):
                continue
            href = str(ref.get("href", ""))
        target = href.split("#", 1)[0].split("?", 1)[0]
        if not target.lower().endswith(".md") or "://" in target or target.startswith("/"):
            continue
        out.append(MdLink(plain_text(link.label), target, line))


def split_row(line: str) -> list[str]:
    """Split a table source line into cells (escaped pipes and code spans kept)."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    if "\\" not in s and "`" not in s:
        return s.split("|")
    cells, cur, in_code, i = [], [], False, 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            cur.append(s[i : i + 2])
            i += 2
            continue
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    cells.append("".join(cur))
    return cells


def _table(
    tokens: list[Token], i: int, lines: list[str], refs: dict[str, Any], links: list[MdLink]
) -> tuple[Table, int]:
    """Read a table starting at ``tokens[i]`` (table_open); return it and the index after it."""
    line = (tokens[i].map or (0, 0))[0] + 1
    header: list[str] = []
    rows: list[Row] = []
    cells: list[str] = []
    row_line, in_head = line, True
    i += 1
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            cells = []
            row_line = (tok.map or (row_line - 1, 0))[0] + 1
        elif tok.type == "inline":
            cells.append(tok.content if not in_head else plain_text(tok.content))
            _links(tok.content, row_line, refs, links)
        elif tok.type == "thead_close":
            header, in_head = cells, False
        elif tok.type == "tr_close" and not in_head:
            src = lines[row_line - 1] if row_line - 1 < len(lines) else ""
            rows.append(Row(tuple(c.strip() for c in cells), row_line, len(split_row(src))))
        i += 1
    return Table(tuple(h.strip() for h in header), tuple(rows), line), i + 1


def _comments(html: str, line: int) -> list[Comment]:
    """The ``<!-- ... -->`` comments of an HTML block starting at ``line`` (one pass, no regex backtracking)."""
    found: list[Comment] = []
    pos = 0
    while (start := html.find("<!--", pos)) >= 0:
        end = html.find("-->", start + 4)
        if end < 0:
            break
        line += html.count("\n", pos, start)
        found.append(Comment(html[start + 4 : end], line))
        line += html.count("\n", start, end + 3)
        pos = end + 3
    return found


def _front_matter(content: str) -> tuple[dict[str, object], str | None]:
    try:
        data = yaml.load(content, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        return {}, str(exc).replace("\n", " ")
    except (ValueError, OverflowError) as exc:  # a date like 2024-13-45, an integer too long to read
        return {}, str(exc).replace("\n", " ")
    return (data, None) if isinstance(data, dict) else ({}, None)


def _build(
    path: str, tokens: list[Token], lines: list[str], refs: dict[str, Any], unclosed: tuple[int, ...]
) -> Page:
    blocks: list[Block] = []
    links: list[MdLink] = []
    fm: dict[str, object] = {}
    fm_error: str | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1) if tok.map else 0
        kind = tok.type
        if kind == "table_open":
            table, i = _table(tokens, i, lines, refs, links)
            blocks.append(table)
            continue
        if kind == "heading_open":
            inline = tokens[i + 1]
            raw = inline.content.strip()
            tab = TAB_RE.match(raw) if tok.tag == "h1" else None
            if tab:
                blocks.append(TabMarker(tab.group(1), line))
            else:
                blocks.append(Heading(int(tok.tag[1]), plain_text(raw), line))
                _links(raw, line, refs, links)
            i += 3
            continue
        if kind == "inline":
            blocks.append(Paragraph(tok.content, plain_text(tok.content), line))
            _links(tok.content, line, refs, links)
        elif kind == "fence":
            blocks.append(Fence(tok.info.strip().lower(), tok.content, line, True))
        elif kind == "code_block":
            blocks.append(Fence("", tok.content, line, True))
        elif kind == "html_block":
            blocks.extend(_comments(tok.content, line))
        elif kind == "front_matter":
            fm, fm_error = _front_matter(tok.content)
        i += 1
    return Page(path, fm, fm_error, tuple(blocks), tuple(links), unclosed)
