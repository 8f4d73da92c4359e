"""Which documented path templates a concrete example path fits.

A template such as ``/users/{id}/events`` or ``/drives/{a}/items/{b}:/content``
fits a concrete path when, segment by segment, its literal text is the same
(letter case aside) and each placeholder stands for one or more characters
other than ``/``; a trailing ``/`` on the path is allowed.

A page may document many request lines and many examples, so examples are not
compared with every template: the templates are kept in a tree of their
segments, where a literal segment is looked up and only segments holding
placeholders are tried, each in time linear in the segment's length (no
regular expression, whose backtracking over ``{a}-{b}-{c}`` is polynomial).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["TemplateIndex"]

_PLACEHOLDER_RE = re.compile(r"\{[^{}]*\}")


class _Node:
    """A segment position in the tree: the templates ending here and the segments that may follow."""

    __slots__ = ("ends", "literal", "patterns")

    def __init__(self) -> None:
        self.ends: dict[str, None] = {}
        self.literal: dict[str, _Node] = {}
        self.patterns: dict[tuple[str, ...], _Node] = {}


def _fits(pieces: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` fits a segment made of literal ``pieces`` with a placeholder between each two.

    The pieces between the first and the last are looked for left to right, each
    as early as it can be: when any placement fits, this one does.
    """
    first, last = pieces[0], pieces[-1]
    limit = len(text) - len(last)
    if limit < len(first) or not text.startswith(first) or not text.endswith(last):
        return False
    pos = len(first)
    for piece in pieces[1:-1]:
        found = text.find(piece, pos + 1, limit)  # the placeholder before it takes a character or more
        if found < 0:
            return False
        pos = found + len(piece)
    return pos < limit


class TemplateIndex:
    """Path templates, looked up by the concrete paths that fit them."""

    def __init__(self, templates: Iterable[str]) -> None:
        self._root = _Node()
        for template in templates:
            self._add(template)

    def _add(self, template: str) -> None:
        node = self._root
        for segment in template.lower().split("/"):
            pieces = tuple(_PLACEHOLDER_RE.split(segment))
            if len(pieces) == 1:
                node = node.literal.setdefault(segment, _Node())
            else:
                node = node.patterns.setdefault(pieces, _Node())
        node.ends[template] = None

    def fitting(self, path: str) -> frozenset[str]:
        """The templates ``path`` fits."""
        segments = path.lower().split("/")
        found = self._walk(segments)
        if len(segments) > 1 and not segments[-1]:
            found |= self._walk(segments[:-1])
        return frozenset(found)

    def _walk(self, segments: list[str]) -> set[str]:
        frontier = [self._root]
        for segment in segments:
            reached: list[_Node] = []
            for node in frontier:
                child = node.literal.get(segment)
                if child is not None:
                    reached.append(child)
                reached.extend(c for pieces, c in node.patterns.items() if _fits(pieces, segment))
            if not reached:
                return set()
            frontier = reached
        return {template for node in frontier for template in node.ends}
