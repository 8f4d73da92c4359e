"""A user's mistake ends in a message naming the file and line it concerns, exit 2, never a traceback.

Each case is what a new user runs into: a package name that is a keyword, a misspelt or broken
template, a template that renders something other than Python, an output folder that cannot be
one, an unknown setting, and Ctrl-C in the middle of a run (exit 130, the output as it was).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import GET_PAGE, RESOURCE, run, tree, write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (the working folder) with two pages and the real renderer."""
    write(tmp_path / "pyproject.toml", '[tool.docgen]\nspecs = "docs"\nout = "gen"\npackage = "shop"\n')
    write(tmp_path / "docs/v1.0/resources/widget.md", RESOURCE)
    write(tmp_path / "docs/v1.0/api/widget-get.md", GET_PAGE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def failed(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, _, err = run(capsys, *argv)
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err
    return err


def test_a_keyword_as_package_name(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = failed(capsys, "generate", "--package", "class")
    assert err == "docgen: error: --package 'class' is a Python keyword\n"
    assert not (docs / "gen").exists()


def test_an_unknown_setting_names_the_closest(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(docs / "pyproject.toml", '[tool.docgen]\nspec = "docs"\nout = "gen"\n')
    err = failed(capsys, "check")
    assert err.endswith("pyproject.toml:2: [tool.docgen] unknown setting 'spec'; did you mean 'specs'?\n")


def test_a_misspelt_template_file(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(docs / "tpl/modle.py.jinja", "x = 1\n")
    err = failed(capsys, "generate", "--templates", "tpl")
    assert err == (
        "docgen: error: tpl/modle.py.jinja:1: template file overrides no built-in template; "
        "did you mean 'model.py.jinja'?\n"
    )
    assert not (docs / "gen").exists()


def test_a_template_with_a_syntax_error(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(docs / "tpl/model.py.jinja", "{% if x %}\nx = 1\n{{ broken\n")
    err = failed(capsys, "generate", "--templates", "tpl")
    assert err.startswith("docgen: error: tpl/model.py.jinja:3: template syntax error: ")
    assert not (docs / "gen").exists()


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "x = 1\ndef (:\n",
            "template tpl/model.py.jinja renders invalid Python (line 2 of the output: invalid syntax)",
        ),
        ("x = 1\n{{ nope.attribute }}\n", "template tpl/model.py.jinja:2: UndefinedError: 'nope' is undefined"),
    ],
)
def test_a_template_that_fails_or_renders_invalid_python(
    docs: Path, capsys: pytest.CaptureFixture[str], template: str, expected: str
) -> None:
    write(docs / "tpl/model.py.jinja", template)
    err = failed(capsys, "generate", "--templates", "tpl")
    (line,) = [line for line in err.splitlines() if " DG503 " in line]
    assert line.startswith("docs/v1.0/resources/widget.md:1:1: error DG503 " + expected)
    assert "the model of microsoft.graph.widget; left out" in line
    assert (docs / "gen/shop/v1_0/client/widget.py").is_file()  # the other files are still written


def test_an_output_folder_under_a_file(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(docs / "notes.txt", "mine\n")
    err = failed(capsys, "generate", "--out", "notes.txt/gen")
    assert err == "docgen: error: notes.txt/gen: notes.txt is not a folder\n"
    assert (docs / "notes.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_exits_130_and_leaves_the_output_as_it_was(docs: Path) -> None:
    """SIGINT in the middle of a long run: a one-line message, exit 130, the old tree untouched."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "docgen", "generate", "--no-cache", "--jobs", "1"]
    assert subprocess.run(command, cwd=docs, capture_output=True, env=env).returncode == 0
    before = tree(docs / "gen")
    for n in range(400):  # enough pages for a run of many seconds (it is stopped after two)
        name = f"gadget{n}"
        write(docs / f"docs/v1.0/resources/{name}.md", RESOURCE.replace("widget", name))
        write(docs / f"docs/v1.0/api/{name}-get.md", GET_PAGE.replace("widget", name))
    process = subprocess.Popen(command, cwd=docs, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(2.0)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err
    assert err.rstrip().endswith("docgen: interrupted; the output folder holds the old tree or the new one")
    assert tree(docs / "gen") == before
    assert not any(p.name.startswith(".docgen-staging") for p in docs.iterdir())
