"""Formatting of generated Python with black, in-process, with a fixed mode.

The mode is explicit and never read from a configuration file on disk, so the
same input gives the same output on every machine; formatting twice changes
nothing (black's own stability guarantee, checked by the tests).

black is imported on the first call of :func:`format_python` only: a run that
formats nothing (every file found in the cache or the output folder's manifest)
never loads it. :func:`formatter` names black's version and the mode without
importing it; the manifest records it, so that a file formatted by another
version or mode is never taken for this one's output.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import black

__all__ = ["LINE_LENGTH", "TARGET", "format_python", "formatter", "mode"]

LINE_LENGTH = 100
TARGET = "py311"
"""black's target version (a :class:`black.mode.TargetVersion` name, lower case)."""


@cache
def mode() -> black.Mode:
    """The one black mode used for every generated file."""
    import black
    from black.mode import TargetVersion

    return black.Mode(target_versions={TargetVersion[TARGET.upper()]}, line_length=LINE_LENGTH)


@cache
def formatter() -> str:
    """What formatted text depends on besides its input: black's version, the mode and this module.

    For example ``black 26.10.1, line length 100, target py311, docgen.fmt 1a2b3c4d5e6f``.
    """
    from docgen.cache import dist_version

    source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    return f"black {dist_version('black')}, line length {LINE_LENGTH}, target {TARGET}, docgen.fmt {source}"


def format_python(text: str) -> str:
    """``text`` formatted by black in :func:`mode`.

    The renderer has compiled ``text`` already; should black still refuse it (a
    construct black cannot format, a bug of black's), the text is kept as rendered:
    valid Python, only not formatted. The outcome is the same on every run.
    """
    import black

    try:
        return black.format_str(text, mode=mode())
    except Exception:  # black's own failure on valid Python: keep the valid text
        return text
