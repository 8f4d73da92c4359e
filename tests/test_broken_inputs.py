"""Broken inputs and the exact diagnostics they must produce."""

from __future__ import annotations

from pathlib import Path

from docgen.link import link
from docgen.parse import parse_page

SPECS = Path(__file__).resolve().parent.parent / "specs"


def messages(diagnostics: object) -> list[str]:
    return [str(d) for d in diagnostics]  # type: ignore[attr-defined]


def test_seed_page_diagnostics() -> None:
    text = (SPECS / "v1.0/api/add-customers.md").read_text(encoding="utf-8")
    model = parse_page("v1.0/api/add-customers.md", text)
    assert messages(model.diagnostics) == [
        "v1.0/api/add-customers.md:21:1: warning DG203 permissions for 'Delegated (work or school account)'"
        " are still TODO",
        "v1.0/api/add-customers.md:23:1: warning DG203 permissions for 'Application' are still TODO",
        "v1.0/api/add-customers.md:31:1: warning DG104 request line ends in '/$ref' but the example sends"
        " POST /financials/companies/{companyId}/customers; generating /financials/companies/{companyId}/customers"
        " (the path the example uses)",
        "v1.0/api/add-customers.md:47:1: warning DG202 'id' is listed as a property to supply on create, but the"
        " server sets it (the example omits it); the generated server assigns it",
        "v1.0/api/add-customers.md:65:1: warning DG202 'lastModifiedDateTime' is listed as a property to supply"
        " on create, but the server sets it (the example omits it); the generated server assigns it",
        "v1.0/api/add-customers.md:82:34: warning DG106 example URL has version segment 'localtest' (expected"
        " one of v1.0, beta); read the path after it",
        "v1.0/api/add-customers.md:84:1: warning DG303 Content-Length says 1013 bytes but the body has 987",
        "v1.0/api/add-customers.md:126:1: warning DG303 Content-Length says 1126 bytes but the body has 1098",
    ]
    (op,) = model.operations
    assert (op.method, op.path, op.kind, op.response_status) == (
        "POST",
        "/financials/companies/{companyId}/customers",
        "create",
        201,
    )
    assert [p.text for p in op.paths] == ["/financials/companies/{companyId}/customers/$ref"]


MALFORMED = """\
# Create widget

## HTTP request
```http
POST /widgets
```

## Response
If successful, this method returns a `201 Created` response code and a [widget](../resources/widget.md) object.

## Example
<!-- { "blockType": "request", "name": "create_widget" } -->
```http
POST https://graph.microsoft.com/v1.0/widgets
Content-type: application/json

{
  "displayName": "A",
  "size": 3,
}
```

<!-- { "blockType": "response", "@odata.type": "microsoft.graph.widget" } -->
```http
HTTP/1.1 201 Created
Content-type: application/json

{"id": "1", "displayName": "A" "size": 3}
```
"""


def test_malformed_json_example_is_located_and_recovered() -> None:
    model = parse_page("v1.0/api/widget-create.md", MALFORMED)
    assert messages(model.diagnostics) == [
        "v1.0/api/widget-create.md:20:1: warning DG301 example JSON is malformed (expecting property name"
        " enclosed in double quotes); read it leniently",
        "v1.0/api/widget-create.md:28:32: warning DG301 example JSON is malformed (expecting ',' delimiter);"
        " read it leniently",
    ]
    (example,) = model.operations[0].examples
    assert example.request.body is not None and example.request.body.json == {"displayName": "A", "size": 3}
    assert example.response is not None and example.response.body is not None
    assert example.response.body.json == {"id": "1", "displayName": "A", "size": 3}


def test_page_without_request_line_is_an_error_and_others_still_link() -> None:
    broken = parse_page("v1.0/api/broken.md", "# Broken\n\n## HTTP request\n\nNothing here.\n")
    good = parse_page("v1.0/api/widget-create.md", MALFORMED)
    assert messages(broken.diagnostics) == [
        "v1.0/api/broken.md:1:1: error DG101 API page has no request line under '## HTTP request'"
    ]
    docset = link([broken, good])
    (version,) = docset.versions
    assert [op.id for r in version.resources for op in r.operations] == ["widget-create"]


