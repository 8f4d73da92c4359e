"""DG308: every documented example the generated tests do not replay, with the reason."""

from __future__ import annotations

from collections.abc import Iterator

from docgen.diagnostics import Diagnostic, diag
from docgen.model import DocSet, Example


def _verdicts(docset: DocSet) -> Iterator[tuple[Example, str | None]]:
    """Each example with None (replayed) or the reason it is not (the renderer's own rule)."""
    from docgen.render.conform import TypeIndex
    from docgen.render.examples import replayable

    for version in docset.versions:
        index = TypeIndex(version)
        for resource in version.resources:
            for op in resource.operations:
                for example in op.examples:
                    yield example, replayable(example, op, index)


def replay_diagnostics(docset: DocSet) -> list[Diagnostic]:
    """One info diagnostic per example without a generated test."""
    return [
        diag("DG308", f"example {example.name!r} is not replayed: {reason}", example.source)
        for example, reason in _verdicts(docset)
        if reason is not None
    ]


def replay_counts(docset: DocSet) -> tuple[int, int]:
    """(examples replayed, all examples)."""
    verdicts = [reason for _, reason in _verdicts(docset)]
    return sum(r is None for r in verdicts), len(verdicts)
