"""Incremental runs: nothing changed means nothing parsed, rendered or formatted; an edit
re-does only what it feeds; the result is always what a run from scratch gives.

The run from scratch ("reference") parses and renders everything; it shares only
black's outputs (keyed by black's input) with the run under test, so that the
tests stay fast on one core.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from docgen.cache import DATABASE, Cache
from docgen.config import Config
from docgen.produce import produce
from docgen.output import write_tree

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "financials_api"


def docgen(project: Path, *args: str, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
    env.pop("CI", None)
    return subprocess.run(
        [sys.executable, "-m", "docgen", *args], cwd=project, env=env, capture_output=True, text=True, timeout=900
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def warm_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("incremental")
    shutil.copytree(ROOT / "specs", project / "specs")
    (project / "pyproject.toml").write_text(
        f'[tool.docgen]\nspecs = "specs"\nout = "generated"\npackage = "{PACKAGE}"\n', encoding="utf-8"
    )
    result = docgen(project, "generate")
    assert result.returncode == 0, result.stderr[-3000:]
    return project


@pytest.fixture
def project(tmp_path: Path, warm_project: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(warm_project, copy)
    return copy


def config_of(project: Path, cache: str = ".docgen-cache", templates: Path | None = None) -> Config:
    return Config(
        specs=project / "specs",
        out=project / "generated",
        package=PACKAGE,
        templates=templates,
        root=project,
        cache=project / cache,
    )


def reference(project: Path, templates: Path | None = None) -> dict[str, str]:
    """The files from scratch: every page parsed, every file rendered (black's outputs shared)."""
    folder = project / "reference-cache"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    source = sqlite3.connect(project / ".docgen-cache" / DATABASE)
    source.execute(f"VACUUM INTO '{folder / DATABASE}'")
    source.close()
    db = sqlite3.connect(folder / DATABASE)
    db.execute("DELETE FROM entries WHERE kind <> 'format'")
    db.commit()
    db.close()
    cache = Cache(folder)
    outcome = produce(config_of(project, "reference-cache", templates), jobs=1, cache=cache)
    files = outcome.files
    cache.close()
    assert cache.stats.hits.get("page", 0) == 0 and cache.stats.hits.get("render", 0) == 0
    return files


def incremental(project: Path, templates: Path | None = None) -> tuple[dict[str, str], Cache]:
    cache = Cache(project / ".docgen-cache")
    outcome = produce(config_of(project, templates=templates), jobs=1, cache=cache)
    files = outcome.files
    cache.close()
    return files, cache


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------- nothing changed


def test_check_with_nothing_changed_parses_renders_and_formats_nothing(project: Path) -> None:
    probe = (
        "import sys; from docgen.cli import main; code = main(['check']); "
        "print(code, sorted(m for m in ('markdown_it', 'jinja2', 'black', 'docgen.parse', 'docgen.render') "
        "if m in sys.modules))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("CI", None)
    result = subprocess.run([sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "0 []", result.stderr[-3000:]
    assert "is up to date" in result.stderr


def test_generate_with_nothing_changed_writes_nothing(project: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (project / "generated").rglob("*") if p.is_file()}
    result = docgen(project, "generate")
    assert result.returncode == 0 and "is up to date" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in (project / "generated").rglob("*") if p.is_file()} == before


def test_a_hand_edited_output_file_is_caught_and_restored(project: Path) -> None:
    target = next(p for p in sorted((project / "generated").rglob("*.py")) if p.stat().st_size > 200)
    original = target.read_bytes()
    target.write_bytes(original + b"# edited by hand\n")
    result = docgen(project, "check")
    assert result.returncode == 1 and "+++ b/" in result.stdout
    assert docgen(project, "generate").returncode == 0
    assert target.read_bytes() == original


# --------------------------------------------------------------------- edits


def test_a_prose_edit_redoes_only_the_files_of_that_page(project: Path) -> None:
    page = project / "specs/v1.0/api/customer-get.md"
    edit(page, 'description: "Retrieve the properties', 'description: "Fetch the properties')
    files, cache = incremental(project)
    assert cache.stats.misses.get("page") == 1
    rendered = cache.stats.misses.get("render", 0)
    # the resource's client, service, router, memory and tests; the version's OpenAPI document and its app's
    # route table, which are made from every page (rendered again, formatted only when their text changed)
    assert 1 <= rendered <= 7, cache.stats
    # the version's OpenAPI document is joined again from its parts: only the page's resource's part is made
    assert cache.stats.misses.get("part") == 1 and cache.stats.hits.get("part", 0) >= 3, cache.stats
    assert cache.stats.misses.get("format", 0) <= rendered
    assert files == reference(project)
    assert any("Fetch the properties" in text for text in files.values())


def test_generate_after_the_hooks_check_takes_the_files_from_the_cache(project: Path) -> None:
    """The pre-commit hook runs check (which fails) and then generate: generate finds the run
    check made and takes its files' texts from the cache, parsing and rendering nothing."""
    page = project / "specs/v1.0/api/customer-get.md"
    edit(page, 'description: "Retrieve the properties', 'description: "Fetch the properties')
    files, _ = incremental(project)  # the hook's check: it makes the files (and finds them changed)
    again, cache = incremental(project)  # then generate
    assert again == files == reference(project)
    assert cache.stats.hits.get("run") == 1
    assert not cache.stats.hits.get("page") and not cache.stats.misses.get("page"), cache.stats
    assert not cache.stats.misses.get("render") and not cache.stats.misses.get("format"), cache.stats


def test_generate_after_an_edit_writes_only_changed_files(project: Path) -> None:
    out = project / "generated"
    before = {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    edit(project / "specs/v1.0/api/customer-get.md", "Retrieve the properties", "Read the properties")
    result = docgen(project, "generate")
    assert result.returncode == 0, result.stderr
    changed = {
        path
        for path, (data, mtime) in before.items()
        if (out / path).read_bytes() != data or (out / path).stat().st_mtime_ns != mtime
    }
    assert changed and all((out / path).read_bytes() != before[path][0] for path in changed)
    assert len(changed) <= 7, changed  # the page's files and the manifest


EDITS: dict[str, Callable[[Path], None]] = {
    "example body": lambda p: edit(p / "specs/v1.0/api/customer-get.md", '"displayName": "', '"displayName": "Edited '),
    "property type": lambda p: edit(p / "specs/v1.0/resources/customer.md", "|number|String|", "|number|Int32|"),
    "property renamed": lambda p: edit(p / "specs/v1.0/resources/customer.md", "|displayName|", "|shownName|"),
    "new property": lambda p: edit(
        p / "specs/v1.0/resources/customer.md", "|number|String|", "|nickname|String|A short name.|\n|number|String|"
    ),
    "page removed": lambda p: (p / "specs/v1.0/api/customer-delete.md").unlink(),
    "page added": lambda p: (p / "specs/v1.0/api/customer-get-again.md").write_text(
        (p / "specs/v1.0/api/customer-get.md").read_text(encoding="utf-8").replace("# Get customer", "# Get customer again"),
        encoding="utf-8",
    ),
    "beta only": lambda p: edit(p / "specs/beta/api/customer-get.md", "Retrieve", "Fetch"),
    "type description": lambda p: edit(p / "specs/v1.0/resources/customer.md", "who the company sells to", "whom it sells to"),
    "property description": lambda p: edit(
        p / "specs/v1.0/resources/customer.md", "|The name of the customer.|", "|What the customer is called.|"
    ),
    "request line": lambda p: edit(p / "specs/v1.0/api/customer-get.md", "GET /financials/companies/{companyId}/customers/{customerId}", "GET /financials/companies/{companyId}/customers/{id}"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_any_edit_gives_what_a_run_from_scratch_gives(project: Path, name: str) -> None:
    EDITS[name](project)
    files, cache = incremental(project)
    assert cache.stats.misses.get("page", 0) <= 1
    assert files == reference(project)


def test_a_series_of_edits_stays_right(project: Path) -> None:
    for name in sorted(EDITS):
        EDITS[name](project)
        files, _ = incremental(project)
    assert files == reference(project)
    cache = Cache(project / ".docgen-cache")
    write_tree(project / "generated", files, produce(config_of(project), jobs=1, cache=cache).manifest)
    cache.close()
    assert docgen(project, "check").returncode == 0


def test_a_template_edit_renders_only_the_files_of_that_template(project: Path) -> None:
    templates = project / "my-templates"
    templates.mkdir()
    original = (ROOT / "templates/router.py.jinja").read_text(encoding="utf-8")
    (templates / "router.py.jinja").write_text(original.replace("\n", "\n# edited template\n", 1), encoding="utf-8")
    files, cache = incremental(project, templates)
    routers = [path for path in files if "/server/routers/" in path and not path.endswith("__init__.py")]
    assert routers and all("# edited template" in files[path] for path in routers)
    assert cache.stats.misses.get("render", 0) == len(routers)  # a file's template is one of its declared inputs
    assert cache.stats.misses.get("format", 0) == len(routers)
    assert files == reference(project, templates)


# --------------------------------------------------------------------- concurrency and hooks


def test_two_generates_at_once_give_the_right_tree_and_an_intact_cache(project: Path) -> None:
    expected = tree(project / "generated")
    shutil.rmtree(project / "generated")
    shutil.rmtree(project / ".docgen-cache")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("CI", None)
    command = [sys.executable, "-m", "docgen", "generate", "--jobs", "1"]
    runs = [subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=900)
        assert run.returncode == 0, err[-3000:]
        assert "cache not used" not in err
    assert tree(project / "generated") == expected
    db = sqlite3.connect(project / ".docgen-cache" / DATABASE)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    result = docgen(project, "check")
    assert result.returncode == 0 and "is up to date" in result.stderr


def test_the_pre_commit_hooks_after_a_one_page_edit(project: Path) -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    env = dict(os.environ, PYTHONPATH=str(ROOT), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    env.pop("CI", None)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)

    def hook(name: str) -> subprocess.CompletedProcess[str]:
        entry = shlex.split(hooks[name]["entry"])
        assert entry[0] == "docgen" and hooks[name]["pass_filenames"] is False
        return subprocess.run([sys.executable, "-m", "docgen", *entry[1:], *hooks[name].get("args", [])],
                              cwd=project, env=env, capture_output=True, text=True, timeout=900)

    (project / ".gitignore").write_text(".docgen-cache/\n.docgen-staging-*/\n", encoding="utf-8")
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "docs and generated code")
    assert hook("docgen-check").returncode == 0
    edit(project / "specs/v1.0/api/customer-get.md", "Retrieve the properties", "Read the properties")
    stale = hook("docgen-check")
    assert stale.returncode == 1 and "Read the properties" in stale.stdout
    assert "\r" not in stale.stderr  # no progress line on a pipe
    assert hook("docgen-generate").returncode == 0
    assert hook("docgen-check").returncode == 0
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True)
    changed = [line[3:] for line in status.stdout.splitlines()]
    assert "specs/v1.0/api/customer-get.md" in changed
    assert all(path.startswith(("specs/", "generated/")) for path in changed), changed


# --------------------------------------------------------------------- file status


def _age(path: Path, seconds: int = 60) -> None:
    """Make a file look old enough for its status to be trusted."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


def test_a_page_changed_behind_the_recorded_status_is_seen(project: Path) -> None:
    page = project / "specs/v1.0/api/customer-get.md"
    _age(page)
    assert docgen(project, "generate").returncode == 0
    assert docgen(project, "check").returncode == 0  # the page's status is recorded now
    before = page.stat()
    text = page.read_text(encoding="utf-8")
    swapped = text.replace('description: "Retrieve', 'description: "Retreive', 1)
    assert len(swapped) == len(text) and swapped != text
    page.write_text(swapped, encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime: ctime differs
    result = docgen(project, "check")
    assert result.returncode == 1 and "Retreive" in result.stdout


def test_an_output_file_changed_behind_the_recorded_status_is_seen(project: Path) -> None:
    for path in (project / "generated").rglob("*"):
        if path.is_file():
            _age(path)
    assert docgen(project, "check").returncode == 0  # hashes every file and records their status
    assert docgen(project, "check").returncode == 0  # trusts the status
    target = next(p for p in sorted((project / "generated").rglob("*.py")) if p.stat().st_size > 200)
    before = target.stat()
    data = target.read_bytes()
    target.write_bytes(data[:-2] + b"#\n")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = docgen(project, "check")
    assert result.returncode == 1 and "changed" in result.stderr


def test_the_manifest_is_in_the_output_modules_format(project: Path) -> None:
    from docgen.output import manifest_text

    cache = Cache(project / ".docgen-cache")
    outcome = produce(config_of(project), jobs=1, cache=cache)
    files = [line for line in outcome.manifest.splitlines(keepends=True) if not line.startswith("#")]
    assert "".join(files) == manifest_text(outcome.files)
    cache.close()
