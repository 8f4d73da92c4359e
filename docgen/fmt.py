"""Formatting of generated Python with black, in-process, with a fixed mode.

The mode is explicit and never read from a configuration file on disk, so the
same input gives the same output on every machine; formatting twice changes
nothing (black's own stability guarantee, checked by the tests).
"""

from __future__ import annotations

import black
from black.mode import TargetVersion

__all__ = ["MODE", "format_python"]

MODE = black.Mode(target_versions={TargetVersion.PY311}, line_length=100)
"""The one black mode used for every generated file."""


def format_python(text: str) -> str:
    """``text`` formatted by black in :data:`MODE`.

    The renderer has compiled ``text`` already; should black still refuse it (a
    construct black cannot format, a bug of black's), the text is kept as rendered:
    valid Python, only not formatted. The outcome is the same on every run.
    A JSON document (the OpenAPI documents: every generated Python file starts with
    its header comment, a JSON document with ``{``) is kept as it is.
    """
    if text.startswith("{"):
        return text
    try:
        return black.format_str(text, mode=MODE)
    except Exception:  # black's own failure on valid Python: keep the valid text
        return text
