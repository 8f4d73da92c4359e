"""Annotation comments: ``<!-- { "blockType": "request", "name": "..." } -->``.

About 0.4% of real annotations are not valid JSON (trailing commas, raw
newlines in strings); those are read leniently with a diagnostic.
"""

from __future__ import annotations

import json

from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.parse import jsontext


def read_annotation(text: str, span: SourceSpan, diags: list[Diagnostic]) -> dict[str, object] | None:
    """The annotation's keys, or None when the comment is not an annotation."""
    body = text.strip()
    if not body.startswith("{") or ("blockType" not in body and '"type"' not in body):
        return None
    deep = jsontext.nesting_offset(body)
    if deep is not None:
        lead = len(text) - len(text.lstrip())
        where = SourceSpan(span.path, span.line + text.count("\n", 0, lead + deep))
        diags.append(diag("DG310", f"annotation is nested deeper than {jsontext.MAX_DEPTH} levels and was ignored", where))
        return None
    try:
        value = json.loads(body)
    except ValueError as exc:
        value = jsontext.repair(body)
        reason = str(getattr(exc, "msg", exc)).lower()
        where = SourceSpan(span.path, span.line + getattr(exc, "lineno", 1) - 1, getattr(exc, "colno", 1))
        if not isinstance(value, dict) or not value:
            if len(body) > jsontext.REPAIR_LIMIT:
                reason += f"; longer than {jsontext.REPAIR_LIMIT:,} characters, more than docgen repairs"
            diags.append(diag("DG005", f"annotation is not valid JSON ({reason}) and was ignored", where))
            return None
        diags.append(diag("DG005", f"annotation is not valid JSON ({reason}); read it leniently", where))
    return value if isinstance(value, dict) else None


def block_type(annotation: dict[str, object] | None) -> str | None:
    """The annotation's blockType, lower case."""
    if annotation is None:
        return None
    value = annotation.get("blockType")
    return value.strip().lower() if isinstance(value, str) else None
