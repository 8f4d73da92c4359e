"""The formatter is a choice: black by default, ``formatter = "ruff"`` for ruff's formatter.

The manifest names the formatter of a tree, so switching formatters regenerates it;
either formatter's output is stable (formatting it again changes nothing) and compiles.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.config import ConfigError, load_config
from docgen.fmt import Formatter, RuffFormatter, same_code
from docgen.output import MANIFEST

ROOT = Path(__file__).resolve().parents[1]


def project(tmp_path: Path, formatter: str | None) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(ROOT / "specs", folder / "specs", dirs_exist_ok=True)
    line = f'formatter = "{formatter}"\n' if formatter else ""
    (folder / "pyproject.toml").write_text(f'[tool.docgen]\nspecs = "specs"\nout = "out"\npackage = "api"\n{line}', encoding="utf-8")
    return folder


def generate(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.chdir(folder)
    return main(["generate", "--quiet", *args])


def python_files(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.py"))}


def test_ruff_formats_the_tree_and_switching_back_to_black_regenerates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = project(tmp_path, "ruff")
    assert generate(folder, monkeypatch) == 0
    manifest = (folder / "out" / MANIFEST).read_text(encoding="utf-8")
    assert manifest.splitlines()[-1].startswith("# formatted by ruff 0.")
    with_ruff = python_files(folder / "out")
    ruff = RuffFormatter()
    for path, text in with_ruff.items():
        compile(text, path, "exec")
        if "/_runtime/" not in path:  # copied verbatim, not formatted
            assert ruff.format(text) == text, path
    assert main(["check", "--quiet"]) == 0

    (folder / "pyproject.toml").write_text(
        (folder / "pyproject.toml").read_text(encoding="utf-8").replace('formatter = "ruff"\n', ""), encoding="utf-8"
    )
    assert main(["check", "--quiet", "--no-diff"]) == 1  # the manifest names another formatter
    assert generate(folder, monkeypatch) == 0
    assert (folder / "out" / MANIFEST).read_text(encoding="utf-8").splitlines()[-1].startswith("# formatted by black 26.")
    with_black = python_files(folder / "out")
    assert with_black.keys() == with_ruff.keys()
    for path, text in with_black.items():
        assert Formatter().format(text) == text, path
        assert same_code(text, with_ruff[path]), path  # the same code, laid out by each


def test_ruff_keeps_a_text_it_cannot_format() -> None:
    text = "x = (\n"  # not Python: ruff refuses it, and the text is kept as given
    assert RuffFormatter().format(text) == text
    assert [text for _, text in RuffFormatter().format_all(["a  =  1\n", "b=[1,\n2]\n"], 2)] == ["a = 1\n", "b = [1, 2]\n"]


def test_an_unknown_formatter_is_a_setting_error(tmp_path: Path) -> None:
    folder = project(tmp_path, "yapf")
    with pytest.raises(ConfigError, match=r"pyproject.toml:5: \[tool.docgen\] formatter must be one of 'black', 'ruff', not 'yapf'"):
        load_config(folder)
