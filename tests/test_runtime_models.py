"""``docgen.runtime.models`` and ``docgen.runtime.errors``, tested where they live (the generated
models build on ``ApiModel`` and the Edm types; clients raise ``ApiError``)."""

from __future__ import annotations

import datetime
import decimal
import uuid

import pytest
from pydantic import Field, ValidationError

from docgen.runtime.errors import ApiError, BadRequest, NotFound, odata_error
from docgen.runtime.models import ApiModel, DateTimeOffset, Decimal, Guid, to_json


class Thing(ApiModel):
    display_name: str | None = Field(default=None, alias="displayName")
    id: Guid | None = None
    created: DateTimeOffset | None = Field(default=None, alias="createdDateTime")
    price: Decimal | None = None


RAW = {
    "@odata.type": "#microsoft.graph.thing",
    "id": "F5A7B3C2-B3C2-F5A7-C2B3-A7F5C2B3A7F5",
    "displayName": "A",
    "createdDateTime": "2016-12-31T23:56:51.5562076+03:00",
    "price": 12.50,
    "undocumented": {"kept": True},
}


def test_a_model_reads_its_json_and_writes_back_exactly_what_it_read() -> None:
    thing = Thing.model_validate(RAW)
    assert thing.display_name == "A" and thing.odata_type == "#microsoft.graph.thing"
    assert thing.id == uuid.UUID("f5a7b3c2-b3c2-f5a7-c2b3-a7f5c2b3a7f5")
    assert isinstance(thing.created, datetime.datetime) and thing.price == decimal.Decimal("12.5")
    assert to_json(thing) == RAW  # the GUID's case and the timestamp's seven digits are kept


def test_a_changed_value_is_written_as_the_new_value() -> None:
    thing = Thing.model_validate(RAW)
    thing.id = uuid.UUID(int=1)
    assert to_json(thing)["id"] == "00000000-0000-0000-0000-000000000001"


def test_python_values_and_snake_case_names_are_accepted_and_only_set_fields_are_sent() -> None:
    thing = Thing(display_name="B", price=decimal.Decimal("3"))
    assert to_json({"items": [thing], "n": (1, 2)}) == {"items": [{"displayName": "B", "price": 3}], "n": [1, 2]}


@pytest.mark.parametrize("field,value", [("id", 5), ("createdDateTime", 1), ("price", "1.5"), ("price", True)])
def test_json_of_the_wrong_kind_is_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Thing.model_validate({field: value})


def test_an_api_error_carries_the_odata_error() -> None:
    error = ApiError(404, odata_error("NotFound", "no thing t1"), "GET", "http://api/things/t1")
    assert (error.code, error.message) == ("NotFound", "no thing t1")
    assert str(error) == "GET http://api/things/t1: 404 NotFound: no thing t1"
    assert ApiError(500, "oops").message == "oops" and ApiError(500, "oops").code == ""
    assert ApiError(502, None).error == {} and ApiError(502, None).message == ""


def test_service_errors_name_their_status_and_code() -> None:
    assert (NotFound("x").status_code, NotFound("x").code, NotFound("x").message) == (404, "NotFound", "x")
    assert (BadRequest("y").status_code, BadRequest("y").code) == (400, "BadRequest")
