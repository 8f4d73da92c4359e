"""Operations group by what their request path acts on and are named by what they do.

``tests/docsets/legacy`` is written in the old Graph and OneDrive style, pages named
``resource_verb.md`` (``user_delete.md``, ``user_post_users.md``, ``chart_setdata.md``,
``driveitem_get_content.md``): its client is ``client.users.get/list/create/update/delete``,
``client.charts.set_data/set_position``, the same names on the service, the in-memory
service and the routers, whatever the pages' file names are, and ``mypy --strict`` passes
on all of it.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.config import Config
from docgen.diagnostics import SourceSpan
from docgen.model import Operation, OperationKind, Property, TypeDef, TypeKind
from docgen.pipeline import build, load_pages
from docgen.render import render
from docgen.subjects import Navigation, resource_of, subject_of, verb_of

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ROOT / "tests" / "docsets" / "legacy"

Surface = dict[str, dict[str, tuple[str, ...]]]
"""Client attribute -> method -> its keyword parameters with their annotations."""


def _files(specs: Path) -> dict[str, str]:
    return render(build(load_pages(specs, Config())), Config(package="legacy"))


def _classes(text: str) -> dict[str, ast.ClassDef]:
    return {node.name: node for node in ast.parse(text).body if isinstance(node, ast.ClassDef)}


def _methods(cls: ast.ClassDef) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name != "__init__":
            found[node.name] = tuple(
                f"{arg.arg}: {ast.unparse(arg.annotation) if arg.annotation else ''}" for arg in node.args.kwonlyargs
            )
    return found


def client_surface(files: dict[str, str]) -> Surface:
    """What ``Client`` offers: its attributes, their methods and the methods' keywords."""
    client = _classes(files["legacy/v1_0/client/__init__.py"])["Client"]
    init = next(n for n in client.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    surface: Surface = {}
    for node in ast.walk(init):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            target, call = node.targets[0], node.value.func
            if isinstance(target, ast.Attribute) and isinstance(call, ast.Attribute) and isinstance(call.value, ast.Name):
                module = call.value.id.lstrip("_")
                cls = _classes(files[f"legacy/v1_0/client/{module}.py"])[call.attr]
                surface[target.attr] = _methods(cls)
    return surface


def _renamed(tmp: Path, rename: dict[str, str]) -> Path:
    """The legacy doc set with its API pages renamed (links to them need no change: none link there)."""
    out = tmp / "specs"
    shutil.copytree(LEGACY, out)
    for page in sorted((out / "v1.0" / "api").iterdir()):
        page.rename(page.with_name(rename.get(page.name, page.name)))
    return out


def test_the_legacy_doc_set_gets_the_natural_client_surface() -> None:
    surface = client_surface(_files(LEGACY))
    assert sorted(surface) == ["charts", "conversation_threads", "drive_items", "users"]
    assert sorted(surface["users"]) == ["create", "delete", "export_personal_data", "get", "list", "update"]
    assert sorted(surface["charts"]) == ["set_data", "set_position"]
    assert sorted(surface["conversation_threads"]) == ["reply"]  # /groups/{id}/threads: the group's relationship
    assert sorted(surface["drive_items"]) == ["get_content"]  # /drives/{id}/items: the drive's relationship
    assert "format: str | None" in surface["drive_items"]["get_content"]
    assert "prefer: str | None" in surface["users"]["export_personal_data"]


@pytest.mark.parametrize(
    "style",
    [
        pytest.param(lambda name: name.replace("_", "-"), id="current: user-delete.md"),
        pytest.param(lambda name: "page-" + str(sum(map(ord, name))) + ".md", id="opaque: page-NNNN.md"),
    ],
)
def test_the_page_file_names_do_not_change_the_client_surface(tmp_path: Path, style: object) -> None:
    assert callable(style)
    pages = sorted(p.name for p in (LEGACY / "v1.0" / "api").iterdir())
    renamed = {name: style(name) for name in pages}
    assert len(set(renamed.values())) == len(pages)
    assert client_surface(_files(_renamed(tmp_path, renamed))) == client_surface(_files(LEGACY))


def test_service_memory_and_router_use_the_client_s_method_names() -> None:
    files = _files(LEGACY)
    for module, attribute in (("user", "users"), ("chart", "charts"), ("conversation_thread", "conversation_threads")):
        client = next(iter(_classes(files[f"legacy/v1_0/client/{module}.py"]).values()))
        service = next(iter(_classes(files[f"legacy/v1_0/server/services/{module}.py"]).values()))
        memory = _classes(files[f"legacy/v1_0/server/memory_services/{module}.py"])
        memory_class = next(c for name, c in memory.items() if name.startswith("InMemory"))
        assert set(_methods(service)) == set(_methods(client)) == set(_methods(memory_class)), module
        router = files[f"legacy/v1_0/server/routers/{module}.py"]
        handlers = {n.name for n in ast.parse(router).body if isinstance(n, ast.AsyncFunctionDef)} - {"_service"}
        assert handlers == set(_methods(client)), module
        assert f"request.app.state.service.{attribute}" in router
    service_union = _classes(files["legacy/v1_0/server/service.py"])["Service"]
    init = next(n for n in service_union.body if isinstance(n, ast.FunctionDef))
    assert [a.arg for a in init.args.kwonlyargs] == ["charts", "conversation_threads", "drive_items", "users"]


def test_the_legacy_output_type_checks_and_its_tests_pass(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["generate", "--no-cache", "--specs", str(LEGACY), "--out", str(out), "--package", "legacy"]) == 0
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "."],
        cwd=out, capture_output=True, text=True, timeout=600, check=False,
    )
    assert checked.returncode == 0, checked.stdout[-4000:]
    script = """
from legacy.v1_0 import models
from legacy.v1_0.client import Client
from legacy._runtime.testing import SyncASGITransport
from legacy.v1_0.server.app import create_app

with Client("http://t", transport=SyncASGITransport(create_app())) as client:
    made = client.users.create(body=models.User(display_name="Megan"))
    assert made.id and client.users.get(user_id=made.id).display_name == "Megan"
    client.users.update(user_id=made.id, body=models.User(mail="m@contoso.com"))
    assert made.id in [u.id for u in client.users.list()]
    client.users.delete(user_id=made.id)
    assert client.users.export_personal_data(user_id="u1", body={"storageLocation": "x"}, prefer="respond-async") is None
    client.charts.set_data(item_id="i1", worksheet_id="Sheet1", name="c1", body={"seriesBy": "Auto"})
    assert client.drive_items.get_content(drive_id="d1", item_id="i1", format="pdf").data
print("ok")
"""
    ran = subprocess.run([sys.executable, "-c", script], cwd=out, capture_output=True, text=True, timeout=300, check=False)
    assert ran.returncode == 0 and ran.stdout.strip().endswith("ok"), ran.stdout + ran.stderr
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
        cwd=out, capture_output=True, text=True, timeout=600, check=False,
    )
    assert tests.returncode == 0, tests.stdout[-4000:]


