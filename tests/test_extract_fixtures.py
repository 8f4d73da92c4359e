"""Extraction fixtures: small pages in each shape real docs use, and what they must give."""

from __future__ import annotations

import textwrap

import pytest

from docgen.parse import parse_page
from docgen.parse.request_line import normalise_path, parse_request_line
from docgen.parse.typecell import parse_type_cell


def api_page(request_lines: str, examples: str = "", extra: str = "") -> str:
    return textwrap.dedent(
        """\
        ---
        title: "Do a thing"
        ---
        # Do a thing

        ## HTTP request
        <!-- {{ "blockType": "ignored" }} -->
        ```http
        {lines}
        ```
        {extra}
        ## Response
        If successful, this method returns a `200 OK` response code.

        ## Example
        {examples}
        """
    ).format(lines=request_lines, examples=examples, extra=extra)


def codes(model: object) -> list[str]:
    return [d.code for d in getattr(model, "diagnostics")]


# ------------------------------------------------------------------ request lines


@pytest.mark.parametrize(
    ("line", "method", "path", "query"),
    [
        ("GET /users/{id | userPrincipalName}/events", "GET", "/users/{id}/events", ""),
        ("GET /users/{user id}/photo/$value", "GET", "/users/{user_id}/photo/$value", ""),
        ("GET /sites/<site-id>/lists", "GET", "/sites/{site_id}/lists", ""),
        ("POST /groups/{id}/microsoft.graph.addFavorite", "POST", "/groups/{id}/microsoft.graph.addFavorite", ""),
        ("GET /me/drive/root:/{item-path}:/content", "GET", "/me/drive/root:/{item_path}:/content", ""),
        (
            "GET /reports/getOffice365ActiveUserDetail(period='{period_value}')",
            "GET",
            "/reports/getOffice365ActiveUserDetail(period='{period_value}')",
            "",
        ),
        ("GET /me/messages('{id}')", "GET", "/me/messages('{id}')", ""),
        (
            "GET /print/reports/getUserArchivedPrintJobs(userId=userId-value,startDateTime=startDateTime-value)",
            "GET",
            "/print/reports/getUserArchivedPrintJobs(userId={userId},startDateTime={startDateTime})",
            "",
        ),
        ("GET /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:B2')", "GET",
         "/me/drive/items/{id}/workbook/worksheets/{id_2}/range(address={address})", ""),
        ("GET /me/events?$select=subject,body", "GET", "/me/events", "$select=subject,body"),
        ("DELETE /groups/{id}/members/{id}/$ref", "DELETE", "/groups/{id}/members/{id_2}/$ref", ""),
        ("GET /users/$count", "GET", "/users/$count", ""),
        ("GET https://graph.microsoft.com/v1.0/me/ HTTP/1.1", "GET", "/me", ""),
    ],
)
def test_request_line_shapes(line: str, method: str, path: str, query: str) -> None:
    parsed = parse_request_line(line)
    assert parsed is not None
    assert (parsed.method, parsed.path, parsed.query) == (method, path, query)


def test_missing_space_after_method_is_read_and_reported() -> None:
    model = parse_page("v1.0/api/x-delete.md", api_page("DELETE/identity/b2cUserFlows/{id}"))
    (op,) = model.operations
    assert (op.method, op.path) == ("DELETE", "/identity/b2cUserFlows/{id}")
    assert "DG103" in codes(model)


def test_every_documented_line_is_kept_as_written() -> None:
    lines = "GET /me/events/{id}\nGET /users/{id | userPrincipalName}/events/{id}"
    model = parse_page("v1.0/api/event-get.md", api_page(lines))
    (op,) = model.operations
    assert [p.text for p in op.paths] == ["/me/events/{id}", "/users/{id | userPrincipalName}/events/{id}"]
    assert op.kind == "get"


def test_version_segment_and_host_are_removed_from_example_urls() -> None:
    assert normalise_path("https://graph.microsoft.com/beta/me/events?$top=2") == ("/me/events", "$top=2", "beta")
    assert normalise_path("https://graph.microsoft.com/localtest/a/b")[2] == "localtest"


# ------------------------------------------------------------------ examples


