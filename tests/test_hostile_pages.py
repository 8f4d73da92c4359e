"""Hostile pages: docgen reports them at their place and generates the rest, never a traceback.

Each case puts one hostile page next to a normal one in a temporary doc set and runs
the command line end to end (the real renderer): numbers JSON cannot hold, JSON nested
far deeper than docgen reads, deeply nested Markdown, lines that used to take time
quadratic in their length. The normal page must still give its model, routes and tests,
and every generated Python file must compile.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.diagnostics import CODES
from docgen.parse import jsontext, parse_page

RESOURCE = """\
# widget resource type

Namespace: microsoft.graph

A widget.

## Properties

|Property|Type|Description|
|:---|:---|:---|
|id|String|The identifier. Read-only.|
|name|String|The name.|

## JSON representation

<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.widget" } -->
``` json
{ "id": "String", "name": "String" }
```
"""


def api_page(noun: str, body: str, extra: str = "") -> str:
    """A GET page for ``/{noun}s/{id}`` whose response example has ``body`` (line 28 onwards)."""
    return f"""\
# Get {noun}

Read a [widget](../resources/widget.md).

## HTTP request

<!-- {{ "blockType": "ignored" }} -->
``` http
GET /{noun}s/{{id}}
```

## Response

If successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object.

## Example

<!-- {{ "blockType": "request", "name": "get_{noun}" }} -->
``` http
GET https://graph.microsoft.com/v1.0/{noun}s/w1
```

<!-- {{ "blockType": "response", "@odata.type": "microsoft.graph.widget" }} -->
``` http
HTTP/1.1 200 OK
Content-Type: application/json

{body}
```
{extra}"""


BODY_LINE = 28
NORMAL = api_page("widget", '{\n  "id": "w1",\n  "name": "Blue"\n}')
DEEP = 200


@dataclass(frozen=True)
class Case:
    page: str
    """The hostile page's text (its path is ``v1.0/api/gadget-get.md``)."""
    expected: tuple[str, ...] = ()
    """``line:col: severity CODE`` of each diagnostic the page must give."""


