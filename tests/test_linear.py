"""docgen reads a page in work linear in its length: counted, not timed.

Each test runs the parser on an input and on the same input twice as long, counts
the work done through counting wrappers, and checks that the count at most doubles
(and stays within a small multiple of the length):

* the inline link scanner, whose every step is one of a few regular expressions that
  match a run of one character class, counted in calls and characters consumed (a
  line of ``[a](`` repeated 100,000 times took 28 s when links were one regular
  expression that backtracked);
* every regular expression the parser calls, counted in calls and characters handed
  to them (this finds loops that read the same text again and again; a single
  regular expression's backtracking is kept linear by construction, see the
  comments at each pattern);
* the JSON nesting scan, which must not recurse;
* matching example paths against request lines (a page of n request lines and n
  examples must not cost n * n).
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

import docgen.parse
from docgen.parse import (
    annotations,
    api_page,
    examples,
    inline,
    jsontext,
    markdown,
    operations,
    parse_page,
    query_options,
    request_line,
    resource_page,
    sections,
    templates,
    typecell,
)

PARSE_MODULES: tuple[ModuleType, ...] = (
    docgen.parse,
    annotations,
    api_page,
    examples,
    inline,
    jsontext,
    markdown,
    operations,
    query_options,
    request_line,
    resource_page,
    sections,
    templates,
    typecell,
)


class Counter:
    """Calls and characters seen by the wrapped patterns."""

    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0

    @property
    def work(self) -> int:
        return self.calls + self.chars


class CountingRun:
    """Wraps a scanner pattern: counts each call and the characters its run consumed."""

    def __init__(self, pattern: re.Pattern[str], counter: Counter) -> None:
        self.pattern = pattern
        self.counter = counter

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        m = self.pattern.match(text, pos)
        self.counter.calls += 1
        self.counter.chars += 0 if m is None else m.end() - pos
        return m


class CountingPattern:
    """Wraps any pattern: counts each call and the length of the text handed to it."""

    def __init__(self, pattern: re.Pattern[str], counter: Counter) -> None:
        self._pattern = pattern
        self._counter = counter

    def _count(self, text: str, pos: int = 0) -> None:
        self._counter.calls += 1
        self._counter.chars += max(len(text) - pos, 0)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._pattern, name)
        if name not in ("match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split"):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            text = args[1] if name in ("sub", "subn") else args[0]
            pos = args[1] if name in ("match", "search", "fullmatch", "finditer", "findall") and len(args) > 1 else 0
            self._count(text, pos)
            return attr(*args, **kwargs)

        return counted


class CountingRe:
    """Stands for the ``re`` module inside a parser module: module-level calls counted too."""

    def __init__(self, counter: Counter) -> None:
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        attr = getattr(re, name)
        if name not in ("match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split"):
            return attr

        def counted(pattern: str | re.Pattern[str], *args: Any, **kwargs: Any) -> Any:
            compiled = re.compile(pattern, kwargs.pop("flags", 0)) if isinstance(pattern, str) else pattern
            return getattr(CountingPattern(compiled, self._counter), name)(*args, **kwargs)

        return counted


def count_scanner(monkeypatch: pytest.MonkeyPatch) -> Counter:
    counter = Counter()
    for name in ("_TO_OPEN", "_TEXT", "_SPACE", "_DEST", "_TITLE"):
        monkeypatch.setattr(inline, name, CountingRun(getattr(inline, name), counter))
    return counter


def count_regexes(monkeypatch: pytest.MonkeyPatch) -> Counter:
    counter = Counter()
    for module in PARSE_MODULES:
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern) and value.pattern and module is not inline:
                monkeypatch.setattr(module, name, CountingPattern(value, counter))
        if getattr(module, "re", None) is re:
            monkeypatch.setattr(module, "re", CountingRe(counter))
    for name in ("_TO_OPEN", "_TEXT", "_SPACE", "_DEST", "_TITLE"):
        monkeypatch.setattr(inline, name, CountingRun(getattr(inline, name), counter))
    return counter


def assert_linear(work: Callable[[int], int], size: Callable[[int], int], n: int, per_char: int) -> None:
    """``work(2n)`` is at most about twice ``work(n)``, and under ``per_char`` per character of input."""
    once, twice = work(n), work(2 * n)
    assert twice <= 2.2 * once + 1000, (n, once, twice)
    assert twice <= per_char * size(2 * n) + 1000, (n, once, twice, size(2 * n))


# --------------------------------------------------------------------- the link scanner


LINK_LINES: dict[str, Callable[[int], str]] = {
    "[a](": lambda n: "[a](" * n,
    "[": lambda n: "[" * n,
    "]": lambda n: "]" * n,
    "[a": lambda n: "[a" * n,
    "[[a]": lambda n: "[[a]" * n,
    "[a][": lambda n: "[a][" * n,
    "![a](<": lambda n: "![a](<" * n,
    '[a](x "': lambda n: '[a](x "' * n,
    '[a]( "': lambda n: '[a]( "' * n,
    "[a](x": lambda n: "[a](" + "x" * n,
    "[a]( ": lambda n: "[a](" + " " * n,
    "[a [b]": lambda n: "[a " + "[b]" * n,
    "links": lambda n: "see [the page](page.md) and [other][ref] " * n,
}


@pytest.mark.parametrize("kind", sorted(LINK_LINES))
def test_link_scanner_is_linear(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = count_scanner(monkeypatch)
    make = LINK_LINES[kind]

    def work(n: int) -> int:
        counter.calls = counter.chars = 0
        for _ in inline.links(make(n)):
            pass
        return counter.work

    assert_linear(work, lambda n: len(make(n)), 20_000, per_char=4)


def test_a_line_of_100000_link_openers(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = count_scanner(monkeypatch)
    line = "[a](" * 100_000
    found = list(inline.links(line))
    assert len(found) == 100_000 and all(link.dest is None and link.label == "a" for link in found)
    assert counter.work <= 4 * len(line), counter.work
    assert markdown.plain_text(line) == "a(" * 100_000


def test_scanner_finds_what_the_grammar_says() -> None:
    rng = random.Random(20261130)
    alphabet = ["[", "]", "(", ")", "!", "<", ">", '"', " ", "\n", "a", "b.md", "#"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        expected = [(m.start(), m.end(), m.group(1), m.group(2), m.group(3)) for m in inline.GRAMMAR.finditer(text)]
        found = [(x.start, x.end, x.label, x.dest, x.ref) for x in inline.links(text)]
        assert found == expected, text


# --------------------------------------------------------------------- whole pages


PAGE = """\
# Get gadget

