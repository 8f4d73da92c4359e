"""``docgen.runtime.query``: OData query options read from a request, applied to entities by the
in-memory service, and built by the client; ``split_list`` is also how docgen reads an example's
list options into typed client keywords."""

from __future__ import annotations

from typing import Any

import pytest

from docgen.render.examples import typed_options
from docgen.runtime.errors import BadRequest
from docgen.runtime.query import (
    NO_QUERY,
    Query,
    absolute_links,
    apply_entity,
    apply_list,
    join_list,
    local_link,
    query_of,
    request_headers,
    request_params,
    split_list,
)

ITEMS: list[dict[str, Any]] = [
    {"id": "1", "name": "b", "size": 3, "@odata.etag": "e1"},
    {"id": "2", "name": "A", "size": None},
    {"id": "3", "name": "c", "size": 1},
]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("a, b", ("a", "b")),
        ("a,b(c,d), e", ("a", "b(c,d)", "e")),
        ("name eq 'x,y', id", ("name eq 'x,y'", "id")),
        (" , a,, ", ("a",)),
        ("f(a,(b,c)),g", ("f(a,(b,c))", "g")),
        ("a)), b", ("a))", "b")),
        ("", ()),
    ],
)
def test_split_list_splits_at_top_level_commas_only(text: str, items: tuple[str, ...]) -> None:
    assert split_list(text) == items
    assert split_list(join_list(items)) == items


def test_an_examples_list_option_becomes_the_typed_keyword_as_the_runtime_splits_it() -> None:
    typed, rest = typed_options(
        [("$select", "id,displayName"), ("$expand", "items(select=id,name)"), ("$top", "x")],
        (("$select", "select", "Sequence[str] | None"), ("$expand", "expand", "Sequence[str] | None"),
         ("$top", "top", "int | None")),
    )
    assert typed == [("select", "['id', 'displayName']"), ("expand", "['items(select=id,name)']")]
    assert rest == {"$top": "x"}


def test_query_of_types_the_system_options_and_keeps_the_others() -> None:
    query = query_of({"$SELECT": "id,name", "$orderby": "name desc, id", "$Top": "2", "$skip": "1",
                      "$count": "TRUE", "$filter": "size gt 1", "$search": '"x"', "startDateTime": "2020"})
    assert query == Query(select=("id", "name"), orderby=("name desc", "id"), top=2, skip=1, count=True,
                          filter="size gt 1", search='"x"', params={"startDateTime": "2020"})
    assert query_of({}) == NO_QUERY


@pytest.mark.parametrize("params", [{"$top": "-1"}, {"$skip": "two"}, {"$count": "yes"}])
def test_query_of_refuses_values_an_option_cannot_take(params: dict[str, str]) -> None:
    with pytest.raises(BadRequest):
        query_of(params)


def test_apply_list_filters_orders_counts_pages_and_selects() -> None:
    body = apply_list(ITEMS, Query(orderby=("name",), top=2, select=("name",), count=True), "/things")
    assert body["@odata.count"] == 3
    assert body["value"] == [{"id": "2", "name": "A"}, {"id": "1", "name": "b", "@odata.etag": "e1"}]
    assert body["@odata.nextLink"] == "/things?$select=name&$orderby=name&$count=true&$top=2&$skip=2"
    last = apply_list(ITEMS, query_of({"$orderby": "name", "$top": "2", "$skip": "2"}), "/things")
    assert [item["id"] for item in last["value"]] == ["3"] and "@odata.nextLink" not in last
    assert [i["id"] for i in apply_list(ITEMS, Query(filter="size ge 1", orderby=("size desc",)), "/t")["value"]] == ["1", "3"]
    assert [i["id"] for i in apply_list(ITEMS, Query(orderby=("size",)), "/t")["value"]] == ["2", "3", "1"]  # nulls first


@pytest.mark.parametrize("query", [Query(filter="size gt"), Query(orderby=("name up",)), Query(orderby=("a b c",))])
def test_apply_list_names_what_it_cannot_serve(query: Query) -> None:
    with pytest.raises(BadRequest):
        apply_list(ITEMS, query, "/things")


def test_apply_entity_selects_keeping_the_id_and_annotations() -> None:
    assert apply_entity(ITEMS[0], Query(select=("SIZE",))) == {"id": "1", "size": 3, "@odata.etag": "e1"}
    assert apply_entity(ITEMS[0], Query(select=("*",))) == ITEMS[0]
    assert apply_entity(ITEMS[0], NO_QUERY) == ITEMS[0]


def test_links() -> None:
    assert local_link("https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=x") == "/users/delta()?$deltatoken=x"
    assert local_link("/beta/things") == "/things" and local_link("/things") == "/things"
    body = {"value": [], "@odata.nextLink": "/things?$skip=2", "@odata.deltaLink": "https://x/y"}
    assert absolute_links(body, "http://api/v1.0/") == {
        "value": [], "@odata.nextLink": "http://api/v1.0/things?$skip=2", "@odata.deltaLink": "https://x/y"
    }
    assert absolute_links([1], "http://api") == [1]


def test_the_clients_params_and_headers_keep_what_was_given_the_typed_ones_winning() -> None:
    assert request_params({"$top": "9", "x": "1"}, {"$top": 2, "$select": ["id", "name"], "$count": True, "$skip": None}) == {
        "$top": "2", "x": "1", "$select": "id,name", "$count": "true"
    }
    assert request_params(None, {"$top": None}) is None
    assert request_headers({"Prefer": "x", "If-Match": None}, {"Prefer": "y", "A": "b"}) == {"Prefer": "x", "A": "b"}
    assert request_headers({"Prefer": None}) is None
