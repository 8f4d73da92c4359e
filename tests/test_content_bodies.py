"""Bodies that are not JSON (tests/docsets/content): an upload (``PUT /things/{id}/content``,
binary), a download (``GET /things/{id}/content``: the content, or a ``302`` to it), a CSV
export and a plain-text request answered with ``202 Accepted`` and a ``Location``.

The doc set is generated into a temporary folder and driven from a fresh interpreter:
in-process through the app, and through uvicorn on a free port.
"""

from __future__ import annotations

import ast
import json
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from test_render_docsets import HOSTILE_TEXT, example, operation

from docgen.cli import main
from docgen.config import Config
from docgen.model import ApiVersion, Body, DocSet, Example, Header, Operation, Resource
from docgen.render import render, replayable
from docgen.render.examples import plan_of
from docgen.render.paths import PathTemplate, store_plan

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "tests" / "docsets" / "content"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("content")
    code = main(["generate", "--no-cache", "--specs", str(CONTENT), "--out", str(out), "--package", "content"])
    assert code == 0
    return out


def drive(tree: Path, script: str, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=tree, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr


def test_the_model_records_each_body_s_media_type() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "docgen", "parse", "--no-cache", "--format", "json", str(CONTENT)],
        capture_output=True, text=True, timeout=120,
    )
    document = json.loads(result.stdout)
    found = {
        op["id"]: (op["request_media_type"], op["response_media_type"])
        for version in document["versions"]
        for resource in version["resources"]
        for op in resource["operations"]
    }
    assert found == {
        "thing-annotate": ("text/plain", None),
        "thing-download": (None, "application/octet-stream"),
        "thing-export": (None, "text/csv"),
        "thing-get": (None, "application/json"),
        "thing-photo": (None, "application/octet-stream"),  # Edm.Stream, no example body
        "thing-photo-update": ("image/jpeg", None),
        "thing-upload": ("application/octet-stream", None),
    }


def test_the_generated_tests_replay_every_example(tree: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
        cwd=tree, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "16 passed" in result.stdout  # 8 examples, sync and async


UPLOAD_THEN_DOWNLOAD = """
import io, sys
import anyio
from content.v1_0.client import AsyncClient, Client

base = sys.argv[1]
options = {}
if base == "in-process":
    import httpx
    from content._runtime.testing import SyncASGITransport
    from content.v1_0.server.app import create_app
    app = create_app()
    base, sync_options, async_options = "http://t", {"transport": SyncASGITransport(app)}, {"transport": httpx.ASGITransport(app=app)}
else:
    sync_options = async_options = {}

data = bytes(range(256)) * 300 + b"\\x00end"
with Client(base, token="u1", **sync_options) as client:
    documented = client.things.get_content(thing_id="new")  # nothing uploaded: the documented example
    assert documented.data == b"The bytes of the content.", documented
    client.things.put_content(thing_id="new", body=data)
    got = client.things.get_content(thing_id="new")
    assert got.data == data and got.media_type == "application/octet-stream", (len(got.data), got.content_type)
    client.things.put_content(thing_id="doc", body=io.BytesIO(b"<p>hi</p>"), content_type="text/html",
                         headers={"Content-Range": "bytes 0-8/9"})
    html = client.things.get_content(thing_id="doc")
    assert html.data == b"<p>hi</p>" and html.media_type == "text/html" and html.text == "<p>hi</p>", html
    moved = client.things.get_content(thing_id="t2", follow_redirects=False)
    assert moved.status_code == 302 and moved.headers["location"].startswith("https://downloads.example.com/")
    client.things.put_photo(thing_id="t7", body=b"\\xff\\xd8 not quite a JPEG")
    photo = client.things.get_photo(thing_id="t7")
    assert photo.data == b"\\xff\\xd8 not quite a JPEG" and photo.media_type == "image/jpeg", photo
    csv = client.things.export()
    assert csv.media_type == "text/csv" and csv.text.splitlines()[0] == "Id,Name", csv

async def run_async():
    async def chunks():
        yield b"first,"
        yield b"second"
    async with AsyncClient(base, token="u1", **async_options) as aclient:
        await aclient.things.put_content(thing_id="streamed", body=chunks())
        got = await aclient.things.get_content(thing_id="streamed")
        assert got.data == b"first,second", got
        async with aclient.session.stream("GET", "/things/new/content") as response:
            streamed = b"".join([part async for part in response.aiter_bytes()])
        assert streamed == data

anyio.run(run_async)
print("ok")
"""


def test_bytes_uploaded_are_downloaded_in_process(tree: Path) -> None:
    drive(tree, UPLOAD_THEN_DOWNLOAD, "in-process")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture()
def served(tree: Path) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "content.app:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/v1.0"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_bytes_uploaded_are_downloaded_against_uvicorn(tree: Path, served: str) -> None:
    drive(tree, UPLOAD_THEN_DOWNLOAD, served)


def test_an_accepted_request_returns_where_to_watch_it(tree: Path) -> None:
    drive(
        tree,
        """
        from content.v1_0.client import Client
        from content._runtime.testing import SyncASGITransport
        from content.v1_0.server.app import app

        with Client("http://t", transport=SyncASGITransport(app)) as client:
            where = client.things.annotate(thing_id="t1", body="Handle with care.")
            assert where == "https://graph.microsoft.com/v1.0/things/t1/operations/op1", where
        print("ok")
        """,
    )


def test_the_generated_code_passes_mypy_strict(tree: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "."],
        cwd=tree, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]


