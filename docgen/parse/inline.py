"""Links in raw inline Markdown, found in one pass that is linear in the text's length.

docgen does not run markdown-it's inline parser; it reads the few inline
constructs it needs from the raw text. A link here is what this grammar
matches, scanning left to right and taking the leftmost match each time::

    link  = "!"? "[" label "]" ( "(" dest-part ")" | "[" ref "]" )?
    label = ( any character but "[" "]"  |  "[" any but "[" "]" "]" )*
    dest-part = space* "<"? dest ">"? ( space+ '"' any but '"' '"' )? space*
    dest  = any character but "(" ")" "<" ">" and whitespace
    ref   = any character but "[" "]"

(:data:`GRAMMAR` is the same as one regular expression; the tests check that
both agree.) The scanner is built from a few regular expressions that each
match a run of one character class at a given position, so their cost is the
length of the run; every character is covered by a bounded number of runs
(a label or destination run stops at the next bracket or parenthesis, which
the next attempt starts from), which keeps a line of ``[a](`` repeated
100,000 times as cheap as any other line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["GRAMMAR", "InlineLink", "links", "outside_code", "replace_links", "unmark"]

GRAMMAR = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"(?:\(\s*<?([^()\s<>]*)>?(?:\s+\"[^\"]*\")?\s*\)|\[([^\[\]]*)\])?"
)
"""The links :func:`links` finds, as a regular expression (for reference and tests; not used to scan)."""

_TO_OPEN = re.compile(r"[^\[]*")
_TEXT = re.compile(r"[^\[\]]*")
_SPACE = re.compile(r"\s*")
_DEST = re.compile(r"[^()\s<>]*")
_TITLE = re.compile(r'[^"]*')


@dataclass(frozen=True, slots=True)
class InlineLink:
    """One link (or bracketed text) in raw inline Markdown."""

    start: int
    """Offset of its ``!`` or ``[``."""
    end: int
    """Offset just after it."""
    label: str
    """The raw text between the outer brackets."""
    dest: str | None
    """The destination of an inline link ``[label](dest)``; None otherwise."""
    ref: str | None
    """The reference of ``[label][ref]`` (empty for ``[label][]``); None otherwise."""


def _run(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """The end of the run ``pattern`` matches at ``pos`` (each pattern matches a possibly empty run)."""
    m = pattern.match(text, pos)
    return pos if m is None else m.end()


def links(raw: str) -> Iterator[InlineLink]:
    """Every link and bracketed text in ``raw``, left to right, as :data:`GRAMMAR` finds them."""
    n = len(raw)
    pos = 0
    while True:
        opening = _run(_TO_OPEN, raw, pos)
        if opening >= n:
            return
        closing = _label_end(raw, opening + 1)
        if closing < 0:
            pos = opening + 1
            continue
        start = opening - 1 if opening > pos and raw[opening - 1] == "!" else opening
        end, dest, ref = _tail(raw, closing + 1)
        yield InlineLink(start, end, raw[opening + 1 : closing], dest, ref)
        pos = end


def _label_end(raw: str, pos: int) -> int:
    """The offset of the ``]`` that closes a label starting at ``pos``, or -1."""
    n = len(raw)
    while True:
        pos = _run(_TEXT, raw, pos)
        if pos >= n:
            return -1
        if raw[pos] == "]":
            return pos
        inner = _run(_TEXT, raw, pos + 1)  # "[" opens a bracketed part, closed before any other bracket
        if inner >= n or raw[inner] != "]":
            return -1
        pos = inner + 1


def _tail(raw: str, pos: int) -> tuple[int, str | None, str | None]:
    """(end, dest, ref) of what follows a label's ``]`` at ``pos - 1``."""
    n = len(raw)
    if pos < n and raw[pos] == "(":
        found = _inline_dest(raw, pos)
        if found is not None:
            return found[0], found[1], None
    elif pos < n and raw[pos] == "[":
        inner = _run(_TEXT, raw, pos + 1)
        if inner < n and raw[inner] == "]":
            return inner + 1, None, raw[pos + 1 : inner]
    return pos, None, None


