"""Settings: ``[tool.docgen]`` in ``pyproject.toml``, overridden by command-line flags."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from packaging.version import InvalidVersion, Version

from docgen.diagnostics import Severity
from docgen.names import package_problem
from docgen.policy import Policy, selector_problem

DEFAULT_PACKAGE = "api"
DEFAULT_MAX_PAGE_BYTES = 10_000_000
"""Pages larger than this (10 MB) are left out with an error (DG010)."""


KEYS = (
    "specs",
    "out",
    "package",
    "templates",
    "default_version",
    "cache",
    "max_page_bytes",
    "select",
    "ignore",
    "severity",
    "distribution",
    "version",
    "formatter",
)
"""Every key ``[tool.docgen]`` may hold; any other is an error."""

DISTRIBUTION_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")
"""A valid distribution name (PEP 508)."""

FORMATTERS = ("black", "ruff")
"""The formatters the generated Python can be formatted with (``formatter``)."""

DEFAULT_VERSION = "0.1.0"
"""Version of the generated distribution when ``version`` is not set."""


class ConfigError(Exception):
    """The settings are unusable (bad TOML, wrong value type, unknown key)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest of ``choices`` (difflib), or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True, slots=True)
class Config:
    """Where docgen reads and writes, and what it calls the generated package."""

    specs: Path = Path("specs")
    """Folder (or file) of Markdown pages."""
    out: Path = Path("generated")
    """Folder docgen owns and writes the generated tree into."""
    package: str = DEFAULT_PACKAGE
    """Name of the generated Python package (a valid identifier)."""
    templates: Path | None = None
    """Folder whose templates override the built-in ones, file by file."""
    default_version: str = "v1.0"
    """API version of pages whose path names none."""
    root: Path = Path(".")
    """Folder holding the ``pyproject.toml`` the settings came from."""
    cache: Path | None = None
    """Folder of docgen's cache; None: ``.docgen-cache`` beside the output folder."""
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES
    """Largest page read, in bytes; a larger one is left out with an error (DG010)."""
    policy: Policy = field(default_factory=Policy)
    """Which diagnostics are reported, and with what severity."""
    distribution: str | None = None
    """Name of the generated distribution (its ``pyproject.toml``); None: the package's, with ``-`` for ``_``."""
    version: str = DEFAULT_VERSION
    """Version of the generated distribution."""
    formatter: str = "black"
    """What formats the generated Python: ``black`` or ``ruff`` (ruff's formatter, far faster)."""

    @property
    def distribution_name(self) -> str:
        return self.distribution or self.package.replace("_", "-")

    def with_overrides(self, **kwargs: object) -> Config:
        """A copy with the given non-None fields replaced."""
        return replace(self, **{k: v for k, v in kwargs.items() if v is not None})  # type: ignore[arg-type]


def builtin_templates() -> Path:
    """The built-in template folder: next to the package in a checkout, inside it in a wheel."""
    root = Path(__file__).parent
    checkout = root.parent / "templates"
    return checkout if checkout.is_dir() else root / "templates"


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _line_of(text: str, key: str) -> int:
    """Line of ``key = ...`` in the ``[tool.docgen...]`` tables of a pyproject.toml (1 if not found)."""
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.startswith("[tool.docgen")
            if inside and stripped.rstrip("]").strip("[ ").endswith(f".{key}"):
                return number
        elif inside and re.match(rf"""['"]?{re.escape(key)}['"]?\s*=""", stripped):
            return number
    return 1


