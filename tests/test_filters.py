"""The ``$filter`` parser and evaluator of the runtime (``docgen.runtime.filters``, every generated
package's ``_runtime/filters.py``)."""

from __future__ import annotations

from typing import Any

import pytest

import docgen.runtime.filters as filters

ITEMS: list[dict[str, Any]] = [
    {"id": "1", "displayName": "Adatum", "size": 3, "ratio": 0.5, "active": True, "email": None,
     "address": {"city": "Redmond"}, "created": "2020-01-01T00:00:00Z"},
    {"id": "2", "displayName": "Contoso", "size": 10, "ratio": 1.5, "active": False, "email": "a@b.c",
     "address": {"city": "Seattle"}, "created": "2021-06-01T00:00:00Z"},
    {"id": "3", "displayName": "O'Brien", "size": 7, "active": True, "address": None},
]


def ids(expression: str) -> list[str]:
    keep = filters.parse_filter(expression)
    return [item["id"] for item in ITEMS if keep(item)]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("displayName eq 'Adatum'", ["1"]),
        ("displayName ne 'Adatum'", ["2", "3"]),
        ("displayName eq 'O''Brien'", ["3"]),
        ("size gt 3", ["2", "3"]),
        ("size ge 3 and size le 7", ["1", "3"]),
        ("size lt 5 or size gt 8", ["1", "2"]),
        ("ratio eq 1.5", ["2"]),
        ("active eq true", ["1", "3"]),
        ("active", ["1", "3"]),
        ("not active", ["2"]),
        ("email eq null", ["1", "3"]),
        ("email ne null", ["2"]),
        ("address/city eq 'Seattle'", ["2"]),
        ("ADDRESS/City eq 'Seattle'", ["2"]),
        ("startswith(displayName, 'c')", ["2"]),
        ("size eq 3 or size eq 10 and active", ["1"]),  # and binds tighter than or
        ("(size eq 3 or size eq 10) and not active", ["2"]),
        ("not (size gt 3) or displayName EQ 'Contoso'", ["1", "2"]),
        ("created ge 2021-01-01T00:00:00Z", ["2"]),
        ("size gt 'a'", []),  # values of different types are not ordered
        ("size eq '3'", []),
        ("ratio gt null", []),
    ],
)
def test_filters_select_the_matching_items(expression: str, expected: list[str]) -> None:
    assert ids(expression) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("contains(displayName, 'a')", "the function 'contains' is not supported"),
        ("__import__('os').system('true')", "the function '__import__' is not supported"),
        ("size add 1 eq 4", "the operator 'add' is not supported"),
        ("id in ('1', '2')", "the operator 'in' is not supported"),
        ("members/any(m: m eq 'x')", "the lambda operator 'any' is not supported"),
        ("size eq", "the expression ends too early"),
        ("(size eq 3", "the expression ends too early"),
        ("size eq 3)", "unexpected ')'"),
        ("size eq eq", "expected a value"),
        ("size ; 3", "unexpected ';'"),
        ("", "the expression is empty"),
        ("not " * 40 + "active", "nested deeper than 32"),
        ("(" * 33 + "active" + ")" * 33, "nested deeper than 32"),
        ("size eq 1 or " * 200 + "size eq 2", "longer than 2048"),
        ("startswith(displayName)", "startswith takes 2 arguments"),
    ],
)
def test_what_is_not_served_is_named(expression: str, message: str) -> None:
    with pytest.raises(filters.FilterError) as caught:
        filters.parse_filter(expression)
    assert message in str(caught.value)


def test_nesting_up_to_the_bound_is_served() -> None:
    assert ids("(" * 32 + "size eq 3" + ")" * 32) == ["1"]


def test_limits_are_arguments_and_a_long_chain_does_not_recurse() -> None:
    """The app's ``Limits`` set the engine's bounds; a chain of ``and``/``or`` of any length
    is evaluated without one stack frame per term (a raised ``max_filter_chars`` must not
    turn a long chain into a RecursionError)."""
    chain = " or ".join(["size eq 1"] * 5000 + ["size eq 7"])
    with pytest.raises(filters.FilterError, match="longer than 2048"):
        filters.parse_filter(chain)
    keep = filters.parse_filter(chain, max_length=len(chain))
    assert [item["id"] for item in ITEMS if keep(item)] == ["3"]
    every = filters.parse_filter(" and ".join(["active eq true"] * 5000), max_length=10**6)
    assert [item["id"] for item in ITEMS if every(item)] == ["1", "3"]
    nested = "(" * 40 + "active" + ")" * 40
    with pytest.raises(filters.FilterError, match="deeper than 32"):
        filters.parse_filter(nested)
    assert filters.parse_filter(nested, max_depth=40)(ITEMS[0]) is True
