"""A mutation fuzzer: real pages, damaged at random, must never break docgen.

Each round takes pages of the Graph reference sample (``../shared/corpus/graph-docs``,
or ``specs/`` when the corpus is absent), damages each one with a few seeded
mutations (lines dropped, doubled or swapped, pages cut short, brackets, fences,
table pipes, quotes, template braces, numbers JSON cannot hold, deep nesting,
long lines...) and runs them through docgen as one doc set. Invariants:

* no exception escapes, and no page or file meets a docgen bug (DG009, DG501);
* every generated Python file compiles (and none is left out as invalid, DG502);
* the command exits 0, 1 or 2, and writes the same bytes under another hash seed.

In CI the run is bounded (a fixed seed, well under a minute). The long mode is for
local runs::

    DOCGEN_FUZZ_PAGES=10000 DOCGEN_FUZZ_SEED=7 python -m pytest tests/test_fuzz.py -k rounds

Every page that ever failed is kept in ``tests/fuzz_cases/`` and replayed by
:func:`test_regression_cases`; a failing round writes its pages to
``.fuzz-failures/`` to become such a case.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.config import Config
from docgen.diagnostics import Diagnostic
from docgen.pipeline import build, load_pages
from docgen.render import render_unformatted
from docgen.serialize import dumps

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "corpus" / "graph-docs"
CASES = ROOT / "tests" / "fuzz_cases"
BUG_CODES = frozenset({"DG009", "DG501", "DG502"})

PAGES = int(os.environ.get("DOCGEN_FUZZ_PAGES", "240"))
SEED = int(os.environ.get("DOCGEN_FUZZ_SEED", "20261130"))
BATCH = 120

_NOISE = [
    "|", "||", "```", "``` http", "```json", "<!--", "-->", "{", "}", "[", "]", "(", ")", '"', "'", '"""', "'''",
    "{{", "}}", "{%", "\\", "\t", "\u2028", "\ufeff", "\x00", "#", "## ", "### ", "> ", "- ", "1. ", ":", "/", "?",
    "$ref", "$value", "{id}", "{{id}}", "%s", "\r", "é", "𝔘", "0x1F", "-1", "null", "true",
]
_NUMBERS = ["1e999", "-1e999", "NaN", "Infinity", "-Infinity", "9" * 5000, "1.5e-400", "0.1e+", "-"]


def _mutations(rng: random.Random, lines: list[str]) -> list[str]:
    """``lines`` with one random mutation."""
    if not lines:
        return ["\n"]
    i = rng.randrange(len(lines))
    j = rng.randrange(len(lines))
    op = rng.randrange(12)
    out = list(lines)
    if op == 0:
        del out[i : i + rng.randint(1, 4)]
    elif op == 1:
        out.insert(i, out[j])
    elif op == 2:
        out[i], out[j] = out[j], out[i]
    elif op == 3:
        out = out[: max(i, 1)]
        out[-1] = out[-1][: rng.randrange(len(out[-1]) + 1)]
    elif op in (4, 5, 6):
        line = out[i]
        at = rng.randrange(len(line) + 1)
        out[i] = line[:at] + rng.choice(_NOISE) * rng.choice((1, 1, 2, 50)) + line[at:]
    elif op == 7:
        digits = [k for k, c in enumerate(out[i]) if c.isdigit()]
        at = rng.choice(digits) if digits else len(out[i]) // 2
        out[i] = out[i][:at] + rng.choice(_NUMBERS) + out[i][at + 1 :]
    elif op == 8:
        depth = rng.choice((70, 250, 1200))
        bracket = rng.choice(("[", "{\"a\":", "> ", "- ", "(", "[x]("))
        out.insert(i, bracket * depth + "\n")
    elif op == 9:
        out.insert(i, rng.choice(_NOISE + ["x", "[a]("]) * rng.choice((1_000, 20_000)) + "\n")
    elif op == 10:
        out[i] = out[i].replace("```", rng.choice(("", "````", "~~~", "``` json")), 1)
    else:
        out[i] = out[i].upper() if rng.random() < 0.5 else out[i].replace(" ", "", 2)
    return out


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 3)):
        lines = _mutations(rng, lines)
    return "".join(lines)


