"""Odd files and flags: never a hang, a traceback or a runaway read; exit 2 with a located message.

In the specs folder only regular files are read (FIFOs, devices, sockets and links
leading out of the folder are refused without being opened), never more than
``max_page_bytes`` of one; file names that are not UTF-8 are refused and still
printed. ``--specs``, ``--out`` and ``--package`` that cannot work are usage errors.
Each refused page is an error at ``page:1:1`` and the other pages are still processed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from docgen import pipeline
from test_cli import ROOT, fake_renderer, project, run, tree, write  # noqa: F401  (fixtures)

# --------------------------------------------------------------------- not regular files


def docgen(cwd: Path, *argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """docgen in a process of its own, so that a hang fails the test instead of stopping it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "docgen", *argv], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


def test_a_fifo_page_is_refused_at_once(project: Path) -> None:
    os.mkfifo(project / "docs/v1.0/api/x.md")
    result = docgen(project, "parse", "docs")
    assert result.returncode == 2, result.stderr
    assert "docs/v1.0/api/x.md:1:1: error DG008 not a regular file but a FIFO (named pipe); left out" in result.stderr
    assert "widget-get.md" in result.stdout  # the other pages are read
    assert "Traceback" not in result.stderr


def test_a_fifo_swapped_in_after_the_check_is_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)
    probe = (
        "import sys\nfrom docgen import pipeline\n"
        "try:\n    pipeline._read_regular(sys.argv[1], 1000)\n"
        "except pipeline._Refused as refused:\n    print(refused.code, refused.reason)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(fifo)], capture_output=True, text=True, timeout=30, cwd=ROOT
    )
    assert result.stdout == "DG008 not a regular file but a FIFO (named pipe)\n", result.stderr


def test_a_link_to_dev_zero_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "docs/v1.0/api/zero.md").symlink_to("/dev/zero")
    code, out, err = run(capsys, "parse", "docs")
    assert code == 2
    assert "docs/v1.0/api/zero.md:1:1: error DG008 symbolic link leading out of the specs folder (to /dev/zero)" in err
    assert "widget-get.md" in out
    code, _, err = run(capsys, "parse", "docs/v1.0/api/zero.md")  # named itself: a device all the same
    assert code == 2 and "zero.md:1:1: error DG008 not a regular file but a character device; left out" in err


def test_a_socket_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("docs/v1.0/api/sock.md")
        code, _, err = run(capsys, "parse", "docs")
    assert code == 2 and "sock.md:1:1: error DG008 not a regular file but a socket; left out" in err


