"""The ``docgen`` command: parse, generate, check, watch, openapi, codes.

Exit status (the same for every command):

* 0 - done; warnings allowed;
* 1 - ``check`` only: the output folder differs from what ``generate`` would write;
* 2 - usage or input error: bad flags or settings, pages that cannot be found,
  errors in the docs (with ``--strict``, warnings too), an output folder that
  cannot be written. Errors in the docs win over drift.

A bug in docgen met while reading a page or rendering a file is an error at
that page (exit 2, the rest still processed); any other bug is a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import stat
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeGuard

from docgen import __version__
from docgen.config import Config, ConfigError, load_config
from docgen.diagnostics import CODES, Diagnostic, Severity
from docgen.model import DocSet
from docgen.names import package_problem
from docgen.output import MANIFEST, CheckReport, OutputError, WriteReport, check_tree, write_tree
from docgen.pipeline import SpecsError, build, default_jobs, load_pages, page_limit, printable
from docgen.serialize import FORMAT, dumps, to_json

if TYPE_CHECKING:
    from docgen._progress import Progress, Timings
    from docgen.cache import Cache
    from docgen.incremental import Outcome
    from docgen.render import RenderError

__all__ = ["EXIT_DRIFT", "EXIT_ERROR", "EXIT_OK", "codes_markdown", "main"]

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_ERROR = 2

EXIT_HELP = """\
exit status:
  0  done (warnings allowed)
  1  check only: the output folder differs from what generate would write
  2  usage or input error: bad flags or settings, pages not found, errors in the
     docs (with --strict, warnings too), output folder not writable
