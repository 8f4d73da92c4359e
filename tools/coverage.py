"""Refresh the coverage section of docs/quality.md: how much of what the docs document the generated code covers.

    python tools/coverage.py                # the sample and, when present, the full tree (20+ minutes)
    python tools/coverage.py --sample       # the 719-page sample only
    python tools/coverage.py TREE ...       # these doc trees
    --no-eval, --eval-log FILE              # skip the eval, or read its saved output
    --keep DIR                              # keep the generated trees (and the eval's output) in DIR
    --at REV / --worktree                   # docgen as committed at REV (default HEAD) / the checkout as is
    --no-write                              # print only

For each tree, ``docgen generate --no-cache`` (the ``docgen`` next to this Python)
writes the tree into a temporary folder, and then:

1. **routes**: every documented request line of the model (each operation's
   ``paths``, per API version, distinct after normalising) against the routes of
   that version's generated app (``graph.<version>.server.app:app``);
2. **reachability**: for each operation and each of its served paths, the sync
   client method is called over an ``httpx.MockTransport`` with that path's
   parameters (``p1``, ``p2``...), ``via=`` the path when the method takes it and
   ``body={}`` when it takes a body; the request it sends must have the line's
   method and fit its path, the parameters where its placeholders are;
3. **examples**: the generated tests are run; a test passes when all its variants
   (sync, async) pass. Documented examples are the generated tests plus the
   examples docgen reports as not replayed (DG308).

The sample is also measured by ``../shared/eval/coverage.sh`` (an independent count)
unless ``--no-eval``. Only the part of docs/quality.md between the coverage markers is
rewritten, and only the blocks of the trees measured in this run.

docgen is measured as committed (``--at``, default HEAD: a ``git archive`` of docgen and
its templates, put first on PYTHONPATH, is what ``docgen`` and this tool import), so
that edits in the checkout are not measured; ``--worktree`` measures the checkout as is.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from docgen.config import Config
from docgen.model import DocSet
from docgen.names import version_modules
from docgen.pipeline import build, default_jobs, load_pages
from docgen.render.views import OperationView, VersionContext

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "corpus" / "graph-docs"
FULL = SHARED / "corpus" / "graph-docs-full"
QUALITY = ROOT / "docs" / "quality.md"
PACKAGE = "graph"
BASE_URL = "https://coverage.invalid/"
BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"
SNAPSHOT_ENV = "DOCGEN_COVERAGE_SNAPSHOT"
"""Set (to the commit) in the run of this tool over a snapshot of docgen."""
SHOWN = 3
"""Examples shown per kind of miss."""

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class Line(NamedTuple):
    """A documented request line, normalised: what a route must match."""

    version: str
    method: str
    path: str


class Where(NamedTuple):
    """Where a line is documented, as written there."""

    page: str
    line: int
    path: str
    operation: str = ""
    """The method of the operation documenting it."""


def normalise(path: str) -> str:
    """Placeholders (and ``{x:path}`` converters) as ``{}``, lower case, one leading ``/``, none trailing."""
    return "/" + _PLACEHOLDER.sub("{}", path.strip()).strip("/").lower()


# --------------------------------------------------------------------- generating


@dataclass(slots=True)
class Generated:
    """One ``docgen generate`` run."""

    out: Path
    exit: int
    seconds: float
    diagnostics: list[dict[str, Any]]
    """Every diagnostic (``code``, ``message``, ``path``, ``line``), infos included."""


def docgen_generate(tree: Path, out: Path, package: str = PACKAGE) -> Generated:
    """Generate ``tree`` into ``out`` with the ``docgen`` next to this Python, from ``out``'s parent
    (so that no pyproject.toml's settings apply)."""
    docgen = Path(sys.executable).parent / "docgen"
    args = [str(docgen), "generate", "--specs", str(tree), "--out", str(out), "--package", package]
    start = time.monotonic()
    result = subprocess.run(
        [*args, "--no-cache", "--diagnostics-format", "json"],
        cwd=out.parent, capture_output=True, text=True, check=False,
    )
    seconds = time.monotonic() - start
    if result.returncode not in (0, 2) or not (out / package).is_dir():
        sys.exit(f"docgen generate failed on {tree} (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return Generated(out, result.returncode, seconds, _diagnostics(result.stderr))


def _diagnostics(stderr: str) -> list[dict[str, Any]]:
    """The diagnostics of ``--diagnostics-format json`` (the JSON document is followed by a summary line)."""
    start = stderr.find("{")
    if start < 0:
        return []
    document, _ = json.JSONDecoder().raw_decode(stderr[start:])
    return list(document.get("diagnostics", []))


def load_model(tree: Path, package: str = PACKAGE, jobs: int | None = None) -> DocSet:
    """The linked model of ``tree``, read the way ``generate`` reads it."""
    config = Config(specs=tree, package=package)
    return build(load_pages(tree, config, jobs=jobs or default_jobs()))


# --------------------------------------------------------------------- 1. routes


def documented_lines(docset: DocSet) -> dict[Line, list[Where]]:
    """Every documented request line (an operation's own path when it documents none), normalised, with
    where it is documented."""
    found: dict[Line, list[Where]] = defaultdict(list)
    for version in docset.versions:
        for resource in version.resources:
            for op in resource.operations:
                lines = [(x.method, x.path, x.source.path, x.source.line) for x in op.paths]
                for method, path, page, line in lines or [(op.method, op.path, op.source.path, op.source.line)]:
                    where = Where(page, line, path, op.method.upper())
                    found[Line(version.name, method.upper(), normalise(path))].append(where)
    return dict(found)


@contextlib.contextmanager
def generated_package(out: Path, package: str) -> Iterator[None]:
    """``package`` importable from ``out``; forgotten afterwards (modules and path)."""
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]


def served_routes(package: str, module: str) -> set[tuple[str, str]]:
    """(method, normalised path) of every route of the version's app (imported from ``sys.path``)."""
    app = importlib.import_module(f"{package}.{module}.server.app").app
    return {
        (method.upper(), normalise(route.path))
        for route in app.routes
        for method in getattr(route, "methods", None) or ()
    }


def version_routes(docset: DocSet, package: str) -> tuple[dict[str, set[tuple[str, str]]], dict[str, str]]:
    """Routes per version, and why a version serves nothing (its app does not import)."""
    modules = version_modules(v.name for v in docset.versions)
    routes: dict[str, set[tuple[str, str]]] = {}
    broken: dict[str, str] = {}
    for version in docset.versions:
        try:
            routes[version.name] = served_routes(package, modules[version.name])
        except Exception as error:  # a version whose app does not import serves nothing
            routes[version.name], broken[version.name] = set(), _describe(error)
    return routes, broken


def planned_lines(docset: DocSet, package: str) -> set[Line]:
    """The lines docgen means to serve: the routes of its render views."""
    modules = version_modules(v.name for v in docset.versions)
    planned = set()
    for version in docset.versions:
        ctx = VersionContext(package, version, modules[version.name])
        for op in (op for resource in version.resources for op in resource.operations):
            with contextlib.suppress(Exception):  # a view that fails plans nothing
                for route in ctx.operation_view(op).routes:
                    planned.add(_route_line(version.name, route))
    return planned


def _route_line(version: str, route: Any) -> Line:
    """The normalised line a route view serves."""
    return Line(version, ast.literal_eval(route.method).upper(), normalise(ast.literal_eval(route.route)))


@dataclass(slots=True)
class Tally:
    """A figure and its misses by kind, with examples."""

    documented: int = 0
    covered: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.covered / self.documented if self.documented else 1.0

    def miss(self, kind: str, example: str) -> None:
        self.misses.setdefault(kind, []).append(example)


def route_coverage(
    lines: Mapping[Line, list[Where]],
    routes: Mapping[str, set[tuple[str, str]]],
    planned: set[Line],
    broken: Mapping[str, str] | None = None,
) -> Tally:
    """Documented lines served by their version's app, and why the others are not."""
    tally = Tally(documented=len(lines))
    for line, where in sorted(lines.items()):
        if (line.method, line.path) in routes.get(line.version, set()):
            tally.covered += 1
            continue
        tally.miss(_route_miss(line, where, planned, broken or {}), _show(line, where[0]))
    return tally


def _route_miss(line: Line, where: list[Where], planned: set[Line], broken: Mapping[str, str]) -> str:
    if line.version in broken:
        return f"the {line.version} app does not import ({broken[line.version]})"
    if line in planned:
        return "docgen plans a route for it but the app has none (its router was left out?)"
    if all(w.operation and w.operation != line.method for w in where):
        return "docgen plans no route for it: only pages whose operation has another method document it"
    return "docgen plans no route for it"


def _show(line: Line, where: Where) -> str:
    return f"`{where.page}:{where.line}` {line.method} {where.path}"


# --------------------------------------------------------------------- 2. reachability


class _Recorder:
    """An ``httpx.MockTransport`` handler: records each request, answers 200 with ``reply``."""

    def __init__(self) -> None:
        self.requests: list[Any] = []
        self.reply: Any = {}

    def __call__(self, request: Any) -> Any:
        import httpx

        self.requests.append(request)
        return httpx.Response(200, json=self.reply)


def _fits(template: str, path: str, values: list[str]) -> bool:
    """``path`` is ``template`` (case aside) with ``values`` where its placeholders are."""
    parts = [re.escape(unquote(piece)) for piece in _PLACEHOLDER.split(template.strip().rstrip("/"))]
    pattern = "(.+?)".join(parts)
    match = re.fullmatch(("" if pattern.startswith("/") else "/") + pattern + "/?", path, re.IGNORECASE)
    return match is not None and list(match.groups()) == values


def _call(method: Any, view: OperationView, route: Any, recorder: _Recorder) -> None:
    """Call a client method for one route, iterating once what it returns when it is an iterator."""
    takes = inspect.signature(method).parameters
    kwargs: dict[str, Any] = {name: f"p{i}" for i, name in enumerate(route.params, 1)}
    if "via" in takes:
        kwargs["via"] = ast.literal_eval(route.template)
    if "body" in takes:
        kwargs["body"] = {}
    recorder.reply = {"value": []} if view.kind == "iterator" else {}
    result = method(**kwargs)
    if isinstance(result, Iterator):
        next(result, None)


def reachability(
    docset: DocSet, package: str, lines: Mapping[Line, list[Where]], routes: Mapping[str, set[tuple[str, str]]]
) -> Tally:
    """Documented lines that the client reaches: for some operation and one of its served paths, the
    call sends a request with the line's method and path."""
    modules = version_modules(v.name for v in docset.versions)
    reacher = _Reacher(lines, routes)
    for version in docset.versions:
        reacher.version(VersionContext(package, version, modules[version.name]))
    tally = Tally(documented=len(lines), covered=len(reacher.reached & set(lines)))
    for line, where in sorted(lines.items()):
        if line in reacher.reached:
            continue
        served = (line.method, line.path) in routes.get(line.version, set())
        default = "no operation's view has a route for it" if served else "not served"
        tally.miss(reacher.failed.get(line, default), _show(line, where[0]))
    return tally


class _Reacher:
    """Calls the client of each version for every served path of every operation."""

    def __init__(self, lines: Mapping[Line, list[Where]], routes: Mapping[str, set[tuple[str, str]]]) -> None:
        self.lines, self.routes = lines, routes
        self.reached: set[Line] = set()
        self.failed: dict[Line, str] = {}
        """Why a line was not reached (the first reason met)."""

    def version(self, ctx: VersionContext) -> None:
        import httpx

        recorder = _Recorder()
        try:
            module = importlib.import_module(f"{ctx.prefix}.client")
            client = module.Client(BASE_URL + ctx.version.name, transport=httpx.MockTransport(recorder))
        except Exception as error:  # a client that does not import reaches nothing
            for line in self.lines:
                if line.version == ctx.version.name:
                    self.failed.setdefault(line, f"the client does not import ({_describe(error)})")
            return
        for resource in ctx.version.resources:
            for op in resource.operations:
                self.operation(ctx, resource, op, client, recorder)

    def operation(self, ctx: VersionContext, resource: Any, op: Any, client: Any, recorder: _Recorder) -> None:
        version = ctx.version.name
        try:
            view = ctx.operation_view(op)
            method = getattr(getattr(client, ctx.client_attribute(resource)), view.client_name)
        except Exception as error:
            for x in op.paths:
                line = Line(version, x.method.upper(), normalise(x.path))
                self.failed.setdefault(line, f"no client method ({_describe(error)})")
            return
        for route in view.routes:
            line = _route_line(version, route)
            if (line.method, line.path) in self.routes.get(version, set()) and line in self.lines:
                if line not in self.reached:
                    self.route(line, method, view, route, recorder)

    def route(self, line: Line, method: Any, view: OperationView, route: Any, recorder: _Recorder) -> None:
        if not getattr(route, "client", True):
            self.failed.setdefault(line, "served, but no client method takes the path")
            return
        del recorder.requests[:]
        try:
            _call(method, view, route, recorder)
        except Exception as error:  # the call failed; the request may have gone out all the same
            if not recorder.requests:
                self.failed.setdefault(line, f"the call raises {type(error).__name__}")
                return
        if not recorder.requests:
            self.failed.setdefault(line, "the call sends no request")
            return
        request = recorder.requests[0]
        path = unquote(request.url.raw_path.decode("ascii").split("?")[0])[len("/" + line.version) :]
        values = [f"p{i}" for i in range(1, len(route.params) + 1)]
        if request.method == line.method and _fits(self.lines[line][0].path, path, values):
            self.reached.add(line)
        else:
            self.failed.setdefault(line, "the call sends another method or path")


# --------------------------------------------------------------------- 3. examples


@dataclass(slots=True)
class Examples:
    """Documented examples against the generated tests that pass."""

    tests: int
    """Generated test functions (``def test_*`` in the generated test modules)."""
    passing: int
    """Tests whose every variant passed."""
    variants: int
    """Test runs pytest reported."""
    not_replayed: list[str]
    """The DG308 reasons, one per example left without a test."""
    pytest_line: str
    failing: dict[str, list[str]] = field(default_factory=dict)
    """Kind of failure -> the tests that fail so (a test once, by its first failing variant)."""

    @property
    def documented(self) -> int:
        return self.tests + len(self.not_replayed)

    @property
    def ratio(self) -> float:
        return self.passing / self.documented if self.documented else 1.0


def run_tests(out: Path, junit: Path, timeout: int = 7200) -> str:
    """Run the generated tests in ``out``, writing ``junit``; the last line pytest printed."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", "."],
            cwd=out, capture_output=True, text=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        return f"stopped after {timeout} s (no test counts as passing)"
    lines = result.stdout.strip().splitlines()
    return lines[-1] if lines else f"pytest exit {result.returncode}"


def test_functions(out: Path) -> set[tuple[str, str]]:
    """(module, function) of every generated test."""
    found = set()
    for file in sorted((out / "tests").rglob("test_*.py")):
        module = ".".join(file.relative_to(out).with_suffix("").parts)
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                found.add((module, node.name))
    return found


def junit_results(junit: Path) -> tuple[dict[tuple[str, str], bool], int, dict[tuple[str, str], str]]:
    """(module, test) -> all its variants passed; how many variants ran; the first failure of each failing test."""
    ok: dict[tuple[str, str], bool] = {}
    failures: dict[tuple[str, str], str] = {}
    runs = 0
    for case in ET.parse(junit).getroot().iter("testcase"):
        runs += 1
        key = (case.get("classname", ""), re.sub(r"\[.*\]$", "", case.get("name", "")))
        bad = [child for child in case if child.tag in ("failure", "error", "skipped")]
        ok[key] = ok.get(key, True) and not bad
        if bad:
            failures.setdefault(key, bad[0].get("message") or bad[0].tag)
    return ok, runs, failures


def failure_kind(message: str) -> str:
    """The kind of a test failure: its first line (with the first mismatch for a response), particulars left out."""
    lines = message.strip().splitlines() or [""]
    text = lines[0]
    api = re.match(r"\S*ApiError: \S+ \S+: (\d{3}) (\w+)(?:: (.*))?", text)
    if api:
        text = f"the server answers {api.group(1)} {api.group(2)}" + (f": {api.group(3)}" if api.group(3) else "")
    elif text.endswith("the documented one:") and len(lines) > 1:
        text += " " + lines[1].strip()
    text = re.sub(r"\$[^:\s]*", "$…", text)
    text = re.sub(r"(?<=\s)/\S+", "…", re.sub(r"documented \d+ items", "documented items", text))
    text = re.sub(r"\w+Client\.\w+\(\)", "a client method", text)
    text = re.sub(r"(status \d+, documented \d+):.*", r"\1", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "…", text)
    text = re.sub(r"\b(?<!status )(?<!documented )\d+\b(?! \w+:)", "N", text)
    return text if len(text) <= 120 else text[:119] + "…"


def dg308_reason(message: str) -> str:
    """The kind of reason of a DG308 message, without its particulars."""
    reason = message.split(" is not replayed: ", 1)[-1].split(" (", 1)[0]
    reason = re.sub(r"(?<![\w'])'.*?'(?![\w'])|\"[^\"]*\"", "…", reason)
    reason = re.sub(r"microsoft\.graph\.\w+", "the documented type", reason)
    return re.sub(r"\d+", "N", reason.split(": ", 1)[0])


def example_coverage(generated: Generated, junit: Path) -> Examples:
    """Run the generated tests and count them against the documented examples."""
    pytest_line = run_tests(generated.out, junit)
    ok, runs, failures = junit_results(junit) if junit.is_file() else ({}, 0, {})
    tests = test_functions(generated.out)
    passing = sum(1 for key in tests if ok.get(key, False))
    reasons = [dg308_reason(d["message"]) for d in generated.diagnostics if d.get("code") == "DG308"]
    failing: dict[str, list[str]] = {}
    for key in sorted(tests):
        if not ok.get(key, False):
            kind = failure_kind(failures[key]) if key in failures else "did not run"
            failing.setdefault(kind, []).append(f"`{key[0]}::{key[1]}`")
    return Examples(len(tests), passing, runs, reasons, pytest_line, failing)


# --------------------------------------------------------------------- the independent count


@dataclass(slots=True)
class Eval:
    """What ``../shared/eval/coverage.sh`` reports."""

    routes: tuple[int, int]
    """(documented, served)."""
    examples: tuple[int, int]
    """(documented, passing)."""
    last: str


def run_eval(tree: Path) -> str:
    """The output of ``coverage.sh TREE VENV`` (empty when the eval is not there)."""
    script = SHARED / "eval" / "coverage.sh"
    if not script.is_file():
        return ""
    venv = Path(sys.executable).parent.parent
    result = subprocess.run(["bash", str(script), str(tree), str(venv)], capture_output=True, text=True, check=False)
    return result.stdout + result.stderr


def parse_eval(output: str) -> Eval | None:
    """The figures in ``coverage.sh``'s output; None when it has none."""
    routes = re.search(r"ROUTES documented=(\d+) served=(\d+)", output)
    examples = re.search(r"EXAMPLES documented=(\d+) tests=\d+ passing=(\d+)", output)
    last = next((line.strip() for line in reversed(output.splitlines()) if line.startswith("COVERAGE")), "")
    if not (routes and examples and last):
        print(f"the eval gave no figures:\n{output[-3000:]}", file=sys.stderr)
        return None
    return Eval(
        (int(routes.group(1)), int(routes.group(2))), (int(examples.group(1)), int(examples.group(2))), last
    )


def eval_example_pages(tree: Path, docset: DocSet) -> list[tuple[str, int, int]]:
    """Pages where the eval's example count differs from the examples in docgen's model:
    (page, docgen's, the eval's)."""
    sys.path.insert(0, str(SHARED / "eval"))
    try:
        count = importlib.import_module("example_count").count
    finally:
        sys.path.remove(str(SHARED / "eval"))
    ours: Counter[str] = Counter(
        ex.source.path for v in docset.versions for r in v.resources for op in r.operations for ex in op.examples
    )
    theirs = {
        page.relative_to(tree).as_posix(): count(page.read_text(encoding="utf-8", errors="replace"))
        for page in sorted(tree.rglob("api/*.md"))
    }
    pages = sorted(set(ours) | set(theirs))
    return [(p, ours.get(p, 0), theirs.get(p, 0)) for p in pages if ours.get(p, 0) != theirs.get(p, 0)]


# --------------------------------------------------------------------- one tree


@dataclass(slots=True)
class TreeReport:
    name: str
    generated: Generated
    routes: Tally
    reach: Tally
    examples: Examples
    seconds: float
    eval: Eval | None = None
    lines_per_page: int = 0
    """Documented lines counted as the eval counts them: distinct per page."""
    eval_pages: list[tuple[str, int, int]] = field(default_factory=list)
    page_codes: dict[str, list[str]] = field(default_factory=dict)


def measure(
    tree: Path, work: Path, package: str = PACKAGE, *, with_eval: bool = False, eval_log: Path | None = None
) -> TreeReport:
    """Generate ``tree`` under ``work`` and measure the three figures; with ``with_eval``, also compare
    them with the eval's (read from ``eval_log``, a saved ``coverage.sh`` output, when given)."""
    start = time.monotonic()
    out = work / "out"
    print(f"{tree.name}: generating...", file=sys.stderr, flush=True)
    generated = docgen_generate(tree, out, package)
    print(f"{tree.name}: generated in {generated.seconds:.0f} s; measuring routes...", file=sys.stderr, flush=True)
    docset = load_model(tree, package)
    lines = documented_lines(docset)
    with generated_package(out, package):
        routes, broken = version_routes(docset, package)
        route_tally = route_coverage(lines, routes, planned_lines(docset, package), broken)
        reach = reachability(docset, package, lines, routes)
    print(f"{tree.name}: running the generated tests...", file=sys.stderr, flush=True)
    examples = example_coverage(generated, work / "junit.xml")
    report = TreeReport(tree.name, generated, route_tally, reach, examples, 0.0)
    report.lines_per_page = len({(w.page, line.method, line.path) for line, ws in lines.items() for w in ws})
    if with_eval:
        if eval_log is None:
            print(f"{tree.name}: running ../shared/eval/coverage.sh...", file=sys.stderr, flush=True)
        output = eval_log.read_text(encoding="utf-8") if eval_log is not None else run_eval(tree)
        (work / "eval.log").write_text(output, encoding="utf-8")  # for --eval-log, with --keep
        report.eval = parse_eval(output)
        if report.eval is not None:
            report.eval_pages = eval_example_pages(tree, docset)
            report.page_codes = _codes_of(generated.diagnostics, [p for p, _, _ in report.eval_pages], tree, out)
    report.seconds = time.monotonic() - start
    return report


def _codes_of(diagnostics: list[dict[str, Any]], pages: list[str], tree: Path, out: Path) -> dict[str, list[str]]:
    """The diagnostic codes docgen reported on each of ``pages`` (paths as docgen printed them)."""
    codes: dict[str, list[str]] = {}
    for page in pages:
        printed = os.path.relpath(tree / page, out.parent)
        codes[page] = sorted({d["code"] for d in diagnostics if d.get("path") == printed})
    return codes


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {' '.join(str(error).split())}"
    return text if len(text) <= 160 else text[:159] + "…"


# --------------------------------------------------------------------- docs/quality.md


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()


def _commit() -> str:
    """The commit measured: the snapshot's, else the checkout's (saying so when docgen is changed)."""
    snapshot = os.environ.get(SNAPSHOT_ENV)
    if snapshot:
        return _git("rev-parse", "--short", snapshot) or snapshot
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--", "docgen", "templates")
    return f"{commit} (with uncommitted changes to docgen)" if dirty else commit


def in_snapshot(rev: str, argv: list[str]) -> int:
    """Run this tool again over docgen and its templates as committed at ``rev`` (``git archive``, put first
    on ``PYTHONPATH``), so that edits in the checkout made meanwhile are not measured."""
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    if not commit:
        print(f"not a commit: {rev}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="docgen-snapshot-") as folder:
        archive = subprocess.run(["git", "archive", commit, "docgen", "templates"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        path = os.pathsep.join(p for p in (folder, os.environ.get("PYTHONPATH", "")) if p)
        env = dict(os.environ, PYTHONPATH=path, **{SNAPSHOT_ENV: commit})
        return subprocess.run([sys.executable, str(Path(__file__).resolve()), *argv], env=env, check=False).returncode


def _ratio(covered: int, documented: int) -> str:
    return f"{covered / documented:.4f}" if documented else "n/a"


def tree_block(report: TreeReport, stamp: str) -> list[str]:
    """The lines of one tree's block in docs/quality.md."""
    g, r, c, e = report.generated, report.routes, report.reach, report.examples
    lines = [
        f"### `{report.name}/`",
        "",
        f"{stamp}; `docgen generate --no-cache`: exit {g.exit}, {g.seconds:.0f} s; the whole measure "
        f"{report.seconds:.0f} s.",
        "",
        "| measure | documented | covered | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| request lines served by the server | {r.documented} | {r.covered} | {_ratio(r.covered, r.documented)} |",
        f"| request lines reachable from the client | {c.documented} | {c.covered} | {_ratio(c.covered, c.documented)} |",
        f"| examples replayed by a passing test | {e.documented} | {e.passing} | {_ratio(e.passing, e.documented)} |",
        "",
        *_misses("Request lines not served", r),
        *_misses("Request lines the client does not reach", c),
        f"- **Examples**: {e.tests} generated tests ({e.variants} runs with their variants; pytest: "
        f"`{e.pytest_line}`), {e.passing} passing in all variants; {len(e.not_replayed)} examples not replayed "
        "(DG308)" + (", by reason:" if e.not_replayed else "."),
        *[f"  - {n}: {reason}" for reason, n in Counter(e.not_replayed).most_common(8)],
        f"- **Generated tests that fail in some variant**: {e.tests - e.passing}"
        + (", by the first line of the failure:" if e.failing else "."),
        *[
            f"  - {len(names)}: {kind}; e.g. {', '.join(names[:2])}"
            for kind, names in sorted(e.failing.items(), key=lambda kv: -len(kv[1]))[:8]
        ],
    ]
    if report.eval is not None:
        lines += _eval_lines(report)
    return [*lines, ""]


def _misses(title: str, tally: Tally) -> list[str]:
    missed = tally.documented - tally.covered
    lines = [f"- **{title}**: {missed}."]
    for kind, examples in sorted(tally.misses.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"  - {len(examples)}: {kind}; e.g. " + "; ".join(examples[:SHOWN]))
    return lines


def _eval_lines(report: TreeReport) -> list[str]:
    ev = report.eval
    assert ev is not None
    ours_r, ours_e = report.routes.ratio, report.examples.ratio
    theirs_r = ev.routes[1] / ev.routes[0] if ev.routes[0] else 1.0
    theirs_e = ev.examples[1] / ev.examples[0] if ev.examples[0] else 1.0

    def verdict(a: float, b: float) -> str:
        if round(a, 2) == round(b, 2):
            return f"agree ({a:.2f})"
        return f"differ at two decimals ({a:.2f} against {b:.2f})"

    lines = [
        f"- **Independent count** (`../shared/eval/coverage.sh`, its own generation with package `api`): "
        f"`{ev.last}`; routes {ev.routes[1]}/{ev.routes[0]} against ours {report.routes.covered}/"
        f"{report.routes.documented}: {verdict(ours_r, theirs_r)}; examples {ev.examples[1]}/{ev.examples[0]} "
        f"against ours {report.examples.passing}/{report.examples.documented}: {verdict(ours_e, theirs_e)}.",
    ]
    if ev.routes[0] != report.routes.documented:
        lines.append(
            f"  - Documented request lines: the eval counts {ev.routes[0]} (distinct per page), docgen's model "
            f"{report.routes.documented} (distinct per version); counted per page, the model has {report.lines_per_page}."
        )
    if report.eval_pages:
        shown = ", ".join(
            f"`{page}` (docgen {ours}, eval {theirs}; docgen reported {', '.join(report.page_codes.get(page, [])) or 'nothing'})"
            for page, ours, theirs in report.eval_pages[:5]
        )
        lines.append(
            f"  - Documented examples: the eval counts {ev.examples[0]}, docgen {report.examples.documented}; the "
            f"pages where the counts differ ({len(report.eval_pages)}): {shown}."
        )
    return lines


def section(blocks: Mapping[str, list[str]], notes: Iterable[str] = ()) -> list[str]:
    """The whole coverage section, tree blocks in the given order."""
    lines = [
        BEGIN,
        "## What the generated code covers",
        "",
        "Generated by `python tools/coverage.py` (`--sample` for the sample only); do not edit by hand: the prose is",
        "in `tools/coverage.py`. Per tree, the three figures of the code `docgen generate` writes: documented request",
        "lines (each operation's `paths` in the model, distinct per API version, placeholders as `{}`, letter case",
        "aside) that the version's app has a route for; the same lines that the sync client sends when its method is",
        "called with that path's parameters (over `httpx.MockTransport`); and documented examples (the generated",
        "tests plus the examples docgen reports as not replayed, DG308) whose test passes in every variant.",
        "`python tools/quality.py` keeps this section as it is; `python tools/coverage.py` refreshes it.",
        "",
        *notes,
    ]
    for name in blocks:
        lines += [f"<!-- coverage:tree {name} -->", *blocks[name], f"<!-- coverage:tree-end {name} -->", ""]
    return [*lines, END]


def old_blocks(text: str) -> dict[str, list[str]]:
    """The tree blocks already in the coverage section of ``text``."""
    blocks: dict[str, list[str]] = {}
    for match in re.finditer(r"<!-- coverage:tree (\S+) -->\n(.*?)<!-- coverage:tree-end \1 -->", text, re.DOTALL):
        blocks[match.group(1)] = match.group(2).rstrip("\n").split("\n") + [""]
    return blocks


def write_section(path: Path, blocks: Mapping[str, list[str]]) -> None:
    """Replace the given trees' blocks in ``path``'s coverage section (added at the end when absent);
    keep the rest of the file and the other trees' blocks."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    merged = old_blocks(text)
    merged.update(blocks)
    order = sorted(merged, key=lambda name: (name != SAMPLE.name, name != FULL.name, name))
    new = "\n".join(section({name: merged[name] for name in order}, NOTES))
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + new + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    path.write_text(text, encoding="utf-8")


NOTES = [
    "How these figures differ from `../shared/eval/coverage.sh` (run on the sample; its figures are in the sample's",
    "block), which counts independently of docgen's model:",
    "",
    "- **Request lines.** The eval's are the lines its regex finds under an `HTTP request` heading, distinct per",
    "  *page* (a line documented on two pages counts twice), matched with function arguments collapsed to `()`;",
    "  ours are the model's `paths`, distinct per *API version*. So the two counts of documented lines differ while",
    "  the ratios can agree: both say whether every documented line has a route.",
    "- **Examples.** The eval's documented examples are the fences whose first line is `METHOD target` outside the",
    "  `HTTP request` section (and annotated requests inside it), on every `api/*.md` page; ours are the generated",
    "  tests plus DG308. They differ on pages where a request fence is no example of an operation of docgen's: the",
    "  pages are listed in the block, with what docgen reported there (e.g. a page whose request lines are under",
    "  other headings has no operation, DG101, so its fences are neither tested nor reported as not replayed).",
    "- **Passing tests.** Both run the same generated tests (the eval under the package name `api`), so they pass",
    "  alike when both measure the same commit; this tool measures docgen as committed, and the eval is run over",
    "  the same snapshot.",
    "",
]
"""What explains the figures."""


# --------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("trees", nargs="*", type=Path, help="doc trees (default: the sample, and the full tree when present)")
    ap.add_argument("--sample", action="store_true", help="the sample only")
    ap.add_argument("--no-eval", action="store_true", help="do not run ../shared/eval/coverage.sh on the sample")
    ap.add_argument(
        "--eval-log", type=Path, help="read the sample's coverage.sh output from this file (e.g. a kept eval.log)"
    )
    ap.add_argument("--no-write", action="store_true", help="print the figures; leave docs/quality.md alone")
    ap.add_argument("--keep", type=Path, help="generate into this folder (kept) rather than a temporary one")
    ap.add_argument("--at", default="HEAD", metavar="REV", help="measure docgen as committed at REV (default: HEAD)")
    ap.add_argument("--worktree", action="store_true", help="measure the checkout's docgen as it is, edits included")
    args = ap.parse_args(argv)
    if not args.worktree and not os.environ.get(SNAPSHOT_ENV):
        return in_snapshot(args.at, sys.argv[1:] if argv is None else argv)
    import docgen

    print(f"measuring the docgen in {Path(docgen.__file__).parent.parent}", file=sys.stderr)
    trees = args.trees or ([SAMPLE] if args.sample or not FULL.is_dir() else [SAMPLE, FULL])
    missing = [tree for tree in trees if not tree.is_dir()]
    if missing:
        print(f"not a folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    load = os.getloadavg()[0]
    stamp = f"{datetime.date.today().isoformat()}, commit {_commit()}, {os.cpu_count()} cores (load {load:.1f} at the start)"
    blocks: dict[str, list[str]] = {}
    for tree in trees:
        tree = tree.resolve()
        with contextlib.ExitStack() as stack:
            work = args.keep / tree.name if args.keep else Path(stack.enter_context(tempfile.TemporaryDirectory()))
            work.mkdir(parents=True, exist_ok=True)
            with_eval = not args.no_eval and tree == SAMPLE.resolve()
            report = measure(tree, work, with_eval=with_eval, eval_log=args.eval_log)
        blocks[tree.name] = tree_block(report, stamp)
        print("\n".join(blocks[tree.name]), flush=True)
    if not args.no_write:
        write_section(QUALITY, blocks)
        print(f"wrote the coverage section of {QUALITY}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
