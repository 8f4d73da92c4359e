"""The default server never stores what it cannot serve back (issue 17, item 2).

``{"displayName": "\\ud800"}`` is valid JSON, but the lone surrogate it holds cannot be
written as UTF-8: the seed server answered 500 and kept the record, and every later
list or get of the collection answered 500 until restart. Each kind of odd-but-valid
JSON is posted (and patched onto a stored customer), then the collection is listed and
the customer read back: both must answer 200.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS = "/financials/companies/c1/customers"

ODD: dict[str, tuple[bytes, str]] = {
    "lone surrogate in a value": (b'{"displayName": "\\ud800"}', "body.displayName: the string holds a lone surrogate"),
    "lone low surrogate": (b'{"displayName": "a\\udfffb"}', "body.displayName: the string holds a lone surrogate"),
    "lone surrogate nested": (
        b'{"address": {"street": ["ok", "\\udbff"]}}',
        "body.address.street.1: the string holds a lone surrogate",
    ),
    "lone surrogate in a key": (b'{"displayName": "a", "\\ud800": 1}', "body: the key '\\ud800' holds a lone surrogate"),
    "lone surrogate in a nested key": (
        b'{"displayName": "a", "extra": {"\\udc00k": 1}}',
        "body.extra: the key '\\udc00k' holds a lone surrogate",
    ),
    "encoded surrogate bytes": (b'{"displayName": "\xed\xa0\x80"}', "body: not UTF-8"),
    "NaN": (b'{"displayName": "a", "extra": NaN}', "NaN is not a JSON number"),
    "Infinity": (b'{"displayName": "a", "extra": Infinity}', "Infinity is not a JSON number"),
    "-Infinity": (b'{"displayName": "a", "extra": [-Infinity]}', "-Infinity is not a JSON number"),
    "1e999": (b'{"displayName": "a", "extra": {"n": 1e999}}', "body.extra.n: the number is too large"),
    "-1e999 alone": (b"-1e999", "the number is too large"),
    "duplicate keys": (b'{"displayName": "a", "displayName": "b"}', "the key 'displayName' is given twice"),
    "deep nesting (900)": (b'{"displayName": "a", "extra": ' + b"[" * 900 + b"]" * 900 + b"}", "nested deeper than 64"),
    "deep nesting (100000)": (b'{"displayName": "a", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested deeper"),
    "an integer of 5000 digits": (b'{"displayName": "a", "extra": ' + b"9" * 5000 + b"}", "not valid JSON"),
}
"""A body, and what the 400 answering it must say."""


@pytest.fixture(scope="module")
def create_app() -> Iterator[Any]:
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        from financials_api.v1_0.server.app import create_app

        yield create_app
    finally:
        sys.path.remove(str(ROOT / "generated"))


def _client(create_app: Any) -> httpx.Client:
    from financials_api._runtime.testing import SyncASGITransport

    return httpx.Client(transport=SyncASGITransport(create_app()), base_url="http://t")


def _send(http: httpx.Client, method: str, url: str, body: bytes) -> httpx.Response:
    return http.request(method, url, content=body, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("name", list(ODD))
def test_odd_json_is_refused_and_the_collection_is_still_served(create_app: Any, name: str) -> None:
    body, message = ODD[name]
    with _client(create_app) as http:
        stored = http.post(CUSTOMERS, json={"displayName": "Adatum"})
        assert stored.status_code == 201, stored.text
        item = f"{CUSTOMERS}/{stored.json()['id']}"
        for method, url in (("POST", CUSTOMERS), ("PATCH", item)):
            refused = _send(http, method, url, body)
            assert refused.status_code == 400, (method, refused.text)
            error = refused.json()["error"]
            assert error["code"] == "BadRequest" and message in error["message"], error
        listed = http.get(CUSTOMERS)
        assert listed.status_code == 200, listed.text
        assert [c["displayName"] for c in listed.json()["value"]] == ["Adatum"]
        got = http.get(item)
        assert got.status_code == 200 and got.json()["displayName"] == "Adatum", got.text


def test_what_json_can_hold_is_still_accepted_and_served_back(create_app: Any) -> None:
    """No false alarms: a surrogate pair escaped, an escaped backslash before ``ud800``,
    non-ASCII text, big but finite numbers, nesting within the limit."""
    sent = (
        b'{"displayName": "\\ud83d\\ude00 \\\\ud800 \xc3\xa9", "extra": {"n": 1e308, "i": '
        + b"9" * 100
        + b', "deep": '
        + b"[" * 60
        + b"]" * 60
        + b"}}"
    )
    with _client(create_app) as http:
        created = _send(http, "POST", CUSTOMERS, sent)
        assert created.status_code == 201, created.text
        got = http.get(f"{CUSTOMERS}/{created.json()['id']}")
        assert got.status_code == 200
        assert got.json()["displayName"] == "\U0001f600 \\ud800 é"
        assert got.json()["extra"]["n"] == 1e308 and got.json()["extra"]["i"] == int("9" * 100)