CASES = {
    "nan": Case(api_page("gadget", '{\n  "id": "w1",\n  "name": NaN\n}'), (f"{BODY_LINE + 2}:11: warning DG309",)),
    "infinity": Case(api_page("gadget", '{"id": "w1", "name": -Infinity}'), (f"{BODY_LINE}:22: warning DG309",)),
    "1e999": Case(api_page("gadget", '{"id": "w1", "size": 1e999}'), (f"{BODY_LINE}:22: warning DG309",)),
    "long integer": Case(api_page("gadget", '{"id": "w1", "size": ' + "9" * 5000 + "}"), (f"{BODY_LINE}:22: warning DG309",)),
    "deep json": Case(
        api_page("gadget", '{"id": "w1", "name": ' + "[" * DEEP + "]" * DEEP + "}"),
        (f"{BODY_LINE}:{21 + jsontext.MAX_DEPTH}: warning DG310",),
    ),
    "deep unclosed json": Case(
        api_page("gadget", '{"id": "w1", "name": ' + "[{" * DEEP), (f"{BODY_LINE}:{21 + jsontext.MAX_DEPTH}: warning DG310",)
    ),
    "deep annotation": Case(
        api_page("gadget", '{"id": "w1"}').replace(
            '"name": "get_gadget" }', '"name": "get_gadget", "x": ' + "[" * DEEP + "]" * DEEP + " }"
        ),
        ("18:1: warning DG310",),
    ),
    "large malformed json": Case(
        api_page("gadget", '{"id": "w1", "name": "' + "x" * jsontext.REPAIR_LIMIT + '",}'),
        (f"{BODY_LINE}:{jsontext.REPAIR_LIMIT + 25}: warning DG311",),
    ),
    "deep blockquotes": Case(api_page("gadget", '{"id": "w1"}', "\n" + ">" * 5000 + " deep\n")),
    "deep lists": Case(api_page("gadget", '{"id": "w1"}', "\n" + "".join("  " * i + "- item\n" for i in range(2000)))),
    "deep mixed nesting": Case(api_page("gadget", '{"id": "w1"}', "\n" + "".join("> " * i + "- x\n" for i in range(1000)))),
    "link openers": Case(api_page("gadget", '{"id": "w1"}', "\n" + "[a](" * 100_000 + "\n")),
    "brackets": Case(api_page("gadget", '{"id": "w1"}', "\n" + "[" * 100_000 + "\n\n|a|b|\n|-|-|\n|" + "[x](" * 50_000 + "|b|\n")),
    "tag openers": Case(api_page("gadget", '{"id": "w1"}', "\n" + "<" * 100_000 + "\n\n<div>\n" + "<!-- x -->\n" * 20_000)),
}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path / "pyproject.toml", '[tool.docgen]\nspecs = "docs"\nout = "gen"\npackage = "shop"\n')
    write(tmp_path / "docs/v1.0/resources/widget.md", RESOURCE)
    write(tmp_path / "docs/v1.0/api/widget-get.md", NORMAL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_page_is_reported_and_the_rest_generated(
    name: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    write(project / "docs/v1.0/api/gadget-get.md", case.page)

    code, out, err = run(capsys, "parse", "docs", "--format", "json")
    assert code in (0, 2) and "Traceback" not in err, err[-2000:]
    model = json.loads(out)
    assert "widget-get" in json.dumps(model)[:10_000_000]

    code, _, err = run(capsys, "generate", "--no-cache", "--verbose")
    assert code in (0, 2) and "Traceback" not in err, err[-2000:]
    for place in case.expected:
        assert f"docs/v1.0/api/gadget-get.md:{place} " in err, err[-2000:]
    assert "DG009" not in err and "DG501" not in err and "DG502" not in err, err[-2000:]

    generated = sorted((project / "gen").rglob("*.py"))
    assert generated
    for path in generated:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    tests = (project / "gen/tests/v1_0/test_widget.py").read_text(encoding="utf-8")
    assert "get_widget" in tests
    router = (project / "gen/shop/v1_0/server/routers/widget.py").read_text(encoding="utf-8")
    assert "/widgets/" in router


@pytest.mark.parametrize("name", ["nan", "deep json"])
def test_generated_tests_pass_next_to_a_hostile_page(
    name: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project / "docs/v1.0/api/gadget-get.md", CASES[name].page)
    assert run(capsys, "generate", "--no-cache")[0] == 0
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project / "gen",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_deepest_json_docgen_reads_generates_valid_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nested = "[" * (jsontext.MAX_DEPTH - 1) + "]" * (jsontext.MAX_DEPTH - 1)
    write(project / "docs/v1.0/api/widget-get.md", api_page("widget", '{"id": "w1", "name": "a", "more": ' + nested + "}"))
    code, _, err = run(capsys, "generate", "--no-cache")
    assert code == 0 and "DG310" not in err, err
    tests = (project / "gen/tests/v1_0/test_widget.py").read_text(encoding="utf-8")
    compile(tests, "test_widget.py", "exec")
    assert '"more"' in tests


def test_limits_are_the_documented_ones() -> None:
    assert f"{jsontext.MAX_DEPTH} levels" in CODES["DG310"].title
    assert f"{jsontext.REPAIR_LIMIT:,} characters" in CODES["DG311"].title


@pytest.mark.parametrize(
    "body, kept",
    [
        ('{"a": 1.5e308, "b": 1e-400, "c": "NaN", "d": "1e999"}', True),
        ('{"a": "x [[[[ {{{{ \\" ]]", "b": [1, 2]}', True),
        ('{"a": NaN}', False),
        ('{"a": NaN,}', False),
        ('{"a": 1e999,}', False),
        ('{"a": ' + "1" * 400 + ".5}", False),
    ],
)
def test_numbers_and_brackets_inside_strings(body: str, kept: bool) -> None:
    model = parse_page("v1.0/api/gadget-get.md", api_page("gadget", body))
    response = model.operations[0].examples[0].response
    assert response is not None and response.body is not None
    assert response.body.is_json is kept
    codes = {d.code for d in model.diagnostics}
    assert ("DG309" in codes) is not kept
