"""Support for the generated tests: run each documented example against an app.

In-process (the default) a test gets a fresh app over a fresh in-memory store
and talks to it through an ASGI transport. When ``DOCGEN_BASE_URL`` is set
(and ``DOCGEN_TOKEN`` when the service wants a bearer token) the same tests
run against that live service instead; entities a test needs are then created
through the documented create operation, when there is one.

``{version}`` in ``DOCGEN_BASE_URL`` stands for the API version of the test
(``http://localhost:8000/{version}`` for the app of every version); the
variable ``DOCGEN_BASE_URL_<VERSION>`` (e.g. ``DOCGEN_BASE_URL_V1_0``), when
set, wins for that version.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import anyio.from_thread
import httpx
from fastapi import FastAPI

from .server import CALLER
from .store import MemoryStore

__all__ = [
    "Harness",
    "SyncASGITransport",
    "assert_echo",
    "assert_shape",
    "json_kind",
    "live_base_url",
]

TEST_BASE_URL = "http://testserver"


def json_kind(value: Any) -> str:
    """The JSON type of a decoded value: null, boolean, number, string, array or object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


_OPTIONAL = frozenset({"@odata.nextLink", "@odata.deltaLink"})
"""Keys a response has or not depending on how much data there is."""


def _optional(key: str) -> bool:
    """Paging links, and ``odata.*`` keys (no ``@``: not OData JSON, so no service sends them)."""
    return key in _OPTIONAL or key.startswith("odata.")


def _shape_errors(actual: Any, documented: Any, where: str) -> list[str]:
    """How ``actual`` fails to have the keys and JSON types of ``documented``."""
    if documented is None:
        return []
    if json_kind(actual) != json_kind(documented):
        return [f"{where}: documented {json_kind(documented)}, got {json_kind(actual)}"]
    if isinstance(documented, dict):
        errors: list[str] = []
        for key, value in documented.items():
            if _optional(key):
                continue
            if key not in actual:
                errors.append(f"{where}.{key}: missing")
            else:
                errors.extend(_shape_errors(actual[key], value, f"{where}.{key}"))
        return errors
    if isinstance(documented, list) and documented:
        if not actual:
            return [f"{where}: documented {len(documented)} items, got none"]
        errors = []
        for index, item in enumerate(documented):
            if all(_shape_errors(candidate, item, "") for candidate in actual):
                errors.append(f"{where}[{index}]: no item has its keys and types")
        return errors
    return []


def assert_shape(actual: Any, documented: Any) -> None:
    """Every key of the documented body is there, with its JSON type (recursively).

    A documented array item must be matched by some returned item; a documented
    null matches anything; paging links (``@odata.nextLink``, ``@odata.deltaLink``)
    are not required, since they depend on how much data there is, nor are keys
    spelled ``odata.*`` without the ``@`` (a typo in the docs: no OData service
    sends them). Keys that are not documented are allowed, which is what a
    truncated documented response needs.
    """
    errors = _shape_errors(actual, documented, "$")
    assert not errors, "response does not match the documented one:\n  " + "\n  ".join(errors)


def assert_echo(actual: Any, request: Any, documented: Any) -> None:
    """Values the documented response echoes from the request are echoed back."""
    if not (
        isinstance(actual, dict) and isinstance(request, dict) and isinstance(documented, dict)
    ):
        return
    for key, value in request.items():
        if key in documented and documented[key] == value:
            assert (
                key in actual and actual[key] == value
            ), f"{key!r}: sent {value!r}, documented as echoed, got {actual.get(key)!r}"


def live_base_url(version: str) -> str:
    """The live service to test ``version`` against; empty for in-process."""
    suffix = re.sub(r"[^A-Za-z0-9]+", "_", version).strip("_").upper()
    url = os.environ.get(f"DOCGEN_BASE_URL_{suffix}") or os.environ.get("DOCGEN_BASE_URL", "")
    return url.replace("{version}", version).rstrip("/")


class SyncASGITransport(httpx.BaseTransport):
    """Serve a synchronous ``httpx.Client`` from an ASGI app, in-process.

    Each request runs the app on an event loop in a helper thread (so it works
    inside an async test too) and returns the whole response.
    """

    def __init__(self, app: FastAPI) -> None:
        self._transport = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a body streamed from a file or an iterator, read here to be sent on

        async def send() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            response = await self._transport.handle_async_request(request)
            content = await response.aread()
            return response.status_code, response.headers.raw, content

        with anyio.from_thread.start_blocking_portal() as portal:
            status, headers, content = portal.call(send)
        return httpx.Response(status, headers=headers, content=content, request=request)


