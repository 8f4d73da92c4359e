"""HTTP sessions used by the generated clients: base URL, authentication (a bearer
token, a token provider or any ``httpx.Auth``), timeout, JSON and content bodies
(uploads from bytes, files or iterators; downloads as bytes or a stream), retries
of throttled requests, errors as :class:`ApiError`, and ``@odata.nextLink`` paging.
"""

from __future__ import annotations

import email.utils
import functools
import inspect
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
)
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, Any, Generic, TypedDict, TypeGuard, TypeVar, Union, Unpack
from urllib.parse import quote

import anyio
import anyio.to_thread
import httpx
from .errors import ApiError
from .models import to_json

__all__ = [
    "ALL_METHODS",
    "AsyncSession",
    "CallOptions",
    "Content",
    "NO_RETRY",
    "PageOptions",
    "RequestOptions",
    "Retry",
    "Session",
    "StreamOptions",
    "TokenAuth",
    "Upload",
    "item_path_value",
    "literal_value",
    "path_value",
    "retry_after",
    "to_json",
]

DEFAULT_TIMEOUT = 30.0
"""Seconds, for connecting, reading and writing."""

CHUNK_SIZE = 64 * 1024
"""Bytes read from a file at a time when uploading it."""

Upload = Union[bytes, str, IO[bytes], Iterable[bytes], AsyncIterable[bytes]]
"""A request body that is not JSON: bytes, text, a binary file, or an iterator of
chunks (an async iterator too, for :class:`AsyncSession`). Files and iterators are
streamed, not read into memory first."""

TokenProvider = Callable[[], Union[str, Awaitable[str]]]
"""A callable returning a bearer token (or, for :class:`AsyncSession`, an awaitable of one)."""


def path_value(value: object) -> str:
    """A path parameter as one path segment, where the docs put it.

    Every character but the unreserved ones is percent-encoded (``/``, ``?``, ``#`` and
    ``%`` too); a value of dots only (``.``, ``..``) has each dot encoded (``%2E%2E``), so
    that it is not taken for a dot segment and removed with the segment before it (httpx
    sends ``%2E`` as it is). An empty value is a ``ValueError``: it would leave no segment.
    """
    text = str(value)
    if not text:
        raise ValueError("a path parameter is empty: it would leave no segment in the URL")
    if not text.strip("."):
        return "%2E" * len(text)
    return quote(text, safe="")


def item_path_value(value: object) -> str:
    """An item addressed by its path (``root:/{item-path}:``): its ``/`` kept, each of
    its segments encoded as :func:`path_value` does (so ``..`` cannot climb out of it)."""
    text = str(value).strip("/")
    if not text:
        raise ValueError("an item path is empty: it would name no item")
    return "/".join(path_value(piece) if piece else "" for piece in text.split("/"))


def literal_value(value: object) -> str:
    """A value inside an OData string literal (``search(q='{text}')``): ``'`` doubled, then
    percent-encoded."""
    return quote(str(value).replace("'", "''"), safe="")


