"""Bodies that are not JSON (tests/docsets/content): an upload (``PUT /things/{id}/content``,
binary), a download (``GET /things/{id}/content``: the content, or a ``302`` to it), a CSV
export and a plain-text request answered with ``202 Accepted`` and a ``Location``.

The doc set is generated into a temporary folder and driven from a fresh interpreter:
in-process through the app, and through uvicorn on a free port.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.cli import main

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
        "thing-upload": ("application/octet-stream", None),
    }


def test_the_generated_tests_replay_every_example(tree: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
        cwd=tree, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "12 passed" in result.stdout  # 6 examples, sync and async


UPLOAD_THEN_DOWNLOAD = """
import io, sys
import anyio
from content.v1_0.client import AsyncClient, Client
from content._runtime.errors import ApiError

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
    try:
        client.things.download(thing_id="new")
    except ApiError as error:
        assert error.status_code == 404, error
    else:
        raise AssertionError("content that was never uploaded was found")
    client.things.upload(thing_id="new", body=data)
    got = client.things.download(thing_id="new")
    assert got.data == data and got.media_type == "application/octet-stream", (len(got.data), got.content_type)
    client.things.upload(thing_id="doc", body=io.BytesIO(b"<p>hi</p>"), content_type="text/html",
                         headers={"Content-Range": "bytes 0-8/9"})
    html = client.things.download(thing_id="doc")
    assert html.data == b"<p>hi</p>" and html.media_type == "text/html" and html.text == "<p>hi</p>", html
    moved = client.things.download(thing_id="t2", follow_redirects=False)
    assert moved.status_code == 302 and moved.headers["location"].startswith("https://downloads.example.com/")
    csv = client.things.export()
    assert csv.media_type == "text/csv" and csv.text.splitlines()[0] == "Id,Name", csv

async def run_async():
    async def chunks():
        yield b"first,"
        yield b"second"
    async with AsyncClient(base, token="u1", **async_options) as aclient:
        await aclient.things.upload(thing_id="streamed", body=chunks())
        got = await aclient.things.download(thing_id="streamed")
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
