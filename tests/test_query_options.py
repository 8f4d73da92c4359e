"""Query options on the seed API (generated/): typed client keywords, the service's Query,
and the in-memory service honouring them, in process (httpx ASGI transport) and over uvicorn."""

from __future__ import annotations

import importlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from docgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMPANY = "c1"
NAMES = ("Contoso", "Adatum", "Fabrikam")


@pytest.fixture()
def api() -> Iterator[Any]:
    """The generated package, importable for the test."""
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        yield importlib.import_module("financials_api")
    finally:
        sys.path.remove(str(ROOT / "generated"))


class Recorder:
    """A client over a fresh in-memory app, keeping every response it received."""

    def __init__(self) -> None:
        from financials_api._runtime.testing import SyncASGITransport
        from financials_api.v1_0.client import Client
        from financials_api.v1_0.server.app import create_app

        self.responses: list[httpx.Response] = []
        self.client = Client(
            "http://test",
            transport=SyncASGITransport(create_app()),
            event_hooks={"response": [self.responses.append]},
        )
        from financials_api.v1_0 import models

        for name in NAMES:
            self.client.customers.create(company_id=COMPANY, body=models.Customer(display_name=name))
        self.responses.clear()

    def bodies(self) -> list[Any]:
        return [r.json() for r in self.responses]


@pytest.fixture()
def rec(api: Any) -> Iterator[Recorder]:
    recorder = Recorder()
    with recorder.client:
        yield recorder


def test_top_pages_through_the_server_next_links(rec: Recorder) -> None:
    listed = [c.display_name for c in rec.client.customers.list(company_id=COMPANY, top=1)]
    assert sorted(listed) == sorted(NAMES)
    pages = rec.bodies()
    assert [len(page["value"]) for page in pages] == [1, 1, 1]
    assert all("@odata.nextLink" in page for page in pages[:-1]) and "@odata.nextLink" not in pages[-1]
    assert pages[0]["@odata.nextLink"].startswith("http://test/financials/companies/c1/customers?")
    assert [r.url.params.get("$skip") for r in rec.responses] == [None, "1", "2"]


def test_skip_orderby_and_count(rec: Recorder) -> None:
    listed = list(rec.client.customers.list(company_id=COMPANY, skip=1, params={"$orderby": "displayName desc", "$count": "true"}))
    assert [c.display_name for c in listed] == ["Contoso", "Adatum"]
    assert rec.bodies()[0]["@odata.count"] == 3


def test_filter_keeps_only_the_matching_customer(rec: Recorder) -> None:
    listed = list(rec.client.customers.list(company_id=COMPANY, filter="displayName eq 'Adatum'"))
    assert [c.display_name for c in listed] == ["Adatum"]
    assert rec.responses[0].url.params["$filter"] == "displayName eq 'Adatum'"
    both = rec.client.customers.list(
        company_id=COMPANY, filter="(startswith(displayName, 'c') or displayName eq 'Adatum') and not (email ne null)"
    )
    assert sorted(c.display_name or "" for c in both) == ["Adatum", "Contoso"]


def test_select_returns_only_ids(rec: Recorder) -> None:
    listed = list(rec.client.customers.list(company_id=COMPANY, select=["id"]))
    assert len(listed) == 3 and all(c.id and c.display_name is None for c in listed)
    assert all(set(item) == {"id"} for item in rec.bodies()[0]["value"])
    one = rec.client.customers.get(company_id=COMPANY, customer_id=listed[0].id or "", select=["displayName"])
    assert set(rec.bodies()[-1]) - {"@odata.context"} == {"id", "displayName"} and one.display_name


@pytest.mark.parametrize(
    ("expression", "named"),
    [
        ("contains(displayName, 'A')", "contains"),
        ("displayName in ('Adatum')", "'in'"),
        ("addresses/any(a: a/city eq 'X')", "any"),
        ("displayName eq", "ends too early"),
        ("(" * 40 + "true" + ")" * 40, "nested deeper"),
    ],
)
def test_an_unsupported_filter_is_a_400_naming_it(rec: Recorder, expression: str, named: str) -> None:
    from financials_api import ApiError

    with pytest.raises(ApiError) as caught:
        list(rec.client.customers.list(company_id=COMPANY, filter=expression))
    assert caught.value.status_code == 400 and caught.value.code == "BadRequest"
    assert named in caught.value.message and "$filter" in caught.value.message


