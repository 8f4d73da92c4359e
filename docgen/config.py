"""Settings: ``[tool.docgen]`` in ``pyproject.toml``, overridden by command-line flags."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from docgen.names import package_problem

DEFAULT_PACKAGE = "api"
DEFAULT_MAX_PAGE_BYTES = 10_000_000
"""Pages larger than this (10 MB) are left out with an error (DG010)."""


class ConfigError(Exception):
    """The settings are unusable (bad TOML, wrong value type)."""


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

    def with_overrides(self, **kwargs: object) -> Config:
        """A copy with the given non-None fields replaced."""
        return replace(self, **{k: v for k, v in kwargs.items() if v is not None})  # type: ignore[arg-type]


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None) -> Config:
    """Read ``[tool.docgen]`` from the nearest pyproject.toml; defaults when there is none.

    Relative paths in the file are taken relative to the file's folder.
    """
    pyproject = find_pyproject((start or Path.cwd()).resolve())
    if pyproject is None:
        return Config()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read settings: {exc}") from exc
    section = data.get("tool", {}).get("docgen", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{pyproject}: [tool.docgen] must be a table")
    root = pyproject.parent

    def path_of(key: str, default: Path | None) -> Path | None:
        value = section.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise ConfigError(f"{pyproject}: [tool.docgen] {key} must be a string")
        return root / value

    package = section.get("package", DEFAULT_PACKAGE)
    if not isinstance(package, str):
        raise ConfigError(f"{pyproject}: [tool.docgen] package must be a Python identifier")
    problem = package_problem(package)
    if problem is not None:
        raise ConfigError(f"{pyproject}: [tool.docgen] package {package!r} {problem}")
    version = section.get("default_version", "v1.0")
    if not isinstance(version, str):
        raise ConfigError(f"{pyproject}: [tool.docgen] default_version must be a string")
    max_bytes = section.get("max_page_bytes", DEFAULT_MAX_PAGE_BYTES)
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 1:
        raise ConfigError(f"{pyproject}: [tool.docgen] max_page_bytes must be a positive number of bytes")
    return Config(
        cache=path_of("cache", root / ".docgen-cache"),
        specs=path_of("specs", root / "specs") or root / "specs",
        out=path_of("out", root / "generated") or root / "generated",
        package=package,
        templates=path_of("templates", None),
        default_version=version,
        root=root,
        max_page_bytes=max_bytes,
    )