REQ = '```http\nGET https://graph.microsoft.com/v1.0/me/events/{id}\n```\n'
RESP = '```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{"id": "1", "subject": "x"}\n```\n'


def test_unannotated_examples_are_recognised_by_first_line() -> None:
    model = parse_page("v1.0/api/event-get.md", api_page("GET /me/events/{id}", REQ + "\n" + RESP))
    (example,) = model.operations[0].examples
    assert example.request.path == "/me/events/{id}"
    assert example.response is not None and example.response.status == 200
    assert example.response.body is not None and example.response.body.json == {"id": "1", "subject": "x"}


@pytest.mark.parametrize("blank", ["", "\n", "\n\n"])
def test_annotation_with_zero_to_two_blank_lines(blank: str) -> None:
    ann = '<!-- { "blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.event" } -->\n'
    model = parse_page("v1.0/api/event-get.md", api_page("GET /me/events/{id}", REQ + "\n" + ann + blank + RESP))
    response = model.operations[0].examples[0].response
    assert response is not None and response.truncated and response.odata_type == "microsoft.graph.event"


def test_invalid_annotation_json_is_read_leniently_with_a_diagnostic() -> None:
    ann = '<!-- {\n  "blockType": "response",\n  "truncated": true,\n} -->\n'
    model = parse_page("v1.0/api/event-get.md", api_page("GET /me/events/{id}", REQ + "\n" + ann + RESP))
    assert model.operations[0].examples[0].response is not None
    assert model.operations[0].examples[0].response.truncated
    (d,) = [d for d in model.diagnostics if d.code == "DG005"]
    assert d.span.line > 1


def test_tab_markers_do_not_end_the_example_section() -> None:
    tabbed = "# [HTTP](#tab/http)\n" + REQ + "\n# [C#](#tab/csharp)\n```csharp\nvar x = 1;\n```\n\n---\n\n### Response\n" + RESP
    model = parse_page("v1.0/api/event-get.md", api_page("GET /me/events/{id}", tabbed))
    (example,) = model.operations[0].examples
    assert example.response is not None and example.response.status == 200
    assert model.title == "Do a thing"


@pytest.mark.parametrize("status_line", ["HTTP/1.1 201 Created", "HTTP/1.1 201", "HTTP 201 Created"])
def test_status_line_spellings(status_line: str) -> None:
    resp = f"```http\n{status_line}\n\n{{\"id\": \"1\"}}\n```\n"
    model = parse_page("v1.0/api/x-create.md", api_page("POST /things", REQ.replace("GET", "POST").replace("/me/events/{id}", "/things") + resp))
    response = model.operations[0].examples[0].response
    assert response is not None and response.status == 201


def test_blank_line_between_request_line_and_headers() -> None:
    req = '```http\nPOST https://graph.microsoft.com/v1.0/things\n\nContent-type: application/json\n\n{"a": 1}\n```\n'
    model = parse_page("v1.0/api/thing-create.md", api_page("POST /things", req))
    request = model.operations[0].examples[0].request
    assert [h.name for h in request.headers] == ["Content-type"]
    assert request.body is not None and request.body.json == {"a": 1}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{\n  "a": 1,\n  "b": [1, 2,],\n}', {"a": 1, "b": [1, 2]}),
        ('{\n  "a": 1\n  "b": 2\n}', {"a": 1, "b": 2}),
        ('{\n  "a": "x" // a comment\n}', {"a": "x"}),
        ("{\n  'a': 'x'\n}", {"a": "x"}),
        ('{\n  "a": [1, 2, ...]\n}', {"a": [1, 2]}),
        ('{\n  "a":\u00a0"x"\n}', {"a": "x"}),
        ('{\n  "a": {"b": 1\n', {"a": {"b": 1}}),
    ],
)
def test_malformed_json_is_recovered_with_a_located_diagnostic(body: str, expected: object) -> None:
    req = f"```http\nPOST https://graph.microsoft.com/v1.0/things\nContent-type: application/json\n\n{body}\n```\n"
    model = parse_page("v1.0/api/thing-create.md", api_page("POST /things", req))
    request_body = model.operations[0].examples[0].request.body
    assert request_body is not None and request_body.recovered and request_body.json == expected
    (d,) = [d for d in model.diagnostics if d.code == "DG301"]
    fence_line = next(i for i, ln in enumerate(api_page("POST /things", req).splitlines(), 1) if ln.startswith("POST https"))
    assert fence_line + 2 <= d.span.line <= fence_line + 2 + body.count("\n") + 1