"""


class UsageError(Exception):
    """Bad flags or settings: reported in one line, exit 2."""


# --------------------------------------------------------------------- arguments


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docgen",
        description="Generate FastAPI server stubs, httpx clients and pytest tests from Markdown API reference pages.",
        epilog=EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"docgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    reporting = argparse.ArgumentParser(add_help=False)
    reporting.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 2)")
    reporting.add_argument(
        "--diagnostics-format",
        choices=("text", "json"),
        default="text",
        help="how diagnostics are printed on stderr (default: text)",
    )
    reporting.add_argument("-v", "--verbose", action="store_true", help="print info diagnostics too (text format)")
    reporting.add_argument(
        "-j", "--jobs", type=_jobs, default=0, metavar="N", help="parse and format in N processes (default: every core)"
    )
    reporting.add_argument("--no-cache", action="store_true", help="neither read nor write docgen's cache")
    reporting.add_argument("--timings", action="store_true", help="print on stderr where the time went")
    reporting.add_argument(
        "--max-page-bytes",
        type=_max_bytes,
        metavar="N",
        help="leave out pages larger than N bytes with an error (default: 10000000)",
    )

    settings = argparse.ArgumentParser(add_help=False)
    settings.add_argument("--specs", type=Path, metavar="DIR", help="folder (or file) of Markdown pages")
    settings.add_argument("--out", type=Path, metavar="DIR", help="output folder docgen owns")
    settings.add_argument("--package", metavar="NAME", help="name of the generated Python package")
    settings.add_argument("--templates", type=Path, metavar="DIR", help="folder of templates overriding the built-in ones")

    def command(name: str, help_text: str, *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            parents=list(parents),
            epilog=EXIT_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    parse = command("parse", "print the model of the given pages", reporting)
    parse.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="Markdown files or folders of them")
    parse.add_argument("--format", choices=("text", "json"), default="text", help="text summary or JSON model")
    parse.add_argument("--indent", type=int, metavar="N", help="indent JSON by N spaces (default: compact, faster)")

    command("generate", "write the generated tree (only files whose bytes change)", settings, reporting)
    check = command("check", "compare the generated tree with the output folder; write nothing", settings, reporting)
    check.add_argument(
        "--diff", action=argparse.BooleanOptionalAction, default=True, help="print unified diffs on stdout (default: on)"
    )

    watch = command("watch", "generate, then again after each change to the pages, templates or settings", settings, reporting)
    watch.add_argument("--serve", action="store_true", help="also serve the generated app, restarted after each good run")
    watch.add_argument("--host", metavar="ADDRESS", help="address to serve on (default: 127.0.0.1)")
    watch.add_argument("--port", type=int, metavar="N", help="port to serve on (default: 8000; 0: a free one)")

    openapi = command("openapi", "print the OpenAPI 3.1 document of the generated server", reporting)
    openapi.add_argument("--specs", type=Path, metavar="DIR", help="folder (or file) of Markdown pages")
    openapi.add_argument("--package", metavar="NAME", help="name of the generated Python package (the title)")
    openapi.add_argument(
        "--version",
        dest="api_version",
        metavar="NAME",
        help="the document of one API version, as its app serves it at its root (default: every version, each under its segment)",
    )
    openapi.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the document to FILE (default: stdout)")

    codes = command("codes", "print the table of diagnostic codes")
    codes.add_argument("--format", choices=("markdown", "text"), default="text")
    return parser


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes") from None
    if value < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return value


def _max_bytes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of bytes") from None
    if value < 1:
        raise argparse.ArgumentTypeError("--max-page-bytes must be at least 1")
    return value


def _config(args: argparse.Namespace) -> Config:
    """``[tool.docgen]`` from the nearest pyproject.toml (defaults when there is none),
    with the flags every command takes applied."""
    try:
        config = load_config()
    except ConfigError as error:
        raise UsageError(str(error)) from None
    return config.with_overrides(max_page_bytes=args.max_page_bytes)


def _settings(args: argparse.Namespace) -> Config:
    """The settings with the command-line flags applied over them."""
    config = _config(args)
    problem = None if args.package is None else package_problem(args.package)
    if problem is not None:
        raise UsageError(f"--package {args.package!r} {problem}")
    config = config.with_overrides(specs=args.specs, out=args.out, package=args.package, templates=args.templates)
    if config.templates is not None and not config.templates.is_dir():
        raise UsageError(f"{config.templates}: template folder not found")
    _check_out(config.out)
    return config


def _check_out(out: Path) -> None:
    """Refuse an output folder that cannot be one: an existing file, or a path under one."""
    for path in (out, *out.parents):
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            continue  # made when written; or under a file, found further up
        except OSError as error:
            raise UsageError(f"{out}: {error.strerror or error}") from None
        if not stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{out}: not a folder" if path == out else f"{out}: {path} is not a folder")
        return


# --------------------------------------------------------------------- diagnostics


class _Display:
    """Page paths (relative to ``root``) as the user can open them: relative to the working
    folder if possible. Computed once per page (a large doc set has tens of thousands of
    diagnostics)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seen: dict[str, str] = {}
        try:
            self.base: str | None = os.path.relpath(root)
        except ValueError:  # another drive (Windows)
            self.base = None

    def __call__(self, path: str) -> str:
        found = self.seen.get(path)
        if found is None:
            if self.base is None:
                found = str(self.root / path)
            else:  # page paths are normalised and relative: the same as relpath(root / path)
                found = os.path.normpath(os.path.join(self.base, path))
            found = printable(found)
            self.seen[path] = found
        return found


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over a run's diagnostics."""

    pages: int
    """Pages read (those that could not be read included)."""
    by_severity: dict[str, int]
    """error / warning / info -> count, all three always present."""
    by_code: dict[str, int]
    """Code -> count, sorted by code."""
    pages_with_errors: int
    """Pages with at least one error."""

    @classmethod
    def of(cls, diags: Sequence[Diagnostic], pages: int) -> Summary:
        severities = Counter(d.severity.value for d in diags)
        return cls(
            pages,
            {s.value: severities.get(s.value, 0) for s in Severity},
            dict(sorted(Counter(d.code for d in diags).items())),
            len({d.span.path for d in diags if d.severity is Severity.ERROR}),
        )

    def line(self) -> str:
        counts = ", ".join(_plural(n, severity) for severity, n in self.by_severity.items())
        detail = f" ({', '.join(f'{c}: {n}' for c, n in self.by_code.items())})" if self.by_code else ""
        bad = _plural(self.pages_with_errors, "page")
        return f"docgen: {_plural(self.pages, 'page')}: {counts}{detail}; {bad} with errors"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def report_diagnostics(
    diags: Sequence[Diagnostic], root: Path, pages: int, args: argparse.Namespace, stream: TextIO
) -> None:
    """Print the diagnostics, sorted by place, then a summary line (or one JSON document).

    ``root``: the folder page paths are relative to; ``pages``: how many were read.
    """
    ordered = sorted(diags, key=Diagnostic.sort_key)
    summary = Summary.of(ordered, pages)
    display = _Display(root)
    if args.diagnostics_format == "json":
        records = [
            {
                "path": display(d.span.path),
                "line": d.span.line,
                "col": d.span.col,
                "severity": d.severity.value,
                "code": d.code,
                "message": d.message,
            }
            for d in ordered
        ]
        json.dump({"diagnostics": records, "summary": to_json(summary)}, stream, indent=1, ensure_ascii=False)
        stream.write("\n")
        return
    lines = [
        f"{display(d.span.path)}:{d.span.line}:{d.span.col}: {d.severity.value} {d.code} {d.message}\n"
        for d in ordered
        if d.severity is not Severity.INFO or args.verbose
    ]
    stream.write("".join(lines) + summary.line() + "\n")