def _inline_dest(raw: str, paren: int) -> tuple[int, str] | None:
    """(end, dest) of ``(dest "title")`` opening at ``paren``, or None when it is not one."""
    n = len(raw)
    spaced = _run(_SPACE, raw, paren + 1)
    dest = spaced + 1 if spaced < n and raw[spaced] == "<" else spaced
    dest_end = _run(_DEST, raw, dest)
    end = _close(raw, dest_end + 1 if dest_end < n and raw[dest_end] == ">" else dest_end)
    if end is not None:
        return end, raw[dest:dest_end]
    # No destination, and the spaces after "(" come before a title: ( "a title")
    end = _close(raw, paren + 1) if spaced > paren + 1 and spaced < n and raw[spaced] == '"' else None
    return None if end is None else (end, "")


def _close(raw: str, pos: int) -> int | None:
    """The end of an optional title (after whitespace), whitespace and ``)`` at ``pos``, or None."""
    n = len(raw)
    spaced = _run(_SPACE, raw, pos)
    if spaced > pos and spaced < n and raw[spaced] == '"':
        quote = _run(_TITLE, raw, spaced + 1)
        if quote < n:
            spaced = _run(_SPACE, raw, quote + 1)
    return spaced + 1 if spaced < n and raw[spaced] == ")" else None


def replace_links(raw: str) -> str:
    """``raw`` with every link replaced by its label."""
    parts: list[str] = []
    last = 0
    for link in links(raw):
        parts.append(raw[last : link.start])
        parts.append(link.label)
        last = link.end
    parts.append(raw[last:])
    return "".join(parts)


# --------------------------------------------------------------------- marks

_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
"""What a backslash escapes in Markdown; before anything else, a backslash is a backslash."""


def outside_code(raw: str, change: Callable[[str], str]) -> str:
    """``raw`` with ``change`` applied to its text outside code spans (a last backtick with
    no partner opens none); what code spans hold is kept as written."""
    if "`" not in raw:
        return change(raw)
    parts = raw.split("`")
    last_code = len(parts) - 1 if len(parts) % 2 == 1 else len(parts) - 2  # an unpaired last "`" opens nothing
    return "`".join(part if i % 2 == 1 and i < last_code + 1 else change(part) for i, part in enumerate(parts))


def unmark(raw: str) -> str:
    """``raw`` without its Markdown marks, every other character kept, in one linear pass.

    A backslash before ASCII punctuation is an escape (``\\*`` is ``*``, ``\\\\`` is ``\\``);
    any other backslash is text (``C:\\x\\new`` stays). Backticks are dropped, and what a
    pair of them encloses is kept as written (no escapes inside code). Runs of ``*`` that
    open and close emphasis (``**bold**``) are dropped; one with no partner is text
    (``7*7``).
    """
    if "\\" not in raw and "`" not in raw and "*" not in raw:
        return raw
    out: list[str] = []
    openers: list[tuple[int, int]] = []  # (index in out, length) of runs of * that may open
    pairs: list[tuple[int, int]] = []  # indexes in out of runs matched as emphasis
    i, n, code = 0, len(raw), False
    ticks = raw.count("`") // 2 * 2  # an unpaired last "`" opens nothing
    while i < n:
        char = raw[i]
        if char == "`" and (code or ticks > 1):
            code = not code
            ticks -= 1
            i += 1
        elif code:
            out.append(char)
            i += 1
        elif char == "\\" and i + 1 < n and raw[i + 1] in _ASCII_PUNCTUATION:
            out.append(raw[i + 1])
            i += 2
        elif char == "*":
            j = i
            while j < n and raw[j] == "*":
                j += 1
            before, after = raw[i - 1 : i], raw[j : j + 1]
            closes = bool(before) and not before.isspace()
            if closes and openers and openers[-1][1] == j - i:
                pairs.append((openers.pop()[0], len(out)))
            elif after and not after.isspace():
                openers.append((len(out), j - i))
            out.append(raw[i:j])
            i = j
        else:
            out.append(char)
            i += 1
    for start, end in pairs:
        out[start] = out[end] = ""
    return "".join(out)
