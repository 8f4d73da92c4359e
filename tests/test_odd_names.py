"""Names and descriptions that are not plain ASCII reach the generated code whole, or with a word.

A property's documented name is its JSON name, kept as written (``with space``, ``ünïcødé``,
``{{ 7*7 }}``); its Python name keeps every letter and digit (NFKC-normalised, as Python reads
identifiers), spaces and punctuation becoming ``_``; a character no identifier can hold (an
emoji, a zero-width space) is DG207 naming both names. Descriptions keep every character,
backslashes included, and the generated files parse, type-check and pass their tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import GET_PAGE, RESOURCE, write

from docgen import names
from docgen.parse import parse_page
from docgen.parse.inline import unmark
from docgen.parse.typecell import link_text

ROOT = Path(__file__).resolve().parents[1]

ODD = {  # documented name -> Python attribute
    "ünïcødé": "ünïcødé",
    'quo"""te': "quo_te",
    "with space": "with_space",
    "{{ 7*7 }}": "n7_7",
    "ﬁleName": "file_name",  # NFKC: the ligature is "fi" to Python
    "ünïcødéName": "ünïcødé_name",
    "displayName": "display_name",
    "HTTPStatusCode": "http_status_code",
}
LOSSY = {"😀smile": ("smile", "😀"), "a\u200bb": ("a_b", "\u200b"), "{{ }}": ("unnamed", "")}


@pytest.mark.parametrize(("original", "python"), ODD.items())
def test_a_python_name_keeps_every_letter_and_digit(original: str, python: str) -> None:
    assert names.attribute_names([original]) == {original: python}
    assert names.identifier_loss(original) == ""
    assert python.isidentifier() and compile(f"{python} = 1", "x", "exec")


@pytest.mark.parametrize(("original", "expected"), LOSSY.items())
def test_what_a_python_name_cannot_hold_is_known(original: str, expected: tuple[str, str]) -> None:
    assert names.attribute_names([original]) == {original: expected[0]}
    assert names.identifier_loss(original) == expected[1]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (r"C:\x\new", r"C:\x\new"),  # not escapes in Markdown: kept
        (r"\\server\share", r"\server\share"),  # "\\" is one backslash
        (r"a \* b, \| and \`", "a * b, | and `"),
        ("**bold**, *it* and 7*7", "bold, it and 7*7"),
        (r"`C:\code\n` and `a\_b`", r"C:\code\n and a\_b"),  # code keeps its backslashes
        ("a lone ` stays", "a lone ` stays"),
    ],
)
def test_marks_go_and_every_other_character_stays(raw: str, text: str) -> None:
    assert unmark(raw) == text


def test_a_cells_links_tags_and_code(tmp_path: Path) -> None:
    assert link_text(r"See [customer](customer.md), `@()\[]<>` and \<host\>.<br>") == r"See customer, @()\[]<> and <host>."


def page_with(rows: str, example: str = "") -> str:
    return RESOURCE.replace("|name|String|The name.|\n", rows) + example


ROWS = "".join(f"|{name}|String|Odd {i}.|\n" for i, name in enumerate([*ODD, *LOSSY]))
ROWS += "|path|String|A path like C:\\x\\new, \\\\server\\share, a quote \"\"\" and {{ x }}: \\*kept\\*.|\n"