def _failing(diags: Sequence[Diagnostic], strict: bool) -> bool:
    bad = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in bad for d in diags)


# --------------------------------------------------------------------- commands


@dataclass(slots=True)
class _Run:
    """How this run works: processes, cache, progress and timings (from the flags)."""

    jobs: int
    cache: Cache | None
    progress: Progress
    timings: Timings | None

    @classmethod
    def of(cls, args: argparse.Namespace, cache_folder: Path | None) -> _Run:
        from docgen._progress import Progress, Timings

        cache = None
        if cache_folder is not None and not args.no_cache:
            from docgen.cache import Cache

            cache = Cache(cache_folder)
        return cls(args.jobs or default_jobs(), cache, Progress(sys.stderr), Timings() if args.timings else None)

    def stage(self, name: str) -> contextlib.AbstractContextManager[None]:
        """Time a stage (when ``--timings`` is given)."""
        return self.timings.stage(name) if self.timings is not None else contextlib.nullcontext()

    def finish(self) -> None:
        """Erase the progress line; report cache trouble and timings on stderr."""
        self.progress.clear()
        if self.cache is not None:
            self.cache.close()
            if self.cache.stats.problem:
                print(f"docgen: cache not used: {self.cache.stats.problem}", file=sys.stderr)
        if self.timings is not None:
            sys.stderr.write(self.timings.table())


def _load(specs: Path | Sequence[Path], config: Config, args: argparse.Namespace, run: _Run) -> DocSet:
    """Parse and link the pages, and report their diagnostics on stderr."""
    try:
        loaded = load_pages(specs, config, jobs=run.jobs, cache=run.cache, progress=run.progress, timings=run.timings)
    except SpecsError as error:
        raise UsageError(str(error)) from None
    with run.stage("link"):
        docset = build(loaded)
    run.progress.clear()
    report_diagnostics(docset.diagnostics, loaded.root, loaded.count, args, sys.stderr)
    return docset