# --------------------------------------------------------------------- which examples are replayed


def _with_bodies(ex: Example, request: Body | None = None, response: Body | None = None) -> Example:
    assert ex.response is not None
    return replace(
        ex,
        request=replace(ex.request, body=request),
        response=replace(ex.response, body=response),
    )


def _upload() -> Operation:
    op = operation("thing-upload", "action", "PUT", "/things/{id}/content", "thing", status=204)
    return replace(op, request_media_type="application/octet-stream")


def _download(media_type: str = "text/csv") -> Operation:
    op = operation("thing-export", "action", "GET", "/things/export", "thing")
    return replace(op, response_media_type=media_type)


def test_examples_with_bodies_that_are_not_json_are_replayed() -> None:
    sent = Body("The bytes.", "application/octet-stream")
    upload = _with_bodies(example("u", "p.md", "PUT", "/things/1/content", status=204), request=sent)
    assert replayable(upload, _upload()) is None
    csv = Body("Id,Name\nt1,Blue", "text/csv")
    export = _with_bodies(example("e", "p.md", "GET", "/things/export"), response=csv)
    assert replayable(export, _download()) is None
    accepted = _with_bodies(
        example("a", "p.md", "POST", "/things/1/note", status=202), request=Body("Hi.", "text/plain")
    )
    assert replayable(accepted, operation("thing-note", "action", "POST", "/things/{id}/note", "thing", status=202)) is None


def test_examples_whose_bodies_cannot_be_replayed_say_why() -> None:
    get = operation("x-get", "get", "GET", "/items/{id}", "x", None, "microsoft.graph.x", 200)
    text = Body("hello", "text/plain")
    assert replayable(_with_bodies(example("a", "p.md", "GET", "/items/1"), request=text), get) == (
        "request body on a GET request"
    )
    assert replayable(_with_bodies(example("a", "p.md", "GET", "/items/1"), response=text), get) == (
        "response body is not JSON"  # the client reads a model here
    )
    broken = Body('{"id": ', "application/json")
    export = _with_bodies(example("e", "p.md", "GET", "/things/export"), response=broken)
    assert replayable(export, _download()) == "response body is not JSON"
    create = operation("x-create", "create", "POST", "/items", "x", "microsoft.graph.x", "microsoft.graph.x", 201)
    posted = _with_bodies(example("c", "p.md", "POST", "/items", status=201), request=text)
    assert replayable(posted, create) == "request body is not JSON"


