"""The base class of every generated model, and the types of its fields.

OData types are Python types: ``Edm.Guid`` is :class:`uuid.UUID`,
``Edm.DateTimeOffset`` :class:`datetime.datetime`, ``Edm.Date``
:class:`datetime.date`, ``Edm.TimeOfDay`` :class:`datetime.time`,
``Edm.Duration`` :class:`datetime.timedelta`, ``Edm.Decimal``
:class:`decimal.Decimal`, an enumeration its generated ``Enum``. The aliases
below (``Guid``, ``DateTimeOffset``...) are those types, read strictly: JSON
gives them as strings (decimals as numbers), and a value of another JSON type
is an error, as is a number for a string or a string for a number.

A value read from JSON is written back as it was read while it is unchanged:
``2019-10-29T18:07:31.4412346Z`` keeps its seventh fractional digit (a
``datetime`` holds six), a GUID its letter case, a decimal its JSON number.
"""

from __future__ import annotations

import decimal
import uuid
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PlainSerializer,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StrictBool,
    StrictFloat,
    StrictInt,
    model_serializer,
    model_validator,
)

__all__ = [
    "ApiModel",
    "Date",
    "DateTimeOffset",
    "Decimal",
    "Duration",
    "Guid",
    "StrictBool",
    "StrictFloat",
    "StrictInt",
    "TimeOfDay",
    "to_json",
]


def _text(value: Any) -> Any:
    """A JSON value that must be a string: a number or a boolean is refused (Python values pass)."""
    if isinstance(value, (bool, int, float, decimal.Decimal)):
        raise ValueError("Input should be a string")
    return value


def _number(value: Any) -> Any:
    """A JSON value that must be a number: a string or a boolean is refused."""
    if isinstance(value, (str, bool)):
        raise ValueError("Input should be a number")
    return value


def _decimal_json(value: decimal.Decimal) -> int | float:
    """A decimal as a JSON number: an integer when it has no fractional digits."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


Guid = Annotated[uuid.UUID, BeforeValidator(_text)]
"""``Edm.Guid``: a :class:`uuid.UUID`, read from a string."""
DateTimeOffset = Annotated[datetime, BeforeValidator(_text)]
"""``Edm.DateTimeOffset``: a :class:`datetime.datetime`, read from an ISO 8601 string."""
Date = Annotated[date, BeforeValidator(_text)]
"""``Edm.Date``: a :class:`datetime.date`, read from ``YYYY-MM-DD``."""
TimeOfDay = Annotated[time, BeforeValidator(_text)]
"""``Edm.TimeOfDay``: a :class:`datetime.time`, read from ``hh:mm:ss.fffffff``."""
Duration = Annotated[timedelta, BeforeValidator(_text)]
"""``Edm.Duration``: a :class:`datetime.timedelta`, read from an ISO 8601 duration (``PT1H30M``)."""
Decimal = Annotated[
    decimal.Decimal,
    BeforeValidator(_number),
    PlainSerializer(_decimal_json, return_type=int | float, when_used="json"),
]
"""``Edm.Decimal``: a :class:`decimal.Decimal`, read from a JSON number and written as one."""


def to_json(value: Any) -> Any:
    """A body as plain JSON: models dumped by alias, with only the fields that were set."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_unset=True, mode="json")
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return value


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _rewritten(raw: Any, value: Any) -> bool:
    """JSON ``raw`` was read as a value that does not write back as ``raw`` (a timestamp,
    a GUID, a decimal...): the text must be kept."""
    if isinstance(raw, list):
        return (
            isinstance(value, list)
            and len(raw) == len(value)
            and all(_scalar(item) for item in raw)
            and any(_rewritten(item, parsed) for item, parsed in zip(raw, value))
        )
    return _scalar(raw) and not (type(raw) is type(value) and raw == value)


class ApiModel(BaseModel):
    """A JSON object of the API.

    Attributes are snake_case and accept their documented camelCase names too;
    properties the docs do not list are kept (``extra="allow"``), so a model read
    from a response dumps back to the same JSON: a field read from JSON, while
    it keeps the value read, is written back as the JSON it was read from.
    """

    model_config = ConfigDict(
        populate_by_name=True,
        extra="allow",
        protected_namespaces=(),
    )

    odata_type: str | None = Field(default=None, alias="@odata.type")
    """The ``@odata.type`` annotation: the concrete type of the object."""

    _read: dict[str, tuple[Any, Any]] = PrivateAttr(default_factory=dict)
    """Field name -> (the JSON it was read from, the value read), for the fields whose
    value would not write back as that JSON."""

    @model_validator(mode="wrap")
    @classmethod
    def _keep_read_json(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        model = handler(data)
        if isinstance(data, Mapping):
            read = {}
            for name, field in type(model).model_fields.items():
                key = field.alias if field.alias in data else name
                if key in data:
                    value = getattr(model, name)
                    if _rewritten(data[key], value):
                        read[name] = (data[key], list(value) if isinstance(value, list) else value)
            if read:
                model._read = read
        return model

    @model_serializer(mode="wrap")
    def _write_read_json(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if info.mode_is_json():
            fields = type(self).model_fields
            for name, (raw, value) in self._read.items():
                key = fields[name].alias if info.by_alias and fields[name].alias else name
                if key in data and getattr(self, name) == value:
                    data[key] = raw
        return data