## HTTP request

``` http
GET /gadgets/{id}
```

## Response

If successful, this method returns a `200 OK` response code and a [gadget](../resources/gadget.md) object.

## Example

<!-- { "blockType": "request", "name": "get_gadget" } -->
``` http
GET https://graph.microsoft.com/v1.0/gadgets/1
```

<!-- { "blockType": "response" } -->
``` http
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "1"}
```

"""

HOSTILE_TEXT: dict[str, Callable[[int], str]] = {
    "link openers": lambda n: "[a](" * n + "\n",
    "brackets": lambda n: "[" * n + "\n",
    "tag openers": lambda n: "<" * n + "\n",
    "spaces in a heading": lambda n: "# widget" + " " * n + "x resource type\n",
    "comments in an html block": lambda n: "<div>\n" + "<!-- c -->\n" * (n // 10),
    "unclosed comments": lambda n: "<div>\n" + "<!--" * (n // 4) + "\n",
    "table cells": lambda n: "|Property|Type|Description|\n|-|-|-|\n" + "|a|[x](" * (n // 6) + "|\n",
    "spaces in a type cell": lambda n: "|Property|Type|Description|\n|-|-|-|\n|a|x" + " " * n + "y collection|d|\n",
    "link to type": lambda n: "## Request body\n\n" + "[a](" * (n // 4) + "\n",
    "spaces in a request line": lambda n: "## HTTP request\n\n```http\nGET /a" + " " * n + "b\n```\n",
    "function arguments": lambda n: "## HTTP request\n\n```http\nGET /f(" + "=" * n + "x\n```\n",
    "parentheses in a key": lambda n: "## HTTP request\n\n```http\nGET /f" + "(" * n + "\n```\n",
    "query options": lambda n: "## Optional query parameters\n\nThis method supports " + "`$top`, " * (n // 8) + "\n",
    "query sentences": lambda n: "## Optional query parameters\n\n" + "Do not use $top. " * (n // 17) + "\n",
    "spaces in query prose": lambda n: "## Optional query parameters\n\nIt does" + " " * n + "not support. A\n",
    "query table": lambda n: "## Query parameters\n\n|Parameter|Type|Description|\n|-|-|-|\n" + "|a|Int32|x|\n" * (n // 14),
    "spaces in a header": lambda n: "```http\nGET /gadgets/1\nX-A: a" + " " * n + "b\n\n{}\n```\n",
    "spaces in permissions": lambda n: "## Permissions\n\n|Permission type|Permissions|\n|-|-|\n|A|x" + " " * n + "y|\n",
    "json strings": lambda n: '```http\nHTTP/1.1 200 OK\n\n{"a": "' + "[" * n + '"}\n```\n',
    "deep json": lambda n: "```http\nHTTP/1.1 200 OK\n\n" + "[" * n + "]" * n + "\n```\n",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXT))
def test_parsing_a_page_is_linear(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = count_regexes(monkeypatch)
    make = HOSTILE_TEXT[kind]

    def work(n: int) -> int:
        counter.calls = counter.chars = 0
        parse_page("v1.0/api/gadget-get.md", PAGE + make(n))
        return counter.work

    assert_linear(work, lambda n: len(PAGE + make(n)), 20_000, per_char=8)


# --------------------------------------------------------------------- JSON nesting


def test_json_nesting_scan_does_not_recurse() -> None:
    deep = "[" * 1_000_000 + "]" * 1_000_000
    limit = sys.getrecursionlimit()
    assert jsontext.nesting_offset(deep) == jsontext.MAX_DEPTH
    assert jsontext.nesting_offset('["' + "[" * 1_000_000 + '"]') is None
    assert jsontext.nesting_offset("]" * 1_000 + "[" * 64 + "]" * 64) is None
    assert sys.getrecursionlimit() == limit


def test_json_nesting_scan_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter()
    original = jsontext._BRACKET_SCAN_RE

    class CountingScan:
        def finditer(self, text: str) -> Iterator[re.Match[str]]:
            for m in original.finditer(text):
                counter.calls += 1
                yield m

    monkeypatch.setattr(jsontext, "_BRACKET_SCAN_RE", CountingScan())

    def work(n: int) -> int:
        counter.calls = 0
        text = '{"a": "[[[", "b": ' + "[" * n + "]" * n + "}"
        assert jsontext.nesting_offset(text) is not None
        return counter.calls

    assert_linear(work, lambda n: 2 * n + 18, 100_000, per_char=1)


# --------------------------------------------------------------------- request lines and examples


def many_lines_page(n: int) -> str:
    lines = "\n".join(f"GET /things/item{i}/{{id}}" for i in range(n))
    requests = "".join(
        f"``` http\nGET https://graph.microsoft.com/v1.0/things/item{i}/x{i}\n```\n\n"
        f"``` http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{{\"id\": \"x{i}\"}}\n```\n\n"
        for i in range(n)
    )
    return f"# Get thing\n\n## HTTP request\n\n``` http\n{lines}\n```\n\n## Example\n\n{requests}"


def test_examples_are_not_compared_with_every_request_line(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Counter()
    fits = templates._fits

    def counted(pieces: tuple[str, ...], text: str) -> bool:
        calls.calls += 1
        return fits(pieces, text)

    monkeypatch.setattr(templates, "_fits", counted)

    def work(n: int) -> int:
        calls.calls = 0
        model = parse_page("v1.0/api/thing-get.md", many_lines_page(n))
        assert not [d for d in model.diagnostics if d.code == "DG105"]
        return calls.calls

    assert_linear(work, lambda n: len(many_lines_page(n)), 400, per_char=1)
