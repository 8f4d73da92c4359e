"""How docgen's time grows with one long page or one long line: prints a table (not a timed test).

    python bench/long_pages.py                          # every case below
    python bench/long_pages.py --pages 1,5 --lines 10000 --timeout 120
    python bench/long_pages.py --no-generate            # parse only

Cases, each made up here, the same on every run:

* pages of 1, 5, 10 and 50 MB (``--pages``), of two kinds: ``json``, an API page whose
  response example is one JSON collection of that size; ``sections``, an API page whose
  example section (prose with links, a property table, a request and a response) is
  repeated to that size;
* lines of 10,000, 100,000 and 1,000,000 characters (``--lines``), each the last line of
  a small API page, of four kinds: ``prose`` (words and links), ``[a](`` repeated (a link
  opener that used to make link scanning quadratic), ``<`` repeated (tag openers) and
  ``json`` (the response body on one line).

For each case, in the same run: the baseline (bare markdown-it-py parsing of the same
text, ``MarkdownIt()`` default, as ``bench/run.py`` measures it), docgen's parse of the
page into its model (``docgen.parse.parse_page``, timed inside a fresh process after
the imports), and ``docgen generate`` of a one-page doc set into a temporary folder (a
fresh process, no cache, one process, timed from the outside, start-up and black
included; stopped after ``--timeout`` seconds). Each figure is in seconds and as a ratio
to the baseline. The growth column divides each case's parse ratio by that of the
smallest case of its kind: near 1 when docgen's time grows as markdown-it's does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MB = 1_000_000

API_PAGE = """\
---
title: "Get widget"
description: "Read a widget."
---

# Get widget

Namespace: microsoft.graph

Read the properties of a [widget](../resources/widget.md).

## Permissions

|Permission type|Permissions (from least to most privileged)|
|:---|:---|
|Application|Widgets.Read.All|

## HTTP request

<!-- { "blockType": "ignored" } -->
``` http
GET /widgets/{widgetId}
```

## Response

If successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object.

## Example

<!-- { "blockType": "request", "name": "get_widget" } -->
``` http
GET https://graph.microsoft.com/v1.0/widgets/w1
```

<!-- { "blockType": "response", "@odata.type": "microsoft.graph.widget" } -->
``` http
HTTP/1.1 200 OK
Content-Type: application/json

BODY
```
"""

SECTION = """\
### Example {n}

Read the widget **w{n}** with its [owner](../resources/user.md) and [parts][parts]; see the
[overview](../overview.md "Widgets") for what the `size` and `name` properties mean.

|Property|Type|Description|
|:---|:---|:---|
|name|String|The name of widget {n}.|
|size|Int32|The size, in [units](../resources/unit.md).|

<!-- {{ "blockType": "request", "name": "get_widget_{n}" }} -->
``` http
GET https://graph.microsoft.com/v1.0/widgets/w{n}
```

<!-- {{ "blockType": "response", "@odata.type": "microsoft.graph.widget" }} -->
``` http
HTTP/1.1 200 OK
Content-Type: application/json

{{
  "id": "w{n}",
  "name": "Widget {n}",
  "size": {n}
}}
```

"""

ITEM = '    {{"id": "w{n}", "name": "Blue widget {n}", "size": {n}, "tags": ["a", "b"]}}'


# --------------------------------------------------------------------- the inputs


def _json_page(size: int) -> str:
    items, total, n = [], 0, 0
    while total < size:
        item = ITEM.format(n=n)
        items.append(item)
        total += len(item) + 2
        n += 1
    return API_PAGE.replace("BODY", '{\n  "value": [\n' + ",\n".join(items) + "\n  ]\n}")


def _sections_page(size: int) -> str:
    head = API_PAGE.replace("BODY", '{"id": "w1", "name": "Blue", "size": 3}')
    parts, total, n = [head], len(head), 0
    while total < size:
        section = SECTION.format(n=n)
        parts.append(section)
        total += len(section)
        n += 1
    return "".join(parts)


def _line_page(line: Callable[[int], str]) -> Callable[[int], str]:
    def make(size: int) -> str:
        return API_PAGE.replace("BODY", '{"id": "w1", "name": "Blue", "size": 3}') + "\n" + line(size)[:size] + "\n"

    return make


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: unit * (size // len(unit) + 1)


def _json_line(size: int) -> str:
    body = ", ".join(ITEM.format(n=n).strip() for n in range(size // 60 + 1))
    return API_PAGE.replace("BODY", '{"value": [' + body[: max(size - 20, 0)].rsplit("}, ", 1)[0] + "}]}")


PAGES: dict[str, Callable[[int], str]] = {"json": _json_page, "sections": _sections_page}
LINES: dict[str, Callable[[int], str]] = {
    "prose": _line_page(_repeat("Read the [widget](../resources/widget.md) and its `size`, then ")),
    "[a](": _line_page(_repeat("[a](")),
    "<": _line_page(_repeat("<")),
    "json": _json_line,
}


def make(group: str, kind: str, size: int) -> str:
    return (PAGES if group == "page" else LINES)[kind](size)


# --------------------------------------------------------------------- steps run in a child process


def child_parse(group: str, kind: str, size: str) -> dict[str, object]:
    """Bare markdown-it-py, then docgen's parse, of the same text, in this process."""
    sys.path.insert(0, str(REPO))
    from markdown_it import MarkdownIt

    import docgen.parse

    text = make(group, kind, int(size))
    md = MarkdownIt()
    start = time.perf_counter()
    md.parse(text)
    bare = time.perf_counter() - start
    start = time.perf_counter()
    model = docgen.parse.parse_page("v1.0/api/widget-get.md", text)
    parse = time.perf_counter() - start
    codes = sorted({d.code for d in model.diagnostics})
    return {"bare": bare, "parse": parse, "chars": len(text), "codes": codes}