@pytest.mark.parametrize(
    ("ctype", "body"),
    [
        ("application/octet-stream", "{Raw bytes of the file}"),
        ("text/plain", "Hello world"),
        ("application/xml", "<a><b/></a>"),
        (None, "{Raw bytes of the file}"),
    ],
)
def test_non_json_bodies_are_kept_as_text(ctype: str | None, body: str) -> None:
    header = f"Content-Type: {ctype}\n" if ctype else ""
    req = f"```http\nPUT https://graph.microsoft.com/v1.0/me/photo/$value\n{header}\n{body}\n```\n"
    model = parse_page("v1.0/api/photo-update.md", api_page("PUT /me/photo/$value", req))
    request_body = model.operations[0].examples[0].request.body
    assert request_body is not None and not request_body.is_json and request_body.text == body


def test_unclosed_fence_does_not_swallow_the_next_block() -> None:
    unclosed = '```http\nGET https://graph.microsoft.com/v1.0/me/events/{id}\n\n### Response\n' + RESP
    model = parse_page("v1.0/api/event-get.md", api_page("GET /me/events/{id}", unclosed))
    (example,) = model.operations[0].examples
    assert example.response is not None and example.response.status == 200
    assert "DG003" in codes(model)


# ------------------------------------------------------------------ type cells and tables


@pytest.mark.parametrize(
    ("cell", "odata"),
    [
        ("String", "Edm.String"),
        ("string", "Edm.String"),
        ("Edm.Int64", "Edm.Int64"),
        ("GUID", "Edm.Guid"),
        ("dateTimeOffset", "Edm.DateTimeOffset"),
        ("[identitySet](identityset.md)", "microsoft.graph.identitySet"),
        ("[identitySet][]", "microsoft.graph.identitySet"),
        ("[identitySet](identityset.md) collection", "Collection(microsoft.graph.identitySet)"),
        ("String collection", "Collection(Edm.String)"),
        ("Collection(String)", "Collection(Edm.String)"),
        ("Collection([x](x.md))", "Collection(microsoft.graph.x)"),
        ("Collection of [x](x.md)", "Collection(microsoft.graph.x)"),
        ("string (url)", "Edm.String"),
        ("string, maximum size 20", "Edm.String"),
        ("`DateTimeOffset`", "Edm.DateTimeOffset"),
        ("riskLevel", "microsoft.graph.riskLevel"),
        ("Json", "microsoft.graph.Json"),
        ("", None),
        ("The requested, derived type of [x](x.md)", "microsoft.graph.x"),
    ],
)
def test_type_cell_spellings(cell: str, odata: str | None) -> None:
    assert parse_type_cell(cell) == odata


RESOURCE = """\
# widget resource type

Namespace: microsoft.graph

A widget. Inherits from [entity](entity.md).

## Properties
| Property | Type | Description |
|:--|:--|:--|
| id | String | Read-only. |
| size | Int32 | How big. |
| owner | [identitySet](identityset.md) | Who. |
| tags | String collection | Tags. |
| note | String | Uses a | pipe |

## Relationships
| Relationship | Type | Description |
|:--|:--|:--|
| parts | [part](part.md) collection | Parts. |

### widgetState values

| Member | Value | Description |
|:--|:--|:--|
| active | 0 | On. |
| retired | 1 | Off. |

## JSON representation
<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.widget", "baseType": "microsoft.graph.entity" } -->
```json
{ "id": "String" }
```
"""


