"""docgen.serialize: the JSON form of the model (docs/json.md), including what the eval scorer reads."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from docgen.diagnostics import Severity, SourceSpan, diag
from docgen.model import (
    ApiVersion,
    DocSet,
    Operation,
    Property,
    RequestLine,
    Resource,
    TypeDef,
)
from docgen.serialize import FORMAT, dumps, to_json

SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"


def span(line: int, path: str = "v1.0/api/create-customer.md") -> SourceSpan:
    return SourceSpan(path, line, 1)


def operation() -> Operation:
    lines = (
        RequestLine("POST", "/financials/companies/{companyId}/customers/$ref", "/financials/companies/{companyId}/customers/$ref", span(30)),
        RequestLine("POST", "/financials/companies/{ id | name }/customers", "/financials/companies/{id}/customers", span(31)),
    )
    return Operation(
        id="create-customer",
        title="Create customer",
        description="Create one.",
        version="v1.0",
        resource="customer",
        kind="create",
        method="POST",
        path="/financials/companies/{companyId}/customers",
        paths=lines,
        parameters=(),
        request_type="microsoft.graph.customer",
        request_properties=(Property("displayName", "Edm.String", "", span(40)),),
        response_type="microsoft.graph.customer",
        response_status=201,
        examples=(),
        permissions=(),
        source=span(1),
    )


def typedef() -> TypeDef:
    where = "v1.0/resources/customer.md"
    return TypeDef(
        name="microsoft.graph.customer",
        kind="entity",
        version="v1.0",
        description="A customer.",
        base_type=None,
        properties=(
            Property("id", "Edm.String", "", span(12, where), read_only=True),
            Property("address", "microsoft.graph.postalAddressType", "", span(13, where)),
            Property("tags", "Collection(Edm.String)", "", span(14, where)),
        ),
        members=(),
        open_type=False,
        source=span(1, where),
    )


def docset() -> DocSet:
    op = operation()
    resource = Resource("customer", "microsoft.graph.customer", (op,), (op.source.path,))
    warning = diag("DG203", "permissions are still TODO", span(20))
    return DocSet((ApiVersion("v1.0", (resource,), (typedef(),)),), (warning,))


def test_spans_enums_and_tuples() -> None:
    assert to_json(SourceSpan("a.md", 3, 7)) == {"path": "a.md", "line": 3, "col": 7}
    assert to_json(Severity.WARNING) == "warning"
    assert to_json((1, ("a", None))) == [1, ["a", None]]
    assert to_json(frozenset({"b", "a", "c"})) == ["a", "b", "c"]
    assert to_json(Path("x") / "y.md") == "x/y.md"


def test_a_request_line_keeps_the_text_as_written_and_its_template() -> None:
    line = operation().paths[1]
    assert to_json(line) == {
        "method": "POST",
        "path": "/financials/companies/{ id | name }/customers",
        "template": "/financials/companies/{id}/customers",
        "source": {"path": "v1.0/api/create-customer.md", "line": 31, "col": 1},
    }


def test_an_operation_has_the_fields_the_docs_promise() -> None:
    data = to_json(operation())
    assert isinstance(data, dict)
    assert data["method"] == "POST"
    assert data["path"] == "/financials/companies/{companyId}/customers"
    assert [p["path"] for p in data["paths"]] == [  # type: ignore[index, union-attr]
        "/financials/companies/{companyId}/customers/$ref",
        "/financials/companies/{ id | name }/customers",
    ]
    assert data["source"] == {"path": "v1.0/api/create-customer.md", "line": 1, "col": 1}
    assert list(data) == [f for f in Operation.__slots__ if not f.startswith("__")]


def test_a_type_has_a_qualified_name_and_typed_properties() -> None:
    data = to_json(typedef())
    assert isinstance(data, dict)
    assert data["name"] == "microsoft.graph.customer"
    props = data["properties"]
    assert isinstance(props, list)
    assert [(p["name"], p["type"]) for p in props] == [  # type: ignore[index, call-overload]
        ("id", "Edm.String"),
        ("address", "microsoft.graph.postalAddressType"),
        ("tags", "Collection(Edm.String)"),
    ]


def test_diagnostics_serialise_with_severity_values() -> None:
    data = to_json(docset())
    assert isinstance(data, dict)
    assert data["diagnostics"] == [
        {
            "severity": "warning",
            "code": "DG203",
            "message": "permissions are still TODO",
            "span": {"path": "v1.0/api/create-customer.md", "line": 20, "col": 1},
        }
    ]


def test_dumps_is_stable_and_round_trips() -> None:
    text = dumps({"format": FORMAT, "model": docset()})
    assert text == dumps({"format": FORMAT, "model": docset()})
    assert text.endswith("}\n")
    assert json.loads(text)["model"] == to_json(docset())


def test_unknown_objects_are_a_bug() -> None:
    with pytest.raises(TypeError):
        to_json(object())


def _scorer() -> ModuleType:
    if not SCORER.is_file():
        pytest.skip("../shared/eval is not beside the project")
    sys.path.insert(0, str(SCORER.parent))
    try:
        spec = importlib.util.spec_from_file_location("docgen_eval_score", SCORER)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCORER.parent))


def test_the_eval_scorer_finds_operations_and_types() -> None:
    score = _scorer()
    ops, types = score.collect(json.loads(dumps({"format": FORMAT, **to_json(docset())})))  # type: ignore[dict-item]
    assert len(ops) == 1
    node, ctx = ops[0]
    assert ctx["src"] == "v1.0/api/create-customer.md"
    documented, every = score.op_lines(node)
    assert ("POST", score.norm_path("/financials/companies/{ id | name }/customers")) in documented
    assert ("POST", score.norm_path("/financials/companies/{companyId}/customers")) in every
    assert [(name, sorted(props)) for name, props, _ in types] == [
        (
            "microsoft.graph.customer",
            [
                ("address", "microsoft.graph.postalAddressType"),
                ("id", "Edm.String"),
                ("tags", "Collection(Edm.String)"),
            ],
        )
    ]