def describe(docset: DocSet) -> str:
    """A readable summary of the model: versions, resources with their operations, types."""
    out = []
    for version in docset.versions:
        out.append(f"{version.name}: {_plural(len(version.resources), 'resource')}, {_plural(len(version.types), 'type')}")
        for resource in version.resources:
            out.append(f"  {resource.name}" + (f" ({resource.type})" if resource.type else ""))
            for op in resource.operations:
                out.append(f"    {op.method:<6} {op.path}  [{op.kind}] {op.id}  {op.source.path}:{op.source.line}")
        for typedef in version.types:
            if typedef.kind == "enum":
                count = _plural(len(typedef.members), "member")
            else:
                count = _plural(len(typedef.properties), "property", "properties")
            out.append(f"  type {typedef.name} [{typedef.kind}] {count}  {typedef.source.path}:{typedef.source.line}")
    return "\n".join(out) + "\n"


def _cmd_parse(args: argparse.Namespace) -> int:
    config = _config(args)
    run = _Run.of(args, config.cache)  # cached only inside a project (a pyproject.toml)
    try:
        docset = _load(args.paths, config, args, run)
    finally:
        run.finish()
    if args.format == "json":
        data = to_json(docset)
        assert isinstance(data, dict)
        sys.stdout.write(dumps({"format": FORMAT, **data}, indent=args.indent))
    else:
        sys.stdout.write(describe(docset))
    return EXIT_ERROR if _failing(docset.diagnostics, args.strict) else EXIT_OK


def _produce(config: Config, args: argparse.Namespace, run: _Run) -> Outcome:
    """The run's outcome, its diagnostics reported on stderr."""
    from docgen.incremental import produce

    try:
        outcome = produce(config, jobs=run.jobs, cache=run.cache, progress=run.progress, timings=run.timings)
    except SpecsError as error:
        raise UsageError(str(error)) from None
    run.progress.clear()
    report_diagnostics(outcome.diagnostics, outcome.root, outcome.count, args, sys.stderr)
    return outcome


def _write_summary(report: WriteReport, out: Path) -> str:
    if not report.changed:
        return f"docgen: {os.path.relpath(out)} is up to date ({_plural(report.unchanged, 'file')})"
    return (
        f"docgen: wrote {os.path.relpath(out)}: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.removed)} removed, {report.unchanged} unchanged"
    )


def _cmd_generate(args: argparse.Namespace) -> int:
    config = _settings(args)
    run = _Run.of(args, _cache_folder(config))
    try:
        with page_limit(config.max_page_bytes):
            return _generate(config, args, run)
    except Exception as error:
        if not _is_render_error(error):
            raise
        return _render_failed(error, config, args)
    finally:
        run.finish()


def _is_render_error(error: Exception) -> TypeGuard[RenderError]:
    """Whether ``error`` is :class:`docgen.render.RenderError` (checked without importing the renderer)."""
    module = sys.modules.get("docgen.render")
    kind = getattr(module, "RenderError", None)
    return isinstance(kind, type) and isinstance(error, kind)


def _render_failed(error: RenderError, config: Config, args: argparse.Namespace) -> int:
    """Report files that could not be rendered (when the run could not leave them out alone)."""
    specs = Path(os.path.abspath(config.specs))
    root = specs if specs.is_dir() else specs.parent
    report_diagnostics(error.diagnostics, root, len({d.span.path for d in error.diagnostics}), args, sys.stderr)
    print("docgen: nothing written or compared: some files could not be rendered (above)", file=sys.stderr)
    return EXIT_ERROR


def _os_error(error: OSError, out: Path) -> int:
    """An output folder that cannot be written or read, in one line."""
    where = os.fsdecode(error.filename) if error.filename is not None else str(out)
    with contextlib.suppress(ValueError):  # another drive (Windows)
        relative = os.path.relpath(where)
        where = where if relative.startswith(os.pardir) else relative
    print(f"docgen: {printable(where)}: {error.strerror or error}", file=sys.stderr)
    return EXIT_ERROR


def _cache_folder(config: Config) -> Path:
    from docgen.incremental import cache_folder

    return cache_folder(config)


