"""tools/coverage.py on the project's own doc set: every documented request line is served by the
generated app and reached by the generated client, every example passes; a line without a route,
or a route the client does not send, is counted as a miss.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "coverage_specs_api"
"""A package name no other test imports (the generated modules are imported in this process)."""


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docgen_coverage_tool", ROOT / "tools" / "coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("coverage")
    generated = tool.docgen_generate(ROOT / "specs", work / "out", PACKAGE)
    docset = tool.load_model(ROOT / "specs", PACKAGE, jobs=1)
    lines = tool.documented_lines(docset)
    with tool.generated_package(generated.out, PACKAGE):
        routes, broken = tool.version_routes(docset, PACKAGE)
        planned = tool.planned_lines(docset, PACKAGE)
        yield {
            "generated": generated,
            "work": work,
            "docset": docset,
            "lines": lines,
            "routes": routes,
            "broken": broken,
            "planned": planned,
        }
    assert PACKAGE not in sys.modules


def test_every_documented_line_is_served(measured: dict[str, Any]) -> None:
    assert measured["generated"].exit == 0
    assert measured["broken"] == {}
    tally = tool.route_coverage(measured["lines"], measured["routes"], measured["planned"])
    assert tally.documented >= 9
    assert (tally.covered, tally.ratio, tally.misses) == (tally.documented, 1.0, {})


def test_every_documented_line_is_reached_by_the_client(measured: dict[str, Any]) -> None:
    tally = tool.reachability(measured["docset"], PACKAGE, measured["lines"], measured["routes"])
    assert tally.documented == len(measured["lines"])
    assert (tally.covered, tally.ratio, tally.misses) == (tally.documented, 1.0, {})


def test_a_line_without_a_route_is_a_miss(measured: dict[str, Any]) -> None:
    lines = dict(measured["lines"])
    unserved = tool.Line("v1.0", "POST", "/nowhere/{}")
    lines[unserved] = [tool.Where("v1.0/api/nowhere.md", 12, "/nowhere/{id}")]
    tally = tool.route_coverage(lines, measured["routes"], measured["planned"])
    assert (tally.documented, tally.covered) == (len(lines), len(lines) - 1)
    [(kind, examples)] = tally.misses.items()
    assert "plans no route" in kind
    assert examples == ["`v1.0/api/nowhere.md:12` POST /nowhere/{id}"]


def test_a_planned_route_missing_from_the_app_is_a_miss(measured: dict[str, Any]) -> None:
    line = sorted(measured["lines"])[0]
    routes = {v: set(r) for v, r in measured["routes"].items()}
    routes[line.version].discard((line.method, line.path))
    tally = tool.route_coverage(measured["lines"], routes, measured["planned"])
    assert tally.covered == tally.documented - 1
    [(kind, _)] = tally.misses.items()
    assert "plans a route for it but the app has none" in kind


def test_a_served_line_no_client_call_sends_is_not_reached(measured: dict[str, Any]) -> None:
    lines = dict(measured["lines"])
    extra = tool.Line("v1.0", "GET", "/served/only/by/the/app")
    lines[extra] = [tool.Where("v1.0/api/extra.md", 3, "/served/only/by/the/app")]
    routes = {v: set(r) for v, r in measured["routes"].items()}
    routes["v1.0"].add((extra.method, extra.path))
    assert tool.route_coverage(lines, routes, measured["planned"]).ratio == 1.0
    tally = tool.reachability(measured["docset"], PACKAGE, lines, routes)
    assert tally.covered == len(lines) - 1
    assert list(tally.misses.values()) == [["`v1.0/api/extra.md:3` GET /served/only/by/the/app"]]


def test_the_path_check() -> None:
    assert tool._fits("/users/{id}/Things/{thing-id}", "/users/p1/things/p2", ["p1", "p2"])
    assert tool._fits("/drive/root:/{item-path}:/content", "/drive/root:/p1:/content", ["p1"])
    assert not tool._fits("/users/{id}/things/{thing-id}", "/users/p2/things/p1", ["p1", "p2"])
    assert not tool._fits("/users/{id}/things", "/groups/p1/things", ["p1"])
    assert tool.normalise("/Users/{user-id:path}/things/") == "/users/{}/things"


def test_every_example_passes(measured: dict[str, Any]) -> None:
    examples = tool.example_coverage(measured["generated"], measured["work"] / "junit.xml")
    assert examples.tests >= 9 and examples.variants == 2 * examples.tests
    assert (examples.passing, examples.not_replayed, examples.ratio) == (examples.tests, [], 1.0)


def test_the_section_replaces_only_its_trees(tmp_path: Path) -> None:
    doc = tmp_path / "quality.md"
    doc.write_text("# Extraction quality\n\nkept\n", encoding="utf-8")
    tool.write_section(doc, {"graph-docs": ["sample v1", ""], "graph-docs-full": ["full v1", ""]})
    tool.write_section(doc, {"graph-docs": ["sample v2", ""]})
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Extraction quality\n\nkept\n\n" + tool.BEGIN)
    assert "sample v2" in text and "sample v1" not in text and "full v1" in text
    assert text.index("sample v2") < text.index("full v1")
    assert text.count(tool.BEGIN) == text.count(tool.END) == 1


def test_a_test_passes_only_when_every_variant_does(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.v1_0.test_x" name="test_get[sync]"/>'
        '<testcase classname="tests.v1_0.test_x" name="test_get[async]"/>'
        '<testcase classname="tests.v1_0.test_x" name="test_list[sync]"/>'
        '<testcase classname="tests.v1_0.test_x" name="test_list[async]">'
        '<failure message="AssertionError: status 202, documented 200: {}"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    ok, runs, failures = tool.junit_results(junit)
    assert runs == 4
    assert ok == {("tests.v1_0.test_x", "test_get"): True, ("tests.v1_0.test_x", "test_list"): False}
    assert tool.failure_kind(failures[("tests.v1_0.test_x", "test_list")]) == "AssertionError: status 202, documented 200"
