"""``docgen.runtime.openapi``: the one combination of the versions' OpenAPI documents, used by
``docgen openapi`` and by the generated package's app; importable without FastAPI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from docgen.runtime.openapi import combine_documents, read_document, serve_document

ROOT = Path(__file__).resolve().parent.parent


def version_document(title: str) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/microsoft.graph.thing"}
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": title},
        "paths": {
            "/things/{thing_id}": {
                "get": {
                    "operationId": "thing_get",
                    "responses": {"200": {"content": {"application/json": {
                        "schema": ref,
                        "examples": {"get_thing": {"value": {"operationId": "kept", "$ref": "#/components/schemas/x"}}},
                    }}}},
                }
            }
        },
        "components": {
            "schemas": {"microsoft.graph.thing": {"properties": {"operationId": {"type": "string"}, "next": ref}}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


def test_each_version_is_mounted_and_its_names_carry_the_version_module() -> None:
    combined = combine_documents("api", [("/v1.0", "v1_0", version_document("v1.0")), ("/beta", "beta", version_document("beta"))])
    assert list(combined["paths"]) == ["/beta/things/{thing_id}", "/v1.0/things/{thing_id}"]
    assert combined["info"]["title"] == "api" and combined["info"]["version"] == "v1.0, beta"
    get = combined["paths"]["/v1.0/things/{thing_id}"]["get"]
    assert get["operationId"] == "v1_0_thing_get"
    content = get["responses"]["200"]["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/v1_0.microsoft.graph.thing"}
    # example values and property names are data: never renamed
    assert content["examples"]["get_thing"]["value"] == {"operationId": "kept", "$ref": "#/components/schemas/x"}
    schemas = combined["components"]["schemas"]
    assert list(schemas) == ["beta.microsoft.graph.thing", "v1_0.microsoft.graph.thing"]
    assert schemas["beta.microsoft.graph.thing"]["properties"] == {
        "operationId": {"type": "string"},
        "next": {"$ref": "#/components/schemas/beta.microsoft.graph.thing"},
    }
    assert combined["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}
    assert combined["security"] == [{"bearer": []}]


def test_no_versions_give_an_empty_document() -> None:
    combined = combine_documents("api", [])
    assert combined["paths"] == {} and combined["components"] == {"schemas": {}} and combined["openapi"] == "3.1.0"


def test_a_document_is_read_and_served_once_made(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(version_document("v1.0")), encoding="utf-8")
    made: list[int] = []

    def document() -> dict[str, Any]:
        made.append(1)
        return read_document(path)

    app = FastAPI()
    serve_document(app, document)
    assert made == []
    with TestClient(app) as http:
        assert http.get("/openapi.json").json()["paths"] == version_document("v1.0")["paths"]
        http.get("/openapi.json")
    assert made == [1]


def test_docgen_imports_the_runtime_it_uses_without_the_runtime_dependencies() -> None:
    # docgen's own dependencies include none of these: only the generated code needs them
    code = (
        "import sys\n"
        "for name in ('fastapi', 'starlette', 'pydantic', 'httpx', 'anyio', 'uvicorn'): sys.modules[name] = None\n"
        "import docgen.cli, docgen.openapi, docgen.render\n"
        "from docgen.runtime.openapi import combine_documents\n"
        "print(combine_documents('api', [])['info']['title'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "api\n"