# --------------------------------------------------------------------- subjects and verbs


def _type(name: str, *navigation: tuple[str, str], kind: TypeKind = "entity", base: str | None = None) -> TypeDef:
    span = SourceSpan("resources/x.md", 1)
    props = tuple(Property(n, t, "", span, navigation=True) for n, t in navigation)
    qualified_base = f"microsoft.graph.{base}" if base else None
    return TypeDef(f"microsoft.graph.{name}", kind, "v1.0", "", qualified_base, props, (), False, span)


def _op(method: str, path: str, kind: OperationKind = "action", response: str | None = None) -> Operation:
    span = SourceSpan("api/anything.md", 1)
    return Operation("anything", "", "", "v1.0", "", kind, method, path, (), (), None, (), response, 200, (), (), span)


NAVIGATION = Navigation(
    [
        _type("group", ("threads", "Collection(microsoft.graph.conversationThread)")),
        _type("conversationThread"),
        _type("user", ("events", "Collection(microsoft.graph.event)"), ("calendarView", "Collection(microsoft.graph.event)")),
        _type("event"),
        _type("workbook", ("worksheets", "Collection(microsoft.graph.workbookWorksheet)")),
        _type("workbookWorksheet", ("charts", "Collection(microsoft.graph.workbookChart)")),
        _type("workbookChart"),
        _type("deviceConfiguration"),
        _type("windows10GeneralConfiguration", base="deviceConfiguration"),
        _type("emailActivitySummary", kind="complex"),
    ]
)


@pytest.mark.parametrize(
    ("method", "path", "kind", "response", "resource", "verb"),
    [
        ("DELETE", "/users/{id}", "delete", None, "user", "delete"),
        ("GET", "/me", "action", "microsoft.graph.user", "user", "get"),
        ("POST", "/groups/{id}/threads/{id_2}/reply", "action", None, "conversationThread", "reply"),
        ("POST", "/me/drive/items/{id}/workbook/worksheets/{id_2}/charts/{name}/setData", "action", None, "workbookChart", "setData"),
        ("GET", "/me/calendarView", "list", "Collection(microsoft.graph.event)", "event", "list"),
        ("POST", "/me/events/{id}/microsoft.graph.decline", "action", None, "event", "decline"),
        ("GET", "/things/{id}/content", "action", None, "thing", "get_content"),
        ("PUT", "/things/{id}/photo/$value", "action", None, "thing", "put_photo"),
        ("GET", "/things/export", "action", None, "thing", "export"),
        ("DELETE", "/groups/{id}/threads/{id_2}/$ref", "action", None, "conversationThread", "delete_ref"),
        ("GET", "/reports/getEmailActivityCounts(period='{p}')", "action", "microsoft.graph.emailActivitySummary",
         "emailActivitySummary", "getEmailActivityCounts"),
        ("PATCH", "/deviceManagement/deviceConfigurations/{id}", "update", "microsoft.graph.windows10GeneralConfiguration",
         "windows10GeneralConfiguration", "update"),
        ("DELETE", "/deviceManagement/deviceConfigurations/{id}", "delete", None, "deviceConfiguration", "delete"),
    ],
)
def test_resource_and_verb_come_from_the_path(
    method: str, path: str, kind: OperationKind, response: str | None, resource: str, verb: str
) -> None:
    op = _op(method, path, kind, response)
    assert resource_of(op, NAVIGATION)[0] == resource
    collection = response is not None and response.startswith("Collection(")
    assert verb_of(op, subject_of(op, NAVIGATION), False, collection) == verb
