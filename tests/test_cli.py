"""The docgen command: exit codes, drift and diffs, the user's files, diagnostics, parse output.

Each test builds a small doc set in a temporary folder. Most replace the renderer
with a small stand-in so that they test the command line and the output folder,
not the templates; the last one runs the real renderer end to end.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docgen.cli import codes_markdown, main
from docgen.config import Config
from docgen.diagnostics import Diagnostic, SourceSpan
from docgen.model import DocSet
from docgen.output import MANIFEST
from docgen.plan import FileSpec, Inputs

ROOT = Path(__file__).resolve().parents[1]

RESOURCE = """\
# widget resource type

Namespace: microsoft.graph

A widget of the shop.

## Properties

|Property|Type|Description|
|:---|:---|:---|
|id|String|The identifier. Read-only.|
|name|String|The name.|
|size|Int32|The size.|

## JSON representation

<!-- {
  "blockType": "resource",
  "@odata.type": "microsoft.graph.widget"
}
-->
``` json
{
  "id": "String",
  "name": "String",
  "size": 1024
}
```
"""

GET_PAGE = """\
# Get widget

Namespace: microsoft.graph

Read a [widget](../resources/widget.md).

## Permissions

|Permission type|Permissions (from least to most privileged)|
|:---|:---|
|Application|Widgets.Read.All|

## HTTP request

<!-- { "blockType": "ignored" } -->
``` http
GET /widgets/{widgetId}
```

## Response

If successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object in the response body.

## Example

### Request

<!-- { "blockType": "request", "name": "get_widget" } -->
``` http
GET https://graph.microsoft.com/v1.0/widgets/w1
```

### Response

