"""The client runtime (``docgen.runtime.client``, every generated package's ``_runtime/client.py``):
retries of throttled requests, token providers, content uploads and downloads, paging and delta
rounds; driven through ``httpx.MockTransport`` with an injected sleep (no real waiting)."""

from __future__ import annotations

import email.utils
import io
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import docgen.runtime.client as rt
import docgen.runtime.delta as delta

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


def session(handler: Handler, waits: list[float], **options: Any) -> Any:
    return rt.Session("http://api/v1.0", transport=httpx.MockTransport(handler), sleep=waits.append, **options)


# --------------------------------------------------------------------- retries


def test_429_is_retried_after_the_seconds_retry_after_names() -> None:
    handler, seen = replies(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={"id": "1"})
    )
    waits: list[float] = []
    with session(handler, waits) as s:
        assert s.call("GET", "/things/1") == {"id": "1"}
    assert waits == [7.0] and len(seen) == 2


def test_retry_after_as_an_http_date() -> None:
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
    with session(handler, waits) as s:
        s.request("DELETE", "/things/1")
    assert len(waits) == 1 and 15 < waits[0] <= 20 and len(seen) == 2


def test_without_retry_after_the_wait_doubles_and_attempts_are_bounded() -> None:
    handler, seen = replies(httpx.Response(503))
    waits: list[float] = []
    with session(handler, waits, retry=rt.Retry(attempts=4, backoff=0.25)) as s:
        with pytest.raises(Exception) as caught:
            s.request("GET", "/things")
    assert waits == [0.25, 0.5, 1.0] and len(seen) == 4
    assert caught.value.status_code == 503


def test_a_wait_longer_than_max_delay_is_not_made() -> None:
    handler, seen = replies(httpx.Response(429, headers={"Retry-After": "120"}))
    waits: list[float] = []
    with session(handler, waits, retry=rt.Retry(max_delay=60)) as s:
        with pytest.raises(Exception) as caught:
            s.request("GET", "/things")
    assert waits == [] and len(seen) == 1 and getattr(caught.value, "status_code", None) == 429


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_post_and_patch_are_not_retried_unless_asked(method: str) -> None:
    handler, seen = replies(httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200, json={}))
    waits: list[float] = []
    with session(handler, waits) as s, pytest.raises(Exception):
        s.request(method, "/things", json={"name": "x"})
    assert len(seen) == 1 and waits == []
    handler, seen = replies(httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200, json={}))
    with session(handler, waits, retry=rt.Retry(methods=rt.ALL_METHODS)) as s:
        assert s.request(method, "/things", json={"name": "x"}).status_code == 200
    assert len(seen) == 2 and waits == [1.0]
    assert [r.content for r in seen] == [b'{"name":"x"}'] * 2


def test_no_retry_and_other_statuses() -> None:
    handler, seen = replies(httpx.Response(429), httpx.Response(200))
    waits: list[float] = []
    with session(handler, waits, retry=rt.NO_RETRY) as s, pytest.raises(Exception):
        s.request("GET", "/things")
    handler, seen = replies(httpx.Response(500), httpx.Response(200))
    with session(handler, waits) as s, pytest.raises(Exception):
        s.request("GET", "/things")
    assert len(seen) == 1 and waits == []


def test_a_streamed_iterator_is_not_sent_twice_but_a_file_is_rewound() -> None:
    handler, seen = replies(httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(200))
    waits: list[float] = []
    with session(handler, waits) as s, pytest.raises(Exception):
        s.request("PUT", "/things/1/content", content=iter([b"ab", b"cd"]))
    assert len(seen) == 1 and seen[0].content == b"abcd"
    handler, seen = replies(httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(204))
    file = io.BytesIO(b"xxhello")
    file.seek(2)
    with session(handler, waits) as s:
        s.request("PUT", "/things/1/content", content=file, content_type="text/plain")
    assert [r.content for r in seen] == [b"hello", b"hello"]
    assert seen[1].headers["content-type"] == "text/plain"


@pytest.mark.anyio
async def test_async_retries_await_the_injected_sleep() -> None:
    handler, seen = replies(httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json=[1]))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with rt.AsyncSession("http://api", transport=httpx.MockTransport(handler), sleep=sleep) as s:
        assert await s.call("GET", "/x") == [1]
    assert waits == [2.0] and len(seen) == 2


# --------------------------------------------------------------------- auth


def test_a_fixed_token_and_a_token_provider_called_for_every_request() -> None:
    handler, seen = replies(httpx.Response(200))
    with session(handler, [], token="fixed") as s:
        s.request("GET", "/a")
    tokens = iter(["t1", "t2"])
    with session(handler, [], auth=lambda: next(tokens)) as s:
        s.request("GET", "/a")
        s.request("GET", "/b")
    assert [r.headers["authorization"] for r in seen] == ["Bearer fixed", "Bearer t1", "Bearer t2"]


