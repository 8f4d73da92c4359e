"""Path arguments stay the one segment the docs put them in (issue 17, item 1).

httpx removes dot segments from the URLs it sends: a path argument of ``..`` used to
climb out of the base URL (``DELETE /tenant1/v1.0/financials/customers/1``, bearer token
included) and ``.`` dropped its segment. Each hostile value goes through the seed's
generated client, sync and async, over an ``httpx.MockTransport``, and the raw path
httpx actually sends is checked byte for byte; then through the generated server, which
must read it back as the same one value.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import anyio
import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://api.example.com/tenant1/v1.0"

HOSTILE = {
    "..": "%2E%2E",
    ".": "%2E",
    "...": "%2E%2E%2E",
    "%2E%2E": "%252E%252E",
    "%2e": "%252e",
    "a/../b": "a%2F..%2Fb",
    "/": "%2F",
    "../../x": "..%2F..%2Fx",
    "?x=1": "%3Fx%3D1",
    "#top": "%23top",
    "%": "%25",
    "a b": "a%20b",
    "é": "%C3%A9",
}
"""A path argument, and the segment it must be sent as."""


@pytest.fixture(scope="module")
def seed() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        from financials_api.v1_0 import client

        yield client
    finally:
        sys.path.remove(str(ROOT / "generated"))


def _recorder() -> tuple[httpx.MockTransport, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.method == "GET" and request.url.path.endswith("/customers"):
            return httpx.Response(200, json={"value": []})
        return httpx.Response(200, json={"id": "1"})

    return httpx.MockTransport(answer), sent


def _expected(segment: str) -> list[tuple[str, str]]:
    company = f"/tenant1/v1.0/financials/companies/{segment}/customers"
    return [
        ("POST", company),
        ("GET", f"{company}/{segment}"),
        ("GET", company),
        ("PATCH", f"{company}/{segment}"),
        ("DELETE", f"{company}/{segment}"),
    ]


def _raw(sent: list[httpx.Request]) -> list[tuple[str, str]]:
    return [(request.method, request.url.raw_path.decode("ascii")) for request in sent]


@pytest.mark.parametrize("value", list(HOSTILE))
def test_a_hostile_path_argument_is_sent_as_one_segment(seed: ModuleType, value: str) -> None:
    transport, sent = _recorder()
    with seed.Client(BASE, token="secret", transport=transport) as client:
        client.customers.create(company_id=value, body={"displayName": "x"})
        client.customers.get(company_id=value, customer_id=value)
        list(client.customers.list(company_id=value))
        client.customers.update(company_id=value, customer_id=value, body={"displayName": "y"})
        client.customers.delete(company_id=value, customer_id=value)
    assert _raw(sent) == _expected(HOSTILE[value])
    assert all(request.url.host == "api.example.com" for request in sent)


@pytest.mark.parametrize("value", list(HOSTILE))
def test_a_hostile_path_argument_is_sent_as_one_segment_async(seed: ModuleType, value: str) -> None:
    transport, sent = _recorder()

    async def run() -> None:
        async with seed.AsyncClient(BASE, token="secret", transport=transport) as client:
            await client.customers.create(company_id=value, body={"displayName": "x"})
            await client.customers.get(company_id=value, customer_id=value)
            [item async for item in client.customers.list(company_id=value)]
            await client.customers.update(company_id=value, customer_id=value, body={"displayName": "y"})
            await client.customers.delete(company_id=value, customer_id=value)

    anyio.run(run)
    assert _raw(sent) == _expected(HOSTILE[value])


def test_the_issue_repro_no_longer_leaves_the_base_url(seed: ModuleType) -> None:
    transport, sent = _recorder()
    with seed.Client(BASE, token="secret", transport=transport) as client:
        client.customers.delete(company_id="..", customer_id="1")
    assert _raw(sent) == [("DELETE", "/tenant1/v1.0/financials/companies/%2E%2E/customers/1")]


def test_an_empty_path_argument_is_refused_before_anything_is_sent(seed: ModuleType) -> None:
    transport, sent = _recorder()
    with seed.Client(BASE, token="secret", transport=transport) as client:
        with pytest.raises(ValueError, match="empty"):
            client.customers.delete(company_id="", customer_id="1")
        with pytest.raises(ValueError, match="empty"):
            list(client.customers.list(company_id=""))
    assert sent == []


@pytest.mark.parametrize("value", ["..", ".", "...", "?x=1", "#top", "%", "%2E%2E", "a b"])
def test_the_server_reads_a_hostile_value_back_as_the_same_one_segment(seed: ModuleType, value: str) -> None:
    """(Not ``/``: the server routes on the decoded path, where ``%2F`` is a ``/``.)"""
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        from financials_api.v1_0.server.app import create_app
    finally:
        sys.path.remove(str(ROOT / "generated"))

    async def run() -> None:
        transport = httpx.ASGITransport(app=create_app())
        async with seed.AsyncClient("http://t", transport=transport) as client:
            created = await client.customers.create(company_id=value, body={"displayName": "Adatum"})
            mine = [c.id async for c in client.customers.list(company_id=value)]
            other = [c.id async for c in client.customers.list(company_id="c1")]
            assert mine == [created.id] and other == []
            got = await client.customers.get(company_id=value, customer_id=str(created.id))
            assert got.display_name == "Adatum"

    anyio.run(run)
