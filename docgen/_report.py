"""Printing diagnostics: ``text``, ``json``, GitHub Actions workflow commands and SARIF 2.1.0.

Every format gets the diagnostics already filtered by the user's policy, sorted by place,
with page paths as the user (or CI) opens them.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from docgen import __version__
from docgen.diagnostics import CODES, Diagnostic, Severity
from docgen.policy import Policy
from docgen.serialize import to_json

__all__ = ["FORMATS", "Summary", "github", "repository_root", "sarif", "text"]

FORMATS = ("text", "json", "github", "sarif")
"""The values of ``--diagnostics-format``."""

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def repository_root(start: Path | None = None) -> Path:
    """The git top level of ``start`` (default: the working folder), else ``start`` itself."""
    here = Path(os.path.abspath(start or Path.cwd()))
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return here
    top = found.stdout.strip()
    return Path(top) if found.returncode == 0 and top else here


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over a run's diagnostics."""

    pages: int
    """Pages read (those that could not be read included)."""
    by_severity: dict[str, int]
    """error / warning / info -> count, all three always present."""
    by_code: dict[str, int]
    """Code -> count, sorted by code."""
    pages_with_errors: int
    """Pages with at least one error."""
    suppressed: int = 0
    """Diagnostics not reported (``ignore``, ``select``, ``docgen: ignore`` comments)."""

    @classmethod
    def of(cls, diags: Sequence[Diagnostic], pages: int, suppressed: int = 0) -> Summary:
        severities = Counter(d.severity.value for d in diags)
        return cls(
            pages,
            {s.value: severities.get(s.value, 0) for s in Severity},
            dict(sorted(Counter(d.code for d in diags).items())),
            len({d.span.path for d in diags if d.severity is Severity.ERROR}),
            suppressed,
        )

    def line(self) -> str:
        counts = ", ".join(_plural(n, severity) for severity, n in self.by_severity.items())
        detail = f" ({', '.join(f'{c}: {n}' for c, n in self.by_code.items())})" if self.by_code else ""
        bad = _plural(self.pages_with_errors, "page")
        hidden = f"; {self.suppressed} ignored" if self.suppressed else ""
        return f"docgen: {_plural(self.pages, 'page')}: {counts}{detail}; {bad} with errors{hidden}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else word + 's'}"


Display = Callable[[str], str]
"""A page path (relative to the specs root) -> the path printed."""


def text(diags: Sequence[Diagnostic], summary: Summary, display: Display, *, verbose: bool, quiet: bool) -> str:
    """``path:line:col: severity CODE message`` lines, then the summary line.

    ``quiet``: errors only, and no summary.
    """
    shown = {Severity.ERROR}
    if not quiet:
        shown |= {Severity.WARNING, Severity.INFO} if verbose else {Severity.WARNING}
    lines = [
        f"{display(d.span.path)}:{d.span.line}:{d.span.col}: {d.severity.value} {d.code} {d.message}\n"
        for d in diags
        if d.severity in shown
    ]
    return "".join(lines) + ("" if quiet else summary.line() + "\n")


def json_document(diags: Sequence[Diagnostic], summary: Summary, display: Display) -> str:
    records = [
        {
            "path": display(d.span.path),
            "line": d.span.line,
            "col": d.span.col,
            "severity": d.severity.value,
            "code": d.code,
            "message": d.message,
        }
        for d in diags
    ]
    return json.dumps({"diagnostics": records, "summary": to_json(summary)}, indent=1, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded (GitHub's toolkit does the same)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    """A workflow command's property value: as a message, and ``:`` and ``,`` too."""
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(diags: Sequence[Diagnostic], summary: Summary, display: Display, *, verbose: bool) -> str:
    """One GitHub Actions workflow command per diagnostic (``::warning file=...::...``), then the summary.

    GitHub shows each as an annotation on the line of the page in the pull request.
    Paths must be relative to the repository root: ``display`` gives them so.
    """
    lines = []
    for d in diags:
        if d.severity is Severity.INFO and not verbose:
            continue
        props = ",".join(
            f"{key}={_escape_property(value)}"
            for key, value in (
                ("file", display(d.span.path)),
                ("line", str(d.span.line)),
                ("col", str(d.span.col)),
                ("title", d.code),
            )
        )
        lines.append(f"::{GITHUB_COMMAND[d.severity]} {props}::{_escape_data(d.code + ' ' + d.message)}\n")
    return "".join(lines) + summary.line() + "\n"


def _uri(path: str) -> str:
    """A relative path as a URI reference (percent-encoded, ``/`` kept)."""
    return quote(path.replace(os.sep, "/"), safe="/")


def sarif(diags: Sequence[Diagnostic], display: Display, policy: Policy) -> str:
    """A SARIF 2.1.0 log: one run of docgen, every code a rule, every diagnostic a result.

    Locations are relative to the repository root (``%SRCROOT%``), as GitHub code scanning expects.
    """
    codes = sorted(CODES)
    index = {code: i for i, code in enumerate(codes)}
    rules: list[Mapping[str, object]] = [
        {
            "id": code,
            "name": code,
            "shortDescription": {"text": CODES[code].title},
            "defaultConfiguration": {
                "level": SARIF_LEVEL[policy.severity_of(code, CODES[code].severity)],
                "enabled": policy.enabled(code),
            },
        }
        for code in codes
    ]
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index.get(d.code, 0),
            "level": SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(display(d.span.path)), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(d.span.line, 1), "startColumn": max(d.span.col, 1)},
                    }
                }
            ],
        }
        for d in diags
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "docgen", "version": __version__, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=1, ensure_ascii=False) + "\n"
