"""Generated text that should say each thing once: an operation's docstring (its title and its
description) and the in-memory service's ``SEEDS`` (an entity shown by several examples)."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from docgen.config import Config
from docgen.model import DocSet, JsonValue
from docgen.render import render
from docgen.render.conform import TypeIndex
from docgen.render.examples import ExamplePlanner
from docgen.render.text import summary_text
from test_render_docsets import COMPANY_ID, CUSTOMER, CUSTOMER_ID, body, customers_docset

CONFIG = Config(package="financials_api")


@pytest.mark.parametrize(
    ("title", "description", "said"),
    [
        ("Delete book", "Delete a book.", "Delete a book."),
        ("Delete customer", "Delete a customer object.", "Delete a customer object."),
        ("Delete subscription", "Deletes a subscription.", "Deletes a subscription."),
        ("List customers", "Retrieve a list of customer objects.", "Retrieve a list of customer objects."),
        ("Get customer", "Retrieve the properties and relationships of a customer object.",
         "Retrieve the properties and relationships of a customer object."),
        ("List policies", "List the policy objects.", "List the policy objects."),
        ("List comboBoxes", "List the comboBox objects.", "List the comboBox objects."),
        ("Delete book (deprecated)", "Delete a book.", "Delete book (deprecated)."),
        ("event: tentativelyAccept", "Tentatively accept the specified event in a user calendar.",
         "event: tentativelyAccept. Tentatively accept the specified event in a user calendar."),
        ("Get book.", "", "Get book."),
        ("", "Get a book.", "Get a book."),
        ("", "", ""),
    ],
)
def test_the_title_and_description_say_each_thing_once(title: str, description: str, said: str) -> None:
    assert summary_text(title, description) == said


def described(docset: DocSet, texts: dict[str, tuple[str, str]]) -> DocSet:
    """``docset`` with the title and description of the operations named in ``texts``."""
    versions = []
    for version in docset.versions:
        resources = tuple(
            replace(resource, operations=tuple(
                replace(op, title=texts[op.id][0], description=texts[op.id][1]) if op.id in texts else op
                for op in resource.operations
            ))
            for resource in version.resources
        )
        versions.append(replace(version, resources=resources))
    return replace(docset, versions=tuple(versions))


def docstrings(text: str) -> dict[str, str]:
    """The docstring of every function of a module, by name (the last one of a name)."""
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = ast.get_docstring(node) or ""
    return found


def test_generated_docstrings_say_a_repeated_title_once() -> None:
    docset = described(customers_docset(), {
        "customer-delete": ("Delete customer", "Delete a customer object."),
        "customer-get": ("Get customer (beta)", "Retrieve a customer and its address."),
    })
    files = render(docset, CONFIG)
    client = docstrings(files["financials_api/v1_0/client/customer.py"])
    service = docstrings(files["financials_api/v1_0/server/services/customer.py"])
    assert client["delete"] == "Delete a customer object."
    assert client["get"] == "Get customer (beta). Retrieve a customer and its address."
    assert "Delete a customer object." in service.values()
    for path, text in files.items():
        if path.endswith(".py"):
            assert "Delete customer. Delete a customer object." not in text, path


def seeds_of(docset: DocSet) -> dict[str, list[tuple[str, str | None, object]]]:
    found = {}
    for version in docset.versions:
        operations = [op for resource in version.resources for op in resource.operations]
        planner = ExamplePlanner(operations, TypeIndex(version))
        for resource in version.resources:
            found[resource.name] = [
                (ast.literal_eval(s.collection), ast.literal_eval(s.key), ast.literal_eval(s.body))
                for s in planner.default_seeds(resource)
            ]
    return found


def test_each_entity_is_seeded_once_with_what_every_example_shows_of_it() -> None:
    # the list example and the get example both show CUSTOMER; the get example shows one more property
    docset = with_get_response(customers_docset(), {**CUSTOMER, "phoneNumber": "555"})
    seeds = seeds_of(docset)["customer"]
    keys = [(collection, key) for collection, key, _ in seeds]
    assert len(keys) == len(set(keys)) == 2
    collection = f"/financials/companies/{COMPANY_ID}/customers"
    first = dict((key, body) for c, key, body in seeds if c == collection)[CUSTOMER_ID]
    assert first == {**CUSTOMER, "phoneNumber": "555"}  # the list's properties, then the get's
    assert list(first)[-1] == "phoneNumber"  # in the order the store would load them
    assert [key for _, key, _ in seeds] == [CUSTOMER_ID, "c2"]


def with_get_response(docset: DocSet, shown: dict[str, JsonValue]) -> DocSet:
    """``docset`` with ``shown`` as the response of its get example."""
    versions = []
    for version in docset.versions:
        resources = []
        for resource in version.resources:
            operations = []
            for op in resource.operations:
                if op.id == "customer-get":
                    example = op.examples[0]
                    assert example.response is not None
                    response = replace(example.response, body=body(shown))
                    op = replace(op, examples=(replace(example, response=response),))
                operations.append(op)
            resources.append(replace(resource, operations=tuple(operations)))
        versions.append(replace(version, resources=tuple(resources)))
    return replace(docset, versions=tuple(versions))


def test_the_committed_in_memory_services_seed_each_entity_once() -> None:
    root = Path(__file__).resolve().parent.parent / "generated"
    for path in sorted(root.glob("*/*/server/memory_services/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        seeds = [
            node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Seed"
        ]
        keys = [(ast.literal_eval(s.args[0]), ast.literal_eval(s.args[1])) for s in seeds]
        assert len(keys) == len(set(keys)), path
