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
import os
import signal
import stat
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docgen import __version__, _report, workflow
from docgen._report import FORMATS, Summary, repository_root
from docgen.config import Config, ConfigError, did_you_mean, load_config
from docgen.diagnostics import CODES, Diagnostic, Severity
from docgen.model import DocSet
from docgen.names import package_problem
from docgen.output import MANIFEST, CheckReport, WriteReport
from docgen.pipeline import SpecsError, build, default_jobs, load_pages, page_limit, printable
from docgen.policy import Policy, selector_problem
from docgen.workflow import chosen_diagnostics
from docgen.serialize import FORMAT, dumps, to_json

if TYPE_CHECKING:
    from docgen._progress import Progress, Timings
    from docgen.cache import Cache

__all__ = ["EXIT_DRIFT", "EXIT_ERROR", "EXIT_OK", "codes_markdown", "main"]

EXIT_OK = workflow.EXIT_OK
EXIT_DRIFT = workflow.EXIT_DRIFT
EXIT_ERROR = workflow.EXIT_ERROR

EXIT_HELP = """\
exit status:
  0  done (warnings allowed)
  1  check only: the output folder differs from what generate would write
  2  usage or input error: bad flags or settings, pages not found, errors in the
     docs (with --strict, warnings too), output folder not writable
  130  stopped by Ctrl-C (143 SIGTERM, 129 SIGHUP): the output folder as it was
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

    _reporting_options(parser, suppress=False)  # `docgen --strict check` as well as `docgen check --strict`
    reporting = argparse.ArgumentParser(add_help=False)
    _reporting_options(reporting, suppress=True)

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

    generate = command("generate", "write the generated tree (only files whose bytes change)", settings, reporting)
    generate.add_argument(
        "--adopt",
        action="store_true",
        help=f"take over files at generated paths that carry docgen's header though {MANIFEST} does not list them "
        "(after the manifest was lost)",
    )
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


def _reporting_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The options about reporting, on the main parser (with defaults) and on each command
    (without, so that a value given before the command is kept)."""

    def add(*names: str, default: object = None, **kwargs: object) -> None:
        parser.add_argument(*names, default=argparse.SUPPRESS if suppress else default, **kwargs)  # type: ignore[arg-type]

    add("--strict", action="store_true", default=False, help="treat warnings as errors (exit 2)")
    add(
        "--diagnostics-format",
        choices=FORMATS,
        default="text",
        help="how diagnostics are printed: text, json, github (Actions annotations), sarif (SARIF 2.1.0)",
    )
    add("--diagnostics-file", type=Path, metavar="FILE", help="write the diagnostics to FILE instead of stderr")
    add(
        "--select",
        type=_selectors,
        metavar="CODES",
        help="report only these codes or prefixes, comma-separated (e.g. DG1,DG401); replaces the setting",
    )
    add("--ignore", type=_selectors, action="extend", metavar="CODES", help="do not report these codes or prefixes (adds)")
    add("--extend-select", type=_selectors, action="extend", metavar="CODES", help="report these codes too (adds to select)")
    add(
        "--severity",
        type=_severity,
        action="append",
        metavar="CODE=LEVEL",
        help="report CODE (or a prefix) as error, warning or info; repeatable",
    )
    add("--no-page-ignores", action="store_true", default=False, help="disregard `<!-- docgen: ignore ... -->` in pages")
    add("-v", "--verbose", action="store_true", default=False, help="print info diagnostics too")
    add("-q", "--quiet", action="store_true", default=False, help="print errors only: no warnings, summary or progress")
    add("-j", "--jobs", type=_jobs, default=0, metavar="N", help="parse and format in N processes (default: every core)")
    add("--no-cache", action="store_true", default=False, help="neither read nor write docgen's cache")
    add("--timings", action="store_true", default=False, help="print on stderr where the time went")
    add(
        "--max-page-bytes",
        type=_max_bytes,
        metavar="N",
        help="leave out pages larger than N bytes with an error (default: 10000000)",
    )


