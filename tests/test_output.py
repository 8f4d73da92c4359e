"""docgen.output: only changed files written, the user's files never touched, old tree or new tree."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from docgen import output
from docgen.output import MANIFEST, OutputConflict, check_tree, staging_dir, write_tree

OLD = {
    "pkg/__init__.py": "",
    "pkg/models/customer.py": "class Customer:\n    pass\n",
    "pkg/models/company.py": "class Company:\n    pass\n",
    "pkg/gone/only.py": "x = 1\n",
}
NEW = {
    "pkg/__init__.py": "",
    "pkg/models/customer.py": "class Customer:\n    name: str\n",
    "pkg/models/company.py": "class Company:\n    pass\n",
    "pkg/models/vendor.py": "class Vendor:\n    pass\n",
    "pkg/new/deep/mod.py": "y = 2\n",
}


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (folders shown with a trailing slash)."""
    found: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        found[rel + "/" if path.is_dir() else rel] = b"" if path.is_dir() else path.read_bytes()
    return found


def files_of(tree: dict[str, bytes]) -> dict[str, bytes]:
    return {p: b for p, b in tree.items() if not p.endswith("/") and p != MANIFEST}


def expected(files: dict[str, str]) -> dict[str, bytes]:
    return {p: t.encode("utf-8") for p, t in files.items()}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "generated"


def test_first_write_creates_files_and_manifest(out: Path) -> None:
    report = write_tree(out, OLD)
    assert report.created == tuple(sorted(OLD))
    assert report.updated == report.removed == ()
    assert files_of(snapshot(out)) == expected(OLD)
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert lines == [f"{hashlib.sha256(OLD[p].encode()).hexdigest()}  {p}" for p in sorted(OLD)]
    assert not staging_dir(out).exists()


def test_bytes_are_written_as_given_utf8_and_lf(out: Path) -> None:
    write_tree(out, {"a.py": 's = "caf\u00e9 \u2014 ok"\nt = 1\n'})
    assert (out / "a.py").read_bytes() == 's = "caf\u00e9 \u2014 ok"\nt = 1\n'.encode("utf-8")


def test_unchanged_files_are_not_rewritten(out: Path) -> None:
    write_tree(out, OLD)
    before = {p: (out / p).stat() for p in OLD}
    report = write_tree(out, OLD)
    assert not report.changed and report.unchanged == len(OLD)
    for path, st in before.items():
        after = (out / path).stat()
        assert (after.st_ino, after.st_mtime_ns) == (st.st_ino, st.st_mtime_ns), path


def test_only_changed_files_are_replaced_and_stale_ones_removed(out: Path) -> None:
    write_tree(out, OLD)
    company = (out / "pkg/models/company.py").stat()
    report = write_tree(out, NEW)
    assert report.created == ("pkg/models/vendor.py", "pkg/new/deep/mod.py")
    assert report.updated == ("pkg/models/customer.py",)
    assert report.removed == ("pkg/gone/only.py",)
    assert report.unchanged == 2
    assert files_of(snapshot(out)) == expected(NEW)
    assert not (out / "pkg/gone").exists()  # emptied by the removal
    same = (out / "pkg/models/company.py").stat()
    assert (same.st_ino, same.st_mtime_ns) == (company.st_ino, company.st_mtime_ns)


def test_users_files_are_never_touched(out: Path) -> None:
    write_tree(out, OLD)
    mine = {
        "README.md": b"my notes\n",
        "pkg/gone/keep_me.py": b"# mine, beside a generated file that goes away\n",
        "pkg/models/custom.py": b"# mine\n",
    }
    for path, data in mine.items():
        (out / path).write_bytes(data)
    stats = {p: (out / p).stat().st_mtime_ns for p in mine}
    write_tree(out, NEW)
    write_tree(out, {})
    for path, data in mine.items():
        assert (out / path).read_bytes() == data
        assert (out / path).stat().st_mtime_ns == stats[path]
    assert files_of(snapshot(out)) == mine


