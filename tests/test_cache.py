"""The cache: entries found by content, damage detected and rebuilt, never trusted.

Most tests run ``docgen generate`` on a copy of ``specs/`` (a few seconds each
on one core), then damage ``.docgen-cache/`` in some way and check that the
next run writes the same tree as a run without any cache.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from docgen._codec import CodecError
from docgen.cache import DATABASE, Cache, _frame, digest, dumps, interface_digest, loads
from docgen.model import Body, PageModel
from docgen.pipeline import parse_one

ROOT = Path(__file__).resolve().parents[1]


def docgen(project: Path, *args: str, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
    env.pop("CI", None)
    return subprocess.run(
        [sys.executable, "-m", "docgen", *args], cwd=project, env=env, capture_output=True, text=True, timeout=900
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What ``generate --no-cache`` writes for ``specs/``."""
    project = make_project(tmp_path_factory.mktemp("reference"))
    result = docgen(project, "generate", "--no-cache")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (project / ".docgen-cache").exists()
    return tree(project / "generated")


def make_project(folder: Path) -> Path:
    shutil.copytree(ROOT / "specs", folder / "specs")
    (folder / "pyproject.toml").write_text(
        '[tool.docgen]\nspecs = "specs"\nout = "generated"\npackage = "financials_api"\n', encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory, reference: dict[str, bytes]) -> Path:
    """A project whose cache is warm (one generate), output identical to the reference."""
    project = make_project(tmp_path_factory.mktemp("warm"))
    result = docgen(project, "generate")
    assert result.returncode == 0, result.stderr[-3000:]
    assert tree(project / "generated") == reference
    assert (project / ".docgen-cache" / DATABASE).is_file()
    return project


@pytest.fixture
def project(tmp_path: Path, warm: Path) -> Path:
    """A fresh copy of the warm project, output folder removed (so a run must produce every file)."""
    copy = tmp_path / "project"
    shutil.copytree(warm, copy)
    shutil.rmtree(copy / "generated")
    return copy


def regenerate_matches(project: Path, reference: dict[str, bytes]) -> subprocess.CompletedProcess[str]:
    result = docgen(project, "generate", "--timings")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert tree(project / "generated") == reference
    return result


# --------------------------------------------------------------------- the database


def test_a_warm_cache_gives_the_same_tree_without_parsing(project: Path, reference: dict[str, bytes]) -> None:
    result = regenerate_matches(project, reference)
    assert "cache not used" not in result.stderr


def test_a_deleted_cache_is_rebuilt(project: Path, reference: dict[str, bytes]) -> None:
    shutil.rmtree(project / ".docgen-cache")
    regenerate_matches(project, reference)
    assert (project / ".docgen-cache" / DATABASE).is_file()
    regenerate_matches(project, reference)


@pytest.mark.parametrize("keep", [0, 100, 4096, 20000])
def test_a_truncated_database_is_rebuilt(project: Path, reference: dict[str, bytes], keep: int) -> None:
    database = project / ".docgen-cache" / DATABASE
    with open(database, "r+b") as stream:
        stream.truncate(keep)
    for suffix in ("-wal", "-shm"):
        (project / ".docgen-cache" / (DATABASE + suffix)).unlink(missing_ok=True)
    regenerate_matches(project, reference)
    regenerate_matches(project, reference)


def test_an_overwritten_database_is_rebuilt(project: Path, reference: dict[str, bytes]) -> None:
    database = project / ".docgen-cache" / DATABASE
    data = bytearray(database.read_bytes())
    for offset in range(0, len(data), 997):  # garbage through every page, header included
        data[offset : offset + 16] = b"\xff" * 16
    database.write_bytes(bytes(data))
    regenerate_matches(project, reference)


def test_a_file_that_is_not_a_database_is_replaced(project: Path, reference: dict[str, bytes]) -> None:
    for suffix in ("-wal", "-shm"):
        (project / ".docgen-cache" / (DATABASE + suffix)).unlink(missing_ok=True)
    (project / ".docgen-cache" / DATABASE).write_text("not a database\n" * 100, encoding="utf-8")
    regenerate_matches(project, reference)