def test_resource_page_properties_relationships_enums_and_base() -> None:
    model = parse_page("v1.0/resources/widget.md", RESOURCE)
    widget, state = model.types
    assert widget.name == "microsoft.graph.widget" and widget.base_type == "microsoft.graph.entity"
    assert [(p.name, p.type, p.navigation) for p in widget.properties] == [
        ("id", "Edm.String", False),
        ("size", "Edm.Int32", False),
        ("owner", "microsoft.graph.identitySet", False),
        ("tags", "Collection(Edm.String)", False),
        ("note", "Edm.String", False),
        ("parts", "Collection(microsoft.graph.part)", True),
    ]
    assert widget.properties[0].read_only
    assert state.name == "microsoft.graph.widgetState" and state.kind == "enum"
    assert [(m.name, m.value) for m in state.members] == [("active", 0), ("retired", 1)]
    (d,) = [d for d in model.diagnostics if d.code == "DG004"]
    assert d.span.line == 14


# ------------------------------------------------------------------ examples in older and variant styles

DRIVE_PAGE = textwrap.dedent(
    """\
    # Get drive

    ## Get the signed-in user's drive

    ### HTTP request
    <!-- { "blockType": "request", "name": "get-drive-default" } -->
    ```http
    GET /me/drive
    ```

    ## Get a user's drive

    ### HTTP request
    <!-- { "blockType": "request", "name": "get-drive-by-user" } -->
    ```http
    GET /users/{idOrUserPrincipalName}/drive
    ```

    ## Response

    <!-- { "blockType": "response", "@type": "microsoft.graph.drive", "name": ["get-drive-by-user", "get-drive-default"] } -->
    ```http
    HTTP/1.1 200 OK
    Content-type: application/json

    {"id": "b!t18F8", "driveType": "business"}
    ```
    """
)


def test_examples_under_the_http_request_heading_take_the_response_that_names_them() -> None:
    page = parse_page("v1.0/api/drive-get.md", DRIVE_PAGE)
    (op,) = page.operations
    assert [line.path for line in op.paths] == ["/me/drive", "/users/{idOrUserPrincipalName}/drive"]
    assert [e.name for e in op.examples] == ["get-drive-default", "get-drive-by-user"]
    for example in op.examples:
        assert example.response is not None and example.response.status == 200
        assert example.response.body is not None and example.response.body.json == {"id": "b!t18F8", "driveType": "business"}
    assert op.response_type == "microsoft.graph.drive"  # from the older "@type"


def test_a_request_marked_ignored_is_still_an_example() -> None:
    examples = textwrap.dedent(
        """\
        <!-- { "blockType": "ignored", "name": "count_members" } -->
        ```http
        GET https://graph.microsoft.com/v1.0/groups/{id}/members/$count
        ```
        <!-- { "blockType": "response" } -->
        ```http
        HTTP/1.1 200 OK
        Content-type: text/plain

        893
        ```
        """
    )
    page = parse_page("v1.0/api/group-list-members.md", api_page("GET /groups/{id}/members/$count", examples))
    (op,) = page.operations
    (example,) = op.examples
    assert example.request.path == "/groups/{id}/members/$count"
    assert example.response is not None and example.response.status == 200


def test_a_response_naming_another_request_is_not_given_to_the_request_before_it() -> None:
    examples = textwrap.dedent(
        """\
        <!-- { "blockType": "request", "name": "first" } -->
        ```http
        GET https://graph.microsoft.com/v1.0/things/1
        ```
        <!-- { "blockType": "request", "name": "second" } -->
        ```http
        GET https://graph.microsoft.com/v1.0/things/2
        ```
        <!-- { "blockType": "response", "name": "first" } -->
        ```http
        HTTP/1.1 200 OK
        Content-type: application/json

        {"id": "1"}
        ```
        """
    )
    (op,) = parse_page("v1.0/api/thing-get.md", api_page("GET /things/{id}", examples)).operations
    first, second = op.examples
    assert first.response is not None and first.response.body is not None and first.response.body.json == {"id": "1"}
    assert second.response is None


def test_a_bare_json_body_after_a_request_is_its_response() -> None:
    examples = textwrap.dedent(
        """\
        **Request**

        ```http
        GET https://graph.microsoft.com/beta/things/1
        ```

        **Response**

        ```json
        {"id": "1", "name": "Relecloud"}
        ```
        """
    )
    (op,) = parse_page("beta/api/thing-get.md", api_page("GET /things/{id}", examples)).operations
    (example,) = op.examples
    assert example.response is not None and example.response.status == 200  # the status the page documents
    assert example.response.body is not None and example.response.body.json == {"id": "1", "name": "Relecloud"}