def decode(response: httpx.Response) -> Any:
    """The JSON body of a response; None when it has none; the text when it is not JSON."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


@dataclass(frozen=True, slots=True)
class Content:
    """A response body that is not JSON (a download, a text, CSV or binary reply)."""

    data: bytes
    """The bytes received."""
    content_type: str
    """The ``Content-Type`` header as sent (empty when there was none)."""
    status_code: int = 200
    """The status of the response that carried it."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """The response headers, by lower-case name (``location``, ``etag``, ...)."""

    @property
    def media_type(self) -> str:
        """The content type without its parameters, lower case (``text/csv``)."""
        return self.content_type.split(";", 1)[0].strip().lower()

    @property
    def text(self) -> str:
        """The data decoded with the charset the content type names (UTF-8 when none)."""
        charset = "utf-8"
        for parameter in self.content_type.split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip('"')
        try:
            return self.data.decode(charset, errors="replace")
        except LookupError:
            return self.data.decode("utf-8", errors="replace")


def _content(response: httpx.Response) -> Content:
    return Content(
        response.content,
        response.headers.get("content-type", ""),
        response.status_code,
        dict(response.headers),
    )


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait that a ``Retry-After`` header asks for: a number of seconds or an
    HTTP date (``now``: the current time, seconds since the epoch); None when there is no
    usable value."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


@dataclass(frozen=True, slots=True)
class Retry:
    """When and how long a session waits and sends a request again.

    A response whose status is in ``statuses`` (429 Too Many Requests and 503 Service
    Unavailable) is retried, up to ``attempts`` sends in all, waiting what its
    ``Retry-After`` header asks (seconds or an HTTP date) or else ``backoff`` seconds
    doubled at each retry. A wait longer than ``max_delay`` is not made: the response is
    returned (and raised as :class:`ApiError`). Only ``methods`` are retried: by default
    the idempotent ones, not POST or PATCH (``Retry(methods=ALL_METHODS)`` asks for them
    too). A body streamed from an iterator cannot be sent twice and is never retried; a
    seekable file is rewound.
    """

    attempts: int = 4
    """Sends in all, the first included (1: never retry)."""
    max_delay: float = 60.0
    """The longest wait, in seconds, before one retry."""
    backoff: float = 0.5
    """The wait before the first retry when the response names none; doubled for each next."""
    statuses: frozenset[int] = frozenset({429, 503})
    """Statuses that are retried."""
    methods: frozenset[str] = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
    """Methods that are retried."""

    def delay(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before sending again after ``response`` (the ``attempt``-th
        send, from 1); None when it is not retried."""
        if attempt >= self.attempts or response.status_code not in self.statuses:
            return None
        if response.request.method.upper() not in self.methods:
            return None
        wait = retry_after(response.headers.get("retry-after"))
        if wait is None:
            wait = self.backoff * 2 ** (attempt - 1)
        return wait if wait <= self.max_delay else None


ALL_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH"})
"""Every method, for ``Retry(methods=ALL_METHODS)``."""

NO_RETRY = Retry(attempts=1)
"""Never retry."""


class TokenAuth(httpx.Auth):
    """A bearer token asked of ``provider`` for every request, so that a token it
    refreshes is used as soon as it changes. ``provider`` may be a coroutine function
    with :class:`AsyncSession`."""

    def __init__(self, provider: TokenProvider) -> None:
        self._provider = provider

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._provider()
        if inspect.isawaitable(token):
            if inspect.iscoroutine(token):
                token.close()
            raise TypeError("an asynchronous token provider needs the asynchronous client")
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._provider()
        if inspect.isawaitable(token):
            token = await token
        request.headers["Authorization"] = f"Bearer {token}"
        yield request


def _auth(token: str | None, auth: httpx.Auth | TokenProvider | None) -> httpx.Auth | None:
    if auth is not None and token:
        raise TypeError("give either token or auth, not both")
    if auth is None or isinstance(auth, httpx.Auth):
        return auth
    return TokenAuth(auth)


