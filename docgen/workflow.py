"""One use case, many front ends: ``generate`` and ``check`` as functions of the settings.

The command line, ``watch`` and the tests call :func:`generate` and :func:`check`.
Each takes settings already loaded (:class:`docgen.config.Config`) and how to run
(:class:`Options`), goes down the layers once (read, parse, link, plan, render,
format: :mod:`docgen.produce`; then write or compare: :mod:`docgen.output`) and
returns a :class:`Report`, whose :attr:`Report.exit_code` is the exit status. It
prints nothing: the front end shows the report as it likes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from docgen.config import Config
from docgen.diagnostics import Diagnostic, Severity
from docgen.output import CheckReport, OutputError, WriteReport, adopt_tree, check_tree, write_tree
from docgen.pipeline import default_jobs, page_limit, printable
from docgen.policy import Policy, page_ignores

if TYPE_CHECKING:
    from docgen._progress import Progress, Timings
    from docgen.cache import Cache
    from docgen.produce import Outcome

__all__ = ["EXIT_DRIFT", "EXIT_ERROR", "EXIT_OK", "Options", "Report", "check", "chosen_diagnostics", "generate", "os_problem"]

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_ERROR = 2

UNREAD = frozenset({"DG001", "DG008", "DG010"})
"""Codes of pages docgen did not read (unreadable, not a regular file inside the specs, too large)."""


@dataclass(frozen=True, slots=True)
class Options:
    """How to run: everything that is not a setting of the project."""

    jobs: int = 0
    """Processes for parsing and formatting; 0: as many as the machine has cores (up to a limit)."""
    cache: bool = True
    """Use the cache folder (``--no-cache``: neither read nor write it)."""
    strict: bool = False
    """Warnings fail the run too, and ``generate`` then writes nothing."""
    policy: Policy | None = None
    """Which diagnostics count, with what severity; None: the settings' choice."""
    page_ignores: bool = True
    """Honour the pages' ``docgen: ignore`` comments."""
    diff_prefix: str | None = None
    """``check``: make unified diffs, paths prefixed with this (None: no diffs)."""
    adopt: bool = False
    """``generate``: take over files at generated paths that carry docgen's header though
    the manifest does not list them (after the manifest was lost)."""
    progress: Progress | None = None
    timings: Timings | None = None


