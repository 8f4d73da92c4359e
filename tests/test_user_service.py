"""A user's own service plugs into the generated app, and the generated client talks to it."""

from __future__ import annotations

import importlib
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def myservice() -> Iterator[object]:
    sys.path[:0] = [str(ROOT / "generated"), str(ROOT / "examples")]
    try:
        yield importlib.import_module("myservice")
    finally:
        del sys.path[:2]


def test_user_service_overrides_one_operation_and_keeps_the_rest(myservice: object) -> None:
    from financials_api.v1_0 import models
    from financials_api.v1_0.client import Client

    from fastapi.testclient import TestClient

    with TestClient(getattr(myservice, "app"), base_url="http://test") as http, Client(
        "http://test", http_client=http
    ) as client:
        companies = list(client.companies.list())
        assert [(c.id, c.display_name) for c in companies] == [(getattr(myservice, "CONTOSO"), "Contoso")]
        assert isinstance(companies[0].id, uuid.UUID)
        assert list(client.companies.list(top=0)) == []  # the query options reach the user's method
        created = client.customers.create(company_id="c1", body=models.Customer(display_name="Adatum"))
        assert created is not None and created.id
        fetched = client.customers.get(company_id="c1", customer_id=created.id)
        assert fetched is not None and fetched.display_name == "Adatum"
