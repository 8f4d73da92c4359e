"""The user's choice of diagnostics: ``select``, ``ignore``, severities, and per-page ignores.

Settings (``[tool.docgen]``) and flags (``--select``, ``--ignore``, ``--severity``) make a
:class:`Policy`; a page may also carry ``<!-- docgen: ignore DG401 DG204 -->`` (an HTML comment,
invisible on the rendered docs) to drop those codes on that page alone. The policy applies
to what is reported, after the run: the generated output never depends on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from docgen.diagnostics import CODES, Diagnostic, Severity, SourceSpan, diag

__all__ = ["PAGE_IGNORE", "Policy", "page_ignores", "selector_problem"]

SELECTOR = re.compile(r"DG[0-9]{0,3}")
"""A code (``DG401``) or a prefix of codes (``DG``, ``DG4``, ``DG40``)."""


def selector_problem(selector: str) -> str | None:
    """Why ``selector`` names no code (None when it names at least one)."""
    if not SELECTOR.fullmatch(selector):
        return "is not a code or a prefix of codes (like DG401 or DG4)"
    if not any(code.startswith(selector) for code in CODES):
        return "matches no diagnostic code"
    return None


def _longest(selectors: Iterable[str], code: str) -> int:
    """Length of the longest selector that is a prefix of ``code`` (-1: none)."""
    return max((len(s) for s in selectors if code.startswith(s)), default=-1)


@dataclass(frozen=True, slots=True)
class Policy:
    """Which diagnostics are reported, and how severe each is (settings and flags).

    As in ruff, ``select`` and ``ignore`` hold codes or prefixes of codes; the most specific
    selector matching a code decides (``ignore`` wins a tie), so ``select = ["DG4"]`` with
    ``ignore = ["DG401"]`` reports DG402-DG407 only.
    """

    select: tuple[str, ...] = ("DG",)
    """Codes or prefixes reported (default: every code)."""
    ignore: tuple[str, ...] = ()
    """Codes or prefixes not reported."""
    severity: Mapping[str, Severity] = field(default_factory=dict)
    """Code or prefix -> severity to report it with (the most specific prefix wins)."""

    def enabled(self, code: str) -> bool:
        chosen = _longest(self.select, code)
        return chosen >= 0 and chosen > _longest(self.ignore, code)

    def severity_of(self, code: str, default: Severity) -> Severity:
        best = _longest(self.severity, code)
        if best < 0:
            return default
        return self.severity[code[:best]]

    def apply(
        self, diags: Iterable[Diagnostic], ignored: Mapping[str, Sequence[str]] | None = None
    ) -> list[Diagnostic]:
        """The diagnostics still reported, with their severity as chosen.

        ``ignored``: page path -> codes or prefixes its ``<!-- docgen: ignore ... -->`` comments name.
        """
        out = []
        for d in diags:
            if not self.enabled(d.code):
                continue
            if ignored and _longest(ignored.get(d.span.path, ()), d.code) >= 0:
                continue
            severity = self.severity_of(d.code, d.severity)
            out.append(d if severity is d.severity else Diagnostic(severity, d.code, d.message, d.span))
        return out


PAGE_IGNORE = re.compile(r"<!--\s*docgen:\s*ignore\b([^>]*?)-->")
"""``<!-- docgen: ignore DG401 DG204 -->``: codes (or prefixes) not reported on this page."""


def page_ignores(path: str, text: str) -> tuple[tuple[str, ...], list[Diagnostic]]:
    """The codes a page's ``docgen: ignore`` comments name, and DG011 for words that name none."""
    selectors: list[str] = []
    problems: list[Diagnostic] = []
    if "docgen:" not in text:
        return (), problems
    for match in PAGE_IGNORE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        words = match.group(1).replace(",", " ").split()
        if not words:
            problems.append(
                diag("DG011", "`docgen: ignore` names no code; write the codes it ignores", SourceSpan(path, line, col))
            )
        for word in words:
            problem = selector_problem(word)
            if problem is None:
                selectors.append(word)
            else:
                problems.append(diag("DG011", f"{word!r} {problem}; not ignored", SourceSpan(path, line, col)))
    return tuple(selectors), problems