def test_a_users_file_at_a_generated_path_is_a_conflict_and_nothing_is_written(out: Path) -> None:
    write_tree(out, OLD)
    (out / "pkg/models/vendor.py").write_text("# mine\n", encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(OutputConflict) as caught:
        write_tree(out, NEW)
    assert caught.value.paths == ("pkg/models/vendor.py",)
    assert snapshot(out) == before
    assert not staging_dir(out).exists()
    report = check_tree(out, NEW)
    assert report.conflicts == ("pkg/models/vendor.py",) and not report.ok


def test_a_file_already_holding_the_generated_bytes_is_adopted(out: Path) -> None:
    out.mkdir()
    (out / "a.py").write_text("a = 1\n", encoding="utf-8")
    report = write_tree(out, {"a.py": "a = 1\n"})
    assert report.unchanged == 1
    assert "  a.py" in (out / MANIFEST).read_text(encoding="utf-8")
    assert check_tree(out, {"a.py": "a = 1\n"}).ok


class Boom(Exception):
    pass


def fail_on_move(monkeypatch: pytest.MonkeyPatch, after: int, exc: BaseException) -> list[str]:
    """Make the commit loop raise ``exc`` after ``after`` moves."""
    done: list[str] = []
    real = output._commit_one

    def commit_one(staging: Path, out: Path, op: output._Op) -> None:
        if len(done) == after:
            raise exc
        real(staging, out, op)
        done.append(op.path)

    monkeypatch.setattr(output, "_commit_one", commit_one)
    return done


@pytest.mark.parametrize("after", [0, 1, 3, 4])  # 5 moves: 2 creates, 1 replace, 1 delete, manifest
@pytest.mark.parametrize("exc", [Boom("disk on fire"), KeyboardInterrupt()])
def test_an_interrupted_write_leaves_the_old_tree(
    out: Path, monkeypatch: pytest.MonkeyPatch, after: int, exc: BaseException
) -> None:
    write_tree(out, OLD)
    (out / "mine.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(out)
    done = fail_on_move(monkeypatch, after, exc)
    with pytest.raises(type(exc)):
        write_tree(out, NEW)
    assert len(done) == after
    assert snapshot(out) == before
    assert not staging_dir(out).exists()
    monkeypatch.undo()
    write_tree(out, NEW)
    assert files_of(snapshot(out)) == {**expected(NEW), "mine.txt": b"mine\n"}


def test_a_killed_write_is_undone_by_the_next_run(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(out, OLD)
    before = snapshot(out)
    fail_on_move(monkeypatch, 3, Boom("killed"))
    monkeypatch.setattr(output, "_abort", lambda staging, out: None)  # the process died: no clean-up
    with pytest.raises(Boom):
        write_tree(out, NEW)
    monkeypatch.undo()
    assert snapshot(out) != before  # a mix on disk, with the journal beside it
    assert (staging_dir(out) / output.JOURNAL).exists()
    report = check_tree(out, OLD)
    assert report.interrupted and not report.ok
    again = write_tree(out, OLD)  # undoes first: the old tree, so nothing else to do
    assert again.recovered and not again.changed
    assert snapshot(out) == before
    assert not staging_dir(out).exists()


def test_a_write_killed_after_every_move_is_undone_too(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(out, OLD)
    before = snapshot(out)
    monkeypatch.setattr(output.Path, "unlink", _unlink_but_not_journal(output.Path.unlink))
    with pytest.raises(Boom):
        write_tree(out, NEW)
    monkeypatch.undo()
    assert files_of(snapshot(out)) == expected(NEW)  # every move made, commit not marked done
    report = write_tree(out, NEW)
    assert report.recovered
    assert files_of(snapshot(out)) == expected(NEW)
    assert snapshot(out) != before


def _unlink_but_not_journal(real: object) -> object:
    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.name == output.JOURNAL:
            raise Boom("killed just before marking the commit done")
        real(self, missing_ok=missing_ok)  # type: ignore[operator]

    return unlink


def test_a_staging_folder_left_before_the_commit_point_is_dropped(out: Path) -> None:
    write_tree(out, OLD)
    before = snapshot(out)
    (staging_dir(out) / "new/pkg").mkdir(parents=True)
    (staging_dir(out) / "new/pkg/half.py").write_text("half", encoding="utf-8")
    assert check_tree(out, OLD).ok
    report = write_tree(out, OLD)
    assert not report.recovered and not report.changed
    assert snapshot(out) == before and not staging_dir(out).exists()


def test_check_lists_sorted_differences_with_diffs_and_writes_nothing(out: Path) -> None:
    write_tree(out, OLD)
    before = snapshot(out)
    report = check_tree(out, NEW)
    assert snapshot(out) == before and not staging_dir(out).exists()
    assert report.missing == ("pkg/models/vendor.py", "pkg/new/deep/mod.py")
    assert report.extra == ("pkg/gone/only.py",)
    assert report.changed == (MANIFEST, "pkg/models/customer.py")
    assert not report.ok
    joined = "".join(report.diffs)
    assert "--- a/pkg/models/customer.py\n+++ b/pkg/models/customer.py\n" in joined
    assert "-    pass\n+    name: str\n" in joined
    assert "--- a/pkg/gone/only.py\n+++ /dev/null\n" in joined and "-x = 1\n" in joined  # removed, as git writes it
    assert "+++ b/pkg/models/vendor.py\n" in joined
    assert joined.endswith(f"+++ b/{MANIFEST}\n" + joined.split(f"+++ b/{MANIFEST}\n", 1)[1])  # the manifest's diff last
    assert joined.index(f"--- a/{MANIFEST}") > joined.index("pkg/new/deep/mod.py")
    write_tree(out, NEW)
    assert check_tree(out, NEW).ok


def test_check_of_a_missing_folder_lists_everything_as_missing(out: Path) -> None:
    report = check_tree(out, {"b.py": "b\n", "a.py": "a"})
    assert report.missing == (MANIFEST, "a.py", "b.py")
    assert "\\ No newline at end of file" in report.diffs[0]
    assert not out.exists()


def test_check_is_ok_exactly_when_write_would_do_nothing(out: Path) -> None:
    write_tree(out, OLD)
    (out / MANIFEST).unlink()  # the files are still right, but the manifest is gone
    assert check_tree(out, OLD).missing == (MANIFEST,)
    assert write_tree(out, OLD).unchanged == len(OLD)
    assert check_tree(out, OLD).ok


def test_the_manifest_cannot_reach_outside_the_folder(out: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.py"
    victim.write_text("precious\n", encoding="utf-8")
    write_tree(out, {"a.py": "a\n"})
    sha = "0" * 64
    with (out / MANIFEST).open("a", encoding="utf-8") as f:
        f.write(f"{sha}  ../victim.py\n{sha}  /etc/hostname\n")
    write_tree(out, {"a.py": "a\n"})
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_a_merged_manifest_counts_the_files_of_both_sides(out: Path) -> None:
    write_tree(out, {"a.py": "a\n", "b.py": "b\n"})
    text = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    (out / MANIFEST).write_text(
        f"<<<<<<< HEAD\n{text[0]}\n=======\n{text[1]}\n>>>>>>> other\n", encoding="utf-8"
    )
    report = write_tree(out, {"c.py": "c\n"})
    assert report.removed == ("a.py", "b.py")


@pytest.mark.parametrize("bad", ["", "/abs.py", "../up.py", "a/../b.py", "a//b.py", "./a.py", MANIFEST, "a\\b.py"])
def test_invalid_output_paths_are_a_bug(out: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        write_tree(out, {bad: "x"})


def test_diffs_split_lines_at_lf_only(out: Path) -> None:
    write_tree(out, {"a.py": "x = '\u2028'\ny = 1\n"})
    diff = check_tree(out, {"a.py": "x = '\u2028'\ny = 2\n"}).diffs[0]
    assert diff == "--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n x = '\u2028'\n-y = 1\n+y = 2\n"


def test_a_symlinked_output_folder_is_staged_beside_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real" / "generated"
    real.mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(real)
    write_tree(link, OLD)
    assert files_of(snapshot(real)) == expected(OLD)
    assert staging_dir(link) == tmp_path / "real" / ".docgen-staging-generated"
    assert check_tree(link, OLD).ok


def test_two_writes_at_once_are_serialised(out: Path) -> None:
    import threading

    write_tree(out, OLD)
    errors: list[BaseException] = []

    def write(files: dict[str, str]) -> None:
        try:
            for _ in range(5):
                write_tree(out, files)
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(files,)) for files in (OLD, NEW)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = files_of(snapshot(out))
    assert final in (expected(OLD), expected(NEW))
    assert check_tree(out, OLD if final == expected(OLD) else NEW).ok
    assert not staging_dir(out).exists()
