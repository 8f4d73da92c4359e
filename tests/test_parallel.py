"""Output is the same byte for byte with one process or several, with or without the cache,
under any PYTHONHASHSEED: on ``specs/`` always, on the Graph sample when ../shared is there."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docgen import pipeline
from docgen._progress import Progress, Timings
from docgen.config import Config
from docgen.pipeline import parse_pages, read_pages

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "corpus" / "graph-docs"


def docgen(project: Path, *args: str, seed: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
    env.pop("CI", None)
    return subprocess.run(
        [sys.executable, "-m", "docgen", *args], cwd=project, env=env, capture_output=True, text=True, timeout=3600
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def project_of(folder: Path, specs: Path, package: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        f'[tool.docgen]\nspecs = "{specs.as_posix()}"\nout = "generated"\npackage = "{package}"\n', encoding="utf-8"
    )
    return folder


def same_everywhere(tmp_path: Path, specs: Path, package: str) -> None:
    """generate: no cache and one job; cold cache and two jobs; warm cache; another seed each time."""
    runs = [("0", ["--no-cache", "--jobs", "1"]), ("1", ["--jobs", "2"]), ("2", ["--jobs", "2"]), ("3", ["--jobs", "1"])]
    project = project_of(tmp_path / "p", specs, package)
    trees = []
    for seed, flags in runs:
        shutil.rmtree(project / "generated", ignore_errors=True)
        result = docgen(project, "generate", *flags, seed=seed)
        assert result.returncode in (0, 2), result.stderr[-3000:]
        assert "Traceback" not in result.stderr and "cache not used" not in result.stderr
        trees.append(tree(project / "generated"))
        if len(trees) > 1:
            assert trees[-1] == trees[0], f"seed {seed}, {flags}"
        check = docgen(project, "check", *flags, seed=seed)
        assert check.returncode in (0, 2) and "is up to date" in check.stderr, check.stderr[-3000:]


def test_specs_same_with_any_jobs_cache_and_seed(tmp_path: Path) -> None:
    same_everywhere(tmp_path, ROOT / "specs", "financials_api")


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="../shared/corpus/graph-docs is absent")
def test_sample_same_with_any_jobs_cache_and_seed(tmp_path: Path) -> None:
    same_everywhere(tmp_path, SAMPLE, "graph")


@pytest.mark.parametrize("specs", [ROOT / "specs", SAMPLE])
def test_a_pool_parses_the_same_models(specs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not specs.is_dir():
        pytest.skip(f"{specs} is absent")
    monkeypatch.setattr(pipeline, "POOL_MIN_PAGES", 1)  # use the pool even for a few pages
    read = read_pages(specs)
    one = parse_pages(read, Config(), jobs=1)
    two = parse_pages(read, Config(), jobs=2)
    assert one == two
    assert [p.path for p in one.pages] == sorted(p.path for p in one.pages)


# --------------------------------------------------------------------- progress and timings


def test_progress_is_drawn_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    terminal = Terminal()
    progress = Progress(terminal)
    progress.task("parse", 3)
    progress.advance(3)
    progress.clear()
    drawn = terminal.getvalue()
    assert "docgen: parse" in drawn and "3/3" in drawn and "left" in drawn
    monkeypatch.setenv("CI", "true")
    quiet = Terminal()
    Progress(quiet).task("parse", 3)
    assert quiet.getvalue() == ""
    monkeypatch.delenv("CI")
    pipe = io.StringIO()
    Progress(pipe).task("parse", 3)
    assert pipe.getvalue() == ""


def test_a_run_on_a_pipe_prints_no_progress_and_timings_on_request(tmp_path: Path) -> None:
    project = project_of(tmp_path / "p", ROOT / "specs", "financials_api")
    result = docgen(project, "parse", str(ROOT / "specs"), "--timings", seed="0")
    assert result.returncode == 0
    assert "\r" not in result.stderr
    table = result.stderr.split("docgen: timings\n", 1)[1]
    stages = [line.split()[0] for line in table.splitlines()]
    assert stages[:6] == ["read", "parse", "link", "render", "format", "write"] and stages[-1] == "total"


def test_timings_sum_stages() -> None:
    timings = Timings()
    with timings.stage("parse"):
        pass
    timings.add("parse", 1.0)
    assert timings.seconds["parse"] >= 1.0
    assert "  parse     1.0" in timings.table()