def _check(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        if not response.is_closed:
            response.read()
        raise ApiError(
            response.status_code,
            decode(response),
            response.request.method,
            str(response.request.url),
        )
    return response


async def _acheck(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400 and not response.is_closed:
        await response.aread()
    return _check(response)


def _page(body: Any) -> tuple[list[Any], str | None, str | None]:
    """The items of one page of a collection, the link to the next page and the delta link."""
    if isinstance(body, list):
        return body, None, None
    if not isinstance(body, dict):
        return [], None, None
    items, following = body.get("value"), body.get("@odata.nextLink")
    delta = body.get("@odata.deltaLink")
    return (
        items if isinstance(items, list) else [],
        following if isinstance(following, str) else None,
        delta if isinstance(delta, str) else None,
    )


def _redirects(follow_redirects: bool | None) -> Any:
    return httpx.USE_CLIENT_DEFAULT if follow_redirects is None else follow_redirects


def _replayable(content: Upload | None) -> bool:
    """The body can be sent again: none, bytes, text, or a seekable file (rewound)."""
    if content is None or isinstance(content, (bytes, str)):
        return True
    seekable = getattr(content, "seekable", None)
    return callable(seekable) and bool(seekable())


def _is_file(content: object) -> TypeGuard[IO[bytes]]:
    return callable(getattr(content, "read", None))


def _file_chunks(file: IO[bytes]) -> Iterator[bytes]:
    return iter(functools.partial(file.read, CHUNK_SIZE), b"")


async def _async_chunks(content: IO[bytes] | Iterable[bytes]) -> AsyncIterator[bytes]:
    if _is_file(content):
        read = functools.partial(content.read, CHUNK_SIZE)
        while chunk := await anyio.to_thread.run_sync(read):
            yield chunk
    else:
        for chunk in content:
            yield chunk


def _rewinder(content: Upload | None) -> Callable[[], None]:
    """A function putting a seekable file back where the first send starts reading."""
    if not _is_file(content) or not _replayable(content):
        return lambda: None
    file = content
    start = file.tell()

    def rewind() -> None:
        file.seek(start)

    return rewind


class StreamOptions(TypedDict, total=False):
    """The keywords of :meth:`Session.stream`."""

    params: Mapping[str, str] | None
    """Query parameters."""
    headers: Mapping[str, str] | None
    """Headers added to the session's (e.g. ``Content-Range``, ``Prefer``)."""
    follow_redirects: bool | None
    """Follow a redirect (``302`` + ``Location``) to its target (None: as the ``httpx``
    client does; downloads and streams follow one unless told not to)."""


class PageOptions(TypedDict, total=False):
    """The keywords of :meth:`Session.paginate` (``headers`` are sent with every page)."""

    params: Mapping[str, str] | None
    """Query parameters of the first page."""
    json: Any
    """A body sent as JSON with the first page's request."""
    headers: Mapping[str, str] | None
    """Headers added to the session's."""


class CallOptions(PageOptions, total=False):
    """The keywords of :meth:`Session.call`."""

    content: Upload | None
    """A body that is not JSON (bytes, text, a binary file or an iterator of chunks),
    sent as it is."""
    content_type: str | None
    """The ``Content-Type`` of ``content``."""


class RequestOptions(CallOptions, total=False):
    """The keywords of :meth:`Session.request` and :meth:`Session.download`."""

    follow_redirects: bool | None
    """See :class:`StreamOptions`."""


@dataclass(frozen=True, slots=True)
class _Request:
    """What one call of a session asks to send (the keywords of :class:`RequestOptions`)."""

    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = None
    content: Upload | None = None
    content_type: str | None = None
    headers: Mapping[str, str] | None = None
    follow_redirects: bool | None = None

    @classmethod
    def download(cls, method: str, path: str, options: Mapping[str, Any]) -> _Request:
        """A request for content: any media type accepted, a redirect followed unless
        ``follow_redirects`` says otherwise."""
        headers = {"Accept": "*/*", **(options.get("headers") or {})}
        return cls(method, path, **{"follow_redirects": True, **options, "headers": headers})


class _Pages:
    """Paging decisions, the same for both sessions and for delta rounds: which page to ask
    for next (:attr:`next`, None once done), the items of each page, and the delta link of
    the last one. A link seen before ends the paging (a service linking in a circle); so
    does reading ``limit`` pages, and then there is no delta link."""

    def __init__(self, first: _Request, limit: int | None = None) -> None:
        self.next: _Request | None = first
        """The request of the next page; None when there is none."""
        self.delta_link: str | None = None
        """``@odata.deltaLink`` of the last page read."""
        self._headers = first.headers
        self._seen: set[str] = set()
        self._left = limit

    def read(self, body: Any) -> list[Any]:
        """The items of the page whose body is ``body``; moves :attr:`next` on."""
        items, following, self.delta_link = _page(body)
        if self._left is not None:
            self._left -= 1
        if following is None or following in self._seen:
            self.next = None
        elif self._left is not None and self._left <= 0:
            self.next = self.delta_link = None
        else:
            self._seen.add(following)
            self.next = _Request("GET", following, headers=self._headers)
        return items


class _Attempts:
    """The sends of one request: the ``httpx.Request`` of each, and after each response
    whether and how long to wait before sending again (:class:`Retry`)."""

    def __init__(
        self, build: Callable[[], httpx.Request], retry: Retry, content: Upload | None
    ) -> None:
        self._build = build
        self._retry = retry
        self._replayable = _replayable(content)
        self._rewind = _rewinder(content)
        self._count = 0

    def request(self) -> httpx.Request:
        """The request of the next send (a file body rewound where the first send started)."""
        self._count += 1
        if self._count > 1:
            self._rewind()
        return self._build()

    def wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait before sending again after ``response``; None: it is the answer."""
        return self._retry.delay(response, self._count) if self._replayable else None


_HttpT = TypeVar("_HttpT", bound=httpx.Client | httpx.AsyncClient)
_TransportT = TypeVar("_TransportT", bound=httpx.BaseTransport | httpx.AsyncBaseTransport)
_SleepT = TypeVar("_SleepT", bound=Callable[[float], object])
_TokenT = TypeVar("_TokenT", bound=TokenProvider)


class _Core(Generic[_HttpT, _TransportT, _SleepT, _TokenT]):
    """What :class:`Session` and :class:`AsyncSession` share: options, building requests,
    retry decisions, errors, paging. The two differ only in sending and sleeping (and in
    how they stream a file)."""

    _new_client: Callable[..., _HttpT]
    """The ``httpx`` client class of the session."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        auth: httpx.Auth | _TokenT | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        http_client: _HttpT | None = None,
        transport: _TransportT | None = None,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
        retry: Retry = Retry(),
        sleep: _SleepT | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Accept": "application/json", **(headers or {})}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._auth = _auth(token, auth)
        self.retry = retry
        """When throttled requests are sent again (:class:`Retry`)."""
        self._sleep = sleep
        self._owned = http_client is None
        self.http: _HttpT = http_client or self._new_client(
            timeout=timeout, transport=transport, event_hooks=event_hooks
        )
        """The underlying ``httpx`` client."""

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + path

    def _request_headers(
        self, headers: Mapping[str, str] | None, content_type: str | None
    ) -> dict[str, str]:
        merged = dict(self._headers)
        if content_type:
            merged["Content-Type"] = content_type
        merged.update(headers or {})
        return merged

    @staticmethod
    def _body(content: Upload | None) -> Any:
        """``content`` as the session's ``httpx`` client streams it."""
        raise NotImplementedError

    def _attempts(self, request: _Request) -> _Attempts:
        def build() -> httpx.Request:
            return self.http.build_request(
                request.method,
                self._url(request.path),
                params=request.params,
                json=to_json(request.json) if request.json is not None else None,
                content=self._body(request.content),
                headers=self._request_headers(request.headers, request.content_type),
            )

        return _Attempts(build, self.retry, request.content)

    def _send_options(self, request: _Request) -> dict[str, Any]:
        """The keywords of ``httpx``'s ``send``, but for ``stream``."""
        return {
            "auth": self._auth or httpx.USE_CLIENT_DEFAULT,
            "follow_redirects": _redirects(request.follow_redirects),
        }


class Session(
    _Core[httpx.Client, httpx.BaseTransport, Callable[[float], object], Callable[[], str]]
):
    """A synchronous session over an ``httpx.Client``.

    The client is made here (and closed with the session) unless one is given
    as ``http_client`` (then it is left open: it belongs to the caller).
    ``token`` is sent as a bearer token; ``auth`` is either a callable returning
    the token (called for every request, so a refreshed token is picked up) or
    any ``httpx.Auth``. ``retry`` says when throttled requests are sent again
    and ``sleep`` is how the session waits (``time.sleep``; tests pass their own).
    """

    _new_client = httpx.Client

    @staticmethod
    def _body(content: Upload | None) -> Any:
        if isinstance(content, AsyncIterable):
            raise TypeError("an async iterator is sent with the asynchronous client")
        return _file_chunks(content) if _is_file(content) else content

    def _send(self, request: _Request, stream: bool = False) -> httpx.Response:
        """Send ``request``, again while the answer is throttled and :attr:`retry` allows."""
        attempts = self._attempts(request)
        while True:
            response = self.http.send(
                attempts.request(), stream=stream, **self._send_options(request)
            )
            wait = attempts.wait(response)
            if wait is None:
                return response
            response.close()
            (self._sleep or time.sleep)(wait)

    def request(self, method: str, path: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        """Send a request; raise :class:`ApiError` for an error status.

        ``json`` is sent as JSON; ``content`` (bytes, text, a binary file or an
        iterator of chunks) as it is, with ``content_type``; ``headers`` are added
        to the session's (e.g. ``Content-Range``). ``follow_redirects`` follows a
        redirect (``302`` + ``Location``) to its target.
        """
        return _check(self._send(_Request(method, path, **options)))

    def call(self, method: str, path: str, **options: Unpack[CallOptions]) -> Any:
        """Send a request and return its decoded body."""
        return decode(self.request(method, path, **options))

    def download(self, method: str, path: str, **options: Unpack[RequestOptions]) -> Content:
        """Send a request and return its body as bytes with its content type, following a
        redirect to the content (the bearer token is not sent to another host)."""
        return _content(_check(self._send(_Request.download(method, path, options))))

    @contextmanager
    def stream(
        self, method: str, path: str, **options: Unpack[StreamOptions]
    ) -> Iterator[httpx.Response]:
        """A response whose body is read as it arrives (``response.iter_bytes()``), for
        large downloads; closed when the ``with`` block ends."""
        response = self._send(_Request.download(method, path, options), stream=True)
        try:
            yield _check(response)
        finally:
            response.close()

    def paginate(self, method: str, path: str, **options: Unpack[PageOptions]) -> Iterator[Any]:
        """Items of a collection, following ``@odata.nextLink`` until the last page
        (``headers`` are sent with every page)."""
        pages = _Pages(_Request(method, path, **options))
        while pages.next is not None:
            yield from pages.read(self._read(pages.next))

    def _read(self, request: _Request) -> Any:
        """The decoded body of the answer to ``request`` (:class:`ApiError` for an error)."""
        return decode(_check(self._send(request)))

    def close(self) -> None:
        """Close the ``httpx.Client`` if this session made it."""
        if self._owned:
            self.http.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSession(
    _Core[
        httpx.AsyncClient,
        httpx.AsyncBaseTransport,
        Callable[[float], Awaitable[object]],
        TokenProvider,
    ]
):
    """An asynchronous session over an ``httpx.AsyncClient`` (see :class:`Session`).

    ``auth`` may also be a coroutine function returning the token; ``sleep`` is
    awaited to wait (``anyio.sleep``)."""

    _new_client = httpx.AsyncClient

    @staticmethod
    def _body(content: Upload | None) -> Any:
        if content is None or isinstance(content, (bytes, str, AsyncIterable)):
            return content
        return _async_chunks(content)

    async def _send(self, request: _Request, stream: bool = False) -> httpx.Response:
        """Send ``request``, again while the answer is throttled and :attr:`retry` allows."""
        attempts = self._attempts(request)
        while True:
            response = await self.http.send(
                attempts.request(), stream=stream, **self._send_options(request)
            )
            wait = attempts.wait(response)
            if wait is None:
                return response
            await response.aclose()
            await (self._sleep or anyio.sleep)(wait)

    async def request(
        self, method: str, path: str, **options: Unpack[RequestOptions]
    ) -> httpx.Response:
        """Send a request; raise :class:`ApiError` for an error status (see
        :meth:`Session.request`)."""
        return _check(await self._send(_Request(method, path, **options)))

    async def call(self, method: str, path: str, **options: Unpack[CallOptions]) -> Any:
        """Send a request and return its decoded body."""
        return decode(await self.request(method, path, **options))

    async def download(self, method: str, path: str, **options: Unpack[RequestOptions]) -> Content:
        """Send a request and return its body as bytes with its content type (see
        :meth:`Session.download`)."""
        return _content(_check(await self._send(_Request.download(method, path, options))))

    @asynccontextmanager
    async def stream(
        self, method: str, path: str, **options: Unpack[StreamOptions]
    ) -> AsyncIterator[httpx.Response]:
        """A response whose body is read as it arrives (``response.aiter_bytes()``);
        closed when the ``async with`` block ends."""
        response = await self._send(_Request.download(method, path, options), stream=True)
        try:
            yield await _acheck(response)
        finally:
            await response.aclose()

    async def paginate(
        self, method: str, path: str, **options: Unpack[PageOptions]
    ) -> AsyncIterator[Any]:
        """Items of a collection (see :meth:`Session.paginate`)."""
        pages = _Pages(_Request(method, path, **options))
        while pages.next is not None:
            for item in pages.read(await self._read(pages.next)):
                yield item

    async def _read(self, request: _Request) -> Any:
        """The decoded body of the answer to ``request`` (:class:`ApiError` for an error)."""
        return decode(_check(await self._send(request)))

    async def aclose(self) -> None:
        """Close the ``httpx.AsyncClient`` if this session made it."""
        if self._owned:
            await self.http.aclose()

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
