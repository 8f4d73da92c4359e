"""Request lines (``GET /users/{id | userPrincipalName}/events?$top=5``) and example URLs.

Handles every shape real pages use: alternatives ``{a | b}``, placeholders with
spaces or in ``<angle brackets>``, casts, path-based addressing (``root:/x:``),
functions with arguments, query strings, ``$ref``/``$value``/``$count``, and a
missing space after the method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS")
KNOWN_VERSIONS = ("v1.0", "beta")

LINE_RE = re.compile(r"^\s*(GET|POST|PATCH|PUT|DELETE|HEAD|OPTIONS)(\s+|(?=/))(\S.*)$")
"""A request line; group 3 (the target) may end in whitespace."""
_HTTP_VERSION_RE = re.compile(r"\sHTTP/\d(?:\.\d)?$", re.I)
_HOST_RE = re.compile(r"^https?://[^/\s]+", re.I)
_BRACE_RE = re.compile(r"\{([^{}]*)\}")
_ANGLE_RE = re.compile(r"<([^<>/]*)>")
_VERSIONISH_RE = re.compile(r"^(v\d+(\.\d+)?[a-z]*|beta|alpha|[a-z]*test|preview|canary)$", re.I)
_FUNC_ARGS_RE = re.compile(r"\(([^()/=]*=[^()/]*)\)")
_ARG_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(.*)$")
_ODATA_SUFFIXES = ("/$ref", "/$value", "/$count")


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """A request line split into its parts."""

    method: str
    text: str
    """The target as written, without a trailing ``HTTP/1.1``."""
    path: str
    """Normalised template (see :func:`normalise_path`)."""
    query: str
    no_space: bool
    """The method was glued to the path (``DELETE/x``)."""


def placeholder_name(inner: str) -> str:
    """The name a placeholder's text gives: first alternative, identifier characters only."""
    first = inner.split("|", 1)[0].strip()
    name = re.sub(r"[^A-Za-z0-9_]+", "_", first).strip("_")
    return name or "id"


def strip_http_version(target: str) -> str:
    """``/me/events HTTP/1.1`` -> ``/me/events`` (looked for in the last characters only)."""
    found = _HTTP_VERSION_RE.search(target, max(0, len(target) - 10))
    return target if found is None else target[: found.start()].rstrip()


def normalise_path(target: str) -> tuple[str, str, str | None]:
    """(template path, query, version segment) of a request target.

    The template has no scheme, host, API version or query; each placeholder
    becomes ``{name}`` with a unique identifier-like name.
    """
    t = strip_http_version(target.strip())
    had_host = bool(_HOST_RE.match(t))
    t = _HOST_RE.sub("", t)
    t, _, query = t.partition("?")
    if not t.startswith("/"):
        t = "/" + t
    version = None
    first, sep, rest = t[1:].partition("/")
    if first.lower() in KNOWN_VERSIONS or (had_host and sep and _VERSIONISH_RE.match(first)):
        version, t = first, "/" + rest
    t = _ANGLE_RE.sub(lambda m: "{" + m.group(1) + "}", t)
    if "=" in t:
        t = _FUNC_ARGS_RE.sub(_function_args, t)
    seen: dict[str, int] = {}

    def rename(m: re.Match[str]) -> str:
        name = placeholder_name(m.group(1))
        seen[name] = seen.get(name, 0) + 1
        return "{" + (name if seen[name] == 1 else f"{name}_{seen[name]}") + "}"

    t = _BRACE_RE.sub(rename, t)
    t = re.sub(r"\s+", "", t) if " " in t else t
    if len(t) > 1:
        t = t.rstrip("/")
    return t, query, version


def _function_args(m: re.Match[str]) -> str:
    """``(a=1,b='{x}')`` -> ``(a={a},b='{x}')``: literal argument values become placeholders."""
    parts = []
    for arg in m.group(1).split(","):
        am = _ARG_RE.match(arg)
        if am is None or "{" in am.group(2):
            parts.append(arg.strip())
        else:
            parts.append(f"{am.group(1)}={{{am.group(1)}}}")
    return "(" + ",".join(parts) + ")"


def parse_request_line(line: str) -> ParsedLine | None:
    """Parse ``METHOD target`` or None when the line is not one."""
    m = LINE_RE.match(line)
    if m is None:
        return None
    text = strip_http_version(m.group(3).strip())
    path, query, _ = normalise_path(text)
    return ParsedLine(m.group(1), text, path, query, m.group(2) == "")


def strip_odata_suffix(path: str) -> str | None:
    """The path without a trailing ``$ref``/``$value``/``$count`` segment, or None when it has none."""
    for suffix in _ODATA_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return None


def last_segment(path: str) -> str:
    """The last ``/``-separated segment."""
    return path.rsplit("/", 1)[-1]


def ends_in_key(path: str) -> bool:
    """True when the last segment addresses one entity (``{id}``, ``items('x')``, ``items({id})``)."""
    seg = last_segment(path)
    return (seg.startswith("{") and seg.endswith("}")) or bool(re.search(r"\([^()]*\)$", seg) and "=" not in seg)


def ends_in_collection(path: str) -> bool:
    """True when the last segment is a plain collection name."""
    seg = last_segment(path)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", seg))