def test_the_model_keeps_documented_names_and_descriptions() -> None:
    page = parse_page("v1.0/resources/widget.md", page_with(ROWS))
    typedef = page.types[0]
    properties = {p.name: p.description for p in typedef.properties}
    assert [*ODD, *LOSSY] == [name for name in properties if name not in ("id", "size", "path")]
    assert properties["path"] == 'A path like C:\\x\\new, \\server\\share, a quote """ and {{ x }}: *kept*.'
    found = sorted((d.code, d.message) for d in page.diagnostics)
    assert found == [
        ("DG207", "property 'a\\u200bb' is named 'a_b' in Python, without '\\u200b', which no identifier holds"),
        ("DG207", "property '{{ }}' is named 'unnamed' in Python, which has no letter or digit to keep"),
        ("DG207", "property '😀smile' is named 'smile' in Python, without '😀', which no identifier holds"),
    ]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose widget has every odd name, in its table and in its example."""
    root = tmp_path_factory.mktemp("odd")
    write(root / "pyproject.toml", '[tool.docgen]\nspecs = "docs"\nout = "gen"\npackage = "shop"\n')
    write(root / "docs/v1.0/resources/widget.md", page_with(ROWS))
    body = {"id": "w1", **{name: f"value {i}" for i, name in enumerate([*ODD, *LOSSY])}, "path": "C:\\x\\new"}
    example = json.dumps(body, ensure_ascii=False, indent=2)
    write(root / "docs/v1.0/api/widget-get.md", GET_PAGE.split("{\n  \"id\"")[0] + example + "\n```\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "docgen", "generate", "--no-cache"], cwd=root, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("warning DG207") == 3
    return root / "gen"


def test_every_generated_file_compiles(generated: Path) -> None:
    for path in generated.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")
    model = (generated / "shop/v1_0/models/widget.py").read_text(encoding="utf-8")
    assert 'ünïcødé: str | None = Field(default=None, alias="ünïcødé")' in model
    assert "quo_te: str | None = Field(default=None, alias='quo\"\"\"te')" in model
    assert 'n7_7: str | None = Field(default=None, alias="{{ 7*7 }}")' in model
    assert '"""A path like C:\\\\x\\\\new, \\\\server\\\\share, a quote \\"\\"" and {{ x }}: *kept*."""' in model


def test_the_models_read_and_write_the_documented_names(generated: Path) -> None:
    script = (
        "import json, sys\n"
        "from shop.v1_0.models.widget import Widget\n"
        "data = json.loads(sys.stdin.read())\n"
        "widget = Widget.model_validate(data)\n"
        "print(json.dumps([widget.ünïcødé, widget.with_space, widget.n7_7, widget.quo_te, widget.smile,"
        " widget.model_dump(by_alias=True, exclude_none=True, mode='json') == data]))\n"
    )
    data = {"ünïcødé": "u", "with space": "s", "{{ 7*7 }}": "t", 'quo"""te': "q", "😀smile": "e"}
    env = {**os.environ, "PYTHONPATH": str(generated)}
    run = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(data), env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout) == ["u", "s", "t", "q", "e", True]


def test_the_generated_package_type_checks_and_its_tests_pass(generated: Path) -> None:
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "."], cwd=generated, capture_output=True, text=True
    )
    assert mypy.returncode == 0, mypy.stdout[-3000:]
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=generated, capture_output=True, text=True
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "2 passed" in tests.stdout


def test_query_parameters_keep_their_documented_names() -> None:
    table = "|Name|Type|Description|\n|:--|:--|:--|\n|$top|Int32|Page size.|\n|ünïcødé|String|U.|\n|with space|String|S.|\n|😀x|String|E.|\n"
    text = GET_PAGE.replace("## Response\n", "## Optional query parameters\n\n" + table + "\n## Response\n", 1)
    page = parse_page("v1.0/api/widget-get.md", text)
    params = [p.name for op in page.operations for p in op.parameters if p.location == "query"]
    assert params == ["$top", "ünïcødé", "with space", "😀x"]
    assert [d.message for d in page.diagnostics if d.code == "DG207"] == [
        "parameter '😀x' is named 'x' in Python, without '😀', which no identifier holds"
    ]
    assert names.option_names(params[1:]) == {"ünïcødé": "ünïcødé", "with space": "with_space", "😀x": "x"}


def test_enum_members_keep_their_documented_names() -> None:
    text = (
        "# colour enum type\n\nNamespace: microsoft.graph\n\n## Members\n\n|Member|Value|Description|\n|:--|:--|:--|\n"
        "|ünïcødé|0|U.|\n|with space|1|S.|\n|😀x|2|E.|\n"
    )
    page = parse_page("v1.0/resources/colour.md", text)
    members = [m.name for t in page.types for m in t.members]
    assert members == ["ünïcødé", "with space", "😀x"]
    assert [d.message for d in page.diagnostics if d.code == "DG207"] == [
        "member '😀x' is named 'X' in Python, without '😀', which no identifier holds"
    ]
    assert names.enum_member_names(members) == {"ünïcødé": "ÜNÏCØDÉ", "with space": "WITH_SPACE", "😀x": "X"}
