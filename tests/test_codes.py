"""Every diagnostic code has a fixture that produces it, at the right place."""

from __future__ import annotations

import pytest

from docgen.diagnostics import CODES
from docgen.link import link
from docgen.parse import parse_page


def api(body: str, lines: str = "GET /widgets/{id}", status: str = "200 OK") -> str:
    return (
        "# Get widget\n\n## HTTP request\n```http\n"
        + lines
        + "\n```\n\n## Response\nIf successful, this method returns a `"
        + status
        + "` response code.\n\n## Example\n"
        + body
    )


GET = "```http\nGET https://graph.microsoft.com/v1.0/widgets/1\n```\n\n"
OK = '```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{"id": "1"}\n```\n'
POST_TABLE = "## Request body\n|Property|Type|Description|\n|:--|:--|:--|\n|id|String||\n|name|String||\n\n"
WIDGET = "# widget resource type\n\n## Properties\n|Property|Type|Description|\n|:--|:--|:--|\n|id|String||\n"

# code -> ({path: text}, line of the diagnostic)
FIXTURES: dict[str, tuple[dict[str, str], int]] = {
    "DG002": ({"v1.0/api/w-get.md": "---\ntitle: [unclosed\n---\n" + api(GET + OK)}, 1),
    "DG003": ({"v1.0/api/w-get.md": api("```http\nGET https://graph.microsoft.com/v1.0/widgets/1\n\n" + OK)}, 12),
    "DG004": ({"v1.0/resources/widget.md": WIDGET + "|name|String|a | b|\n"}, 7),
    "DG005": ({"v1.0/api/w-get.md": api(GET + '<!-- {\n "blockType": "response",\n} -->\n' + OK)}, 18),
    "DG006": ({"v1.0/overview.md": "# Overview\n\nJust prose.\n"}, 1),
    "DG007": ({"v1.0/api/w-get.md": api(GET + '<!-- { "blockType": "response" } -->\nSome prose.\n\n' + OK)}, 17),
    "DG101": ({"v1.0/api/w-get.md": "# Get widget\n\n## HTTP request\nNone.\n"}, 1),
    "DG102": ({"v1.0/api/w-get.md": api(GET + OK, lines="GET /widgets/{id}\nFETCH /widgets/{id}")}, 6),
    "DG103": ({"v1.0/api/w-get.md": api(GET + OK, lines="GET/widgets/{id}")}, 5),
    "DG104": (
        {
            "v1.0/api/w-add.md": api(
                "```http\nPOST https://graph.microsoft.com/v1.0/widgets\n\n{}\n```\n", lines="POST /widgets/$ref"
            )
        },
        5,
    ),
    "DG105": ({"v1.0/api/w-get.md": api(GET.replace("/widgets/1", "/gadgets/1") + OK)}, 13),
    "DG106": ({"v1.0/api/w-get.md": api(GET.replace("/v1.0/", "/localtest/") + OK)}, 13),
    "DG107": ({"v1.0/api/w-get.md": api(GET + OK, lines="GET /widgets/{id}\nPATCH /widgets/{id}")}, 5),
    "DG108": ({"v1.0/api/w-get.md": api(GET + OK, lines="GET /widgets/{id}\nGET /widgets/../../etc/{id}")}, 6),
    "DG201": ({"v1.0/resources/widget.md": WIDGET + "|name|!!|x|\n"}, 7),
    "DG202": (
        {
            "v1.0/api/w-create.md": api(
                "```http\nPOST https://graph.microsoft.com/v1.0/widgets\n\n{\"name\": \"a\"}\n```\n",
                lines="POST /widgets",
                status="201 Created",
            )
            .replace("## Response", POST_TABLE + "## Response")
            .replace("response code.", "response code and a [widget](../resources/widget.md) object.")
        },
        11,
    ),
    "DG203": (
        {"v1.0/api/w-get.md": "# Get\n\n## Permissions\n|Permission type|Permissions|\n|:--|:--|\n|Application|TODO|\n\n"
         + api(GET + OK)[6:]},
        6,
    ),
    "DG204": (
        {
            "v1.0/api/w-create.md": api(
                "```http\nPOST https://graph.microsoft.com/v1.0/widgets\n\n{\"colour\": \"red\"}\n```\n",
                lines="POST /widgets",
                status="201 Created",
            ).replace("## Response", POST_TABLE + "## Response")
        },
        19,
    ),
    "DG205": ({"v1.0/resources/widget.md": WIDGET + "|id|String||\n"}, 7),
    "DG206": ({"v1.0/resources/widget.md": WIDGET + '\n## JSON representation\n```json\n{\n  "id": "String",,\n}\n```\n'}, 11),
    "DG207": ({"v1.0/resources/widget.md": WIDGET + "|size\u200b|Int32||\n"}, 7),
    "DG301": ({"v1.0/api/w-get.md": api(GET + OK.replace('{"id": "1"}', '{"id": "1",}'))}, 20),
    "DG302": ({"v1.0/api/w-get.md": api(GET + OK.replace('{"id": "1"}', "{:}"))}, 20),
    "DG303": ({"v1.0/api/w-get.md": api(GET + OK.replace("Content-type: application/json", "Content-Length: 99"))}, 18),
    "DG304": ({"v1.0/api/w-get.md": api(GET + OK.replace("200 OK", "202 Accepted"))}, 17),
    "DG305": ({"v1.0/api/w-get.md": api(GET + '<!-- { "blockType": "response" } -->\n```json\n{"id": "1"}\n```\n')}, 18),
    "DG306": ({"v1.0/api/w-get.md": api(GET + OK.replace('{"id": "1"}', "hello"))}, 20),
    "DG307": ({"v1.0/api/w-get.md": api('<!-- { "blockType": "request" } -->\n```http\nnot a request\n```\n' + OK)}, 14),
    "DG401": ({"v1.0/api/w-get.md": api(GET + OK) + "\nSee [x](../resources/missing.md).\n"}, 23),
    "DG402": ({"v1.0/resources/widget.md": WIDGET, "v1.0/api/w-get.md": api(GET + OK) + "\n[w](../resources/Widget.md)\n"}, 23),
    "DG403": ({"v1.0/resources/widget.md": WIDGET + "|part|[part](part.md)||\n"}, 7),
    "DG404": ({"v1.0/resources/widget.md": WIDGET, "v1.0/resources/widget-extra.md": WIDGET + "|more|String||\n"}, 1),
    "DG405": ({"v1.0/resources/widget.md": WIDGET.replace("## Properties", "Inherits from [base](base.md).\n\n## Properties")}, 1),
    "DG407": ({"v1.0/api/w-get.md": api(GET + OK), "v1.0/api/w-get2.md": api(GET + OK)}, 1),
}