def _sources() -> list[tuple[str, str]]:
    base = SAMPLE if SAMPLE.is_dir() else ROOT / "specs"
    return [
        (path.relative_to(base).as_posix(), path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted(base.rglob("*.md"))
    ]


def write_round(folder: Path, pages: list[tuple[str, str]]) -> None:
    for rel, text in pages:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")


def _compile_all(files: dict[str, str]) -> list[str]:
    broken = []
    for path, text in files.items():
        if path.endswith(".py"):
            try:
                compile(text, path, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as error:
                broken.append(f"{path}: {error}")
    return broken


def check_in_process(specs: Path) -> list[str]:
    """The broken invariants of one doc set, read, linked, rendered and serialised in this process."""
    config = Config(specs=specs, out=specs.parent / "out", package="fuzzed")
    docset = build(load_pages(specs, config))
    dumps(docset)  # what `docgen parse --format json` prints
    problems: list[Diagnostic] = []
    files = render_unformatted(docset, config, problems=problems)
    bugs = [str(d) for d in (*docset.diagnostics, *problems) if d.code in BUG_CODES]
    return bugs + _compile_all(files)


def _keep_failure(pages: list[tuple[str, str]], found: list[str]) -> str:
    folder = ROOT / ".fuzz-failures"
    shutil.rmtree(folder, ignore_errors=True)
    write_round(folder, pages)
    return f"{len(found)} broken invariants (pages kept in {folder}):\n" + "\n".join(found[:20])


def _rounds() -> list[int]:
    return list(range(max(1, -(-PAGES // BATCH))))


@pytest.mark.parametrize("round_no", _rounds())
def test_rounds(round_no: int, tmp_path: Path) -> None:
    rng = random.Random(SEED * 1_000_003 + round_no)
    sources = _sources()
    chosen = [sources[rng.randrange(len(sources))] for _ in range(min(BATCH, PAGES))]
    pages = sorted({rel.replace(".md", f"-{n}.md"): mutate(text, rng) for n, (rel, text) in enumerate(chosen)}.items())
    specs = tmp_path / "specs"
    write_round(specs, pages)
    found = check_in_process(specs)
    assert not found, _keep_failure(pages, found)


def test_regression_cases(tmp_path: Path) -> None:
    """Pages that once broke docgen, each with a normal page beside it."""
    cases = sorted(CASES.glob("*.md"))
    assert cases, "tests/fuzz_cases/ holds the pages that once failed"
    specs = tmp_path / "specs"
    for case in cases:
        target = specs / "v1.0" / "api" / case.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(case, target)
    shutil.copytree(ROOT / "specs" / "v1.0" / "resources", specs / "v1.0" / "resources")
    found = check_in_process(specs)
    assert not found, "\n".join(found)


def _generate(project: Path, seed: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "docgen", "generate", "--no-cache", "--specs", "specs", "--out", "out",
         "--package", "fuzzed"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False,
    )


def test_the_command_on_mutated_pages(tmp_path: Path) -> None:
    """The whole command on one round of mutated pages: exit 0 or 2, no traceback,
    compiling files, the same bytes under another hash seed."""
    rng = random.Random(SEED)
    sources = [s for s in _sources() if "/api/" in s[0]]
    chosen = [sources[rng.randrange(len(sources))] for _ in range(12)]
    pages = sorted({rel.replace(".md", f"-{n}.md"): mutate(text, rng) for n, (rel, text) in enumerate(chosen)}.items())
    trees = []
    for seed in ("1", "2"):
        project = tmp_path / seed
        write_round(project / "specs", pages)
        result = _generate(project, seed)
        assert result.returncode in (0, 1, 2), result.stderr[-3000:]
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        files = {
            p.relative_to(project / "out").as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((project / "out").rglob("*"))
            if p.is_file()
        }
        assert files, result.stderr[-3000:]
        assert not _compile_all(files)
        trees.append(files)
    assert trees[0] == trees[1]