def test_a_foreign_database_is_replaced(project: Path, reference: dict[str, bytes]) -> None:
    shutil.rmtree(project / ".docgen-cache")
    (project / ".docgen-cache").mkdir()
    db = sqlite3.connect(project / ".docgen-cache" / DATABASE)
    db.execute("CREATE TABLE entries(kind TEXT, key BLOB, tag TEXT, value BLOB)")
    db.execute("INSERT INTO entries VALUES ('run', x'00', 'run', x'00')")
    db.commit()
    db.close()
    regenerate_matches(project, reference)


@pytest.mark.parametrize("kind", ["page", "render", "format", "run"])
@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "foreign", "swapped"])
def test_damaged_entries_are_dropped_never_used(
    project: Path, reference: dict[str, bytes], kind: str, damage: str
) -> None:
    db = sqlite3.connect(project / ".docgen-cache" / DATABASE)
    rows = db.execute("SELECT key, value FROM entries WHERE kind=? ORDER BY key", (kind,)).fetchall()
    assert rows
    for index, (key, value) in enumerate(rows):
        if damage == "garbage":
            value = os.urandom(len(value))
        elif damage == "truncated":
            value = value[: len(value) // 2]
        elif damage == "flipped":  # one bit of the payload: the checksum must catch it
            value = value[:-1] + bytes([value[-1] ^ 1])
        elif damage == "foreign":  # well framed, but for another key
            value = _frame(kind, b"another key", dumps(("something else", 42)))
        else:  # every entry holds its neighbour's value (sound for that other key)
            value = rows[(index + 1) % len(rows)][1] if len(rows) > 1 else b""
        db.execute("UPDATE entries SET value=? WHERE kind=? AND key=?", (value, kind, key))
    db.commit()
    db.close()
    regenerate_matches(project, reference)


def test_an_unwritable_cache_folder_is_reported_and_skipped(tmp_path: Path, reference: dict[str, bytes]) -> None:
    project = make_project(tmp_path / "p")
    (project / ".docgen-cache").write_text("a file where the folder should be\n", encoding="utf-8")
    result = docgen(project, "generate")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "docgen: cache not used:" in result.stderr
    assert tree(project / "generated") == reference


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, reference: dict[str, bytes]) -> None:
    project = make_project(tmp_path / "p")
    result = docgen(project, "generate", "--no-cache")
    assert result.returncode == 0
    assert not (project / ".docgen-cache").exists()
    assert tree(project / "generated") == reference


def test_the_cache_setting_moves_the_folder(tmp_path: Path, warm: Path, reference: dict[str, bytes]) -> None:
    project = make_project(tmp_path / "p")
    with open(project / "pyproject.toml", "a", encoding="utf-8") as stream:
        stream.write('cache = "build/docgen-cache"\n')
    result = docgen(project, "check")
    assert result.returncode == 1
    assert (project / "build/docgen-cache" / DATABASE).is_file()
    assert not (project / ".docgen-cache").exists()


# --------------------------------------------------------------------- unit