# Codes produced outside parse and link, with the test that covers them.
ELSEWHERE = {
    "DG001": "tests/test_cli.py (a page that is not UTF-8)",
    "DG008": "tests/test_odd_files.py",
    "DG009": "tests/test_page_guard.py",
    "DG010": "tests/test_odd_files.py",
    "DG011": "tests/test_diagnostics_control.py (a page's ignore comment naming no code)",
    "DG501": "tests/test_page_guard.py",
    "DG502": "tests/test_page_guard.py",
    "DG503": "tests/test_user_errors.py (a template that fails or renders invalid Python)",
    "DG308": "tests/test_codes.py::test_dg308_examples_not_replayed",
    "DG312": "tests/test_codes.py::test_dg312_example_value_not_of_its_type",
    "DG309": "tests/test_hostile_pages.py",
    "DG310": "tests/test_hostile_pages.py",
    "DG311": "tests/test_hostile_pages.py",
}


def test_every_code_has_a_fixture() -> None:
    assert sorted(CODES) == sorted(set(FIXTURES) | set(ELSEWHERE))


@pytest.mark.parametrize("code", sorted(FIXTURES))
def test_fixture_produces_code(code: str) -> None:
    pages, line = FIXTURES[code]
    docset = link([parse_page(path, text) for path, text in pages.items()])
    found = [d for d in docset.diagnostics if d.code == code]
    assert found, [str(d) for d in docset.diagnostics]
    assert found[0].severity == CODES[code].severity
    assert found[0].span.line == line, [str(d) for d in found]


def test_dg308_examples_not_replayed() -> None:
    from docgen.replay import replay_diagnostics

    no_response = api(GET)
    docset = link([parse_page("v1.0/api/w-get.md", no_response)])
    (d,) = replay_diagnostics(docset)
    assert str(d) == "v1.0/api/w-get.md:12:1: info DG308 example 'w_get' is not replayed: no documented response"


def test_dg312_example_value_not_of_its_type() -> None:
    from docgen.replay import replay_diagnostics

    widget = WIDGET + "|when|DateTimeOffset||\n"
    response = OK.replace('{"id": "1"}', '{"id": "1", "when": "datetime-value"}')
    page = api(GET + response).replace(
        "response code.", "response code and a [widget](../resources/widget.md) object in the response body."
    )
    docset = link([parse_page("v1.0/api/w-get.md", page), parse_page("v1.0/resources/widget.md", widget)])
    (d,) = replay_diagnostics(docset)
    assert str(d) == (
        "v1.0/api/w-get.md:12:1: warning DG312 example 'w_get': response $.when is 'datetime-value', "
        "not a valid Edm.DateTimeOffset; its test uses a value of the documented type instead"
    )
