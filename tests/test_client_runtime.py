"""The generated client runtime (``_runtime/client.py``): retries of throttled requests,
token providers, content uploads and downloads; driven through ``httpx.MockTransport``
with an injected sleep (no real waiting)."""

from __future__ import annotations

import email.utils
import io
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rt() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        from financials_api._runtime import client

        yield client
    finally:
        sys.path.remove(str(ROOT / "generated"))


Handler = Callable[[httpx.Request], httpx.Response]


def replies(*responses: httpx.Response) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering with ``responses`` in turn, and the requests it saw (bodies read)."""
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handle, seen


def session(rt: ModuleType, handler: Handler, waits: list[float], **options: Any) -> Any:
    return rt.Session("http://api/v1.0", transport=httpx.MockTransport(handler), sleep=waits.append, **options)


# --------------------------------------------------------------------- retries


def test_429_is_retried_after_the_seconds_retry_after_names(rt: ModuleType) -> None:
    handler, seen = replies(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={"id": "1"})
    )
    waits: list[float] = []
    with session(rt, handler, waits) as s:
        assert s.call("GET", "/things/1") == {"id": "1"}
    assert waits == [7.0] and len(seen) == 2


def test_retry_after_as_an_http_date(rt: ModuleType) -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert rt.retry_after(date, now=now) == 30.0
    assert rt.retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert rt.retry_after("soon") is None and rt.retry_after("") is None and rt.retry_after("-3") == 0.0
    handler, seen = replies(
        httpx.Response(503, headers={"Retry-After": email.utils.formatdate(time.time() + 20, usegmt=True)}),
        httpx.Response(204),
    )
    waits: list[float] = []
    with session(rt, handler, waits) as s:
        s.request("DELETE", "/things/1")
    assert len(waits) == 1 and 15 < waits[0] <= 20 and len(seen) == 2


def test_without_retry_after_the_wait_doubles_and_attempts_are_bounded(rt: ModuleType) -> None:
    handler, seen = replies(httpx.Response(503))
    waits: list[float] = []
    with session(rt, handler, waits, retry=rt.Retry(attempts=4, backoff=0.25)) as s:
        with pytest.raises(Exception) as caught:
            s.request("GET", "/things")
    assert waits == [0.25, 0.5, 1.0] and len(seen) == 4
    assert caught.value.status_code == 503


def test_a_wait_longer_than_max_delay_is_not_made(rt: ModuleType) -> None:
    handler, seen = replies(httpx.Response(429, headers={"Retry-After": "120"}))
    waits: list[float] = []
    with session(rt, handler, waits, retry=rt.Retry(max_delay=60)) as s:
        with pytest.raises(Exception) as caught:
            s.request("GET", "/things")
    assert waits == [] and len(seen) == 1 and getattr(caught.value, "status_code", None) == 429


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_post_and_patch_are_not_retried_unless_asked(rt: ModuleType, method: str) -> None:
    handler, seen = replies(httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200, json={}))
    waits: list[float] = []
    with session(rt, handler, waits) as s, pytest.raises(Exception):
        s.request(method, "/things", json={"name": "x"})
    assert len(seen) == 1 and waits == []
    handler, seen = replies(httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200, json={}))
    with session(rt, handler, waits, retry=rt.Retry(methods=rt.ALL_METHODS)) as s:
        assert s.request(method, "/things", json={"name": "x"}).status_code == 200
    assert len(seen) == 2 and waits == [1.0]
    assert [r.content for r in seen] == [b'{"name":"x"}'] * 2


def test_no_retry_and_other_statuses(rt: ModuleType) -> None:
    handler, seen = replies(httpx.Response(429), httpx.Response(200))
    waits: list[float] = []
    with session(rt, handler, waits, retry=rt.NO_RETRY) as s, pytest.raises(Exception):
        s.request("GET", "/things")
    handler, seen = replies(httpx.Response(500), httpx.Response(200))
    with session(rt, handler, waits) as s, pytest.raises(Exception):
        s.request("GET", "/things")
    assert len(seen) == 1 and waits == []


def test_a_streamed_iterator_is_not_sent_twice_but_a_file_is_rewound(rt: ModuleType) -> None:
    handler, seen = replies(httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(200))
    waits: list[float] = []
    with session(rt, handler, waits) as s, pytest.raises(Exception):
        s.request("PUT", "/things/1/content", content=iter([b"ab", b"cd"]))
    assert len(seen) == 1 and seen[0].content == b"abcd"
    handler, seen = replies(httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(204))
    file = io.BytesIO(b"xxhello")
    file.seek(2)
    with session(rt, handler, waits) as s:
        s.request("PUT", "/things/1/content", content=file, content_type="text/plain")
    assert [r.content for r in seen] == [b"hello", b"hello"]
    assert seen[1].headers["content-type"] == "text/plain"


@pytest.mark.anyio
async def test_async_retries_await_the_injected_sleep(rt: ModuleType) -> None:
    handler, seen = replies(httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json=[1]))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with rt.AsyncSession("http://api", transport=httpx.MockTransport(handler), sleep=sleep) as s:
        assert await s.call("GET", "/x") == [1]
    assert waits == [2.0] and len(seen) == 2


# --------------------------------------------------------------------- auth


def test_a_fixed_token_and_a_token_provider_called_for_every_request(rt: ModuleType) -> None:
    handler, seen = replies(httpx.Response(200))
    with session(rt, handler, [], token="fixed") as s:
        s.request("GET", "/a")
    tokens = iter(["t1", "t2"])
    with session(rt, handler, [], auth=lambda: next(tokens)) as s:
        s.request("GET", "/a")
        s.request("GET", "/b")
    assert [r.headers["authorization"] for r in seen] == ["Bearer fixed", "Bearer t1", "Bearer t2"]


def test_an_httpx_auth_is_used_as_it_is(rt: ModuleType) -> None:
    handler, seen = replies(httpx.Response(200))
    with session(rt, handler, [], auth=httpx.BasicAuth("u", "p")) as s:
        s.request("GET", "/a")
    assert seen[0].headers["authorization"].startswith("Basic ")
    with pytest.raises(TypeError):
        session(rt, handler, [], token="t", auth=lambda: "u")


@pytest.mark.anyio
async def test_async_token_provider(rt: ModuleType) -> None:
    handler, seen = replies(httpx.Response(200))
    calls: list[int] = []

    async def provider() -> str:
        calls.append(1)
        return f"a{len(calls)}"

    async with rt.AsyncSession("http://api", transport=httpx.MockTransport(handler), auth=provider) as s:
        await s.request("GET", "/a")
        await s.request("GET", "/b")
    assert [r.headers["authorization"] for r in seen] == ["Bearer a1", "Bearer a2"]
    with session(rt, handler, [], auth=provider) as s, pytest.raises(TypeError):
        s.request("GET", "/a")


# --------------------------------------------------------------------- content


def test_download_follows_the_redirect_without_the_token_and_keeps_the_content_type(rt: ModuleType) -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api":
            return httpx.Response(302, headers={"Location": "https://files.example/t1?sig=x"})
        return httpx.Response(200, content=b"\x00\x01csv", headers={"Content-Type": "text/csv; charset=utf-8"})

    with session(rt, handle, [], token="secret") as s:
        content = s.download("GET", "/things/1/content")
        assert content.data == b"\x00\x01csv" and content.media_type == "text/csv"
        assert content.text == "\x00\x01csv" and content.status_code == 200
        with s.stream("GET", "/things/1/content") as response:
            assert b"".join(response.iter_bytes()) == b"\x00\x01csv"
        kept = s.download("GET", "/things/1/content", follow_redirects=False)
        assert kept.status_code == 302 and kept.headers["location"].startswith("https://files.example/")
    assert seen[0].headers["authorization"] == "Bearer secret"
    assert "authorization" not in seen[1].headers


def test_upload_from_a_file_is_streamed_in_chunks(rt: ModuleType, tmp_path: Path) -> None:
    handler, seen = replies(httpx.Response(201, json={"id": "f"}))
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * 1024)
    with session(rt, handler, []) as s, path.open("rb") as file:
        s.request(
            "PUT",
            "/things/1/content",
            content=file,
            content_type="application/octet-stream",
            headers={"Content-Range": "bytes 0-262143/262144"},
        )
    assert seen[0].content == path.read_bytes()
    assert seen[0].headers["content-type"] == "application/octet-stream"
    assert seen[0].headers["content-range"] == "bytes 0-262143/262144"
    assert seen[0].headers.get("transfer-encoding") == "chunked"


@pytest.mark.anyio
async def test_async_upload_from_a_file_and_an_iterator(rt: ModuleType, tmp_path: Path) -> None:
    handler, seen = replies(httpx.Response(204))
    path = tmp_path / "f.txt"
    path.write_bytes(b"hello file")

    async def chunks() -> AsyncIterator[bytes]:
        yield b"a"
        yield b"b"

    async with rt.AsyncSession("http://api", transport=httpx.MockTransport(handler)) as s:
        with path.open("rb") as file:
            await s.request("PUT", "/c", content=file, content_type="text/plain")
        await s.request("PUT", "/c", content=iter([b"x", b"y"]))
        await s.request("PUT", "/c", content=chunks())
        content = await s.download("GET", "/c")
    assert [r.content for r in seen[:3]] == [b"hello file", b"xy", b"ab"]
    assert content.data == b"" and content.status_code == 204