def test_an_httpx_auth_is_used_as_it_is() -> None:
    handler, seen = replies(httpx.Response(200))
    with session(handler, [], auth=httpx.BasicAuth("u", "p")) as s:
        s.request("GET", "/a")
    assert seen[0].headers["authorization"].startswith("Basic ")
    with pytest.raises(TypeError):
        session(handler, [], token="t", auth=lambda: "u")


@pytest.mark.anyio
async def test_async_token_provider() -> None:
    handler, seen = replies(httpx.Response(200))
    calls: list[int] = []

    async def provider() -> str:
        calls.append(1)
        return f"a{len(calls)}"

    async with rt.AsyncSession("http://api", transport=httpx.MockTransport(handler), auth=provider) as s:
        await s.request("GET", "/a")
        await s.request("GET", "/b")
    assert [r.headers["authorization"] for r in seen] == ["Bearer a1", "Bearer a2"]
    with session(handler, [], auth=provider) as s, pytest.raises(TypeError):
        s.request("GET", "/a")


# --------------------------------------------------------------------- content


def test_download_follows_the_redirect_without_the_token_and_keeps_the_content_type() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api":
            return httpx.Response(302, headers={"Location": "https://files.example/t1?sig=x"})
        return httpx.Response(200, content=b"\x00\x01csv", headers={"Content-Type": "text/csv; charset=utf-8"})

    with session(handle, [], token="secret") as s:
        content = s.download("GET", "/things/1/content")
        assert content.data == b"\x00\x01csv" and content.media_type == "text/csv"
        assert content.text == "\x00\x01csv" and content.status_code == 200
        with s.stream("GET", "/things/1/content") as response:
            assert b"".join(response.iter_bytes()) == b"\x00\x01csv"
        kept = s.download("GET", "/things/1/content", follow_redirects=False)
        assert kept.status_code == 302 and kept.headers["location"].startswith("https://files.example/")
    assert seen[0].headers["authorization"] == "Bearer secret"
    assert "authorization" not in seen[1].headers


def test_upload_from_a_file_is_streamed_in_chunks(tmp_path: Path) -> None:
    handler, seen = replies(httpx.Response(201, json={"id": "f"}))
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * 1024)
    with session(handler, []) as s, path.open("rb") as file:
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
async def test_async_upload_from_a_file_and_an_iterator(tmp_path: Path) -> None:
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


@pytest.mark.anyio
async def test_async_retries_rewind_a_file_and_never_resend_an_iterator() -> None:
    handler, seen = replies(httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(204))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    file = io.BytesIO(b"xxhello")
    file.seek(2)
    async with rt.AsyncSession("http://api", transport=httpx.MockTransport(handler), sleep=sleep) as s:
        await s.request("PUT", "/c", content=file)
    assert [r.content for r in seen] == [b"hello", b"hello"] and waits == [1.0]
    handler, seen = replies(httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(204))
    async with rt.AsyncSession("http://api", transport=httpx.MockTransport(handler), sleep=sleep) as s:
        with pytest.raises(rt.ApiError):
            await s.request("PUT", "/c", content=iter([b"a", b"b"]))
    assert [r.content for r in seen] == [b"ab"] and waits == [1.0]


def test_an_async_iterator_is_refused_by_the_sync_session_before_anything_is_sent() -> None:
    handler, seen = replies(httpx.Response(204))

    async def chunks() -> AsyncIterator[bytes]:
        yield b"a"

    with session(handler, []) as s, pytest.raises(TypeError):
        s.request("PUT", "/c", content=chunks())
    assert seen == []


# --------------------------------------------------------------------- errors


def test_an_error_status_is_an_api_error_with_the_odata_error_of_the_body() -> None:
    error = {"error": {"code": "NotFound", "message": "no such thing"}}
    handler, _ = replies(httpx.Response(404, json=error))
    with session(handler, []) as s:
        with pytest.raises(rt.ApiError) as caught:
            s.call("GET", "/things/9")
        assert (caught.value.status_code, caught.value.code, caught.value.message) == (404, "NotFound", "no such thing")
        assert caught.value.method == "GET" and caught.value.url == "http://api/v1.0/things/9"
        with pytest.raises(rt.ApiError) as streamed, s.stream("GET", "/things/9/content"):
            pass
        assert streamed.value.body == error  # a streamed error body is read before it is raised


@pytest.mark.anyio
async def test_async_errors_read_a_streamed_body_too() -> None:
    handler, _ = replies(httpx.Response(400, text="bad"))
    async with rt.AsyncSession("http://api", transport=httpx.MockTransport(handler)) as s:
        with pytest.raises(rt.ApiError) as caught:
            async with s.stream("GET", "/x"):
                pass
    assert caught.value.status_code == 400 and caught.value.body == "bad" and caught.value.message == "bad"