def _generate(config: Config, args: argparse.Namespace, run: _Run) -> int:
    from docgen.incremental import output_matches

    outcome = _produce(config, args, run)
    failing = _failing(outcome.diagnostics, args.strict)
    if failing and args.strict:
        print("docgen: nothing written (--strict and the docs have errors or warnings)", file=sys.stderr)
        return EXIT_ERROR
    with run.stage("write"):
        done = output_matches(config.out, outcome.manifest, run.cache)
    if done:
        report = WriteReport(unchanged=outcome.manifest.count("\n"))
    else:
        files = outcome.files
        run.progress.clear()
        try:
            with run.stage("write"):
                report = write_tree(config.out, files)
        except OutputError as error:
            print(f"docgen: {error}", file=sys.stderr)
            return EXIT_ERROR
        except OSError as error:
            return _os_error(error, config.out)
    if report.recovered:
        print(f"docgen: undid an interrupted earlier run in {os.path.relpath(config.out)}", file=sys.stderr)
    if args.diagnostics_format != "json":  # with json, stderr holds the one JSON document only
        print(_write_summary(report, config.out), file=sys.stderr)
    return EXIT_ERROR if failing else EXIT_OK


def _check_summary(report: CheckReport, out: Path) -> list[str]:
    where = os.path.relpath(out)
    if report.ok:
        return [f"docgen: {where} is up to date"]
    lines = [f"docgen: {where} differs from the docs; run `docgen generate`"]
    if report.interrupted:
        lines.append("  an interrupted `docgen generate` left it half-written")
    for label, paths in (("missing", report.missing), ("extra", report.extra), ("changed", report.changed)):
        lines += [f"  {label}: {p}" for p in paths]
    lines += [f"  conflict: {p} is not docgen's (not in {MANIFEST}); generate will not overwrite it" for p in report.conflicts]
    return lines


def _cmd_check(args: argparse.Namespace) -> int:
    config = _settings(args)
    run = _Run.of(args, _cache_folder(config))
    try:
        with page_limit(config.max_page_bytes):
            return _check(config, args, run)
    except Exception as error:
        if not _is_render_error(error):
            raise
        return _render_failed(error, config, args)
    finally:
        run.finish()


def _check(config: Config, args: argparse.Namespace, run: _Run) -> int:
    from docgen.incremental import output_matches

    outcome = _produce(config, args, run)
    failing = _failing(outcome.diagnostics, args.strict)
    with run.stage("write"):
        done = output_matches(config.out, outcome.manifest, run.cache)
    if done:
        report = CheckReport()
    else:
        files = outcome.files
        run.progress.clear()
        try:
            with run.stage("write"):
                report = check_tree(config.out, files)
        except OutputError as error:
            print(f"docgen: {error}", file=sys.stderr)
            return EXIT_ERROR
        except OSError as error:
            return _os_error(error, config.out)
    if args.diff:
        sys.stdout.write("".join(report.diffs))
    for line in _check_summary(report, config.out):
        print(line, file=sys.stderr)
    if failing:
        return EXIT_ERROR
    return EXIT_OK if report.ok else EXIT_DRIFT


def _cmd_openapi(args: argparse.Namespace) -> int:
    from docgen.openapi import document_of_version, dumps

    config = _config(args)
    problem = None if args.package is None else package_problem(args.package)
    if problem is not None:
        raise UsageError(f"--package {args.package!r} {problem}")
    config = config.with_overrides(specs=args.specs, package=args.package)
    run = _Run.of(args, config.cache)
    try:
        with page_limit(config.max_page_bytes):
            docset = _load(config.specs, config, args, run)
    finally:
        run.finish()
    failing = _failing(docset.diagnostics, args.strict)
    if failing and args.strict:
        print("docgen: nothing written (--strict and the docs have errors or warnings)", file=sys.stderr)
        return EXIT_ERROR
    try:
        document = document_of_version(docset, config.package, args.api_version)
    except KeyError:
        known = ", ".join(version.name for version in docset.versions) or "none"
        raise UsageError(f"--version {args.api_version!r}: no such API version in the docs (they have: {known})") from None
    text = dumps(document)
    if args.output is None:
        sys.stdout.write(text)
    else:
        try:
            _write_file(args.output, text)
        except OSError as error:
            return _os_error(error, args.output)
    return EXIT_ERROR if failing else EXIT_OK


