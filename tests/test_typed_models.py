"""Typed model fields: GUIDs, timestamps, dates, times, durations, decimals and enums are
Python values, read strictly (bad input is a 400 with an OData error body), and a value
read from JSON is written back exactly as it was read.

The first tests run the committed generated app for ``specs/`` in-process; the others a
small doc set with every typed property kind, rendered into a temporary folder.
"""

from __future__ import annotations

import importlib
import json
import sys
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from docgen.config import Config
from docgen.model import ApiVersion, DocSet, EnumMember, Resource, TypeDef
from docgen.render import render
from docgen.render.conform import TypeIndex, fit, mismatch
from test_render_docsets import example, operation, prop, span

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "specs" / "v1.0" / "api" / "add-customers.md"
CUSTOMERS = "/financials/companies/c1/customers"


def _fenced_json(page: Path, start: str) -> Any:
    """The JSON body of the first ```http fence of ``page`` whose first line starts with ``start``."""
    text = page.read_text(encoding="utf-8")
    fence = text.split("``` http\n" + start, 1)[1].split("```", 1)[0]
    return json.loads(fence[fence.index("\n{") :])


@pytest.fixture()
def specs_app() -> Iterator[Any]:
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        yield importlib.import_module("financials_api.v1_0.server.app").create_app()
    finally:
        sys.path.remove(str(ROOT / "generated"))


def _call(app: Any, method: str, path: str, body: Any = None) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return await http.request(method, path, json=body)

    import anyio

    return anyio.run(send)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"taxAreaId": "x"}, "taxAreaId"),  # Edm.Guid
        ({"taxAreaId": 5}, "taxAreaId"),
        ({"displayName": 5}, "displayName"),  # Edm.String: a number is not a string
        ({"taxLiable": "true"}, "taxLiable"),  # Edm.Boolean: a string is not a boolean
        ({"lastModifiedDateTime": "yesterday"}, "lastModifiedDateTime"),  # Edm.DateTimeOffset
        ({"lastModifiedDateTime": 1577836800}, "lastModifiedDateTime"),
        ({"address": {"city": 7}}, "address.city"),  # in a nested model too
    ],
)
def test_a_value_of_the_wrong_type_is_a_400_with_an_odata_error(
    specs_app: Any, body: dict[str, Any], field: str
) -> None:
    created = _call(specs_app, "POST", CUSTOMERS, body)
    assert created.status_code == 400, created.text
    error = created.json()["error"]
    assert error["code"] == "BadRequest" and f"body.{field}" in error["message"]
    good = _call(specs_app, "POST", CUSTOMERS, {"displayName": "A"})
    assert good.status_code == 201
    updated = _call(specs_app, "PATCH", f"{CUSTOMERS}/{good.json()['id']}", body)
    assert updated.status_code == 400 and updated.json()["error"]["code"] == "BadRequest"


def test_the_seed_example_comes_back_exactly_through_create_and_get(specs_app: Any) -> None:
    request = _fenced_json(SEED_PAGE, "POST https:")
    documented = _fenced_json(SEED_PAGE, "HTTP/1.1 201")
    assert documented["lastModifiedDateTime"] == "2016-12-31T23:56:51.5562076+03:00"
    created = _call(specs_app, "POST", CUSTOMERS, request)
    assert created.status_code == 201, created.text
    fetched = _call(specs_app, "GET", f"{CUSTOMERS}/{created.json()['id']}")
    for body in (created.json(), fetched.json()):
        assert body["lastModifiedDateTime"] == documented["lastModifiedDateTime"]
        assert {key: body[key] for key in request} == request  # GUIDs as sent, letter for letter


