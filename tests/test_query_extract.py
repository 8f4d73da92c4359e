"""Extraction of query options, query parameter tables and request headers from API pages."""

from __future__ import annotations

import textwrap

import pytest

from docgen.names import option_names
from docgen.parse import parse_page


def page(lines: str, sections: str, response: str = "a collection of [thing](../resources/thing.md) objects") -> str:
    return textwrap.dedent(
        """\
        ---
        title: "List things"
        ---
        # List things

        ## HTTP request
        <!-- {{ "blockType": "ignored" }} -->
        ```http
        {lines}
        ```

        {sections}

        ## Response
        If successful, this method returns a `200 OK` response code and {response} in the response body.
        """
    ).format(lines=lines, sections=textwrap.dedent(sections), response=response)


def options(text: str) -> list[tuple[str, str, str, bool]]:
    model = parse_page("v1.0/api/thing-list.md", text)
    (op,) = model.operations
    return [(p.name, p.location, p.type, p.required) for p in op.parameters if p.location != "path"]


@pytest.mark.parametrize(
    ("prose", "expected"),
    [
        (
            "This method supports the `$filter`, `$select` and `$top` [OData query parameters](/graph/query-parameters).",
            ["$filter", "$select", "$top"],
        ),
        ("This method supports the [`$select` OData query parameter](/graph/query-parameters).", ["$select"]),
        ("This method supports the `select` OData query parameter to help customize the response.", ["$select"]),
        (
            "This method supports the [OData query parameters](/graph/query-parameters) to help customize the response.",
            ["$select", "$filter", "$top", "$skip", "$orderby", "$expand", "$count", "$search"],
        ),
        ("This method does not support OData query parameters to customize the response.", []),
        (
            "This method supports the [OData query parameters](/graph/query-parameters) to help customize the"
            " response, including `$search`, `$count`, and `$filter`. You can use `$search` on the **displayName**.",
            ["$select", "$filter", "$top", "$skip", "$orderby", "$expand", "$count", "$search"],
        ),
        (
            "This method supports the [OData query parameters](/q), such as `$format`. The `$top` parameter is"
            " not supported.",
            ["$select", "$filter", "$skip", "$orderby", "$expand", "$count", "$search", "$format"],
        ),
        (
            "You can use the [$top](/graph/query-parameters#top-parameter) query parameter to control the number"
            " of items per response. Maximum allowed `$top` value is 50.\nThe other [OData query parameters]"
            "(/graph/query-parameters) are not currently supported.",
            ["$top"],
        ),
        (
            "This method supports some of the OData query parameters. For example, to retrieve only the identity"
            " sources, add `$select=identitySources`.",
            ["$select"],
        ),
        (
            "This method does **not** support any [OData query parameters](/graph/query-parameters) "
            "(for example, `$filter` is not supported here).",
            [],
        ),
    ],
)
def test_the_prose_names_the_supported_system_options(prose: str, expected: list[str]) -> None:
    found = options(page("GET /things", f"## Optional query parameters\n{prose}\n"))
    assert [name for name, *_ in found] == expected
    assert all(location == "query" and not required for _, location, _, required in found)


def test_an_entity_method_supports_select_and_expand_when_the_prose_names_none() -> None:
    text = page(
        "GET /things/{id}",
        "## Optional query parameters\nThis method supports the [OData query parameters](/q).\n",
        response="a [thing](../resources/thing.md) object",
    )
    assert [name for name, *_ in options(text)] == ["$select", "$expand"]


def test_option_types() -> None:
    text = page("GET /things", "## Optional query parameters\nThis method supports `$top`, `$count`, `$orderby`, `$search`.\n")
    assert options(text) == [
        ("$top", "query", "Edm.Int32", False),
        ("$count", "query", "Edm.Boolean", False),
        ("$orderby", "query", "Collection(Edm.String)", False),
        ("$search", "query", "Edm.String", False),
    ]


def test_a_query_parameter_table_gives_typed_required_parameters() -> None:
    text = page(
        "GET /me/calendarView?startDateTime={start}&endDateTime={end}",
        """\
        ## Query parameters
        In the request URL, provide the following required query parameters with values.

        | Parameter | Type | Description |
        |:---|:---|:---|
        | startDateTime | DateTimeOffset | The start of the range. Required. |
        | endDateTime | String | The end of the range. |
        | $deltatoken | string | A state token. |
        """,
    )
    assert options(text) == [
        ("startDateTime", "query", "Edm.DateTimeOffset", True),
        ("endDateTime", "query", "Edm.String", False),
        ("$deltatoken", "query", "Edm.String", False),
    ]


def test_function_parameters_in_the_path_are_not_query_parameters() -> None:
    text = page(
        "GET /reports/getEmailActivityCounts(period='{period_value}')",
        """\
        ## Function parameters

        | Parameter | Type | Description |
        |:---|:---|:---|
        | period | string | The length of time. Required. |

        This method supports the `$format` [OData query parameter](/graph/query-parameters).
        """,
        response="a [report](../resources/report.md) object",
    )
    assert options(text) == [("$format", "query", "Edm.String", False)]


def test_headers_are_named_without_their_values() -> None:
    text = page(
        "GET /things",
        """\
        ## Request headers
        | Name | Description |
        |:---|:---|
        | Authorization | Bearer {token}. Required. |
        | ConsistencyLevel | eventual. Required when using `$count`. |
        | Prefer: outlook.timezone | A time zone. Optional. |
        | Prefer: outlook.body-content-type | text or html. Optional. |
        | If-Match | An ETag. |
        """,
    )
    assert [(name, location) for name, location, *_ in options(text)] == [
        ("ConsistencyLevel", "header"),
        ("Prefer", "header"),
        ("If-Match", "header"),
    ]


def test_option_names() -> None:
    originals = ["$top", "$filter", "$select", "ConsistencyLevel", "If-Match", "startDateTime", "path", "query", "top"]
    assert option_names(originals, taken=["company_id"]) == {
        "$top": "top",
        "$filter": "filter",
        "$select": "select",
        "ConsistencyLevel": "consistency_level",
        "If-Match": "if_match",
        "startDateTime": "start_date_time",
        "path": "path_",
        "query": "query_",
        "top": "top_",
    }
    assert option_names(["companyId"], taken=["company_id"]) == {"companyId": "company_id_"}
    hostile = option_names(["Request-Params", "Path-Value", "Read-Delta", "class", "9lives", "'; import os"])
    assert hostile == {
        "Request-Params": "request_params_",
        "Path-Value": "path_value_",
        "Read-Delta": "read_delta_",
        "class": "class_",
        "9lives": "n9lives",
        "'; import os": "import_os",
    }