def test_store_plans_of_content() -> None:
    content = PathTemplate.parse("/things/{id}/content")
    value = PathTemplate.parse("/things/{id}/photo/$value")
    assert store_plan("action", content, "upload").action == "put_content"
    assert store_plan("action", value, "download").action == "get_content"
    assert store_plan("action", PathTemplate.parse("/things('{id}')/content"), "download").action == "reply"
    assert plan_of(_upload(), content).action == "put_content"


def test_hostile_content_types_and_bodies_stay_literals() -> None:
    hostile = HOSTILE_TEXT + "\xff\u2028"
    request_type = 'text/plain; charset="x"""; import os'
    op = replace(_upload(), request_media_type=request_type.split(";")[0])
    ex = example("u", "api/thing-upload.md", "PUT", "/things/1/content", status=204)
    ex = replace(
        _with_bodies(ex, request=Body(hostile, "text/plain")),
        request=replace(
            _with_bodies(ex, request=Body(hostile, "text/plain")).request,
            headers=(Header("Content-Type", request_type),),
        ),
    )
    down = replace(_download('text/"csv'), examples=(
        _with_bodies(example("e", "api/thing-export.md", "GET", "/things/export"), response=Body(hostile, 'text/"csv')),
    ))
    docset = DocSet((ApiVersion("v1.0", (Resource("thing", None, (replace(op, examples=(ex,)), down), ("p.md",)),), ()),))
    files = render(docset, Config(package="hostile"))
    constants: dict[str, set[object]] = {}
    for path, text in files.items():
        if path.endswith(".py"):
            tree = ast.parse(text)
            constants[path] = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    test = constants["tests/v1_0/test_thing.py"]
    assert hostile.encode("utf-8") in test and request_type in test and hostile in test
    assert 'text/"csv' in test
    memory = constants["hostile/v1_0/server/memory_services/thing.py"]
    assert hostile in memory and 'text/"csv' in memory


def test_an_example_of_the_other_body_kind_is_sent_through_the_session() -> None:
    """An upload documented with a JSON example too, and a JSON action with a MIME example:
    each such example is sent as documented (the client method sends the other kind)."""
    upload = _upload()
    as_json = example("j", "api/thing-upload.md", "PUT", "/things/1/content", {"name": "x"}, 204)
    action = operation("thing-send", "action", "POST", "/things/{id}/send", "thing", status=202)
    action = replace(action, request_media_type="application/json")
    mime = _with_bodies(example("m", "api/thing-send.md", "POST", "/things/1/send", status=202), request=Body("TUlNRQ==", "text/plain"))
    ops = (replace(upload, examples=(as_json,)), replace(action, examples=(mime,)))
    docset = DocSet((ApiVersion("v1.0", (Resource("thing", None, ops, ("p.md",)),), ()),))
    test = render(docset, Config(package="kinds"))["tests/v1_0/test_thing.py"]
    calls = [
        node for node in ast.walk(ast.parse(test))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "request"
    ]
    keywords = sorted({tuple(sorted(k.arg or "" for k in call.keywords)) for call in calls})
    assert keywords == [("content", "content_type"), ("json",)], keywords


def test_the_openapi_document_gives_content_bodies_their_media_types() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "docgen", "openapi", "--no-cache", "--specs", str(CONTENT)],
        capture_output=True, text=True, timeout=120,
    )
    paths = json.loads(result.stdout)["paths"]
    binary = {"type": "string", "format": "binary"}
    upload = paths["/v1.0/things/{thing_id}/content"]["put"]["requestBody"]
    assert upload == {"required": True, "content": {"application/octet-stream": {"schema": binary}}}
    download = paths["/v1.0/things/{thing_id}/content"]["get"]["responses"]
    assert download["200"]["content"] == {"application/octet-stream": {"schema": binary}}
    assert "Location" in download["302"]["headers"]
    export = paths["/v1.0/things/export"]["get"]["responses"]["200"]
    assert export["content"] == {"text/csv": {"schema": binary}}
    note = paths["/v1.0/things/{thing_id}/annotate"]["post"]["requestBody"]["content"]
    assert list(note) == ["text/plain"]