class Harness:
    """One test's view of the service: in-process (sync or async) or live."""

    def __init__(
        self,
        mode: str,
        make_app: Callable[[], tuple[FastAPI, MemoryStore]],
        version: str = "",
    ) -> None:
        self.mode = mode
        """``sync`` or ``async``: which client the test uses."""
        self.base_url = live_base_url(version)
        """The live service, or empty for in-process."""
        self.token = os.environ.get("DOCGEN_TOKEN") or None
        self.responses: list[httpx.Response] = []
        """Responses the client received, in order."""
        self.store: MemoryStore | None = None
        self.app: FastAPI | None = None
        if not self.base_url:
            self.app, self.store = make_app()

    @property
    def is_async(self) -> bool:
        return self.mode == "async"

    @property
    def live(self) -> bool:
        return bool(self.base_url)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def seed(
        self, collection: str, key: str | None, body: Any, create_path: str | None = None
    ) -> str:
        """Make an entity the example needs exist; return the id to address it by.

        In-process it is stored as documented. Live, it is created through
        ``create_path`` when the docs have a create operation for it (its
        server-set fields left out), and the id the service gave is returned.
        """
        if self.store is not None:
            CALLER.set(self.token or "me")  # whom /me names: the user the client's token names
            if key is None:
                self.store.put_single(collection, body)
                return ""
            return self.store.put(collection, key, body)
        if create_path is None or not isinstance(body, dict):
            return key or ""
        sent = {
            k: v
            for k, v in body.items()
            if k == "@odata.type" or (k != "id" and not k.startswith("@odata."))
        }
        response = httpx.post(self.base_url + create_path, json=sent, headers=self._headers())
        response.raise_for_status()
        created = response.json()
        return str(created.get("id", key)) if isinstance(created, dict) else key or ""

    def _check_content(self, response: httpx.Response, text: str, media_type: str) -> None:
        received = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        assert received == media_type, f"content type {received!r}, documented {media_type!r}"
        assert response.content, "the documented response has a body, the response has none"
        if not self.live:
            assert response.content == text.encode(
                "utf-8"
            ), f"body {response.content[:200]!r}, documented {text[:200]!r}"

    def _record(self, response: httpx.Response) -> None:
        self.responses.append(response)

    async def _arecord(self, response: httpx.Response) -> None:
        self.responses.append(response)

    def sync_options(self) -> dict[str, Any]:
        """Keyword arguments for the generated ``Client``."""
        options: dict[str, Any] = {
            "base_url": self.base_url or TEST_BASE_URL,
            "token": self.token,
            "event_hooks": {"response": [self._record]},
        }
        if self.app is not None:
            options["transport"] = SyncASGITransport(self.app)
        return options

    def async_options(self) -> dict[str, Any]:
        """Keyword arguments for the generated ``AsyncClient``."""
        options: dict[str, Any] = {
            "base_url": self.base_url or TEST_BASE_URL,
            "token": self.token,
            "event_hooks": {"response": [self._arecord]},
        }
        if self.app is not None:
            options["transport"] = httpx.ASGITransport(app=self.app)
        return options

    def check(
        self,
        status: int,
        body: Any,
        request: Any = None,
        has_body: bool = True,
        media_type: str | None = None,
        location: bool = False,
    ) -> None:
        """The first response the client received is the documented one.

        ``media_type``: the documented body is not JSON but content of that type
        (``body`` is its text): the response has that content type and a body, the
        documented one in-process. ``location``: the documented response names a
        ``Location`` (a redirect, an accepted request to poll).
        """
        assert self.responses, "the client sent no request"
        response = self.responses[0]
        assert (
            response.status_code == status
        ), f"status {response.status_code}, documented {status}: {response.text[:500]}"
        if 300 <= status < 400 or location:
            assert response.headers.get("location"), "a documented Location header is missing"
        if not has_body:
            return
        if media_type is not None:
            self._check_content(response, body, media_type)
            return
        actual = response.json()
        assert_shape(actual, body)
        assert_echo(actual, request, body)