def test_the_client_models_keep_the_text_they_were_read_from(specs_app: Any) -> None:
    from financials_api.v1_0 import models
    from financials_api.v1_0.client import Client

    from financials_api._runtime.testing import SyncASGITransport

    request = _fenced_json(SEED_PAGE, "POST https:")
    upper = {"taxAreaId": request["taxAreaId"].upper()}
    with Client("http://t", transport=SyncASGITransport(specs_app)) as client:
        created = client.customers.create(company_id="c1", body=models.Customer.model_validate(request))
        assert created is not None and created.id is not None
        client.customers.update(
            company_id="c1", customer_id=created.id, body=models.Customer.model_validate(upper)
        )
        fetched = client.customers.get(company_id="c1", customer_id=created.id)
    assert fetched is not None
    assert isinstance(fetched.last_modified_date_time, datetime)
    assert fetched.last_modified_date_time.microsecond == 556207  # Python keeps six digits
    assert isinstance(fetched.tax_area_id, uuid.UUID)
    assert fetched.tax_area_id == uuid.UUID(request["taxAreaId"])  # the same GUID
    dumped = fetched.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert dumped["lastModifiedDateTime"] == "2016-12-31T23:56:51.5562076+03:00"  # the seventh digit too
    assert dumped["taxAreaId"] == upper["taxAreaId"]  # upper case, as sent
    assert json.loads(fetched.model_dump_json(by_alias=True, exclude_unset=True)) == dumped
    fetched.tax_area_id = uuid.UUID(int=1)  # a changed value is written as it now is
    changed = fetched.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert changed["taxAreaId"] == "00000000-0000-0000-0000-000000000001"


def test_users_construct_models_with_python_values(specs_app: Any) -> None:
    from financials_api.v1_0 import models

    customer = models.Customer(
        display_name="Adatum",
        tax_area_id=uuid.UUID("592ce91b-e91b-592c-1be9-2c591be92c59"),
        last_modified_date_time=datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc),
    )
    assert customer.model_dump(mode="json", by_alias=True, exclude_unset=True) == {
        "displayName": "Adatum",
        "taxAreaId": "592ce91b-e91b-592c-1be9-2c591be92c59",
        "lastModifiedDateTime": "2024-05-01T12:30:00Z",
    }


# --------------------------------------------------------------------- every kind


def typed_docset() -> DocSet:
    """One entity with a property of every typed kind, and a create operation."""
    props = (
        prop("id", "Edm.String"),
        prop("guid", "Edm.Guid"),
        prop("when", "Edm.DateTimeOffset"),
        prop("day", "Edm.Date"),
        prop("at", "Edm.TimeOfDay"),
        prop("length", "Edm.Duration"),
        prop("amount", "Edm.Decimal"),
        prop("ratio", "Edm.Double"),
        prop("count", "Edm.Int32"),
        prop("flag", "Edm.Boolean"),
        prop("name", "Edm.String"),
        prop("status", "microsoft.graph.thingStatus"),
        prop("times", "Collection(Edm.DateTimeOffset)"),
    )
    types = (
        TypeDef("microsoft.graph.thing", "entity", "v1.0", "A thing.", None, props, (), False,
                span("resources/thing.md")),
        TypeDef("microsoft.graph.thingStatus", "enum", "v1.0", "Status.", None, (),
                tuple(EnumMember(n, None, "", span("resources/thing.md", 30))
                      for n in ("active", "retired", "unknownFutureValue")),
                False, span("resources/thing.md", 28)),
    )
    create = operation("thing-create", "create", "POST", "/things", "thing",
                       "microsoft.graph.thing", "microsoft.graph.thing", 201,
                       (example("create_thing", "api/thing-create.md", "POST", "/things",
                                {"name": "a"}, 201, {"id": "1", "name": "a"}),))
    get = operation("thing-get", "get", "GET", "/things/{thingId}", "thing", None,
                    "microsoft.graph.thing", 200)
    return DocSet((ApiVersion("v1.0", (Resource("thing", "microsoft.graph.thing", (create, get),
                                                 ("api/thing-create.md",)),), types),))


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("typed")
    for path, text in render(typed_docset(), Config(package="typed_api")).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("typed_api.v1_0.models")
    finally:
        sys.path.remove(str(root))


EXACT = {
    "guid": "592CE91B-E91B-592C-1BE9-2C591BE92C59",
    "when": "2019-10-29T18:07:31.4412346Z",
    "day": "2019-10-29",
    "at": "08:00:00.0000000",
    "length": "PT1H30M",
    "amount": 0,
    "ratio": 1,
    "count": 3,
    "flag": False,
    "name": "x",
    "status": "retired",
    "times": ["2019-10-29T18:07:31.4412346Z", "2020-01-01T00:00:00.000Z"],
}