def child_write(group: str, kind: str, size: str, target: str) -> dict[str, object]:
    Path(target).write_text(make(group, kind, int(size)), encoding="utf-8")
    return {}


CHILDREN = {"_parse": child_parse, "_write": child_write}


# --------------------------------------------------------------------- the benchmark


@dataclass
class Row:
    group: str
    kind: str
    size: int
    chars: int
    bare: float
    parse: float
    generate: float | None
    note: str


def _child(*argv: str, timeout: float) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, *argv], capture_output=True, text=True, check=True, timeout=timeout
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _generate(group: str, kind: str, size: int, work: Path, timeout: float) -> tuple[float | None, str]:
    """Wall time of ``docgen generate`` on a one-page doc set, or None when it ran out of time."""
    project = Path(tempfile.mkdtemp(prefix=f"{group}-{size}-", dir=work))
    page = project / "specs" / "v1.0" / "api" / "widget-get.md"
    page.parent.mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.docgen]\nspecs = "specs"\nout = "generated"\npackage = "bench_api"\n'
        f"max_page_bytes = {size * 2 + MB}\n",
        encoding="utf-8",
    )
    _child("_write", group, kind, str(size), str(page), timeout=timeout)
    argv = [sys.executable, "-m", "docgen", "generate", "--no-cache", "--jobs", "1"]
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, cwd=project, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"generate stopped after {timeout:.0f} s"
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 2) or "Traceback" in done.stderr:
        return seconds, f"generate exited {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"
    return seconds, "" if done.returncode == 0 else "generate exited 2"


def run_case(group: str, kind: str, size: int, work: Path, timeout: float, generate: bool) -> Row:
    try:
        out = _child("_parse", group, kind, str(size), timeout=timeout)
    except subprocess.TimeoutExpired:
        return Row(group, kind, size, 0, 0.0, float("nan"), None, f"parse stopped after {timeout:.0f} s")
    codes = out.get("codes") or []
    note = ", ".join(str(c) for c in codes)  # type: ignore[union-attr]
    seconds: float | None = None
    if generate:
        seconds, problem = _generate(group, kind, size, work, timeout)
        note = "; ".join(x for x in (note, problem) if x)
    return Row(group, kind, size, int(out["chars"]), float(out["bare"]), float(out["parse"]), seconds, note)  # type: ignore[arg-type]


def _size(group: str, size: int) -> str:
    return f"{size // MB} MB page" if group == "page" else f"{size:,}-character line"


def table(rows: list[Row]) -> str:
    lines = [
        "| input | kind | bare markdown-it s | parse s | x bare | growth | generate s | x bare | notes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    first: dict[tuple[str, str], float] = {}
    for row in rows:
        ratio = row.parse / row.bare if row.bare else float("nan")
        growth = ratio / first.setdefault((row.group, row.kind), ratio)
        gen = "-" if row.generate is None else f"{row.generate:.2f}"
        gen_ratio = "-" if row.generate is None or not row.bare else f"{row.generate / row.bare:.1f}"
        lines.append(
            f"| {_size(row.group, row.size)} | `{row.kind}` | {row.bare:.3f} | {row.parse:.3f} | {ratio:.2f}"
            f" | {growth:.2f} | {gen} | {gen_ratio} | {row.note} |"
        )
    return "\n".join(lines) + "\n"


def _ints(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] in CHILDREN:
        print(json.dumps(CHILDREN[sys.argv[1]](*sys.argv[2:])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", default="1,5,10,50", help="page sizes in MB (default: 1,5,10,50)")
    parser.add_argument("--lines", default="10000,100000,1000000", help="line lengths in characters")
    parser.add_argument("--page-kinds", default=",".join(PAGES), help=f"of {', '.join(PAGES)}")
    parser.add_argument("--line-kinds", default=",".join(LINES), help=f"of {', '.join(LINES)}")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a step is stopped")
    parser.add_argument("--no-generate", action="store_true", help="time the parse only")
    args = parser.parse_args()
    cases = [("page", kind, mb * MB) for kind in args.page_kinds.split(",") if kind for mb in _ints(args.pages)]
    cases += [("line", kind, n) for kind in args.line_kinds.split(",") if kind for n in _ints(args.lines)]
    unknown = [kind for group, kind, _ in cases if kind not in (PAGES if group == "page" else LINES)]
    if unknown:
        print(f"bench: unknown kind {unknown[0]!r}", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="docgen-long-") as work:
        for group, kind, size in cases:
            print(f"bench: {_size(group, size)}, {kind} ...", file=sys.stderr, flush=True)
            rows.append(run_case(group, kind, size, Path(work), args.timeout, not args.no_generate))
            row = rows[-1]
            generated = "" if row.generate is None else f", generate {row.generate:.2f} s"
            print(f"bench:   bare {row.bare:.3f} s, parse {row.parse:.3f} s{generated} {row.note}", file=sys.stderr)
    print(table(rows), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
