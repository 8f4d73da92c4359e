"""DG308: every documented example the generated tests do not replay, with the reason."""

from __future__ import annotations

from docgen.diagnostics import Diagnostic, diag
from docgen.model import DocSet


def replay_diagnostics(docset: DocSet) -> list[Diagnostic]:
    """One info diagnostic per example without a generated test (the renderer's own rule decides)."""
    from docgen.render.examples import replayable

    out: list[Diagnostic] = []
    for version in docset.versions:
        for resource in version.resources:
            for op in resource.operations:
                for example in op.examples:
                    reason = replayable(example, op)
                    if reason is not None:
                        out.append(diag("DG308", f"example {example.name!r} is not replayed: {reason}", example.source))
    return out


def replay_counts(docset: DocSet) -> tuple[int, int]:
    """(examples replayed, all examples)."""
    from docgen.render.examples import replayable

    total = replayed = 0
    for version in docset.versions:
        for resource in version.resources:
            for op in resource.operations:
                for example in op.examples:
                    total += 1
                    replayed += replayable(example, op) is None
    return replayed, total