def _write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file beside it, then renamed)."""
    temporary = path.with_name(f".{path.name}.docgen-tmp")
    try:
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _cmd_watch(args: argparse.Namespace) -> int:
    from docgen.watch import watch

    return watch(args)


# --------------------------------------------------------------------- codes

_GROUPS = {
    "0": "Pages and Markdown structure",
    "1": "Request lines",
    "2": "Tables",
    "3": "Examples",
    "4": "Linking",
    "5": "Generated code",
}


def codes_markdown() -> str:
    """``docs/diagnostics.md``: the table of diagnostic codes."""
    out = [
        "# Diagnostics",
        "",
        "<!-- Generated from docgen/diagnostics.py by `docgen codes --format markdown`; do not edit. -->",
        "",
        "docgen reports each problem it finds in the docs as a diagnostic with a stable code, printed",
        "on stderr the way compilers print them, sorted by place and followed by a summary line:",
        "",
        "```text",
        "specs/v1.0/api/add-customers.md:21:1: warning DG203 permissions for 'Application' are still TODO",
        "specs/v1.0/api/add-customers.md:82:1: warning DG303 Content-Length says 1013 bytes but the body has 987",
        "docgen: 14 pages: 0 errors, 2 warnings, 0 infos (DG203: 1, DG303: 1); 0 pages with errors",
        "```",
        "",
        "`--diagnostics-format json` prints one JSON document instead: `diagnostics` (each with `path`,",
        "`line`, `col`, `severity`, `code`, `message`) and `summary`. Info diagnostics are printed with",
        "`--verbose` (always in JSON). An **error** means something was left out of the generated code,",
        "and the command exits 2; a **warning** leaves the exit status at 0 unless `--strict` is given;",
        "an **info** never changes it. See [cli.md](cli.md) for the exit codes.",
    ]
    group = None
    for code in sorted(CODES):
        entry = CODES[code]
        digit = code[2] if len(code) > 2 else "?"
        if digit != group:
            group = digit
            title = _GROUPS.get(digit, "Other")
            out += ["", f"## {title} (DG{digit}xx)", "", "| Code | Severity | Meaning |", "| --- | --- | --- |"]
        title = entry.title.replace("|", "\\|")
        out.append(f"| {entry.code} | {entry.severity.value} | {title} |")
    return "\n".join(out) + "\n"


def codes_text() -> str:
    """The table of diagnostic codes, one per line."""
    return "".join(f"{c.code}  {c.severity.value:<7}  {c.title}\n" for _, c in sorted(CODES.items()))


def _cmd_codes(args: argparse.Namespace) -> int:
    sys.stdout.write(codes_markdown() if args.format == "markdown" else codes_text())
    return EXIT_OK


# --------------------------------------------------------------------- entry point

_COMMANDS = {
    "parse": _cmd_parse,
    "generate": _cmd_generate,
    "check": _cmd_check,
    "watch": _cmd_watch,
    "openapi": _cmd_openapi,
    "codes": _cmd_codes,
}


def main(argv: list[str] | None = None) -> int:
    """Run the docgen command line; the exit status is returned, not raised."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error argparse already reported
        return stop.code if isinstance(stop.code, int) else EXIT_ERROR
    try:
        return _COMMANDS[args.command](args)
    except UsageError as error:
        print(f"docgen: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("docgen: interrupted; the output folder holds the old tree or the new one", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: a bug in docgen, never a traceback
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        kind = type(error).__name__
        print(f"docgen: internal error (a docgen bug): {kind}: {error}; please report it", file=sys.stderr)
        print("docgen: nothing was written", file=sys.stderr)
        return EXIT_ERROR