def test_bodies_are_decoded_as_json_text_or_none() -> None:
    handler, _ = replies(httpx.Response(200, text="plain"))
    with session(handler, []) as s:
        assert s.call("GET", "/a") == "plain"
    handler, _ = replies(httpx.Response(204))
    with session(handler, []) as s:
        assert s.call("DELETE", "/a") is None


# --------------------------------------------------------------------- requests


def test_requests_carry_the_base_url_the_session_headers_and_json() -> None:
    handler, seen = replies(httpx.Response(200, json={}))
    with session(handler, [], headers={"X-Client": "t"}) as s:
        s.call("POST", "/things", params={"$top": "1"}, json={"when": "x"}, headers={"Prefer": "p"})
        s.call("GET", "https://elsewhere.example/next")
    assert str(seen[0].url) == "http://api/v1.0/things?%24top=1"
    assert seen[0].headers["accept"] == "application/json" and seen[0].headers["x-client"] == "t"
    assert seen[0].headers["prefer"] == "p" and seen[0].headers["content-type"] == "application/json"
    assert seen[0].content == b'{"when":"x"}'
    assert str(seen[1].url) == "https://elsewhere.example/next"


def test_a_given_http_client_is_left_open_and_a_made_one_is_closed() -> None:
    handler, _ = replies(httpx.Response(200))
    mine = httpx.Client(transport=httpx.MockTransport(handler))
    with rt.Session("http://api", http_client=mine) as s:
        s.request("GET", "/a")
    assert not mine.is_closed
    mine.close()
    with session(handler, []) as made:
        pass
    assert made.http.is_closed


# --------------------------------------------------------------------- paging and delta


def pages_of(links: dict[str, dict[str, Any]]) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=links[request.url.path])

    return handle, seen


PAGES = {
    "/v1.0/things": {"value": [1, 2], "@odata.nextLink": "http://api/v1.0/p2"},
    "/v1.0/p2": {"value": [3], "@odata.nextLink": "http://api/v1.0/p3"},
    "/v1.0/p3": {"value": [4], "@odata.nextLink": "http://api/v1.0/p2"},  # a circle: ends here
    "/v1.0/delta": {"value": [1], "@odata.nextLink": "http://api/v1.0/delta2"},
    "/v1.0/delta2": {"value": [2], "@odata.deltaLink": "http://api/v1.0/resume"},
    "/v1.0/resume": {"value": [], "@odata.deltaLink": "http://api/v1.0/resume2"},
}


def test_paginate_follows_next_links_with_the_headers_until_the_last_or_a_seen_page() -> None:
    handler, seen = pages_of(PAGES)
    with session(handler, []) as s:
        assert list(s.paginate("GET", "/things", params={"$top": "2"}, headers={"Prefer": "x"})) == [1, 2, 3, 4]
    assert [str(r.url) for r in seen] == ["http://api/v1.0/things?%24top=2", "http://api/v1.0/p2", "http://api/v1.0/p3"]
    assert all(r.headers["prefer"] == "x" for r in seen)


@pytest.mark.anyio
async def test_async_paginate() -> None:
    handler, seen = pages_of(PAGES)
    async with rt.AsyncSession("http://api/v1.0", transport=httpx.MockTransport(handler)) as s:
        assert [item async for item in s.paginate("GET", "/things")] == [1, 2, 3, 4]
    assert len(seen) == 3


def test_a_delta_round_reads_every_page_and_resumes_from_its_link() -> None:
    handler, seen = pages_of(PAGES)
    with session(handler, []) as s:
        assert delta.read_delta(s, "/delta", params={"$select": "id"}) == ([1, 2], "http://api/v1.0/resume")
        assert delta.read_delta(s, "/delta", delta_link="http://api/v1.0/resume", params={"x": "y"}) == (
            [],
            "http://api/v1.0/resume2",
        )
        assert delta.read_delta(s, "/things") == ([1, 2, 3, 4], None)
    assert str(seen[0].url) == "http://api/v1.0/delta?%24select=id" and str(seen[2].url) == "http://api/v1.0/resume"


@pytest.mark.anyio
async def test_async_delta_and_the_page_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    handler, seen = pages_of(PAGES)
    async with rt.AsyncSession("http://api/v1.0", transport=httpx.MockTransport(handler)) as s:
        assert await delta.aread_delta(s, "/delta") == ([1, 2], "http://api/v1.0/resume")
        monkeypatch.setattr(delta, "_MAX_PAGES", 1)
        assert await delta.aread_delta(s, "/delta") == ([1], None)  # cut short: no link to resume from
    assert len(seen) == 3
