"""Formatting of generated Python, in one place: black (the default) or ruff's formatter.

The mode is explicit and never read from a configuration file on disk, so the
same input gives the same output on every machine; formatting twice changes
nothing (the formatters' stability guarantee, checked by the tests).

:attr:`Formatter.name` names the formatter, its version and the mode without
importing the formatter (the manifest records it); :attr:`Formatter.key` adds
this module and is part of every formatted file's cache key, so a file formatted
by another formatter, version or mode is never taken for this one's output.

:func:`same_code` tells, without formatting, whether a file holds the code and
the comments of a rendered text (what the formatter keeps): how ``check``
verifies a file whose formatted text no cache holds.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import subprocess
import tempfile
import types
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import black

    from docgen.config import Config

__all__ = ["LINE_LENGTH", "TARGET", "Formatter", "formatter_of", "same_code"]

LINE_LENGTH = 100
TARGET = "py311"
"""The target Python version (black's :class:`black.mode.TargetVersion` name, lower case)."""
POOL_MIN = 16
"""Fewer texts than this are formatted by black in this process."""
_CHUNK_CHARS = 200_000
"""About this much text per task sent to a worker."""


@cache
def _module_digest() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


class Formatter:
    """black, in-process (in a pool of processes for many texts)."""

    kind = "black"

    @property
    def name(self) -> str:
        """``black 26.10.1, line length 100, target py311``: what the manifest records."""
        from docgen.cache import dist_version

        return f"{self.kind} {dist_version(self.kind)}, line length {LINE_LENGTH}, target {TARGET}"

    @property
    def key(self) -> str:
        """What formatted text depends on besides its input: :attr:`name` and this module."""
        return f"{self.name}, docgen.fmt {_module_digest()}"

    def format(self, text: str) -> str:
        """``text`` formatted. The renderer has compiled it; should the formatter still
        refuse it (a construct it cannot format), the text is kept as rendered: valid
        Python, only not formatted. The outcome is the same on every run."""
        return _black(text)

    def format_all(self, texts: Sequence[str], jobs: int) -> Iterator[tuple[int, str]]:
        """(index, formatted text) of each of ``texts``, in ``jobs`` processes, as they are done."""
        if jobs <= 1 or len(texts) < POOL_MIN:
            for index, text in enumerate(texts):
                yield index, self.format(text)
            return
        from docgen.pipeline import pool

        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # biggest first: no straggler
        chunks = list(_chunks(order, texts))
        with pool(jobs) as executor:
            for chunk, done in zip(chunks, executor.map(_black_chunk, [[texts[i] for i in c] for c in chunks])):
                yield from zip(chunk, done)


class RuffFormatter(Formatter):
    """ruff's formatter (black-compatible), one ruff process for many texts."""

    kind = "ruff"

    def format(self, text: str) -> str:
        return next(iter(self.format_all([text], 1)))[1]

    def format_all(self, texts: Sequence[str], jobs: int) -> Iterator[tuple[int, str]]:
        if not texts:
            return
        from ruff.__main__ import find_ruff_bin

        with tempfile.TemporaryDirectory(prefix="docgen-format-") as folder:
            files = [Path(folder) / f"{index:06d}.py" for index in range(len(texts))]
            for file, text in zip(files, texts):
                file.write_text(text, encoding="utf-8", newline="")
            command = [os.fsdecode(find_ruff_bin()), "format", "--isolated", "--no-cache", "--quiet"]
            command += ["--line-length", str(LINE_LENGTH), "--target-version", TARGET, folder]
            # a file ruff cannot format is left as it was: kept as rendered, like black's refusals;
            # a second pass settles what ruff's first pass leaves unstable (its output is then
            # its own fixed point, as black's is)
            for _ in range(2):
                subprocess.run(command, check=False, capture_output=True, stdin=subprocess.DEVNULL)
            for index, file in enumerate(files):
                yield index, file.read_text(encoding="utf-8")


def formatter_of(config: Config) -> Formatter:
    """The formatter the settings choose."""
    return RuffFormatter() if config.formatter == "ruff" else Formatter()


@cache
def _mode() -> black.Mode:
    import black
    from black.mode import TargetVersion

    return black.Mode(target_versions={TargetVersion[TARGET.upper()]}, line_length=LINE_LENGTH)


def _black(text: str) -> str:
    import black

    try:
        return black.format_str(text, mode=_mode())
    except Exception:  # black's own failure on valid Python: keep the valid text
        return text


def _black_chunk(texts: list[str]) -> list[str]:
    import gc

    gc.enable()  # a worker forked while the parent had it off
    return [_black(text) for text in texts]


def _chunks(order: list[int], texts: Sequence[str]) -> Iterator[list[int]]:
    chunk: list[int] = []
    size = 0
    for index in order:
        chunk.append(index)
        size += len(texts[index])
        if size >= _CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


# --------------------------------------------------------------------- verification

_TRIPLE_SINGLE = "'" * 3
_TRIPLE_DOUBLE = '"' * 3
_TOKENS = re.compile(
    "|".join(
        [
            rf"{_TRIPLE_SINGLE}(?:\\.|[^\\])*?{_TRIPLE_SINGLE}",  # a string in triple quotes
            rf"{_TRIPLE_DOUBLE}(?:\\.|[^\\])*?{_TRIPLE_DOUBLE}",
            r"'(?:\\.|[^'\\\n])*'",  # a string on one line
            r'"(?:\\.|[^"\\\n])*"',
            r"#[^\n]*",  # a comment
        ]
    )
)
"""A string literal (from its first quote: a prefix is not needed to tell strings and
comments apart) or a comment, scanned left to right: a ``#`` inside a string is part of
the string, and every comment is found."""
_SPACE = re.compile(r"\s+")


def _literals(text: str) -> tuple[list[str], list[str]]:
    """The comments of a module, without whitespace (which formatters change), and the
    bodies of its string literals as their quotes would read them (formatters re-quote),
    in order."""
    comments: list[str] = []
    strings: list[str] = []
    for token in _TOKENS.findall(text):
        if token[0] == "#":
            comments.append(_SPACE.sub("", token))
            continue
        quotes = 3 if token.startswith((_TRIPLE_SINGLE, _TRIPLE_DOUBLE)) and len(token) >= 6 else 1
        body = token[quotes:-quotes]
        if "\\" in body or "'" in body or '"' in body:  # escapes that re-quoting may change
            body = body.replace("\\'", "'").replace('\\"', '"')
        strings.append(body)
    return comments, strings


def _code_shape(code: types.CodeType) -> types.CodeType:
    """``code`` and the code objects in it without line and column positions."""
    consts = tuple(_code_shape(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_linetable=b"", co_firstlineno=1, co_consts=consts)


def _compiled(text: str) -> bytes | None:
    """The module's bytecode, positions left out (None when it does not compile)."""
    try:
        return marshal.dumps(_code_shape(compile(text, "<generated>", "exec", dont_inherit=True)))
    except Exception:  # not Python (or not this Python's): never the same
        return None


def same_code(rendered: str, candidate: str) -> bool:
    """Whether ``candidate`` holds the code and comments of ``rendered``: the same comments,
    and the same bytecode (positions aside) or, failing that, the same syntax tree as black
    compares them (docstrings as the formatters re-indent them).

    A formatter's output for ``rendered`` always does; a file with a line of code,
    a comment or a string changed never does. Only layout (line breaks, spaces,
    parentheses, quotes, trailing commas) may differ. Never raises.
    """
    if rendered == candidate:
        return True
    comments, strings = _literals(rendered)
    other_comments, other_strings = _literals(candidate)
    if comments != other_comments:
        return False
    compiled = _compiled(rendered)
    if strings == other_strings and compiled is not None and compiled == _compiled(candidate):
        # the same behaviour, instruction for instruction, and the same strings (those the
        # compiler drops too: a string on a line of its own, like an attribute's docstring)
        return True
    try:
        from itertools import zip_longest

        from black.parsing import parse_ast, stringify_ast

        # black's own notion of equivalence (its safety check), compared lazily: the first
        # difference ends it, and nothing is written anywhere
        pairs = zip_longest(stringify_ast(parse_ast(rendered)), stringify_ast(parse_ast(candidate)))
        return all(a == b for a, b in pairs)
    except Exception:
        return False