def test_entries_round_trip_and_keep_one_per_tag(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    cache.put_many("format", [(b"k1", "a.py", b"one"), (b"k2", "b.py", b"two")])
    assert cache.get_all("format") == {b"k1": b"one", b"k2": b"two"}
    cache.put("format", b"k3", "a.py", b"three")  # a new version of a.py replaces the old one
    assert cache.get_all("format") == {b"k2": b"two", b"k3": b"three"}
    assert cache.get("format", b"k3") == b"three" and cache.get("format", b"nope") is None
    assert cache.get_all("page") == {}
    cache.close()
    assert (tmp_path / "c" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_keys_are_length_prefixed() -> None:
    assert digest("ab", "c") != digest("a", "bc")
    assert digest(b"x") == digest("x")


def test_models_round_trip_through_the_stored_form() -> None:
    for path in sorted((ROOT / "specs").rglob("*.md")):
        rel = path.relative_to(ROOT / "specs").as_posix()
        page = parse_one(rel, path.read_bytes(), "v1.0")
        assert isinstance(page, PageModel)
        assert loads(dumps((page, b"\x00\xff"))) == (page, b"\x00\xff")
    body = Body("[1, 2.5, NaN]", "application/json", [1, {"a": [None, True]}, float("inf")], True)
    assert loads(dumps(body)) == body and isinstance(loads(dumps(body)).json, list)


class _Exploit:
    """Pickled, it runs code when loaded: it writes ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"echo ran > {self.marker}",)


def test_a_crafted_entry_runs_no_code_and_is_a_miss(project: Path, reference: dict[str, bytes], tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Exploit(marker))
    db = sqlite3.connect(project / ".docgen-cache" / DATABASE)
    rows = db.execute("SELECT kind, key FROM entries").fetchall()
    assert {kind for kind, _ in rows} >= {"page", "render", "run"}
    for kind, key in rows:  # well framed, checksum right: only the decoding can refuse it
        db.execute("UPDATE entries SET value=? WHERE kind=? AND key=?", (_frame(kind, key, payload), kind, key))
    db.commit()
    db.close()
    ignore = shutil.ignore_patterns(".mypy_cache", "__pycache__", ".pytest_cache")
    shutil.copytree(ROOT / "generated", project / "generated", dirs_exist_ok=True, ignore=ignore)
    result = docgen(project, "check")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not marker.exists()
    regenerate_matches(project, reference)
    assert not marker.exists()


@pytest.mark.parametrize(
    "stored",
    [
        b'{"Diagnostic": ["warning", "DG001", "m"]}',  # a field short
        b'{"Diagnostic": ["loud", "DG001", "m", {"SourceSpan": ["p", 1, 1]}]}',  # not a severity
        b'{"SourceSpan": ["p", "one", 1]}',  # a field of the wrong type
        b'{"#": "zz"}',
        b'{"os.system": ["echo"]}',  # not a class of the model: stays a dict, fits nothing
        b"\x80\x04\x95",  # a pickle
    ],
)
def test_stored_values_are_checked_field_by_field(stored: bytes) -> None:
    try:
        value = loads(stored)
    except CodecError:
        return
    assert isinstance(value, dict)


def _page(text: str) -> PageModel:
    page = parse_one("v1.0/resources/customer.md", text.encode("utf-8"), "v1.0")
    assert isinstance(page, PageModel)
    return page


def test_the_interface_ignores_prose_and_line_numbers_only() -> None:
    text = (ROOT / "specs/v1.0/resources/customer.md").read_text(encoding="utf-8")
    base = interface_digest(_page(text))
    assert "|displayName|" in text.replace(" ", "")
    heading = text.index("\n## ")
    prose = text[:heading] + "\nMore words about customers.\n" + text[heading:]
    assert interface_digest(_page(prose)) == base
    assert _page(prose) != _page(text)
    renamed = text.replace("displayName", "shownName")
    assert interface_digest(_page(renamed)) != base


@pytest.mark.parametrize("name", [".gitignore", "lock", DATABASE, DATABASE + "-wal"])
def test_a_symlink_in_the_cache_folder_is_not_followed(project: Path, tmp_path: Path, name: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    link = project / ".docgen-cache" / name
    link.unlink(missing_ok=True)
    link.symlink_to(victim)
    result = docgen(project, "generate")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "cache not used" in result.stderr and name in result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me\n"


def test_a_cache_folder_that_is_a_symlink_is_not_used(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(project / ".docgen-cache")
    (project / ".docgen-cache").symlink_to(elsewhere, target_is_directory=True)
    result = docgen(project, "generate")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "cache not used" in result.stderr
    assert list(elsewhere.iterdir()) == []
