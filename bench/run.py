"""How fast docgen is on the Graph reference: prints a table (not a timed test).

    python bench/run.py                      # graph-docs-full and graph-docs from ../shared/corpus
    python bench/run.py --corpus DIR ...     # other doc sets
    python bench/run.py --write-readme       # also refresh the table in README.md ("## Speed")

For each doc set, in one run: the baseline (bare markdown-it-py parsing of the
same pages, ``MarkdownIt()`` default, one process), docgen's parse+model on one
process and on every core, a cold ``generate`` (empty cache, fresh output
folder; black's share from its ``--timings``), ``check`` on a fresh clone (the
pages and the generated tree, no cache: what a CI runner does), then with the
cache warm: ``check`` with nothing changed, ``generate`` after a one-page prose
edit, the pre-commit hook after such an edit (``docgen check``, which fails and
names the file, then ``generate``), ``generate`` after an edit that changes a
page's interface (a new property), and after a template edit; and a cold
``generate`` with ``formatter = "ruff"``. Then the generated code itself: importing the app of the first
version and answering its first request (a documented GET without parameters),
and collecting that version's generated tests with pytest. Every figure is in
seconds and as a ratio to that run's baseline; the peak memory is the largest
resident set of any process of the step. Each step runs in its own process
(``docgen`` steps are timed from the outside, start-up included; the parse
steps are timed inside, after reading the pages). The warm steps are the best
of three.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpus"
DEFAULT_CORPORA = (SHARED / "graph-docs-full", SHARED / "graph-docs")
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"
TEMPLATE_EDITED = "router.py.jinja"


# --------------------------------------------------------------------- steps run in a child process


def _pages(specs: Path) -> list[tuple[str, bytes]]:
    sys.path.insert(0, str(REPO))
    from docgen.pipeline import read_pages

    return [(p.path, p.data) for p in read_pages(specs).pages if p.data is not None]


def child_bare(specs: str) -> dict[str, float]:
    """Bare markdown-it-py, default settings, one process."""
    from markdown_it import MarkdownIt

    pages = _pages(Path(specs))
    md = MarkdownIt()
    start = time.perf_counter()
    for _, data in pages:
        md.parse(data.decode("utf-8-sig", errors="replace"))
    return {"seconds": time.perf_counter() - start, "pages": len(pages)}


def child_parse(specs: str, jobs: str) -> dict[str, float]:
    """docgen's parse+model (no cache) in ``jobs`` processes, after reading the pages."""
    sys.path.insert(0, str(REPO))
    import docgen.parse  # noqa: F401  (imported before timing, as the baseline imports markdown-it)
    from docgen.config import Config
    from docgen.pipeline import parse_pages, read_pages

    read = read_pages(Path(specs))
    start = time.perf_counter()
    loaded = parse_pages(read, Config(), jobs=int(jobs))
    return {"seconds": time.perf_counter() - start, "pages": len(loaded.pages)}


def child_app(module: str, path: str) -> dict[str, object]:
    """Import a generated app (from the current folder) and answer its first request, in-process."""
    sys.path.insert(0, os.getcwd())
    start = time.perf_counter()
    app = importlib.import_module(module).app
    imported = time.perf_counter()
    from fastapi.testclient import TestClient

    client = TestClient(app)
    status = client.get(path).status_code
    done = time.perf_counter()
    return {"seconds": done - start, "import": imported - start, "status": status}


