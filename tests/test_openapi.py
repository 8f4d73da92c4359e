"""``docgen openapi`` and the documents the generated apps serve at ``/openapi.json``."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from docgen.cli import main
from docgen.config import load_config
from docgen.model import DocSet
from docgen.openapi import combined_document, document_of_version, dumps
from docgen.pipeline import build, load_pages

ROOT = Path(__file__).resolve().parent.parent
GADGETS = ROOT / "tests" / "docsets" / "gadgets"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from openapi_fuzz import fuzz, reachable_routes  # noqa: E402


def docset(specs: Path) -> DocSet:
    return build(load_pages(specs, load_config(ROOT)))


@pytest.fixture(scope="module")
def specs() -> DocSet:
    return docset(ROOT / "specs")


@pytest.fixture(scope="module")
def gadget_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = document_of_version(docset(GADGETS), "api", "v1.0")["components"]["schemas"]
    return schemas


@pytest.fixture()
def generated() -> Iterator[None]:
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        yield
    finally:
        sys.path.remove(str(ROOT / "generated"))


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


# --------------------------------------------------------------------- validity


def test_every_document_of_the_specs_is_valid_openapi_3_1(specs: DocSet) -> None:
    for version in [None] + [v.name for v in specs.versions]:
        document = document_of_version(specs, "financials_api", version)
        assert document["openapi"] == "3.1.0"
        validate(document)  # raises on any violation of the OpenAPI 3.1 schema


def test_the_gadgets_document_is_valid(gadget_schemas: dict[str, Any]) -> None:
    validate(document_of_version(docset(GADGETS), "api", None))


def test_an_unknown_version_is_a_key_error(specs: DocSet) -> None:
    with pytest.raises(KeyError):
        document_of_version(specs, "financials_api", "v9")


# --------------------------------------------------------------------- what it says


def test_it_lists_exactly_the_routes_each_app_serves_with_their_handler_names(specs: DocSet, generated: None) -> None:
    for version, module in (("v1.0", "v1_0"), ("beta", "beta")):
        app = importlib.import_module(f"financials_api.{module}.server.app").create_app()
        document = document_of_version(specs, "financials_api", version)
        listed = {(path, method, operation["operationId"]) for path, method, operation in operations(document)}
        assert listed == reachable_routes(app)
        assert len(listed) == len([r for r in app.routes if isinstance(r, APIRoute)])  # none shadowed here


def test_operation_ids_are_unique_and_readable(specs: DocSet) -> None:
    ids = [op["operationId"] for _, _, op in operations(combined_document(specs, "financials_api"))]
    assert len(ids) == len(set(ids))
    assert "v1_0_customer_create" in ids and "beta_customer_get" in ids
    assert all(op_id.isidentifier() for op_id in ids)


def test_paths_have_their_parameters_bodies_and_documented_responses(specs: DocSet) -> None:
    paths = document_of_version(specs, "financials_api", "v1.0")["paths"]
    create = paths["/financials/companies/{company_id}/customers"]["post"]
    assert [(p["name"], p["in"], p["required"]) for p in create["parameters"]] == [("company_id", "path", True)]
    body = create["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/microsoft.graph.customer"}
    assert body["content"]["application/json"]["examples"]["create_customer_from_"]["value"]["displayName"]
    assert sorted(create["responses"]) == ["201", "400", "404", "413", "415"]
    created = create["responses"]["201"]["content"]["application/json"]
    assert created["schema"] == {"$ref": "#/components/schemas/microsoft.graph.customer"}
    listing = paths["/financials/companies/{company_id}/customers"]["get"]["responses"]["200"]
    page = listing["content"]["application/json"]["schema"]
    assert page["properties"]["value"] == {"type": "array", "items": {"$ref": "#/components/schemas/microsoft.graph.customer"}}
    deleted = paths["/financials/companies/{company_id}/customers/{customer_id}"]["delete"]["responses"]["204"]
    assert "content" not in deleted


def test_errors_are_odata_errors_and_the_api_takes_a_bearer_token(specs: DocSet) -> None:
    document = document_of_version(specs, "financials_api", "v1.0")
    for _, _, operation in operations(document):
        assert operation["responses"]["400"] == {"$ref": "#/components/responses/BadRequest"}
        assert operation["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
        assert "422" not in operation["responses"]
    for response in document["components"]["responses"].values():
        schema = response["content"]["application/json"]["schema"]
        assert schema["required"] == ["error"]
        assert schema["properties"]["error"]["required"] == ["code", "message"]
    assert document["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}
    assert document["security"] == [{"bearer": []}]


def test_types_become_schemas_with_inheritance_formats_enums_and_nulls(gadget_schemas: dict[str, Any]) -> None:
    gadget = gadget_schemas["microsoft.graph.gadget"]
    assert gadget["description"] == "A gadget in a user's drawer."
    base, own = gadget["allOf"]
    assert base == {"$ref": "#/components/schemas/microsoft.graph.entity"}
    assert "id" not in own["properties"]  # inherited, declared once on the base
    props = own["properties"]
    formats = {name: props[name].get("format") for name in ("serial", "createdDateTime", "releaseDate", "warranty", "count", "size", "price")}
    assert formats == {
        "serial": "uuid",
        "createdDateTime": "date-time",
        "releaseDate": "date",
        "warranty": "duration",
        "count": "int32",
        "size": "int64",
        "price": "decimal",
    }
    assert props["opensAt"]["pattern"] == "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,7})?)?$"
    assert "format" not in props["opensAt"]  # a JSON Schema "time" needs an offset; OData's has none
    assert props["serial"]["type"] == "string"  # "Not nullable."
    assert props["count"]["type"] == ["integer", "null"]
    assert props["photo"]["contentEncoding"] == "base64"
    assert props["createdDateTime"]["readOnly"] is True
    assert props["tags"] == {"type": ["array", "null"], "items": {"type": "string"}, "description": "Labels."}
    assert props["color"]["anyOf"] == [{"$ref": "#/components/schemas/microsoft.graph.gadgetColor"}, {"type": "null"}]
    assert gadget_schemas["microsoft.graph.gadgetColor"] == {"type": "string", "enum": ["red", "blue"]}
    assert gadget_schemas["microsoft.graph.entity"]["properties"]["id"]["description"] == "The identifier. Read-only."


def test_documented_examples_are_the_examples_of_their_path() -> None:
    paths = document_of_version(docset(GADGETS), "api", "v1.0")["paths"]
    got = paths["/me/gadgets/{gadget_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert got["examples"]["get_gadget"]["value"]["serial"] == "8f2a6c1e-3b4d-4e5f-9a0b-1c2d3e4f5a6b"
    assert "examples" not in paths["/me/gadgets"]["post"]["responses"]["400"]


def test_the_combined_document_puts_each_version_under_its_segment(specs: DocSet) -> None:
    document = combined_document(specs, "financials_api")
    assert "/v1.0/financials/companies/{company_id}/customers" in document["paths"]
    assert "/beta/financials/companies/{company_id}/customers" in document["paths"]
    schemas = document["components"]["schemas"]
    assert {"v1_0.microsoft.graph.customer", "beta.microsoft.graph.customer"} <= set(schemas)
    listing = document["paths"]["/beta/financials/companies/{company_id}/customers"]["get"]["responses"]["200"]
    items = listing["content"]["application/json"]["schema"]["properties"]["value"]["items"]
    assert items == {"$ref": "#/components/schemas/beta.microsoft.graph.customer"}
    refs = [part.split('"')[0] for part in json.dumps(document).split('"$ref": "#/components/schemas/')[1:]]
    assert refs and all(ref in schemas for ref in refs)


# --------------------------------------------------------------------- served and printed


def test_the_generated_apps_serve_what_docgen_openapi_prints(generated: None, capsys: pytest.CaptureFixture[str]) -> None:
    from financials_api.app import app

    with TestClient(app) as http:
        for version in ("v1.0", "beta"):
            assert main(["openapi", "--specs", str(ROOT / "specs"), "--version", version]) == 0
            printed = json.loads(capsys.readouterr().out)
            served = http.get(f"/{version}/openapi.json").json()
            assert served.pop("servers") == [{"url": f"/{version}"}]  # FastAPI names where a mounted app is served
            assert served == printed
        # docgen and the package's app combine the versions with one function (combine_documents)
        combined = http.get("/openapi.json").json()
    assert {path.split("/")[1] for path in combined["paths"]} == {"v1.0", "beta"}
    on_disk = (ROOT / "generated" / "financials_api" / "v1_0" / "server" / "openapi.json").read_text(encoding="utf-8")
    assert on_disk == dumps(document_of_version(docset(ROOT / "specs"), "financials_api", "v1.0"))


def test_output_file_and_unknown_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "openapi.json"
    assert main(["openapi", "--specs", str(GADGETS), "--package", "gadgets", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["info"]["title"] == "gadgets" and "/v1.0/me/gadgets" in document["paths"]
    assert main(["openapi", "--specs", str(GADGETS), "--version", "v2"]) == 2
    assert "--version 'v2': no such API version in the docs (they have: v1.0)" in capsys.readouterr().err
    assert main(["openapi", "--specs", str(GADGETS), "-o", str(tmp_path / "missing" / "x.json")]) == 2
    assert "No such file or directory" in capsys.readouterr().err


def test_dumps_keeps_text_readable_and_lone_surrogates_escaped() -> None:
    document = {"info": {"title": "Café \"quoted\" {{ x }}"}, "example": "\ud800 and \U0001F600"}
    text = dumps(document)
    assert "Café" in text and "\\ud800" in text and "\U0001F600" in text
    text.encode("utf-8")  # no lone surrogate left in the text
    assert json.loads(text) == document


def test_the_document_is_byte_identical_under_any_hash_seed() -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run(
            [sys.executable, "-m", "docgen", "openapi", "--specs", str(ROOT / "specs"), "--no-cache"],
            capture_output=True, text=True, env=env, cwd=ROOT, check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1 and outputs.pop().startswith('{\n "openapi": "3.1.0"')


# --------------------------------------------------------------------- property-based


def test_schemathesis_finds_no_server_error_and_no_response_outside_the_document(generated: None) -> None:
    from financials_api.app import app

    # lenient: a value the schema allows may still be refused with 400 where JSON Schema cannot say
    # what is valid ($filter's expression grammar); every other check holds.
    report = fuzz(app, examples=25, verbose=True, lenient=True)
    assert report["operations"] == 10
    assert report["cases"] >= 100
    assert report["server_errors"] == 0
    assert report["failures"] == {}
    assert {"200", "201", "404"} <= set(report["statuses"])


def test_bodies_that_are_not_json_have_their_media_types() -> None:
    document = document_of_version(docset(ROOT / "tests" / "docsets" / "content"), "api", "v1.0")
    validate(document)
    paths = document["paths"]
    upload = paths["/things/{thing_id}/content"]["put"]["requestBody"]["content"]
    assert list(upload) == ["application/octet-stream"]
    download = paths["/things/{thing_id}/content"]["get"]["responses"]
    assert list(download["200"]["content"]) == ["application/octet-stream"]
    assert "Location" in download["302"]["headers"]
    assert list(paths["/things/export"]["get"]["responses"]["200"]["content"]) == ["text/csv"]
    assert list(paths["/things/{thing_id}/annotate"]["post"]["requestBody"]["content"]) == ["text/plain"]