class _Reader:
    """Typed values of ``[tool.docgen]``; each problem is a ConfigError at ``file:line``."""

    def __init__(self, pyproject: Path, text: str, section: Mapping[str, object]) -> None:
        self.pyproject = pyproject
        self.text = text
        self.section = section

    def fail(self, key: str, message: str) -> ConfigError:
        where = os.path.relpath(self.pyproject)
        where = str(self.pyproject) if where.startswith(os.pardir) else where
        return ConfigError(f"{where}:{_line_of(self.text, key)}: [tool.docgen] {message}")

    def string(self, key: str, default: str | None) -> str | None:
        value = self.section.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, f"{key} must be a string")
        return value

    def selectors(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.section.get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f'{key} must be a list of codes or prefixes, like ["DG4", "DG203"]')
        for selector in value:
            problem = selector_problem(selector)
            if problem is not None:
                raise self.fail(key, f"{key}: {selector!r} {problem}")
        return tuple(value)

    def severities(self) -> dict[str, Severity]:
        value = self.section.get("severity", {})
        if not isinstance(value, dict):
            raise self.fail("severity", '[tool.docgen.severity] must be a table of code = "error" | "warning" | "info"')
        out = {}
        for code, level in value.items():
            problem = selector_problem(code)
            if problem is not None:
                raise self.fail(code, f"severity: {code!r} {problem}")
            if level not in {s.value for s in Severity}:
                raise self.fail(code, f'severity: {code} must be "error", "warning" or "info", not {level!r}')
            out[code] = Severity(level)
        return out


def load_config(start: Path | None = None) -> Config:
    """Read ``[tool.docgen]`` from the nearest pyproject.toml; defaults when there is none.

    Relative paths in the file are taken relative to the file's folder. An unknown key is an
    error naming the closest known one.
    """
    pyproject = find_pyproject((start or Path.cwd()).resolve())
    if pyproject is None:
        return Config()
    try:
        text = pyproject.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read settings: {exc}") from exc
    tool = data.get("tool", {})
    section = tool.get("docgen", {}) if isinstance(tool, dict) else {}
    if not isinstance(section, dict):
        raise ConfigError(f"{pyproject}: [tool.docgen] must be a table")
    reader = _Reader(pyproject, text, section)
    for key in section:
        if key not in KEYS:
            raise reader.fail(key, f"unknown setting {key!r}{did_you_mean(key, KEYS)}")
    root = pyproject.parent

    def path_of(key: str, default: Path | None) -> Path | None:
        value = reader.string(key, None)
        return default if value is None else root / value

    package = section.get("package", DEFAULT_PACKAGE)
    if not isinstance(package, str):
        raise reader.fail("package", "package must be a Python identifier")
    problem = package_problem(package)
    if problem is not None:
        raise reader.fail("package", f"package {package!r} {problem}")
    max_bytes = section.get("max_page_bytes", DEFAULT_MAX_PAGE_BYTES)
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 1:
        raise reader.fail("max_page_bytes", "max_page_bytes must be a positive number of bytes")
    distribution = reader.string("distribution", None)
    if distribution is not None and not DISTRIBUTION_NAME.fullmatch(distribution):
        problem = "is not a distribution name (letters, digits, '-', '_', '.')"
        raise reader.fail("distribution", f"distribution {distribution!r} {problem}")
    version = reader.string("version", DEFAULT_VERSION) or DEFAULT_VERSION
    try:
        Version(version)
    except InvalidVersion:
        raise reader.fail("version", f"version {version!r} is not a version number (PEP 440, like 1.2.0)") from None
    formatter = reader.string("formatter", "black") or "black"
    if formatter not in FORMATTERS:
        raise reader.fail("formatter", f"formatter must be one of {', '.join(map(repr, FORMATTERS))}, not {formatter!r}")
    policy = Policy(reader.selectors("select", ("DG",)), reader.selectors("ignore", ()), reader.severities())
    return Config(
        cache=path_of("cache", root / ".docgen-cache"),
        specs=path_of("specs", root / "specs") or root / "specs",
        out=path_of("out", root / "generated") or root / "generated",
        package=package,
        templates=path_of("templates", None),
        default_version=reader.string("default_version", "v1.0") or "v1.0",
        root=root,
        max_page_bytes=max_bytes,
        policy=policy,
        distribution=distribution,
        version=version,
        formatter=formatter,
    )