def child_measure(cwd: str, argv: list[str]) -> dict[str, object]:
    """Run ``argv``; its wall time, exit status, output and the peak RSS of it and its children."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    env.pop("CI", None)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"wall": wall, "code": done.returncode, "stdout": done.stdout, "stderr": done.stderr, "peak_kb": peak_kb}


CHILDREN = {"_bare": child_bare, "_parse": child_parse, "_app": child_app}


# --------------------------------------------------------------------- the benchmark


@dataclass
class Step:
    name: str
    seconds: float
    peak_mb: float
    target: str = ""
    note: str = ""


def measure(cwd: Path, argv: list[str], expect: tuple[int, ...] = (0,)) -> tuple[float, float, dict[str, object]]:
    """(seconds, peak MB, the child's JSON or output) of one step in a fresh process tree."""
    wrapper = [sys.executable, __file__, "_measure", str(cwd), json.dumps(argv)]
    done = subprocess.run(wrapper, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["code"] not in expect:
        raise SystemExit(f"bench: {' '.join(argv)} exited {result['code']}:\n{result['stderr'][-3000:]}")
    inner: dict[str, object] = {}
    if argv[1] == __file__ and result["stdout"].strip():
        inner = json.loads(result["stdout"])
    seconds = float(inner["seconds"]) if "seconds" in inner else float(result["wall"])  # type: ignore[arg-type]
    inner.setdefault("stderr", result["stderr"])
    inner.setdefault("stdout", result["stdout"])
    return seconds, result["peak_kb"] / 1024, inner


def best_of(runs: int, cwd: Path, before: list, argv: list[str], expect: tuple[int, ...] = (0,)) -> tuple[float, float, dict[str, object]]:
    """The fastest of ``runs`` runs; ``before[i]()`` prepares run ``i`` (an edit)."""
    results = []
    for i in range(runs):
        if before:
            before[i]()
        results.append(measure(cwd, argv, expect))
    return min(results, key=lambda r: r[0])


def timings(stderr: str) -> dict[str, float]:
    """The ``--timings`` table of a docgen run."""
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^  (\w+)\s+([0-9.]+) s$", stderr, re.M)}


def _edit_prose(page: Path, n: int) -> None:
    """Reword the page's description (its front matter ``description``, which the generated
    docstrings use), as a writer fixing a sentence would."""
    text = page.read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith('description: "'))
    base = re.sub(r" \(revised \d+\)", "", lines[at])
    lines[at] = base[:-1] + f' (revised {n})"'
    page.write_text("\n".join(lines), encoding="utf-8")


def _edit_property(page: Path, n: int) -> None:
    text = page.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if "benchEdit" not in line]
    row = next(i for i, line in enumerate(lines) if line.startswith("|") and "String" in line)
    lines.insert(row + 1, f"|benchEdit{n}|String|Added by the benchmark.|")
    page.write_text("\n".join(lines), encoding="utf-8")


def _pick(specs: Path, kind: str) -> Path:
    """A page to edit: the first API page (sorted) that has a description paragraph, or the
    first resource page with a property table."""
    folder = "api" if kind == "api" else "resources"
    for page in sorted(specs.rglob(f"v1.0/{folder}/*.md")):
        text = page.read_text(encoding="utf-8")
        if kind == "api" and '\ndescription: "' in text and "## http request" in text.lower():
            return page
        if kind == "resource" and "## Properties" in text and "|String|" in text.replace(" ", ""):
            return page
    raise SystemExit(f"bench: no {kind} page to edit under {specs}")


def _first_get(specs: Path) -> str:
    """The first documented ``GET`` request line without parameters (and without a query) of v1.0."""
    for page in sorted(specs.rglob("v1.0/api/*.md")):
        for match in re.finditer(r"^GET (/[^\s{}?]*)\s*$", page.read_text(encoding="utf-8"), re.M):
            return match.group(1)
    raise SystemExit(f"bench: no GET request line without parameters under {specs}")


def _lines(folder: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in folder.rglob("*.py"))


def _fresh_clone(project: Path, clone: Path) -> None:
    """The pages, settings and generated tree of ``project``, without its cache."""
    shutil.rmtree(clone, ignore_errors=True)
    shutil.copytree(project, clone, ignore=shutil.ignore_patterns(".docgen-cache", "__pycache__", "my-templates"))


def _up_to_date(out: dict[str, object]) -> None:
    if "is up to date" not in str(out.get("stderr", "")):
        raise SystemExit(f"bench: check did not find the tree up to date:\n{str(out.get('stderr'))[-3000:]}")