def test_a_bad_top_is_a_400(rec: Recorder) -> None:
    from financials_api import ApiError

    with pytest.raises(ApiError) as caught:
        list(rec.client.customers.list(company_id=COMPANY, params={"$top": "-1"}))
    assert caught.value.status_code == 400 and "$top" in caught.value.message


def test_the_service_gets_the_query(api: Any) -> None:
    from financials_api._runtime.query import Query
    from financials_api._runtime.testing import SyncASGITransport
    from financials_api.v1_0 import models
    from financials_api.v1_0.client import Client
    from financials_api.v1_0.server.app import create_app
    from financials_api.v1_0.server.memory import InMemoryService
    from financials_api.v1_0.server.memory_services.company import InMemoryCompanyService

    seen: list[Query] = []

    class Spy(InMemoryCompanyService):
        async def list(self, *, path: str, query: Query = Query()) -> list[models.Company]:
            seen.append(query)
            return []

    service = InMemoryService()
    service.companies = Spy(service.store)
    with Client("http://t", transport=SyncASGITransport(create_app(service))) as client:
        assert list(client.companies.list(top=5, select=["id", "name"], params={"extra": "x"})) == []
    assert seen == [Query(select=("id", "name"), top=5, params={"extra": "x"})]


def test_async_client_follows_server_pages(api: Any) -> None:
    import anyio
    from financials_api.v1_0 import models
    from financials_api.v1_0.client import AsyncClient
    from financials_api.v1_0.server.app import create_app

    async def run() -> list[str]:
        transport = httpx.ASGITransport(app=create_app())
        async with AsyncClient("http://a", transport=transport) as client:
            for name in NAMES:
                await client.customers.create(company_id=COMPANY, body=models.Customer(display_name=name))
            return [c.display_name or "" async for c in client.customers.list(company_id=COMPANY, top=2)]

    assert sorted(anyio.run(run)) == sorted(NAMES)


def test_the_model_records_query_options_and_headers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(ROOT / "specs"), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    found = {
        (version["name"], op["id"]): [(p["name"], p["location"], p["type"]) for p in op["parameters"] if p["location"] != "path"]
        for version in document["versions"]
        for resource in version["resources"]
        for op in resource["operations"]
    }
    assert found[("v1.0", "customer-list")] == [
        ("$filter", "query", "Edm.String"),
        ("$select", "query", "Collection(Edm.String)"),
        ("$top", "query", "Edm.Int32"),
        ("$skip", "query", "Edm.Int32"),
    ]
    assert found[("v1.0", "customer-get")] == [("$select", "query", "Collection(Edm.String)")]
    assert found[("v1.0", "customer-delete")] == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_paging_over_uvicorn(api: Any) -> None:
    from financials_api.v1_0 import models
    from financials_api.v1_0.client import Client

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "financials_api.app:app", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT / "generated",
    )
    try:
        base = f"http://127.0.0.1:{port}/v1.0"
        for _ in range(100):
            try:
                httpx.get(base + "/financials/companies", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with Client(base) as client:
            for name in NAMES:
                client.customers.create(company_id="u1", body=models.Customer(display_name=name))
            listed = [c.display_name for c in client.customers.list(company_id="u1", top=1)]
            assert sorted(listed) == sorted(NAMES)
            only = [c.display_name for c in client.customers.list(company_id="u1", filter="displayName eq 'Adatum'")]
            assert only == ["Adatum"]
            page = httpx.get(base + "/financials/companies/u1/customers", params={"$top": "1"}).json()
            assert page["@odata.nextLink"].startswith(base + "/financials/companies/u1/customers?")
    finally:
        server.terminate()
        server.wait(timeout=10)
