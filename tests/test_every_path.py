"""Every documented request line is served and reachable (tests/docsets/things).

The doc set documents ``thing`` under ``/me/things``, ``/users/{id}/things`` and
``/groups/{id}/things``, an action with an item path and an OData string literal,
and an action whose example response carries an ``@odata.nextLink`` to the docs'
host. It is generated into a temporary folder and driven from a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
THINGS = ROOT / "tests" / "docsets" / "things"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("things")
    code = main(["generate", "--no-cache", "--specs", str(THINGS), "--out", str(out), "--package", "things"])
    assert code == 0
    return out


def drive(tree: Path, script: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], cwd=tree, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr


def test_every_documented_line_has_a_route(tree: Path) -> None:
    drive(
        tree,
        """
        from things.v1_0.server.app import app
        routes = sorted((m, r.path) for r in app.routes for m in getattr(r, "methods", ()) if "things" in r.path)
        assert routes == [
            ("GET", "/groups/{group_id}/things/{thing_id}"),
            ("GET", "/me/things/{thing_id}"),
            ("GET", "/me/things/{thing_id}/content"),
            ("GET", "/users/{user_id}/things/{thing_id}"),
            ("POST", "/me/drive/root:/{item_path:path}:/things/search(q='{text}')"),
            ("POST", "/me/things"),
            ("POST", "/me/things/{thing_id}/archive"),
            ("POST", "/users/{user_id}/things"),
            ("POST", "/users/{user_id}/things/{thing_id}/archive"),
        ], routes
        print("ok")
        """,
    )


def test_a_thing_created_for_a_user_is_read_through_me_by_that_user(tree: Path) -> None:
    drive(
        tree,
        """
        import httpx
        from things.app import app
        from things.v1_0.client import Client

        transport = httpx.ASGITransport(app=app)
        import anyio

        async def main():
            async with httpx.AsyncClient(transport=transport, base_url="http://t/v1.0") as http:
                created = await http.post("/users/u7/things", json={"name": "Red"})
                assert created.status_code == 201, created.text
                tid = created.json()["id"]
                mine = await http.get(f"/me/things/{tid}", headers={"Authorization": "Bearer u7"})
                assert mine.status_code == 200 and mine.json()["name"] == "Red", mine.text
                other = await http.get(f"/me/things/{tid}", headers={"Authorization": "Bearer u8"})
                assert other.status_code == 404
                assert (await http.get(f"/users/u7/things/{tid}")).status_code == 200
                assert (await http.get(f"/groups/g1/things/{tid}")).status_code == 404

        anyio.run(main)
        print("ok")
        """,
    )


def test_the_client_reaches_each_path_by_its_arguments(tree: Path) -> None:
    drive(
        tree,
        """
        import httpx
        from things.v1_0.client import Client

        sent = []

        def answer(request):
            sent.append((request.method, request.url.raw_path.decode()))
            body = {"value": []} if request.url.path.endswith(("archive", "')")) else {"id": "t1"}
            return httpx.Response(200, json=body)

        with Client("http://t/v1.0", transport=httpx.MockTransport(answer)) as client:
            client.things.get(thing_id="t 1")
            client.things.get(thing_id="t1", user_id="u1")
            client.things.get(thing_id="t1", group_id="g/1")
            client.things.create(body={"name": "x"})
            client.things.create(body={"name": "x"}, user_id="u1")
            list(client.things.archive(thing_id="t1"))
            list(client.things.archive(thing_id="t1", user_id="u1"))
            list(client.things.archive(item_path="/docs/a b.txt", text="it's"))
            try:
                list(client.things.archive())
            except TypeError as error:
                assert "fit none of the documented paths" in str(error)
            else:
                raise AssertionError("no path for no arguments")
        assert sent == [
            ("GET", "/v1.0/me/things/t%201"),
            ("GET", "/v1.0/users/u1/things/t1"),
            ("GET", "/v1.0/groups/g%2F1/things/t1"),
            ("POST", "/v1.0/me/things"),
            ("POST", "/v1.0/users/u1/things"),
            ("POST", "/v1.0/me/things/t1/archive"),
            ("POST", "/v1.0/users/u1/things/t1/archive"),
            ("POST", "/v1.0/me/drive/root:/docs/a%20b.txt:/things/search(q='it%27%27s')"),
        ], sent
        print("ok")
        """,
    )


def test_a_documented_next_link_does_not_send_the_client_off_the_server(tree: Path) -> None:
    drive(
        tree,
        """
        from fastapi.testclient import TestClient
        from things.v1_0.client import Client
        from things.v1_0.server.app import app

        with TestClient(app, base_url="http://t") as http:
            reply = http.post("/me/things/t1/archive")
            assert reply.status_code == 200 and "@odata.nextLink" not in reply.json(), reply.text
            with Client("http://t", http_client=http) as client:
                assert [item.id for item in client.things.archive(thing_id="t1")] == ["t1"]
        print("ok")
        """,
    )


def test_the_generated_tests_pass(tree: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
        cwd=tree, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "10 passed" in result.stdout  # 5 examples, sync and async


def test_a_documented_redirect_is_answered_and_not_followed(tree: Path) -> None:
    drive(
        tree,
        """
        from fastapi.testclient import TestClient
        from things.v1_0.server.app import app

        with TestClient(app, base_url="http://t", follow_redirects=False) as http:
            moved = http.get("/me/things/t9/content")
            assert moved.status_code == 302, moved.text
            assert moved.headers["location"] == "https://downloads.example.com/t1?token=abc"
            as_json = http.get("/me/things/t9/content", params={"$format": "application/json"})
            assert as_json.status_code == 200 and as_json.json()["name"] == "Blue", as_json.text
        print("ok")
        """,
    )


def test_hostile_path_arguments_stay_where_the_docs_put_them(tree: Path) -> None:
    """Segments, item paths and OData string literals, operations with no body and
    iterators, sync and async: dot segments are encoded (httpx would remove them), an item path keeps its
    ``/`` but cannot climb out with ``..``, and an empty argument sends nothing."""
    drive(
        tree,
        """
        import anyio
        import httpx
        from things.v1_0.client import AsyncClient, Client

        sent = []

        def answer(request):
            sent.append((request.method, request.url.raw_path.decode()))
            body = {"value": []} if request.url.path.endswith(("archive", "')")) else {"id": "t1"}
            return httpx.Response(200, json=body)

        expected = [
            ("GET", "/v1.0/me/things/%2E%2E"),
            ("GET", "/v1.0/users/%2E%2E/things/%2E"),
            ("GET", "/v1.0/me/things/%2E%2E/content"),
            ("POST", "/v1.0/users/%2E/things/%2E%2E/archive"),
            ("POST", "/v1.0/me/drive/root:/a/%2E%2E/%2E%2E/b/%2E/c:/things/search(q='..%2Fx')"),
            ("POST", "/v1.0/me/drive/root:/%2E%2E:/things/search(q='%27%27')"),
        ]
        with Client("http://t/v1.0", transport=httpx.MockTransport(answer)) as client:
            client.things.get(thing_id="..")
            client.things.get(thing_id=".", user_id="..")
            client.things.get_content(thing_id="..")
            list(client.things.archive(thing_id="..", user_id="."))
            list(client.things.archive(item_path="/a/../../b/./c", text="../x"))
            list(client.things.archive(item_path="..", text="'"))
            for empty in ({"thing_id": ""}, {"thing_id": "t1", "user_id": ""}):
                try:
                    client.things.get(**empty)
                except ValueError:
                    pass
                else:
                    raise AssertionError(f"an empty path argument was sent: {empty}")
            try:
                list(client.things.archive(item_path="/", text="x"))
            except ValueError:
                pass
            else:
                raise AssertionError("an empty item path was sent")
        assert sent == expected, sent

        async def run():
            async with AsyncClient("http://t/v1.0", transport=httpx.MockTransport(answer)) as client:
                await client.things.get(thing_id="..")
                await client.things.get(thing_id=".", user_id="..")
                await client.things.get_content(thing_id="..")
                [i async for i in client.things.archive(thing_id="..", user_id=".")]
                [i async for i in client.things.archive(item_path="/a/../../b/./c", text="../x")]
                [i async for i in client.things.archive(item_path="..", text="'")]

        sent.clear()
        anyio.run(run)
        assert sent == expected, sent
        print("ok")
        """,
    )
