"""Planted files cannot make docgen act outside its output folder.

The output folder, its manifest and docgen's staging folder can all come from a
pull request. Each test plants one attack in a project, runs the command as a
user would, and checks that nothing outside the output folder (and nothing of
the user's inside it) changed, and that the run stops with exit 2 naming the
planted file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from test_cli import fake_renderer, project, run, tree  # noqa: F401  (fixtures)

from docgen import output
from docgen.output import MANIFEST, OutputError, staging_dir, write_tree


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _victim(project: Path) -> Path:
    """A file of the user's outside the output folder."""
    victim = project / "elsewhere" / "secret.txt"
    victim.parent.mkdir()
    victim.write_text("keep me\n", encoding="utf-8")
    return victim


def test_a_manifest_line_behind_a_symlinked_folder_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    victim = _victim(project)
    (project / "gen" / "link").symlink_to(victim.parent, target_is_directory=True)
    manifest = project / "gen" / MANIFEST
    line = _sha(b"keep me\n") + "  link/secret.txt\n"
    manifest.write_text(manifest.read_text(encoding="utf-8") + line, encoding="utf-8")

    for command in ("generate", "check"):
        code, _, err = run(capsys, command)
        assert code == 2, (command, err)
        assert "link/secret.txt" in err and "symlink" in err
        assert "Traceback" not in err
    assert victim.read_text(encoding="utf-8") == "keep me\n"


def test_a_generated_file_behind_a_symlinked_folder_is_never_written_through(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    folder = project / "gen" / "shop" / "v1_0"
    elsewhere = project / "elsewhere"
    folder.rename(elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "widget_routes.txt").write_text("changed\n", encoding="utf-8")
    before = tree(elsewhere)

    code, _, err = run(capsys, "generate")
    assert code == 2 and "shop/v1_0/" in err and "symlink" in err
    assert tree(elsewhere) == before


def _plant_journal(project: Path, ops: list[dict[str, object]]) -> Path:
    staging = staging_dir(project / "gen")
    staging.mkdir()
    journal = staging / "journal.json"
    journal.write_text(json.dumps({"version": 2, "ops": ops, "dirs": []}), encoding="utf-8")
    return journal


def test_a_planted_journal_does_not_delete_a_users_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "generate")[0] == 0
    notes = project / "gen" / "notes.txt"
    notes.write_text("mine\n", encoding="utf-8")
    for planted in (
        [{"op": "create", "path": "notes.txt"}],  # the old journal's shape
        [{"op": "create", "path": "notes.txt", "sha256": _sha(b"mine\n"), "inode": 1}],  # digest known, inode guessed
    ):
        journal = _plant_journal(project, planted)
        before = tree(project)
        for command in ("generate", "check"):
            code, _, err = run(capsys, command)
            assert code == 2 and command in ("generate", "check")
            assert "Traceback" not in err
        assert str(journal) in err or "journal.json" in err
        assert tree(project) == before
        assert notes.read_text(encoding="utf-8") == "mine\n"
        output.shutil.rmtree(journal.parent)


def test_a_planted_journal_cannot_reach_through_a_symlink(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "generate")[0] == 0
    victim = _victim(project)
    (project / "gen" / "link").symlink_to(victim.parent, target_is_directory=True)
    ops: list[dict[str, object]] = [
        {"op": "create", "path": "link/secret.txt", "sha256": _sha(b"keep me\n"), "inode": victim.stat().st_ino}
    ]
    _plant_journal(project, ops)
    code, _, err = run(capsys, "generate")
    assert code == 2 and "link/secret.txt" in err
    assert victim.read_text(encoding="utf-8") == "keep me\n"


def test_a_planted_backup_cannot_replace_a_users_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "generate")[0] == 0
    notes = project / "gen" / "notes.txt"
    notes.write_text("mine\n", encoding="utf-8")
    journal = _plant_journal(project, [{"op": "replace", "path": "notes.txt", "sha256": _sha(b"x"), "inode": 0}])
    (journal.parent / "old").mkdir()
    (journal.parent / "old" / "notes.txt").write_text("attacker\n", encoding="utf-8")
    code, _, err = run(capsys, "generate")
    assert code == 2 and "notes.txt" in err
    assert notes.read_text(encoding="utf-8") == "mine\n"


def test_a_staging_folder_that_is_a_symlink_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "generate")[0] == 0
    victim = _victim(project)
    staging_dir(project / "gen").symlink_to(victim.parent, target_is_directory=True)
    (project / "docs/v1.0/api/widget-get.md").write_text("# Get widget\n", encoding="utf-8")  # something to write
    code, _, err = run(capsys, "generate")
    assert code == 2 and ".docgen-staging-gen" in err and "Traceback" not in err
    assert victim.read_text(encoding="utf-8") == "keep me\n"


def test_leftovers_of_a_run_killed_before_its_commit_are_removed_by_a_no_change_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    staging = staging_dir(project / "gen")
    (staging / "new").mkdir(parents=True)
    (staging / "new" / "half.py").write_text("x = ", encoding="utf-8")
    assert run(capsys, "generate")[0] == 0
    assert not staging.exists()


def test_an_interrupted_run_is_still_undone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks on the journal accept the journal docgen itself leaves when killed."""
    out = tmp_path / "gen"
    write_tree(out, {"a.py": "a = 1\n", "b/c.py": "c = 1\n"})
    before = tree(out)
    real_unlink = output.Path.unlink

    def die_at_the_journal(self: Path, missing_ok: bool = False) -> None:
        if self.name == "journal.json":
            raise KeyboardInterrupt  # killed before the commit is marked done
        real_unlink(self, missing_ok)

    monkeypatch.setattr(output.Path, "unlink", die_at_the_journal)
    with pytest.raises(KeyboardInterrupt):
        write_tree(out, {"a.py": "a = 2\n", "d.py": "d = 1\n"})
    monkeypatch.setattr(output.Path, "unlink", real_unlink)
    assert tree(out) != before
    assert write_tree(out, {"a.py": "a = 1\n", "b/c.py": "c = 1\n"}).recovered
    assert tree(out) == before
    assert not staging_dir(out).exists()


def test_a_journal_naming_a_changed_file_is_refused_before_anything_moves(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write_tree(out, {"a.py": "a = 1\n"})
    staging = staging_dir(out)
    staging.mkdir()
    stat = (out / "a.py").stat()
    ops = [{"op": "create", "path": "a.py", "sha256": _sha(b"a = 2\n"), "inode": stat.st_ino}]
    (staging / "journal.json").write_text(json.dumps({"version": 2, "ops": ops, "dirs": []}), encoding="utf-8")
    with pytest.raises(OutputError, match="not the file docgen put there"):
        write_tree(out, {"a.py": "a = 3\n"})
    assert (out / "a.py").read_text(encoding="utf-8") == "a = 1\n"
