"""Delta queries on the client side: every page of a round, and the link to resume from.

A delta function answers with pages joined by ``@odata.nextLink``; the last page
carries ``@odata.deltaLink`` instead, the link that asks for the changes made
since. The client's delta methods read the whole round and return a
:class:`Delta`; calling them again with ``delta_link=`` resumes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypedDict, TypeVar, Unpack

from .client import AsyncSession, Session, _Pages, _Request

__all__ = ["Delta", "DeltaOptions", "aread_delta", "read_delta"]

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


class DeltaOptions(TypedDict, total=False):
    """The keywords of :func:`read_delta` and :func:`aread_delta`."""

    delta_link: str | None
    """The link a round ended with: ask for the changes made since (``path`` is then unused)."""
    params: Mapping[str, str] | None
    """Query parameters of the first page (a delta link carries its own)."""
    headers: Mapping[str, str] | None
    """Headers sent with every page."""


def _round(
    path: str,
    delta_link: str | None = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> _Pages:
    """The pages of a round: from ``delta_link`` when resuming, else from ``path``."""
    if delta_link:
        return _Pages(_Request("GET", delta_link, headers=headers), _MAX_PAGES)
    return _Pages(_Request("GET", path, params=params, headers=headers), _MAX_PAGES)


def read_delta(
    session: Session, path: str, **options: Unpack[DeltaOptions]
) -> tuple[list[Any], str | None]:
    """Every item of a delta round starting at ``path`` (or at ``delta_link``, to resume),
    and the round's delta link."""
    pages, items = _round(path, **options), list[Any]()
    while pages.next is not None:
        items += pages.read(session._read(pages.next))
    return items, pages.delta_link


async def aread_delta(
    session: AsyncSession, path: str, **options: Unpack[DeltaOptions]
) -> tuple[list[Any], str | None]:
    """:func:`read_delta`, asynchronously."""
    pages, items = _round(path, **options), list[Any]()
    while pages.next is not None:
        items += pages.read(await session._read(pages.next))
    return items, pages.delta_link