<!-- { "blockType": "response", "@odata.type": "microsoft.graph.widget" } -->
``` http
HTTP/1.1 200 OK
Content-Type: application/json

{
  "id": "w1",
  "name": "Blue",
  "size": 3
}
```
"""

DELETE_PAGE = GET_PAGE.replace("# Get widget", "# Delete widget").replace("Read a", "Delete a")
DELETE_PAGE = DELETE_PAGE.replace("GET /widgets", "DELETE /widgets").replace("GET https", "DELETE https")
DELETE_PAGE = DELETE_PAGE.replace("get_widget", "delete_widget").replace("`200 OK` response code and a", "`204 No Content` response code, not a")
DELETE_PAGE = DELETE_PAGE.split("``` http\nHTTP/1.1 200 OK")[0] + "``` http\nHTTP/1.1 204 No Content\n```\n"

TODO_PERMISSIONS = "|Application|Widgets.Read.All|"


def fake_plan(docset: DocSet, config: Config) -> tuple[list[FileSpec], list[Diagnostic]]:
    """One small file per resource and per type: enough to see what changed."""
    specs = [FileSpec(f"{config.package}/__init__.py", "document", None, lambda: "", Inputs(), "init", SourceSpan(".", 1))]
    for version in docset.versions:
        folder = f"{config.package}/{version.name.replace('.', '_')}"
        for resource in version.resources:
            lines = "".join(f"{op.method} {op.path} ({op.kind})\n" for op in resource.operations)
            path = f"{folder}/{resource.name}_routes.txt"
            specs.append(FileSpec(path, "document", None, lambda lines=lines: lines, Inputs(pages=resource.pages, interface=version.name), path, SourceSpan(".", 1)))
        for typedef in version.types:
            lines = "".join(f"{p.name}: {p.type}\n" for p in typedef.properties)
            path = f"{folder}/{typedef.name.rsplit('.', 1)[-1]}_model.txt"
            specs.append(FileSpec(path, "document", None, lambda lines=lines: lines, Inputs(pages=(typedef.source.path,), interface=version.name), path, typedef.source))
    return sorted(specs, key=lambda spec: spec.path), []


@pytest.fixture
def fake_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small text files instead of the real output (the real one is tested elsewhere)."""
    monkeypatch.setattr("docgen.plan.plan_files", fake_plan)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_renderer: None) -> Path:
    """A project folder (the working folder) with pyproject settings and three pages."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docgen]\nspecs = "docs"\nout = "gen"\npackage = "shop"\n', encoding="utf-8"
    )
    write(tmp_path / "docs/v1.0/resources/widget.md", RESOURCE)
    write(tmp_path / "docs/v1.0/api/widget-get.md", GET_PAGE)
    write(tmp_path / "docs/v1.0/api/widget-delete.md", DELETE_PAGE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------- usage


def test_help_states_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "exit status:" in out and "1  check only" in out and "2  usage or input error" in out
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0 and "exit status:" in out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["generate", "--bogus"],
        ["generate", "--package", "not-an-identifier"],
        ["check", "--specs", "no/such/folder"],
        ["generate", "--templates", "no/such/templates"],
        ["parse", "no/such/page.md"],
        ["codes", "--format", "html"],
    ],
)
def test_usage_and_input_errors_exit_2(project: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err
    assert not (project / "gen").exists()


def test_a_specs_folder_without_pages_changes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "generate")[0] == 0
    before = tree(project / "gen")
    (project / "empty").mkdir()
    code, _, err = run(capsys, "generate", "--specs", "empty")
    assert code == 2 and "no Markdown pages" in err
    assert tree(project / "gen") == before


def test_unusable_settings_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text("[tool.docgen]\npackage = 3\n", encoding="utf-8")
    code, _, err = run(capsys, "generate")
    assert code == 2 and "package must be a Python identifier" in err


# --------------------------------------------------------------------- generate and check


def test_generate_then_check_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "generate")
    assert code == 0, err
    files = tree(project / "gen")
    assert MANIFEST in files and "shop/v1_0/widget_model.txt" in files
    assert b"size: Edm.Int32\n" in files["shop/v1_0/widget_model.txt"]
    code, out, err = run(capsys, "check")
    assert (code, out) == (0, "")
    assert "is up to date" in err


def test_a_spec_edit_makes_check_fail_with_a_diff_and_generate_fixes_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    page = project / "docs/v1.0/resources/widget.md"
    page.write_text(page.read_text(encoding="utf-8").replace("|size|Int32|", "|size|Int64|"), encoding="utf-8")
    before = tree(project / "gen")
    code, out, err = run(capsys, "check")
    assert code == 1
    assert tree(project / "gen") == before  # check writes nothing
    assert "--- a/gen/shop/v1_0/widget_model.txt\n+++ b/gen/shop/v1_0/widget_model.txt\n" in out  # from the project root
    assert "-size: Edm.Int32\n+size: Edm.Int64\n" in out
    assert "  changed: shop/v1_0/widget_model.txt" in err
    assert run(capsys, "generate")[0] == 0
    assert run(capsys, "check")[0] == 0


def test_check_lists_missing_and_extra_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "generate")[0] == 0
    (project / "docs/v1.0/api/widget-delete.md").unlink()
    (project / "gen/shop/__init__.py").unlink()
    code, out, err = run(capsys, "check", "--no-diff")
    assert code == 1 and out == ""
    assert "  missing: shop/__init__.py" in err
    assert "  changed: shop/v1_0/widget_routes.txt" in err
    assert run(capsys, "generate")[0] == 0
    assert run(capsys, "check")[0] == 0


def test_a_users_file_next_to_generated_files_is_never_touched(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    mine = project / "gen/shop/v1_0/my_notes.txt"
    mine.write_text("mine\n", encoding="utf-8")
    stamp = mine.stat().st_mtime_ns
    (project / "docs/v1.0/resources/widget.md").unlink()  # its generated file goes away
    page = project / "docs/v1.0/api/widget-get.md"
    page.write_text(page.read_text(encoding="utf-8").replace("/widgets/{widgetId}", "/gadgets/{widgetId}"), encoding="utf-8")
    assert run(capsys, "generate")[0] == 0
    assert run(capsys, "check")[0] == 0
    assert not (project / "gen/shop/v1_0/widget_model.txt").exists()
    assert mine.read_text(encoding="utf-8") == "mine\n" and mine.stat().st_mtime_ns == stamp


def test_a_users_file_where_docgen_would_write_stops_generate(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "gen/shop").mkdir(parents=True)
    (project / "gen/shop/__init__.py").write_text("# mine\n", encoding="utf-8")
    code, _, err = run(capsys, "generate")
    assert code == 2
    assert "would overwrite files that docgen did not generate" in err and "shop/__init__.py" in err
    assert tree(project / "gen") == {"shop/__init__.py": b"# mine\n"}
    code, _, err = run(capsys, "check", "--no-diff")
    assert code == 1 and "conflict: shop/__init__.py" in err


# --------------------------------------------------------------------- errors in the docs


def test_errors_in_the_docs_exit_2_but_the_rest_is_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "docs/v1.0/api/broken.md").write_bytes(b"# Broken\n\nCaf\xe9\n")
    code, _, err = run(capsys, "generate")
    assert code == 2
    assert "docs/v1.0/api/broken.md:3:4: error DG001 page is not UTF-8" in err
    assert "1 page with errors" in err
    assert "shop/v1_0/widget_routes.txt" in tree(project / "gen")
    code, _, _ = run(capsys, "check")
    assert code == 2  # in sync, but the docs still have errors


def test_errors_in_the_docs_win_over_drift(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "generate")[0] == 0
    (project / "docs/v1.0/api/broken.md").write_bytes(b"\xff\xfe")
    (project / "docs/v1.0/resources/widget.md").unlink()
    code, out, _ = run(capsys, "check")
    assert code == 2
    assert "--- a/gen/shop/v1_0/widget_model.txt" in out  # the diff is still shown


def test_strict_turns_warnings_into_exit_2_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = project / "docs/v1.0/api/widget-get.md"
    page.write_text(page.read_text(encoding="utf-8").replace(TODO_PERMISSIONS, "|Application|**TODO: Determine scopes**|"), encoding="utf-8")
    code, _, err = run(capsys, "generate", "--strict")
    assert code == 2
    assert "warning DG203" in err and "nothing written" in err
    assert not (project / "gen").exists()
    assert run(capsys, "generate")[0] == 0  # warnings alone: exit 0
    assert run(capsys, "check")[0] == 0
    assert run(capsys, "check", "--strict")[0] == 2


def test_diagnostics_as_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "docs/v1.0/api/broken.md").write_bytes(b"\xff")
    code, _, err = run(capsys, "generate", "--diagnostics-format", "json")
    assert code == 2
    data = json.loads(err[: err.rindex("}") + 1])
    assert data["diagnostics"][0] == {
        "path": "docs/v1.0/api/broken.md",
        "line": 1,
        "col": 1,
        "severity": "error",
        "code": "DG001",
        "message": data["diagnostics"][0]["message"],
    }
    assert data["summary"]["pages"] == 4
    assert data["summary"]["by_code"]["DG001"] == 1
    assert data["summary"]["pages_with_errors"] == 1


def test_diagnostic_paths_are_relative_to_the_working_folder(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "docs/v1.0/api/broken.md").write_bytes(b"\xff")
    monkeypatch.chdir(project / "docs")
    code, _, err = run(capsys, "parse", "v1.0")
    assert code == 2
    assert err.startswith("v1.0/api/broken.md:1:1: error DG001")


# --------------------------------------------------------------------- parse and codes


def test_parse_json_has_what_the_docs_promise(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "parse", "docs", "--format", "json")
    assert code == 0
    model = json.loads(out)
    assert model["format"] == "docgen-model/1"
    ops = [op for v in model["versions"] for r in v["resources"] for op in r["operations"]]
    get = next(op for op in ops if op["method"] == "GET")
    assert get["path"] == "/widgets/{widgetId}"
    assert get["paths"] == [
        {
            "method": "GET",
            "path": "/widgets/{widgetId}",
            "template": "/widgets/{widgetId}",
            "source": {"path": "v1.0/api/widget-get.md", "line": 17, "col": 1},
        }
    ]
    assert get["source"]["path"] == "v1.0/api/widget-get.md" and get["source"]["line"] == 1
    types = {t["name"]: t for v in model["versions"] for t in v["types"]}
    assert [(p["name"], p["type"]) for p in types["microsoft.graph.widget"]["properties"]] == [
        ("id", "Edm.String"),
        ("name", "Edm.String"),
        ("size", "Edm.Int32"),
    ]


def test_parse_one_file_uses_its_name(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "parse", "docs/v1.0/api/widget-get.md")
    assert code == 0
    assert "GET    /widgets/{widgetId}  [get] widget-get  widget-get.md:1" in out


def test_codes_markdown_is_docs_diagnostics_md(capsys: pytest.CaptureFixture[str]) -> None:
    committed = (ROOT / "docs/diagnostics.md").read_text(encoding="utf-8")
    assert committed == codes_markdown(), "refresh with: docgen codes --format markdown > docs/diagnostics.md"
    code, out, _ = run(capsys, "codes", "--format", "markdown")
    assert (code, out) == (0, committed)
    code, out, _ = run(capsys, "codes")
    assert code == 0 and "DG001  error" in out


def test_the_cli_does_not_import_the_heavy_libraries() -> None:
    probe = "import sys, docgen.cli; print(sorted(m for m in ('jinja2', 'black', 'markdown_it') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------- end to end


def test_generate_and_check_with_the_real_renderer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not hasattr(pytest.importorskip("docgen.render"), "render"):
        pytest.skip("docgen.render is not written yet")
    write(tmp_path / "pyproject.toml", '[tool.docgen]\nspecs = "docs"\nout = "gen"\npackage = "shop"\n')
    write(tmp_path / "docs/v1.0/resources/widget.md", RESOURCE)
    write(tmp_path / "docs/v1.0/api/widget-get.md", GET_PAGE)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "generate")[0] == 0
    assert run(capsys, "check")[0] == 0
    page = tmp_path / "docs/v1.0/resources/widget.md"
    page.write_text(textwrap.dedent(page.read_text(encoding="utf-8")).replace("|name|String|", "|label|String|"), encoding="utf-8")
    code, out, _ = run(capsys, "check")
    assert code == 1 and "+++ b/" in out
    assert run(capsys, "generate")[0] == 0
    assert run(capsys, "check")[0] == 0