def _selectors(text: str) -> list[str]:
    out = [part.strip() for part in text.split(",") if part.strip()]
    for selector in out:
        problem = selector_problem(selector)
        if problem is not None:
            known = {c[:n] for c in CODES for n in (3, 4, 5)}
            raise argparse.ArgumentTypeError(f"{selector!r} {problem}{did_you_mean(selector, sorted(known))}")
    return out


def _severity(text: str) -> tuple[str, Severity]:
    code, sep, level = text.partition("=")
    code, level = code.strip(), level.strip().lower()
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r}: write CODE=LEVEL, like DG401=info")
    problem = selector_problem(code)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{code!r} {problem}")
    if level not in {s.value for s in Severity}:
        hint = did_you_mean(level, [s.value for s in Severity])
        raise argparse.ArgumentTypeError(f"{level!r} is not a severity (error, warning, info){hint}")
    return code, Severity(level)


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
    if config.templates is not None:
        if not config.templates.is_dir():
            raise UsageError(f"{config.templates}: template folder not found")
        _check_templates(config.templates)
    _check_out(config.out)
    return config


def _check_templates(folder: Path) -> None:
    """Each file of the user's template folder overrides a built-in template and parses as one.

    A file that overrides nothing (a misspelt name) would be silently unused; a template with a
    syntax error would fail every file it renders. Either is an error at its file and line.
    """
    import jinja2

    from docgen.render.files import builtin_templates, make_environment

    builtin = builtin_templates()
    known = sorted(p.relative_to(builtin).as_posix() for p in builtin.rglob("*.jinja") if p.is_file())
    env = make_environment(None)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # editors' and version control's files
        shown = printable(os.path.relpath(path))
        if name not in known:
            raise UsageError(f"{shown}:1: template file overrides no built-in template{did_you_mean(name, known)}")
        try:
            env.parse(path.read_text(encoding="utf-8"), name, str(path))
        except jinja2.TemplateSyntaxError as error:
            raise UsageError(f"{shown}:{error.lineno}: template syntax error: {error.message}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"{shown}:1: cannot read the template: {error}") from None


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
    folder (or to ``base``, the repository root for CI formats) if possible. Computed once per
    page (a large doc set has tens of thousands of diagnostics)."""

    def __init__(self, root: Path, base: Path | None = None) -> None:
        self.root = root
        self.seen: dict[str, str] = {}
        try:
            self.base: str | None = os.path.relpath(root, base) if base is not None else os.path.relpath(root)
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


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _policy(config: Config, args: argparse.Namespace) -> Policy:
    """The settings' choice of diagnostics with the flags applied (ruff's rules: ``--select``
    replaces ``select``, ``--ignore`` and ``--extend-select`` add, ``--severity`` overrides)."""
    base = config.policy
    select = tuple(args.select) if args.select is not None else base.select
    return Policy(
        select + tuple(args.extend_select or ()),
        base.ignore + tuple(args.ignore or ()),
        {**base.severity, **dict(args.severity or ())},
    )


def report_diagnostics(
    diags: Sequence[Diagnostic], root: Path, pages: int, args: argparse.Namespace, policy: Policy
) -> list[Diagnostic]:
    """Print the diagnostics the user asked for, sorted by place, in the chosen format, on
    stderr or in ``--diagnostics-file``; returns them (the exit status depends on them).

    ``root``: the folder page paths are relative to; ``pages``: how many were read.
    """
    ordered, suppressed = chosen_diagnostics(diags, root, policy, page_comments=not args.no_page_ignores)
    print_diagnostics(ordered, suppressed, root, pages, args, policy)
    return ordered


def print_diagnostics(
    ordered: Sequence[Diagnostic], suppressed: int, root: Path, pages: int, args: argparse.Namespace, policy: Policy
) -> None:
    """Print chosen diagnostics in the format the flags ask for, on stderr or in ``--diagnostics-file``."""
    summary = Summary.of(list(ordered), pages, suppressed)
    fmt = args.diagnostics_format
    display = _Display(root, repository_root() if fmt in ("github", "sarif") else None)
    if fmt == "json":
        out = _report.json_document(ordered, summary, display)
    elif fmt == "github":
        out = _report.github(ordered, summary, display, verbose=args.verbose)
    elif fmt == "sarif":
        out = _report.sarif(ordered, display, policy)
    else:
        out = _report.text(ordered, summary, display, verbose=args.verbose, quiet=args.quiet)
    if args.diagnostics_file is not None:
        try:
            args.diagnostics_file.write_text(out, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{args.diagnostics_file}: cannot write the diagnostics: {error.strerror or error}") from None
        if not args.quiet and fmt != "text":
            print(summary.line(), file=sys.stderr)
    else:
        sys.stderr.write(out)


def _document_free(args: argparse.Namespace) -> bool:
    """Whether stderr may hold more than the diagnostics: not when it holds one JSON or SARIF document."""
    return args.diagnostics_file is not None or args.diagnostics_format not in ("json", "sarif")


def _chatty(args: argparse.Namespace) -> bool:
    """Whether lines other than diagnostics and failures go to stderr: not with ``--quiet``, nor
    when stderr holds one JSON or SARIF document."""
    return not args.quiet and _document_free(args)


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
        progress = Progress(sys.stderr, enabled=False if args.quiet else None)
        return cls(args.jobs or default_jobs(), cache, progress, Timings() if args.timings else None)

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


def _load(
    specs: Path | Sequence[Path], config: Config, args: argparse.Namespace, run: _Run
) -> tuple[DocSet, list[Diagnostic]]:
    """Parse and link the pages, and report their diagnostics (those reported are returned)."""
    try:
        loaded = load_pages(specs, config, jobs=run.jobs, cache=run.cache, progress=run.progress, timings=run.timings)
    except SpecsError as error:
        raise UsageError(str(error)) from None
    with run.stage("link"):
        docset = build(loaded)
    run.progress.clear()
    return docset, report_diagnostics(docset.diagnostics, loaded.root, loaded.count, args, _policy(config, args))


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
        docset, reported = _load(args.paths, config, args, run)
    finally:
        run.finish()
    if args.format == "json":
        data = to_json(docset)
        assert isinstance(data, dict)
        sys.stdout.write(dumps({"format": FORMAT, **data}, indent=args.indent))
    else:
        sys.stdout.write(describe(docset))
    return EXIT_ERROR if _failing(reported, args.strict) else EXIT_OK


def _write_summary(report: WriteReport, out: Path) -> str:
    if not report.changed:
        return f"docgen: {os.path.relpath(out)} is up to date ({_plural(report.unchanged, 'file')})"
    return (
        f"docgen: wrote {os.path.relpath(out)}: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.removed)} removed, {report.unchanged} unchanged"
    )


def _check_summary(report: CheckReport, out: Path) -> list[str]:
    where = os.path.relpath(out)
    if report.ok:
        return [f"docgen: {where} is up to date"]
    lines = [f"docgen: {where} differs from the docs; run `docgen generate`"]
    if report.interrupted:
        lines.append("  an interrupted `docgen generate` left it half-written")
    for label, paths in (("missing", report.missing), ("extra", report.extra), ("changed", report.changed)):
        lines += [f"  {label}: {p}" for p in paths]
    for path in report.conflicts:
        adopt = "; it carries docgen's header: `generate --adopt` takes it over" if path in report.adoptable else ""
        lines.append(f"  conflict: {path} is not docgen's (not in {MANIFEST}); generate will not overwrite it{adopt}")
    lines += [f"  blocked: {p} is in {MANIFEST} but no longer a file; generate will not replace it" for p in report.blocked]
    return lines


def _options(args: argparse.Namespace, config: Config, progress: Progress) -> workflow.Options:
    from docgen._progress import Timings

    return workflow.Options(
        jobs=args.jobs or 0,
        cache=not args.no_cache,
        strict=args.strict,
        policy=_policy(config, args),
        page_ignores=not args.no_page_ignores,
        diff_prefix=_diff_prefix(config.out) if getattr(args, "diff", False) else None,
        adopt=getattr(args, "adopt", False),
        progress=progress,
        timings=Timings() if args.timings else None,
    )


def run_command(args: argparse.Namespace, config: Config) -> int:
    """``docgen generate`` or ``docgen check`` with these settings: the run, then what it found, printed."""
    from docgen._progress import Progress

    progress = Progress(sys.stderr, enabled=False if args.quiet else None)
    options = _options(args, config, progress)
    use_case = workflow.generate if args.command in ("generate", "watch") else workflow.check
    try:
        report = use_case(config, options)
    except SpecsError as error:
        raise UsageError(str(error)) from None
    finally:
        progress.clear()
    print_diagnostics(report.diagnostics, report.suppressed, report.root, report.pages, args, options.policy or config.policy)
    if report.cache_problem:
        print(f"docgen: cache not used: {report.cache_problem}", file=sys.stderr)
    if options.timings is not None:
        sys.stderr.write(options.timings.table())
    if report.problem is not None:
        print(f"docgen: {report.problem}", file=sys.stderr)
        return report.exit_code
    if report.written is not None:
        if report.written.recovered:
            print(f"docgen: undid an interrupted earlier run in {os.path.relpath(config.out)}", file=sys.stderr)
        if report.written.adopted:
            print(f"docgen: took over {_plural(len(report.written.adopted), 'file')} with docgen's header (--adopt)", file=sys.stderr)
        if _chatty(args):
            print(_write_summary(report.written, config.out), file=sys.stderr)
    checked = report.checked
    if checked is not None:
        if not checked.ok and report.files and len(set(checked.missing) - {MANIFEST}) >= report.files:
            if _document_free(args):  # no generated tree at all: one line, not a diff of everything
                where = os.path.relpath(config.out)
                print(f"docgen: {where} holds none of the {report.files} generated files; run `docgen generate`", file=sys.stderr)
            return report.exit_code
        if options.diff_prefix is not None:
            sys.stdout.write("".join(checked.diffs))
        if _chatty(args) or (not checked.ok and _document_free(args)):  # drift is said even with --quiet
            for line in _check_summary(checked, config.out):
                print(line, file=sys.stderr)
    return report.exit_code


def _cmd_generate(args: argparse.Namespace) -> int:
    return run_command(args, _settings(args))


def _cmd_check(args: argparse.Namespace) -> int:
    return run_command(args, _settings(args))


def _diff_prefix(out: Path) -> str:
    """The output folder's path from the repository root (the git top level, else the working
    folder), ending in ``/``: the diff then applies there with ``git apply`` or ``patch -p1``."""
    try:
        where = os.path.relpath(os.path.realpath(out), os.path.realpath(repository_root()))
    except ValueError:  # another drive (Windows)
        return ""
    if where == os.curdir:
        return ""
    if where.startswith(os.pardir):  # outside the repository: paths relative to the output folder
        return ""
    return Path(where).as_posix() + "/"

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
            docset, reported = _load(config.specs, config, args, run)
    finally:
        run.finish()
    failing = _failing(reported, args.strict)
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
            print(f"docgen: {workflow.os_problem(error, args.output)}", file=sys.stderr)
            return EXIT_ERROR
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
    from docgen.watch import Runs, ServeError, watch

    try:
        return watch(args, Runs(lambda: _settings(args), lambda config: run_command(args, config), UsageError))
    except ServeError as error:
        raise UsageError(str(error)) from None


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
        "An **error** means something was left out of the generated code, and the command exits 2; a",
        "**warning** leaves the exit status at 0 unless `--strict` is given; an **info** never changes it",
        "and is printed with `--verbose`. See [cli.md](cli.md) for the exit codes.",
        "",
        "## Choosing what is reported",
        "",
        "As in ruff, codes are chosen by code or by prefix (`DG4` is every linking code), in",
        "`[tool.docgen]` or as flags; the most specific selector matching a code decides (`ignore` wins",
        "a tie):",
        "",
        "```toml",
        "[tool.docgen]",
        'select = ["DG"]            # the default: every code',
        'ignore = ["DG401", "DG3"]  # not reported',
        "",
        "[tool.docgen.severity]",
        'DG203 = "info"             # error, warning or info; a prefix applies to each code it starts',
        "```",
        "",
        "`--select DG1,DG4` replaces `select`; `--ignore CODES` and `--extend-select CODES` add to the",
        "settings; `--severity DG401=info` (repeatable) overrides a severity. A page can drop codes for",
        "itself with an HTML comment, invisible on the rendered docs:",
        "",
        "```markdown",
        "<!-- docgen: ignore DG401 DG204 -->",
        "```",
        "",
        "A word in that comment that names no code is DG011 at the comment; `--no-page-ignores` disregards",
        "the comments. Choosing changes what is reported and the exit status only: an error still leaves",
        "its page or file out of the generated code.",
        "",
        "## Formats",
        "",
        "`--diagnostics-format` chooses how they are printed: `text` (above), `json` (one document:",
        "`diagnostics`, each with `path`, `line`, `col`, `severity`, `code`, `message`, and `summary`),",
        "`github` (GitHub Actions workflow commands, `::warning file=...,line=...,col=...,title=DG303::...`:",
        "annotations on the pull request) and `sarif` (SARIF 2.1.0, every code a rule: GitHub code",
        "scanning and other viewers read it). `github` and `sarif` give paths relative to the repository",
        "root. `--diagnostics-file FILE` writes them to FILE instead of stderr.",
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


@contextlib.contextmanager
def _stopped_by(stopped: list[int]) -> Iterator[None]:
    """SIGTERM and SIGHUP (a CI timeout, a closed terminal) stop the run as Ctrl-C does: the
    same clean-up runs (a pool's queued work cancelled, a commit undone) and the exit
    status is 128 + the signal. ``stopped`` gets the signal; later ones are ignored while
    the run cleans up. Only the main thread can catch signals: elsewhere, nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kinds = [kind for kind in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if kind is not None]

    def stop(signum: int, frame: object) -> None:
        for kind in kinds:
            signal.signal(kind, signal.SIG_IGN)
        stopped[0] = signum
        raise KeyboardInterrupt

    saved = {kind: signal.signal(kind, stop) for kind in kinds}
    try:
        yield
    finally:
        for kind, handler in saved.items():
            signal.signal(kind, handler)


def main(argv: list[str] | None = None) -> int:
    """Run the docgen command line; the exit status is returned, not raised."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error argparse already reported
        return stop.code if isinstance(stop.code, int) else EXIT_ERROR
    stopped = [int(signal.SIGINT)]
    try:
        with _stopped_by(stopped):
            return _COMMANDS[args.command](args)
    except UsageError as error:
        print(f"docgen: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        how = "interrupted" if stopped[0] == signal.SIGINT else f"stopped by {signal.Signals(stopped[0]).name}"
        print(f"docgen: {how}; the output folder holds the old tree or the new one", file=sys.stderr)
        return 128 + stopped[0]
    except Exception as error:  # the last line of defence: a bug in docgen, never a traceback
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        kind = type(error).__name__
        print(f"docgen: internal error (a docgen bug): {kind}: {error}; please report it", file=sys.stderr)
        print("docgen: nothing was written", file=sys.stderr)
        return EXIT_ERROR
