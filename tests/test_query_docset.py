"""Typed headers, query parameters of a table, and delta rounds (tests/docsets/widgets).

The doc set documents a list that supports the OData query parameters without naming
them and takes the ``ConsistencyLevel`` and ``Prefer`` headers, a delta function whose
example ends with an ``@odata.deltaLink`` to the docs' host, a function with query
parameters from a table, and an upload taking the ``If-Match`` header. It is generated into a temporary folder and driven from a fresh
interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
WIDGETS = ROOT / "tests" / "docsets" / "widgets"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("widgets")
    code = main(["generate", "--no-cache", "--specs", str(WIDGETS), "--out", str(out), "--package", "widgets"])
    assert code == 0
    return out


def drive(tree: Path, script: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], cwd=tree, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr


def test_headers_and_query_options_reach_the_service(tree: Path) -> None:
    drive(
        tree,
        """
        from widgets._runtime.query import NO_QUERY, Query
        from widgets._runtime.testing import SyncASGITransport
        from widgets.v1_0 import models
        from widgets.v1_0.client import Client
        from widgets.v1_0.server.app import create_app
        from widgets.v1_0.server.memory import InMemoryService
        from widgets.v1_0.server.memory_services.widget import InMemoryWidgetService

        calls = []

        class Spy(InMemoryWidgetService):
            async def list(self, *, path, query=NO_QUERY, consistency_level=None, prefer=None):
                calls.append((query, consistency_level, prefer))
                return [models.Widget(id="w9", name="Gear")]

            async def report(self, *, path, query=NO_QUERY):
                calls.append(query)
                return []

        service = InMemoryService()
        service.widgets = Spy(service.store)
        with Client("http://t", transport=SyncASGITransport(create_app(service))) as client:
            found = list(client.widgets.list(count=True, search='"name:gear"', orderby=["name desc", "id"],
                                             consistency_level="eventual", prefer='outlook.timezone="UTC"'))
            assert [w.id for w in found] == ["w9"]
            assert list(client.widgets.report(start_date_time="2020-01-01T00:00:00Z", limit=2)) == []
        assert calls[0] == (
            Query(orderby=("name desc", "id"), search='"name:gear"', count=True), "eventual", 'outlook.timezone="UTC"'
        ), calls[0]
        assert calls[1] == Query(params={"startDateTime": "2020-01-01T00:00:00Z", "limit": "2"}), calls[1]
        print("ok")
        """,
    )


def test_the_in_memory_list_honours_the_documented_options(tree: Path) -> None:
    drive(
        tree,
        """
        from widgets._runtime.testing import SyncASGITransport
        from widgets.v1_0.client import Client
        from widgets.v1_0.server.app import create_app

        seen = []
        with Client("http://t", transport=SyncASGITransport(create_app()),
                    event_hooks={"response": [seen.append]}) as client:
            # the default app holds the documented widgets w1 (Cog) and w2 (Sprocket)
            assert [w.name for w in client.widgets.list(orderby=["name desc"])] == ["Sprocket", "Cog"]
            assert [w.name for w in client.widgets.list(orderby=["name"], top=1)] == ["Cog", "Sprocket"]
            assert [w.id for w in client.widgets.list(filter="startswith(name, 's')", count=True)] == ["w2"]
            assert seen[-1].json()["@odata.count"] == 1
        print("ok")
        """,
    )


def test_a_delta_round_gives_the_items_and_the_link_to_resume_from(tree: Path) -> None:
    drive(
        tree,
        """
        import anyio
        import httpx
        from widgets._runtime.delta import Delta
        from widgets._runtime.testing import SyncASGITransport
        from widgets.v1_0.client import AsyncClient, Client
        from widgets.app import app as every_version
        from widgets.v1_0.server.app import create_app

        app = create_app()
        sent = []
        with Client("http://t/v1.0", transport=SyncASGITransport(every_version),
                    event_hooks={"request": [sent.append]}) as client:
            first = client.widgets.delta()
            assert isinstance(first, Delta) and [w.name for w in first] == ["Cog"] and len(first) == 1
            assert first.delta_link == "http://t/v1.0/widgets/delta()?$deltatoken=abc", first.delta_link
            again = client.widgets.delta(delta_link=first.delta_link)
            assert [w.id for w in again.items] == ["w1"]
            assert str(sent[-1].url) == "http://t/v1.0/widgets/delta()?$deltatoken=abc", sent[-1].url

        async def run():
            async with AsyncClient("http://a", transport=httpx.ASGITransport(app=app)) as aclient:
                return await aclient.widgets.delta()

        result = anyio.run(run)
        assert [w.id for w in result] == ["w1"] and result.delta_link == "http://a/widgets/delta()?$deltatoken=abc"
        print("ok")
        """,
    )


def test_the_generated_tests_pass(tree: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
        cwd=tree, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "6 passed" in result.stdout  # 3 examples, sync and async


def test_an_upload_sends_its_typed_headers_with_the_given_ones(tree: Path) -> None:
    drive(
        tree,
        """
        import httpx
        from widgets.v1_0.client import Client

        sent = []

        def answer(request):
            sent.append(request)
            return httpx.Response(204)

        with Client("http://t", transport=httpx.MockTransport(answer)) as client:
            client.widgets.put_picture(widget_id="w1", body=b"PNG", if_match='"1"', headers={"X-Trace": "a"})
            client.widgets.put_picture(widget_id="w1", body=b"PNG")
        first, second = sent
        assert first.headers["If-Match"] == '"1"' and first.headers["X-Trace"] == "a", first.headers
        assert first.headers["Content-Type"] == "image/png" and first.content == b"PNG"
        assert "If-Match" not in second.headers
        print("ok")
        """,
    )


def test_an_upload_to_a_dot_segment_stays_under_its_collection(tree: Path) -> None:
    drive(
        tree,
        """
        import anyio
        import httpx
        from widgets.v1_0.client import AsyncClient, Client

        sent = []

        def answer(request):
            sent.append(request.url.raw_path.decode())
            return httpx.Response(204)

        with Client("http://t/v1.0", transport=httpx.MockTransport(answer)) as client:
            client.widgets.put_picture(widget_id="..", body=b"PNG")

        async def run():
            async with AsyncClient("http://t/v1.0", transport=httpx.MockTransport(answer)) as client:
                await client.widgets.put_picture(widget_id=".", body=b"PNG")

        anyio.run(run)
        assert sent == ["/v1.0/widgets/%2E%2E/picture", "/v1.0/widgets/%2E/picture"], sent
        print("ok")
        """,
    )


def test_an_upload_is_held_to_max_upload_bytes_and_takes_any_media_type(tree: Path) -> None:
    drive(
        tree,
        """
        import httpx
        from widgets import Limits
        from widgets._runtime.testing import SyncASGITransport
        from widgets.v1_0.server.app import create_app

        app = create_app(limits=Limits(max_upload_bytes=4, max_body_bytes=1))
        with httpx.Client(transport=SyncASGITransport(app), base_url="http://t") as http:
            fits = http.put("/widgets/w1/picture", content=b"PNG!", headers={"Content-Type": "image/png"})
            assert fits.status_code < 300, fits.text
            other = http.put("/widgets/w1/picture", content=b"GIF", headers={"Content-Type": "image/gif"})
            assert other.status_code < 300, other.text
            large = http.put("/widgets/w1/picture", content=b"PNG!!", headers={"Content-Type": "image/png"})
            assert large.status_code == 413 and large.json()["error"]["code"] == "PayloadTooLarge", large.text
        print("ok")
        """,
    )