def test_every_typed_kind_reads_as_its_python_type_and_writes_back_exactly(typed: ModuleType) -> None:
    thing = typed.Thing.model_validate(EXACT)
    assert isinstance(thing.guid, uuid.UUID)
    assert isinstance(thing.when, datetime) and thing.when.tzinfo is not None
    assert thing.day == date(2019, 10, 29)
    assert thing.at == time(8, 0)
    assert thing.length == timedelta(hours=1, minutes=30)
    assert thing.amount == Decimal(0) and isinstance(thing.amount, Decimal)
    assert thing.status is typed.ThingStatus.RETIRED
    assert all(isinstance(t, datetime) for t in thing.times)
    assert thing.model_dump(mode="json", by_alias=True, exclude_unset=True) == EXACT
    text = thing.model_dump_json(by_alias=True, exclude_unset=True)
    assert '"amount":0,' in text and '"ratio":1,' in text  # JSON numbers, as given


def test_decimals_are_json_numbers(typed: ModuleType) -> None:
    thing = typed.Thing.model_validate({"amount": 1.50})
    assert thing.amount == Decimal("1.5")
    made = typed.Thing(amount=Decimal("1.50"))
    assert made.model_dump(mode="json", exclude_unset=True) == {"amount": 1.5}
    assert typed.Thing(amount=Decimal("12")).model_dump(mode="json", exclude_unset=True) == {"amount": 12}


def test_an_enum_takes_its_documented_members_only(typed: ModuleType) -> None:
    assert typed.Thing.model_validate({"status": "unknownFutureValue"}).status.value == "unknownFutureValue"
    with pytest.raises(ValueError):
        typed.Thing.model_validate({"status": "somethingNew"})


SAMPLES: dict[str, list[Any]] = {
    "guid": ["592ce91b-e91b-592c-1be9-2c591be92c59", "592CE91BE91B592C1BE92C591BE92C59",
             "{592ce91b-e91b-592c-1be9-2c591be92c59}", "Guid", "", "592ce91b-e91b-592c-1be9", 5, True],
    "when": ["2019-10-29T18:07:31.4412346Z", "2019-10-29T18:07:31+03:00", "2019-10-29T18:07",
             "2019-10-29", "2019-13-01T00:00:00Z", "2019-10-29T25:00:00Z", "datetime-value",
             "String (timestamp)", "", 0, 1.5],
    "day": ["2019-10-29", "2019-10-29T00:00:00Z", "2019-10-29T10:00:00Z", "2019-02-30", "20191029", 5],
    "at": ["08:00:00.0000000", "08:00", "08:00:00Z", "24:00:00", "8:00", "noon", 8],
    "length": ["PT1H30M", "P1D", "P1Y2M", "-PT1H", "PT1.5S", "01:30:00", "P", "PT", "1 hour", 60],
    "amount": [0, 1.5, -3, "1.5", True],
    "ratio": [0, 1.5, "1.5", False],
    "count": [3, 3.0, "3", True],
    "flag": [True, 0, "true"],
    "name": ["x", "", 5, 1.5, False],
    "status": ["active", "ACTIVE", "somethingNew", 1],
    "times": [["2019-10-29T18:07:31Z"], ["nope"], "2019-10-29T18:07:31Z"],
}


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, values in SAMPLES.items() for v in values])
def test_docgen_predicts_what_the_models_accept(typed: ModuleType, name: str, value: Any) -> None:
    """DG308 and the stand-ins (DG312) rest on this: the renderer's check agrees with the models."""
    index = TypeIndex(typed_docset().versions[0])
    predicted = mismatch({name: value}, "microsoft.graph.thing", index) is None
    try:
        typed.Thing.model_validate({name: value})
        accepted = True
    except ValueError:
        accepted = False
    assert predicted == accepted


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, values in SAMPLES.items() for v in values])
def test_a_stand_in_always_fits(typed: ModuleType, name: str, value: Any) -> None:
    index = TypeIndex(typed_docset().versions[0])
    found: list[str] = []
    fitted = fit({name: value}, "microsoft.graph.thing", index, found)
    if name == "times" and not isinstance(value, list):
        assert fitted == {name: value}  # a string for an array: left as it is, DG308 tells
        return
    typed.Thing.model_validate(fitted)
    assert bool(found) == (json.dumps(fitted) != json.dumps({name: value}))