def bench(corpus: Path, jobs: int, work: Path) -> tuple[list[Step], dict[str, object]]:
    py = sys.executable
    me = __file__
    project = work / corpus.name
    specs = project / "specs"
    shutil.copytree(corpus, specs)
    (project / "pyproject.toml").write_text(
        '[tool.docgen]\nspecs = "specs"\nout = "generated"\npackage = "graph_api"\n', encoding="utf-8"
    )
    docgen = [py, "-m", "docgen"]
    steps: list[Step] = []
    info: dict[str, object] = {}

    base, mb, out = measure(project, [py, me, "_bare", str(specs)])
    info["pages"] = out["pages"]
    steps.append(Step("bare markdown-it-py parse (baseline, 1 process)", base, mb))
    s, mb, _ = measure(project, [py, me, "_parse", str(specs), "1"])
    steps.append(Step("docgen parse+model, 1 process", s, mb, "<= 1.3x"))
    s, mb, _ = measure(project, [py, me, "_parse", str(specs), str(jobs)])
    steps.append(Step(f"docgen parse+model, {jobs} processes", s, mb, "<= 0.75x" if jobs == 2 else ""))

    cold, mb, out = measure(project, [*docgen, "generate", "--timings", "--jobs", str(jobs)], (0, 2))
    stages = timings(str(out["stderr"]))
    black = stages.get("format", 0.0)
    steps.append(Step(f"cold generate (empty cache, {jobs} processes)", cold, mb, "<= 40x"))
    steps.append(Step("cold generate: black's share (its format stage)", black, 0.0, "", f"{black / cold:.0%} of it"))
    info["files"] = sum(1 for p in (project / "generated").rglob("*") if p.is_file())
    info["lines"] = _lines(project / "generated")

    clone = work / f"{corpus.name}-clone"
    _fresh_clone(project, clone)
    s, mb, out = measure(clone, [*docgen, "check"], (0, 2))
    _up_to_date(out)
    steps.append(Step("check on a fresh clone (no cache: a CI runner)", s, mb, "<= 2x"))
    shutil.rmtree(clone)

    s, mb, out = best_of(3, project, [], [*docgen, "check"], (0, 2))
    _up_to_date(out)
    steps.append(Step("check, nothing changed (cache warm)", s, mb, "<= 0.1x"))

    api, resource_page = _pick(specs, "api"), _pick(specs, "resource")
    info["edited"] = [api.relative_to(specs).as_posix(), resource_page.relative_to(specs).as_posix()]
    edits = [lambda n=n: _edit_prose(api, n) for n in range(3)]
    s, mb, _ = best_of(3, project, edits, [*docgen, "generate"], (0, 2))
    steps.append(Step("generate after a one-page edit (prose)", s, mb, "<= 0.15x"))
    edits = [lambda n=n: _edit_prose(api, 10 + n) for n in range(3)]
    s, mb, out = best_of(3, project, edits, [*docgen, "check"], (1, 2))
    if "  changed: " not in str(out.get("stderr", "")):
        raise SystemExit(f"bench: the hook's check did not name what changed:\n{str(out.get('stderr'))[-3000:]}")
    steps.append(Step("pre-commit hook: check after a one-page edit (fails, names the file)", s, mb, "<= 0.15x"))
    s, mb, _ = measure(project, [*docgen, "generate"], (0, 2))
    steps.append(Step("... then generate (the check has warmed the cache)", s, mb, "<= 0.15x"))
    edits = [lambda n=n: _edit_property(resource_page, n) for n in range(3)]
    s, mb, _ = best_of(3, project, edits, [*docgen, "generate"], (0, 2))
    steps.append(Step("generate after a one-page edit (new property)", s, mb, "", "re-renders its version"))

    templates = project / "my-templates"
    templates.mkdir()
    original = (REPO / "templates" / TEMPLATE_EDITED).read_text(encoding="utf-8")
    (templates / TEMPLATE_EDITED).write_text(original.replace("\n", "\n# edited template\n", 1), encoding="utf-8")
    s, mb, _ = measure(project, [*docgen, "generate", "--templates", str(templates)], (0, 2))
    steps.append(Step(f"generate after a template edit ({TEMPLATE_EDITED})", s, mb, "keep (8.0x before)"))
    measure(project, [*docgen, "generate"], (0, 2))  # back to the built-in templates

    ruff_project = work / f"{corpus.name}-ruff"
    shutil.copytree(specs, ruff_project / "specs")
    (ruff_project / "pyproject.toml").write_text(
        '[tool.docgen]\nspecs = "specs"\nout = "generated"\npackage = "graph_api"\nformatter = "ruff"\n', encoding="utf-8"
    )
    s, mb, out = measure(ruff_project, [*docgen, "generate", "--timings", "--jobs", str(jobs)], (0, 2))
    ruff = timings(str(out["stderr"])).get("format", 0.0)
    steps.append(Step('cold generate with formatter = "ruff"', s, mb, "", f"ruff's format stage {ruff:.1f} s"))
    shutil.rmtree(ruff_project)

    out_dir = project / "generated"
    version = sorted(p.name for p in (out_dir / "graph_api").iterdir() if p.is_dir() and p.name.startswith("v"))[0]
    path = _first_get(specs)
    s, mb, out = measure(out_dir, [py, me, "_app", f"graph_api.{version}.server.app", path], (0, 1))
    if "import" in out:
        note = f"import {float(out['import']):.2f} s, GET {path}: {out['status']}"  # type: ignore[arg-type]
    else:
        note = "failed: " + str(out["stderr"]).strip().splitlines()[-1]
    steps.append(Step(f"generated app of {version}: import and first request", s, mb, "<= 1.5 s", note))
    collect = [py, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", f"tests/{version}"]
    s, mb, out = measure(out_dir, collect, (0, 1, 2, 3, 4, 5))
    collected = re.search(r"^(\d+ tests? collected.*?)(?: in [0-9.]+s)?$", str(out.get("stdout", "")), re.M)
    steps.append(Step(f"pytest collecting the generated tests of {version}", s, mb, "<= 10 s", collected.group(1) if collected else "collection failed"))
    return steps, info


def table(corpus: Path, steps: list[Step], info: dict[str, object], jobs: int) -> str:
    base = steps[0].seconds
    lines = [
        f"**{corpus.name}**: {info['pages']} pages -> {info['files']} files, {info['lines']:,} lines of Python "
        f"({jobs} processes where docgen uses several; edited: {', '.join(info['edited'])})",  # type: ignore[arg-type]
        "",
        "| step | seconds | x baseline | peak MB | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for step in steps:
        peak = f"{step.peak_mb:.0f}" if step.peak_mb else ""
        target = step.target + (f" ({step.note})" if step.note else "")
        lines.append(f"| {step.name} | {step.seconds:.2f} | {step.seconds / base:.3f} | {peak} | {target} |")
    return "\n".join(lines) + "\n"


def write_readme(text: str) -> None:
    readme = REPO / "README.md"
    content = readme.read_text(encoding="utf-8")
    start, end = content.find(README_START), content.find(README_END)
    if start < 0 or end < 0:
        raise SystemExit(f"bench: {readme} has no {README_START} ... {README_END} section")
    content = content[: start + len(README_START)] + "\n" + text + content[end:]
    readme.write_text(content, encoding="utf-8")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_measure":
        print(json.dumps(child_measure(sys.argv[2], json.loads(sys.argv[3]))))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] in CHILDREN:
        print(json.dumps(CHILDREN[sys.argv[1]](*sys.argv[2:])))  # type: ignore[operator]
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, action="append", help="a doc set (default: the two Graph trees)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: every core)")
    parser.add_argument("--write-readme", action="store_true", help="refresh the table in README.md")
    parser.add_argument("--shared", action="store_true", help="say in README.md that the machine was busy with other work")
    args = parser.parse_args()
    corpora = args.corpus or [c for c in DEFAULT_CORPORA if c.is_dir()]
    if not corpora:
        print(f"bench: no doc set found (looked for {', '.join(map(str, DEFAULT_CORPORA))})", file=sys.stderr)
        return 2
    tables = []
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as work:
        for corpus in corpora:
            print(f"bench: {corpus} ...", file=sys.stderr, flush=True)
            steps, info = bench(corpus.resolve(), args.jobs, Path(work))
            tables.append(table(corpus, steps, info, args.jobs))
            print(tables[-1], flush=True)
    if args.write_readme:
        cpu = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
        shared = " (shared with other work: the seconds are noisy, the ratios to the same run's baseline less so)" if args.shared else ""
        write_readme(f"\nMeasured by `python bench/run.py --write-readme` on {cpu}{shared}:\n\n" + "\n".join(tables) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
