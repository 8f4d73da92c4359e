"""DG308: every documented example the generated tests do not replay, with the reason;
DG312: every replayed example with values that do not fit their documented types (the
test sends and expects a stand-in of the type instead)."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from docgen.diagnostics import Diagnostic, diag
from docgen.model import DocSet, Example


def _verdicts(
    docset: DocSet, pages: Collection[str] | None = None
) -> Iterator[tuple[Example, str | None, tuple[str, ...]]]:
    """Each example (of ``pages`` only, when given) with None (replayed) or the reason it is
    not (the renderer's own rule), and the values of its bodies that its test replaces with
    stand-ins."""
    from docgen.render.conform import TypeIndex
    from docgen.render.examples import fitted, replayable

    for version in docset.versions:
        index = TypeIndex(version)
        for resource in version.resources:
            for op in resource.operations:
                if pages is not None and op.source.path not in pages:
                    continue
                for example in op.examples:
                    reason = replayable(example, op, index)
                    stand_ins = fitted(example, op, index).stand_ins if reason is None else ()
                    yield example, reason, stand_ins


_SHOWN = 3
"""Stand-ins named in one DG312 message."""


def replay_diagnostics(docset: DocSet, pages: Collection[str] | None = None) -> list[Diagnostic]:
    """One info diagnostic per example without a generated test, one warning per replayed
    example whose values do not all fit their types (of the examples of ``pages``, when given)."""
    found = []
    for example, reason, stand_ins in _verdicts(docset, pages):
        if reason is not None:
            found.append(diag("DG308", f"example {example.name!r} is not replayed: {reason}", example.source))
        elif stand_ins:
            more = f" and {len(stand_ins) - _SHOWN} more" if len(stand_ins) > _SHOWN else ""
            found.append(
                diag(
                    "DG312",
                    f"example {example.name!r}: {'; '.join(stand_ins[:_SHOWN])}{more}; "
                    "its test uses a value of the documented type instead",
                    example.source,
                )
            )
    return found


def replay_counts(docset: DocSet) -> tuple[int, int]:
    """(examples replayed, all examples)."""
    verdicts = [reason for _, reason, _ in _verdicts(docset)]
    return sum(r is None for r in verdicts), len(verdicts)
