"""A bug in docgen, or a page that would make bad code, costs one page or one file, never the run.

A parser exception on one page is an error at that page (DG009) and the other pages
are still processed; a renderer exception on one file (DG501), or a rendered file
that would not be valid Python (DG502), is an error at the page the file comes from
and that file is left out. Every one exits 2, never 1 (drift) and never with a
traceback. Names too long for a file system are cut, with a hash, to stay unique.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docgen import names
from docgen.config import Config
from docgen.diagnostics import Diagnostic
from docgen.model import DocSet
from docgen.pipeline import build, load_pages, parse_one
from test_cli import DELETE_PAGE, GET_PAGE, RESOURCE, fake_renderer, project, run, tree, write  # noqa: F401

BOOM = "boom: the parser broke"


def break_the_parser_on(monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    import docgen.parse

    real = docgen.parse.parse_page

    def parse_page(path: str, text: str, default_version: str = "v1.0") -> object:
        if path.endswith(page):
            raise RuntimeError(BOOM)
        return real(path, text, default_version)

    monkeypatch.setattr(docgen.parse, "parse_page", parse_page)


# --------------------------------------------------------------------- parsing


def written(out: Path) -> dict[str, bytes]:
    return tree(out) if out.exists() else {}


def test_a_parser_exception_is_an_error_at_its_page(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not isinstance(parse_one("v1.0/api/x.md", b"# x\n", "v1.0"), Diagnostic)
    break_the_parser_on(monkeypatch, "x.md")
    result = parse_one("v1.0/api/x.md", b"# x\n", "v1.0")
    assert isinstance(result, Diagnostic)
    assert str(result) == (
        f"v1.0/api/x.md:1:1: error DG009 docgen bug while reading this page: RuntimeError: {BOOM}; please report it"
    )


def test_a_parser_exception_costs_its_page_only(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    break_the_parser_on(monkeypatch, "widget-delete.md")
    for cache in (["--no-cache"], [], []):  # the second run with the cache takes the page's result from it
        code, _, err = run(capsys, "generate", "-j", "1", *cache)
        assert code == 2, err
        assert (
            "docs/v1.0/api/widget-delete.md:1:1: error DG009 docgen bug while reading this page: "
            f"RuntimeError: {BOOM}; please report it\n"
        ) in err
        assert "Traceback" not in err
        assert tree(project / "gen")["shop/v1_0/widget_routes.txt"] == b"GET /widgets/{widgetId} (get)\n"


def test_a_parser_exception_in_a_worker_process_costs_its_page_only(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(60):  # enough pages for a pool; workers are forked with the broken parser
        write(project / f"docs/v1.0/api/widget-get-{n}.md", GET_PAGE.replace("/widgets/", f"/widgets{n}/"))
    break_the_parser_on(monkeypatch, "widget-get-7.md")
    code, _, err = run(capsys, "parse", "docs", "-j", "2", "--no-cache")
    assert code == 2
    assert "docs/v1.0/api/widget-get-7.md:1:1: error DG009 docgen bug while reading this page" in err
    assert err.count("error DG009") == 1


# --------------------------------------------------------------------- rendering


@pytest.fixture
def real_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project rendered by docgen's own renderer: one resource, a get and a delete."""
    write(tmp_path / "pyproject.toml", '[tool.docgen]\nspecs = "docs"\nout = "gen"\npackage = "shop"\n')
    write(tmp_path / "docs/v1.0/resources/widget.md", RESOURCE)
    write(tmp_path / "docs/v1.0/api/widget-get.md", GET_PAGE)
    write(tmp_path / "docs/v1.0/api/widget-delete.md", DELETE_PAGE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def docset_of(folder: Path) -> DocSet:
    return build(load_pages(folder, Config(package="shop")))


def break_the_router(monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.render.files import FileViews

    def router(self: FileViews, ctx: object, resource: object) -> dict[str, object]:
        raise KeyError("no such view")

    monkeypatch.setattr(FileViews, "router", router)


def change_template_output(monkeypatch: pytest.MonkeyPatch, template: str, change: Callable[[str], str]) -> None:
    from docgen.render import Templates

    real = Templates.render

    def render(self: Templates, name: str, view: dict[str, Any]) -> str:
        text = real(self, name, view)
        return change(text) if name == template else text

    monkeypatch.setattr(Templates, "render", render)


def test_a_renderer_exception_costs_its_file_only(real_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.render import RenderError, render_unformatted

    docset = docset_of(real_project / "docs")
    whole = render_unformatted(docset, Config(package="shop"))
    break_the_router(monkeypatch)
    problems: list[Diagnostic] = []
    files = render_unformatted(docset, Config(package="shop"), problems=problems)
    assert set(whole) - set(files) == {"shop/v1_0/server/routers/widget.py"}
    (problem,) = problems
    assert problem.code == "DG501" and problem.span.path in ("v1.0/api/widget-delete.md", "v1.0/api/widget-get.md")
    assert problem.message.startswith("docgen bug while rendering the router of widget: ")
    assert problem.message.endswith(": KeyError: 'no such view'; please report it; left out")
    with pytest.raises(RenderError) as raised:  # a caller that takes no problems is told
        render_unformatted(docset, Config(package="shop"))
    assert raised.value.diagnostics == (problem,)


def test_the_command_reports_a_renderer_exception_and_writes_no_bad_file(
    real_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    break_the_router(monkeypatch)
    for command in ("generate", "check", "generate"):
        code, _, err = run(capsys, command)
        assert code == 2, err
        assert ": error DG501 docgen bug while rendering the router of widget" in err
        assert "KeyError: 'no such view'; please report it" in err and "Traceback" not in err
        assert "shop/v1_0/server/routers/widget.py" not in written(real_project / "gen")


def test_a_file_that_would_not_be_valid_python_is_left_out(
    real_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from docgen.render import render_unformatted

    change_template_output(monkeypatch, "model.py.jinja", lambda text: text + "\ndef broken(:\n    pass\n")
    docset = docset_of(real_project / "docs")
    (widget,) = docset.versions[0].types
    problems: list[Diagnostic] = []
    files = render_unformatted(docset, Config(package="shop"), problems=problems)
    assert "shop/v1_0/models/widget.py" not in files and "shop/v1_0/client/widget.py" in files
    (problem,) = problems
    assert problem.code == "DG502" and problem.span == widget.source
    assert problem.message.startswith("shop/v1_0/models/widget.py (the model of microsoft.graph.widget) would not be valid Python: line ")
    code, _, err = run(capsys, "generate")
    assert code == 2 and f"docs/{widget.source.path}:{widget.source.line}:1: error DG502 shop/v1_0/models/widget.py" in err
    assert "shop/v1_0/models/widget.py" not in written(real_project / "gen")


def test_a_warning_from_the_compiler_counts_as_invalid(real_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.render import render_unformatted

    change_template_output(monkeypatch, "root_conftest.py.jinja", lambda text: 'PATTERN = "\\d+"\n')
    problems: list[Diagnostic] = []
    files = render_unformatted(docset_of(real_project / "docs"), Config(package="shop"), problems=problems)
    assert "conftest.py" not in files
    assert [p.code for p in problems] == ["DG502"] and "invalid escape sequence" in problems[0].message


# --------------------------------------------------------------------- names too long for a file


def test_long_module_names_are_cut_with_a_hash_and_stay_unique() -> None:
    long = "microsoft.graph." + "VeryLong" * 40
    found = names.type_module_names([long, long + "Two", long + "Three", "microsoft.graph.widget"])
    assert found["microsoft.graph.widget"] == "widget"
    cut = [found[long], found[long + "Two"], found[long + "Three"]]
    assert len(set(cut)) == 3 and all(len(name) <= names.MAX_MODULE_LENGTH for name in cut)
    assert all(name.startswith("very_long_very_long") and name.isidentifier() for name in cut)
    assert names.type_module_names([long]) == {long: found[long]}  # the same alone: stable
    resources = names.module_names(["x" * 300, "X" * 300])
    assert len(set(resources.values())) == 2 and all(len(n) <= names.MAX_MODULE_LENGTH for n in resources.values())


def test_a_300_character_type_name_generates_importable_files(
    real_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "widget" + "Part" * 74
    assert len(long) == 302
    page = real_project / "docs/v1.0/resources/widget.md"
    page.write_text(RESOURCE.replace("microsoft.graph.widget", f"microsoft.graph.{long}"), encoding="utf-8")
    code, _, err = run(capsys, "generate")
    assert code == 0, err
    files = tree(real_project / "gen")
    (model,) = [path for path in files if path.startswith("shop/v1_0/models/") and not path.endswith("__init__.py")]
    assert len(model.rsplit("/", 1)[1]) <= names.MAX_MODULE_LENGTH + len(".py")
    assert run(capsys, "check")[0] == 0
    probe = "import shop.v1_0.models, shop.v1_0.client, shop.v1_0.server.app"
    result = subprocess.run([sys.executable, "-c", probe], cwd=real_project / "gen", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_bug_outside_any_page_is_a_message_and_exit_2(
    real_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import docgen.link

    def link(pages: object) -> DocSet:
        raise ZeroDivisionError("while linking")

    monkeypatch.setattr(docgen.link, "link", link)
    monkeypatch.delenv("DOCGEN_DEBUG", raising=False)
    for command in ("generate", "check"):
        code, _, err = run(capsys, command, "--no-cache")
        assert code == 2 and "Traceback" not in err
        assert "internal error (a docgen bug): ZeroDivisionError: while linking; please report it" in err
    assert not (real_project / "gen").exists()