@dataclass(slots=True)
class Report:
    """What a run found and did; :attr:`exit_code` decides the exit status."""

    command: Literal["generate", "check"]
    config: Config
    root: Path = Path(".")
    """The folder page paths are relative to."""
    pages: int = 0
    """Pages read."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """The diagnostics asked for (policy and page comments applied), sorted by place."""
    suppressed: int = 0
    """Diagnostics left out by the policy or the page comments."""
    strict: bool = False
    written: WriteReport | None = None
    """``generate``: what was written (None when nothing was, for a reason below)."""
    checked: CheckReport | None = None
    """``check``: how the output folder differs (None when it was not compared)."""
    files: int = 0
    """Files docgen generates."""
    problem: str | None = None
    """Why nothing was written or compared (an output folder that cannot be used), one line."""
    cache_problem: str | None = None
    """Why the cache could not be used (the run went on without it)."""

    @property
    def failing(self) -> bool:
        """Errors in the docs (with ``strict``, warnings too)."""
        bad = {Severity.ERROR, Severity.WARNING} if self.strict else {Severity.ERROR}
        return any(d.severity in bad for d in self.diagnostics)

    @property
    def exit_code(self) -> int:
        """0 done, 1 drift (``check``), 2 input errors or an unusable output folder; errors win over drift."""
        if self.problem is not None or self.failing:
            return EXIT_ERROR
        if self.checked is not None and not self.checked.ok:
            return EXIT_DRIFT
        return EXIT_OK


def generate(config: Config, options: Options = Options()) -> Report:
    """Make the output from the docs and write what changed into ``config.out``.

    Raises :class:`docgen.pipeline.SpecsError` when the pages cannot be found.
    """
    from docgen.filestatus import output_matches

    report = Report("generate", config, strict=options.strict)
    with _cache(config, options, report) as cache:
        outcome = _produce(config, options, cache, report)
        if report.failing and options.strict:
            report.problem = "nothing written (--strict and the docs have errors or warnings)"
            return report
        if output_matches(config.out, outcome.manifest, cache):
            report.written = WriteReport(unchanged=report.files)
            return report
        files = outcome.files
        if options.progress is not None:
            options.progress.clear()
        try:
            write = adopt_tree if options.adopt else write_tree
            report.written = write(config.out, files, outcome.manifest, same=outcome.same)
        except OutputError as error:
            report.problem = str(error)
        except OSError as error:
            report.problem = os_problem(error, config.out)
    return report


def check(config: Config, options: Options = Options()) -> Report:
    """Compare ``config.out`` with what :func:`generate` would write; nothing is written there.

    Raises :class:`docgen.pipeline.SpecsError` when the pages cannot be found.
    """
    from docgen.filestatus import output_matches

    report = Report("check", config, strict=options.strict)
    with _cache(config, options, report) as cache:
        outcome = _produce(config, options, cache, report)
        if output_matches(config.out, outcome.manifest, cache):
            report.checked = CheckReport()
            return report
        files = outcome.files
        if options.progress is not None:
            options.progress.clear()
        try:
            report.checked = check_tree(config.out, files, outcome.manifest, options.diff_prefix or "", same=outcome.same)
        except OutputError as error:
            report.problem = str(error)
        except OSError as error:
            report.problem = os_problem(error, config.out)
        if report.checked is not None and options.diff_prefix is None:
            report.checked = _without_diffs(report.checked)
    return report


def _without_diffs(checked: CheckReport) -> CheckReport:
    from dataclasses import replace

    return replace(checked, diffs=())


# --------------------------------------------------------------------- the steps


class _cache:
    """The cache of a run, opened if asked for and closed at the end, its trouble reported."""

    def __init__(self, config: Config, options: Options, report: Report) -> None:
        self.folder = None
        if options.cache:
            from docgen.produce import cache_folder

            self.folder = cache_folder(config)
        self.report = report
        self.opened: Cache | None = None

    def __enter__(self) -> Cache | None:
        if self.folder is not None:
            from docgen.cache import Cache

            self.opened = Cache(self.folder)
        return self.opened

    def __exit__(self, *exc: object) -> None:
        if self.opened is not None:
            self.opened.close()
            self.report.cache_problem = self.opened.stats.problem


def _produce(config: Config, options: Options, cache: Cache | None, report: Report) -> Outcome:
    from docgen.produce import produce

    jobs = options.jobs or default_jobs()
    with page_limit(config.max_page_bytes):
        outcome = produce(config, jobs=jobs, cache=cache, progress=options.progress, timings=options.timings)
    if options.progress is not None:
        options.progress.clear()
    policy = options.policy if options.policy is not None else config.policy
    report.root, report.pages = outcome.root, outcome.count
    report.diagnostics, report.suppressed = chosen_diagnostics(
        outcome.diagnostics, outcome.root, policy, page_comments=options.page_ignores, max_bytes=config.max_page_bytes
    )
    report.files = sum(1 for line in outcome.manifest.splitlines() if not line.startswith("#"))
    return outcome


def os_problem(error: OSError, out: Path) -> str:
    """An output folder that cannot be written or read, in one line."""
    import contextlib

    where = os.fsdecode(error.filename) if error.filename is not None else str(out)
    with contextlib.suppress(ValueError):  # another drive (Windows)
        relative = os.path.relpath(where)
        where = where if relative.startswith(os.pardir) else relative
    return f"{printable(where)}: {error.strerror or error}"


# --------------------------------------------------------------------- diagnostics


def chosen_diagnostics(
    diags: Sequence[Diagnostic], root: Path, policy: Policy, *, page_comments: bool = True, max_bytes: int | None = None
) -> tuple[list[Diagnostic], int]:
    """The diagnostics the user asked for (the policy applied, and each page's ignore comments),
    sorted by place, and how many were left out."""
    every = list(diags)
    ignores: dict[str, tuple[str, ...]] = {}
    if page_comments:
        ignores = _read_ignores(root, every, max_bytes)
    kept = policy.apply(every, ignores)
    return sorted(kept, key=Diagnostic.sort_key), len(every) - len(kept)


def _read_ignores(root: Path, diags: list[Diagnostic], max_bytes: int | None) -> dict[str, tuple[str, ...]]:
    """The ``docgen: ignore`` comments of the pages with diagnostics (those docgen read); DG011
    for the words that name no code are added to ``diags``."""
    unread = {d.span.path for d in diags if d.code in UNREAD}
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted({d.span.path for d in diags} - unread):
        text = _page_text(root, path, max_bytes)
        if text is None:
            continue  # not a page docgen reads
        selectors, problems = page_ignores(path, text)
        if selectors:
            found[path] = selectors
        diags.extend(problems)
    return found


def _page_text(root: Path, path: str, max_bytes: int | None) -> str | None:
    """The text of the page at ``path`` under ``root`` if it is a regular file inside ``root``
    (never a FIFO, a device or a link leading out), at most ``max_bytes`` of it; else None."""
    import stat

    from docgen.config import DEFAULT_MAX_PAGE_BYTES

    try:
        real = (root / path).resolve(strict=True)
        if not real.is_relative_to(root.resolve(strict=True)):
            return None
        descriptor = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as page:
            if not stat.S_ISREG(os.fstat(page.fileno()).st_mode):
                return None
            return page.read(max_bytes or DEFAULT_MAX_PAGE_BYTES).decode("utf-8", errors="replace")
    except (OSError, RuntimeError, ValueError):
        return None