def test_links_to_missing_pages_and_wrong_case() -> None:
    resource = "# widget resource type\n\n## Properties\n|Property|Type|Description|\n|:--|:--|:--|\n|id|String||\n"
    pages = [
        parse_page("v1.0/resources/widget.md", resource),
        parse_page("v1.0/api/widget-create.md", MALFORMED.replace("../resources/widget.md", "../resources/Widget.md")),
        parse_page("v1.0/api/other.md", "# Other\n\nSee [gone](../resources/gone.md).\n"),
    ]
    docset = link(pages)
    linking = [str(d) for d in docset.diagnostics if d.code in ("DG401", "DG402")]
    assert linking == [
        "v1.0/api/other.md:3:1: warning DG401 link ../resources/gone.md names a page that is not in the doc set",
        "v1.0/api/widget-create.md:9:1: warning DG402 link ../resources/Widget.md differs in letter case from"
        " v1.0/resources/widget.md",
    ]
    (version,) = docset.versions
    (resource_group,) = version.resources
    assert resource_group.operations[0].response_type == "microsoft.graph.widget"


EVIL = """# {title}

## HTTP request
```http
{lines}
```

## Response
If successful, this method returns a `{status}` response code.

## Example
```http
{example}
```

```http
HTTP/1.1 {status}
Content-type: application/json

{{"id": "1"}}
```
"""


def test_a_request_line_with_a_dot_segment_is_an_error_and_its_operation_is_left_out(tmp_path: Path) -> None:
    """httpx (and servers) remove dot segments: ``/evils/../../etc/passwd/{id}`` names
    ``/etc/passwd/{id}`` (issue 17). The operation is left out with DG108; an example URL
    holding one is served by no route and not replayed; the other pages are generated."""
    from docgen.cli import main

    api = tmp_path / "specs" / "v1.0" / "api"
    api.mkdir(parents=True)
    pages = {
        "evil-delete.md": ("Delete evil", "DELETE /evils/../../etc/passwd/{id}", "204 No Content", "DELETE /evils/1"),
        "evil-update.md": ("Update evil", "PATCH /evils/{id}/./x\nPATCH /evils/{id}", "200 OK", "PATCH /evils/1"),
        "evil-dots.md": ("Get evil dots", "GET /evils/%2e%2E/x", "200 OK", "GET /evils/1"),
        "evil-get.md": ("Get evil", "GET /evils/{id}", "200 OK", "GET /evils/../../etc/passwd/1"),
    }
    for name, (title, lines, status, example) in pages.items():
        (api / name).write_text(EVIL.format(title=title, lines=lines, status=status, example=example))
    out = tmp_path / "out"
    argv = ["generate", "--no-cache", "--specs", str(tmp_path / "specs"), "--out", str(out), "--package", "evil"]
    assert main(argv) == 2
    texts = {path: path.read_text() for path in out.rglob("*.py") if "_runtime" not in path.parts}
    assert texts and not [path for path, text in texts.items() if any(bad in text for bad in ("passwd", "/./x", "%2e%2E"))]
    client = (out / "evil" / "v1_0" / "client" / "evil.py").read_text()
    assert "def get(" in client and "def delete(" not in client and "def update(" not in client

    specs = tmp_path / "specs"
    docset = link([parse_page(str(path.relative_to(specs)), path.read_text()) for path in sorted(api.glob("*.md"))])
    errors = [str(d) for d in docset.diagnostics if d.code == "DG108"]
    assert errors == [
        "v1.0/api/evil-delete.md:5:15: error DG108 request line DELETE /evils/../../etc/passwd/{id} has the dot"
        " segment '..', which HTTP clients and servers remove ('..' with the segment before it); operation"
        " 'evil-delete' left out",
        "v1.0/api/evil-dots.md:5:12: error DG108 request line GET /evils/%2e%2E/x has the dot segment '%2e%2E',"
        " which HTTP clients and servers remove ('..' with the segment before it); operation 'evil-dots' left out",
        "v1.0/api/evil-update.md:5:19: error DG108 request line PATCH /evils/{id}/./x has the dot segment '.',"
        " which HTTP clients and servers remove ('..' with the segment before it); operation 'evil-update' left out",
    ]
    (version,) = docset.versions
    assert [op.id for r in version.resources for op in r.operations] == ["evil-get"]
