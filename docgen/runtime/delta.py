"""Delta queries on the client side: every page of a round, and the link to resume from.

A delta function answers with pages joined by ``@odata.nextLink``; the last page
carries ``@odata.deltaLink`` instead, the link that asks for the changes made
since. The client's delta methods read the whole round and return a
:class:`Delta`; calling them again with ``delta_link=`` resumes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .client import AsyncSession, Session

__all__ = ["Delta", "aread_delta", "read_delta"]

T = TypeVar("T")

_MAX_PAGES = 10_000
"""A round never reads more pages than this (a service linking in a circle)."""


@dataclass(frozen=True, slots=True)
class Delta(Generic[T]):
    """What one round of a delta query gave: the items, and the link to resume from."""

    items: list[T]
    """The items of every page of the round."""
    delta_link: str | None
    """``@odata.deltaLink`` of the last page: pass it as ``delta_link=`` to get the changes
    made since (None when the service gave none)."""

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _page(body: Any) -> tuple[list[Any], str | None, str | None]:
    """(items, next link, delta link) of one page."""
    if isinstance(body, list):
        return body, None, None
    if not isinstance(body, dict):
        return [], None, None
    items = body.get("value")
    following = body.get("@odata.nextLink")
    delta = body.get("@odata.deltaLink")
    return (
        items if isinstance(items, list) else [],
        following if isinstance(following, str) else None,
        delta if isinstance(delta, str) else None,
    )


def read_delta(
    session: Session,
    path: str,
    *,
    delta_link: str | None = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[list[Any], str | None]:
    """Every item of a delta round starting at ``path`` (or at ``delta_link``, to resume),
    and the round's delta link."""
    if delta_link:
        body = session.call("GET", delta_link, headers=headers)
    else:
        body = session.call("GET", path, params=params, headers=headers)
    items: list[Any] = []
    seen: set[str] = set()
    for _ in range(_MAX_PAGES):
        page, following, delta = _page(body)
        items.extend(page)
        if following is None or following in seen:
            return items, delta
        seen.add(following)
        body = session.call("GET", following, headers=headers)
    return items, None


async def aread_delta(
    session: AsyncSession,
    path: str,
    *,
    delta_link: str | None = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[list[Any], str | None]:
    """:func:`read_delta`, asynchronously."""
    if delta_link:
        body = await session.call("GET", delta_link, headers=headers)
    else:
        body = await session.call("GET", path, params=params, headers=headers)
    items: list[Any] = []
    seen: set[str] = set()
    for _ in range(_MAX_PAGES):
        page, following, delta = _page(body)
        items.extend(page)
        if following is None or following in seen:
            return items, delta
        seen.add(following)
        body = await session.call("GET", following, headers=headers)
    return items, None
