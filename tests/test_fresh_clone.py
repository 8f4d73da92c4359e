"""A run with no cache (a fresh clone in CI) formats only what changed, by the output folder's manifest.

The manifest records, for every generated file, the digest of its text before
formatting and the formatter that made it; a file whose text and formatter are
the recorded ones, and whose bytes on disk still have the recorded digest, is
read instead of being formatted. Whatever does not agree (a file or a manifest
edited by hand, a truncated manifest, another formatter) is formatted again:
the result is always the one a run formatting everything gives.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

import docgen.fmt
from docgen.cli import main
from docgen.output import MANIFEST

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "financials_api"
PAGE = "specs/v1.0/api/customer-get.md"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """The repository's pages and committed output, as a fresh clone has them: no cache."""
    project = tmp_path / "clone"
    project.mkdir()
    shutil.copytree(ROOT / "specs", project / "specs")
    shutil.copytree(ROOT / "generated", project / "generated", ignore=shutil.ignore_patterns("__pycache__", ".*cache"))
    (project / "pyproject.toml").write_text(
        f'[tool.docgen]\nspecs = "specs"\nout = "generated"\npackage = "{PACKAGE}"\n', encoding="utf-8"
    )
    return project


class Black:
    """Counts the texts black formats in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.texts: list[str] = []
        original = docgen.fmt.format_python

        def counted(text: str) -> str:
            self.texts.append(text)
            return original(text)

        monkeypatch.setattr(docgen.fmt, "format_python", counted)


def run(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """``docgen ARGS`` in this process, on one core (so black is called here, where it is counted)."""
    monkeypatch.chdir(project)
    monkeypatch.delenv("CI", raising=False)
    return main([*args, "--jobs", "1"])


def edit_page(project: Path) -> None:
    page = project / PAGE
    text = page.read_text(encoding="utf-8")
    assert 'description: "Retrieve the properties' in text
    page.write_text(text.replace('description: "Retrieve the properties', 'description: "Fetch the properties', 1), encoding="utf-8")


def test_check_on_a_fresh_clone_formats_nothing(clone: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    black = Black(monkeypatch)
    modules_before = "black" in sys.modules
    assert run(clone, monkeypatch, "check") == 0
    assert black.texts == []
    if not modules_before:
        assert "black" not in sys.modules
    assert (clone / ".docgen-cache").is_dir()  # and the cache is warm for the next run
    assert run(clone, monkeypatch, "check") == 0
    assert black.texts == []


def test_a_one_page_edit_on_a_fresh_clone_formats_only_the_files_it_changes(
    clone: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = tree(clone / "generated")
    edit_page(clone)
    black = Black(monkeypatch)
    assert run(clone, monkeypatch, "generate", "--no-cache") == 0
    after = tree(clone / "generated")
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert MANIFEST in changed and len(changed) >= 2
    python = [path for path in changed if path.endswith(".py")]
    assert len(black.texts) == len(python), changed  # each changed Python file once, nothing else
    assert any("Fetch the properties" in text for text in black.texts)
    # the same bytes as a run that formats everything (no manifest, no cache)
    scratch = tmp_path / "scratch"
    shutil.copytree(clone, scratch, ignore=shutil.ignore_patterns(".docgen-cache"))
    shutil.rmtree(scratch / "generated")
    assert run(scratch, monkeypatch, "generate", "--no-cache") == 0
    assert tree(scratch / "generated") == after


def test_a_hand_edited_file_on_a_fresh_clone_is_caught_and_restored(
    clone: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = clone / "generated" / PACKAGE / "v1_0" / "models" / "customer.py"
    original = target.read_bytes()
    target.write_bytes(original.replace(b"class Customer", b"class Customer  ", 1))  # black would undo it
    black = Black(monkeypatch)
    assert run(clone, monkeypatch, "check") == 1
    assert "changed: financials_api/v1_0/models/customer.py" in capsys.readouterr().err
    assert len(black.texts) == 1  # the edited file only: its text is formatted again
    assert run(clone, monkeypatch, "generate") == 0
    assert target.read_bytes() == original


@pytest.mark.parametrize(
    "damage",
    ["truncated", "missing", "rendered digest edited", "file digest edited", "other formatter", "two formatters", "garbage"],
)
def test_a_damaged_manifest_costs_formatting_never_a_wrong_result(
    clone: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    expected = tree(clone / "generated")
    manifest = clone / "generated" / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    rendered = [i for i, line in enumerate(lines) if line.startswith("#") and "  " in line]
    files = [i for i, line in enumerate(lines) if not line.startswith("#")]
    if damage == "truncated":
        manifest.write_bytes(text.encode("utf-8")[: len(text) * 2 // 3])
    elif damage == "missing":
        manifest.unlink()
    elif damage == "rendered digest edited":
        lines[rendered[0]] = "#" + "0" * 64 + lines[rendered[0]][65:]
        manifest.write_text("".join(lines), encoding="utf-8")
    elif damage == "file digest edited":
        lines[files[0]] = "f" * 64 + lines[files[0]][64:]
        manifest.write_text("".join(lines), encoding="utf-8")
    elif damage == "other formatter":
        manifest.write_text(text.replace("# formatted from the texts below by black ", "# formatted from the texts below by black 0"), encoding="utf-8")
    elif damage == "two formatters":
        manifest.write_text(text + "# formatted from the texts below by black 0.1\n", encoding="utf-8")
    else:
        manifest.write_bytes(b"\x00\xff<<<<<<< HEAD\n" + text.encode("utf-8")[::-1])
    black = Black(monkeypatch)
    assert run(clone, monkeypatch, "check", "--no-cache") == 1  # the manifest is not the one generate writes
    assert black.texts  # what the manifest no longer vouches for is formatted again
    if damage in ("other formatter", "two formatters", "missing", "garbage"):
        assert len(black.texts) == len([path for path in expected if path.endswith(".py")])
    assert run(clone, monkeypatch, "generate", "--no-cache") == 0
    assert tree(clone / "generated") == expected
    assert run(clone, monkeypatch, "check", "--no-cache") == 0


def test_the_manifest_records_each_files_text_before_formatting(clone: Path) -> None:
    from docgen.config import Config
    from docgen.pipeline import build, load_pages
    from docgen.render import render_unformatted

    config = Config(specs=clone / "specs", out=clone / "generated", package=PACKAGE)
    texts = render_unformatted(build(load_pages(config.specs, config)), config)
    lines = (clone / "generated" / MANIFEST).read_text(encoding="utf-8").splitlines()
    recorded = dict(reversed(line[1:].split("  ", 1)) for line in lines if line.startswith("#") and "  " in line)
    assert recorded == {path: hashlib.sha256(text.encode("utf-8")).hexdigest() for path, text in texts.items()}
    assert f"# formatted from the texts below by {docgen.fmt.formatter()}" in lines
    assert docgen.fmt.formatter().startswith("black 26.")


def test_output_is_the_same_with_and_without_a_cache(clone: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    edit_page(clone)
    other = tmp_path / "other"
    shutil.copytree(clone, other)
    assert run(clone, monkeypatch, "generate") == 0  # a cache built on the way
    assert run(clone, monkeypatch, "generate") == 0  # and used
    assert run(other, monkeypatch, "generate", "--no-cache") == 0
    assert tree(clone / "generated") == tree(other / "generated")
    assert not (other / ".docgen-cache").exists()
