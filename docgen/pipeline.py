"""Find, read and parse the pages of a doc set, then link them: the front half of every command.

The seam for parallel parsing and caching is :func:`parse_one`: a pure function
of a page's path and bytes, so it can run in a process pool and its result can be
stored under a hash of its inputs. :func:`load_pages` is the only caller.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from docgen.config import Config
from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import DocSet, PageModel

__all__ = ["LoadedPages", "SpecsError", "build", "find_pages", "load_pages", "parse_one"]


class SpecsError(Exception):
    """The pages cannot be found (no such file or folder, not Markdown): a user error."""


@dataclass(frozen=True, slots=True)
class LoadedPages:
    """The parsed pages of a doc set."""

    root: Path
    """The folder that page paths (and so every span) are relative to."""
    pages: tuple[PageModel, ...]
    """Pages that could be read, sorted by path."""
    diagnostics: tuple[Diagnostic, ...]
    """DG001 for every page that could not be read or decoded (no model for those)."""


def _md_files(folder: Path) -> list[Path]:
    """``*.md`` files under ``folder``, skipping hidden folders; symlinked folders are not followed."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += [Path(dirpath, name) for name in filenames if name.endswith(".md")]
    return found


def find_pages(specs: Sequence[Path]) -> tuple[Path, list[tuple[str, Path]]]:
    """The root folder and the ``(relative posix path, file)`` of every page, sorted by path.

    One folder: paths relative to it. One file: its name. Several files or
    folders: paths relative to the deepest folder holding them all.
    """
    if not specs:
        raise SpecsError("no pages given")
    absolute = [Path(os.path.abspath(spec)) for spec in specs]  # symlinks kept, ".." folded
    roots = []
    for spec in absolute:
        if spec.is_dir():
            roots.append(spec)
        elif spec.is_file():
            roots.append(spec.parent)
        else:
            raise SpecsError(f"{spec}: no such file or folder")
    root = roots[0] if len(roots) == 1 else Path(os.path.commonpath(roots))
    found: dict[str, Path] = {}
    for spec in absolute:
        for file in _md_files(spec) if spec.is_dir() else [spec]:
            found.setdefault(file.relative_to(root).as_posix(), file)
    if not found:  # a wrong --specs must not make generate remove everything it wrote before
        raise SpecsError(f"no Markdown pages (*.md) in {', '.join(str(s) for s in specs)}")
    return root, sorted(found.items())


def _unreadable(rel: str, data: bytes, error: UnicodeDecodeError) -> Diagnostic:
    line = data.count(b"\n", 0, error.start) + 1
    col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
    return diag("DG001", f"page is not UTF-8 ({error.reason} at byte {error.start}); left out", SourceSpan(rel, line, col))


def parse_one(rel: str, data: bytes, default_version: str) -> PageModel | Diagnostic:
    """One page from its path and bytes, or the DG001 diagnostic saying why it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _unreadable(rel, data, error)
    from docgen.parse import parse_page

    return parse_page(rel, text, default_version)


def load_pages(specs: Path | Sequence[Path], config: Config) -> LoadedPages:
    """Read and parse every page under ``specs`` (a folder, a file, or several of either).

    Raises :class:`SpecsError` when a path does not exist; a page that cannot be read
    or decoded becomes a DG001 diagnostic and the others go on.
    """
    root, found = find_pages([specs] if isinstance(specs, Path) else list(specs))
    pages: list[PageModel] = []
    problems: list[Diagnostic] = []
    for rel, file in found:
        try:
            data = file.read_bytes()
        except OSError as error:
            problems.append(diag("DG001", f"page cannot be read ({error.strerror or error}); left out", SourceSpan(rel, 1)))
            continue
        result = parse_one(rel, data, config.default_version)
        if isinstance(result, PageModel):
            pages.append(result)
        else:
            problems.append(result)
    return LoadedPages(root, tuple(pages), tuple(problems))


def build(loaded: LoadedPages) -> DocSet:
    """Link the pages into one doc set whose diagnostics include the read errors, sorted by place."""
    from docgen.link import link

    docset = link(list(loaded.pages))
    if not loaded.diagnostics:
        return docset
    diagnostics = sorted((*docset.diagnostics, *loaded.diagnostics), key=Diagnostic.sort_key)
    return replace(docset, diagnostics=tuple(diagnostics))