def test_links_are_followed_inside_the_specs_folder_only(
    project: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "page.md"
    elsewhere.write_text("# Secret\n\nNot in the doc set.\n", encoding="utf-8")
    (project / "docs/v1.0/api/outside.md").symlink_to(elsewhere)
    (project / "docs/v1.0/api/inside.md").symlink_to("widget-get.md")
    (project / "docs/v1.0/api/broken.md").symlink_to("nowhere.md")
    code, out, err = run(capsys, "parse", "docs")
    assert code == 2
    assert f"outside.md:1:1: error DG008 symbolic link leading out of the specs folder (to {elsewhere.resolve()})" in err
    assert "broken.md:1:1: error DG001 page cannot be read (No such file or directory); left out" in err
    assert "inside.md:1:1: error" not in err and "v1.0/api/inside.md:" in out  # read like any page


def test_a_page_that_cannot_be_opened_is_an_error_and_the_rest_goes_on(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # docgen runs as root here, where mode 0o000 does not stop a read: refuse the open instead
    real_open = os.open

    def refusing(path: str, flags: int, *args: int, **kwargs: int) -> int:
        if str(path).endswith("widget-delete.md"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    code, _, err = run(capsys, "generate", "--no-cache")
    assert code == 2
    assert "docs/v1.0/api/widget-delete.md:1:1: error DG001 page cannot be read (Permission denied); left out" in err
    assert tree(project / "gen")["shop/v1_0/widget_routes.txt"] == b"GET /widgets/{widgetId} (get)\n"


def test_a_folder_that_cannot_be_listed_is_an_error(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_scandir = os.scandir

    def refusing(path: str) -> object:
        if str(path).endswith("resources"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    code, _, err = run(capsys, "parse", "docs")
    assert code == 2
    assert "docs/v1.0/resources:1:1: error DG001 folder cannot be read (Permission denied); the pages in it are left out" in err


def test_a_name_that_is_not_utf8_is_refused_and_printed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = os.fsencode(project / "docs/v1.0/api")
    with open(os.path.join(folder, b"bad\xff.md"), "wb") as stream:
        stream.write(b"# Bad name\n")
    code, _, err = run(capsys, "generate", "--no-cache")
    assert code == 2
    assert "docs/v1.0/api/bad\\xff.md:1:1: error DG008 file name is not UTF-8 (shown with \\x escapes); left out" in err
    assert "shop/v1_0/widget_routes.txt" in tree(project / "gen")
    code, _, err = run(capsys, "generate", "--no-cache", "--diagnostics-format", "json")
    (found,) = [d for d in json.loads(err.split("\ndocgen: ")[0])["diagnostics"] if d["code"] == "DG008"]
    assert found["path"] == "docs/v1.0/api/bad\\xff.md"


# --------------------------------------------------------------------- the size limit


def test_a_page_over_the_size_limit_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = project / "docs/v1.0/big.md"
    big.write_bytes(b"# Big\n" + b"x" * 10_000_000)
    code, out, err = run(capsys, "parse", "docs")
    assert code == 2
    assert "big.md:1:1: error DG010 page is 10,000,006 bytes, over max_page_bytes (10,000,000); left out" in err
    assert "widget-get.md" in out
    big.write_bytes(b"# Big\n" + b"x" * 2000)
    with open(project / "pyproject.toml", "a", encoding="utf-8") as stream:
        stream.write("max_page_bytes = 1000\n")
    code, _, err = run(capsys, "generate", "--no-cache")
    assert code == 2 and "big.md:1:1: error DG010 page is 2,006 bytes, over max_page_bytes (1,000)" in err
    code, _, err = run(capsys, "generate", "--max-page-bytes", "3000")  # the flag wins
    assert code == 0, err
    code, _, err = run(capsys, "check", "--max-page-bytes", "2000")
    assert code == 2 and "error DG010" in err


def test_a_page_that_grows_past_the_limit_while_read_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "x.md"
    page.write_bytes(b"x" * 50)
    with pytest.raises(pipeline._Refused) as refused:
        pipeline._read_regular(str(page), 10)
    assert refused.value.code == "DG010"


@pytest.mark.parametrize("value", ["0", "-1", "'big'", "true"])
def test_a_bad_size_limit_setting_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with open(project / "pyproject.toml", "a", encoding="utf-8") as stream:
        stream.write(f"max_page_bytes = {value}\n")
    code, _, err = run(capsys, "generate")
    assert code == 2 and "max_page_bytes must be a positive number of bytes" in err


# --------------------------------------------------------------------- --specs, --out, --package


def test_specs_must_be_a_folder_or_a_markdown_page(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project / "notes.txt", "notes\n")
    for argv in (["generate", "--specs", "notes.txt"], ["check", "--specs", "notes.txt"], ["parse", "notes.txt"]):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "docgen: error: notes.txt: not a folder or a Markdown page (*.md)" in err, argv
    assert not (project / "gen").exists()


@pytest.mark.parametrize("command", ["generate", "check"])
def test_an_output_folder_under_a_file_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    write(project / "somefile", "mine\n")
    code, _, err = run(capsys, command, "--out", "somefile/out")
    assert code == 2 and "docgen: error: somefile/out: somefile is not a folder" in err
    code, _, err = run(capsys, command, "--out", "somefile")
    assert code == 2 and "docgen: error: somefile: not a folder" in err
    code, _, err = run(capsys, command, "--out", "x" * 300)
    assert code == 2 and "File name too long" in err
    assert (project / "somefile").read_text(encoding="utf-8") == "mine\n"


def test_an_os_error_while_writing_is_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing(out: Path, files: object, *args: object, **kwargs: object) -> None:
        raise OSError(36, "File name too long", str(out / ("y" * 300)))

    monkeypatch.setattr("docgen.workflow.write_tree", failing)
    code, _, err = run(capsys, "generate")
    assert code == 2
    assert err.splitlines()[-1] == f"docgen: gen/{'y' * 300}: File name too long"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("pydantic", "would shadow the module of that name that the generated code or its tests import"),
        ("fastapi", "would shadow the module of that name that the generated code or its tests import"),
        ("httpx", "would shadow the module of that name that the generated code or its tests import"),
        ("pytest", "would shadow the module of that name that the generated code or its tests import"),
        ("typing", "would shadow the standard library module of that name"),
        ("json", "would shadow the standard library module of that name"),
        ("asyncio", "would shadow the standard library module of that name"),
        ("class", "is a Python keyword"),
        ("a-b", "is not a Python identifier"),
        ("tests", "is taken: docgen generates a tests folder beside the package"),
    ],
)
def test_a_package_name_that_cannot_work_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, why: str
) -> None:
    code, _, err = run(capsys, "generate", "--package", name)
    assert code == 2 and f"docgen: error: --package {name!r} {why}" in err
    assert "Traceback" not in err and not (project / "gen").exists()
    (project / "pyproject.toml").write_text(f'[tool.docgen]\nspecs = "docs"\npackage = "{name}"\n', encoding="utf-8")
    code, _, err = run(capsys, "check")
    assert code == 2 and f"[tool.docgen] package {name!r} {why}" in err
