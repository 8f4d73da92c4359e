"""The cache keys of planned files: digests of their declared inputs (:class:`docgen.plan.Inputs`).

A file's key is made of docgen's code (its runtime left out), the settings, the
versions there are, the file's path and kind, and the digest of each input it
declares: the pages it reads whole, its version's interface (every page's names,
kinds, types, paths and properties) and routes (every page's request lines and
examples' methods and paths), its template with what that includes, or the runtime
module it copies. :func:`run_key` names a whole run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import docgen
from docgen.cache import digest, dist_version, source_digest
from docgen.config import Config, builtin_templates
from docgen.fmt import Formatter
from docgen.model import PageModel
from docgen.pipeline import LoadedPages, SpecsRead

if TYPE_CHECKING:
    from docgen.plan import FileSpec, Inputs, PartSpec
    from docgen.render import Templates

__all__ = ["Keys", "code_digest", "routes_digest", "run_key", "templates_digest"]



_code: dict[str, bytes] = {}


def code_digest() -> bytes:
    """docgen's source, its runtime left out (a runtime module is its copies' only input)."""
    if "code" not in _code:
        root = Path(docgen.__file__).parent
        folders = [p for p in sorted(root.iterdir()) if p.is_dir() and p.name not in ("runtime", "__pycache__")]
        files = [p for p in sorted(root.glob("*.py"))]
        _code["code"] = digest(docgen.__version__, sys.version, source_digest(folders, files))
    return _code["code"]


def routes_digest(page: PageModel) -> bytes:
    """What a page gives the version's routing: its operations' request lines and its
    examples' methods and paths."""
    parts = [
        f"{op.id}\0{op.method}\0{op.path}\0" + "\0".join(f"{ex.request.method} {ex.request.path}" for ex in op.examples)
        for op in page.operations
    ]
    return digest("routes", *parts)


class Keys:
    """The cache key of each planned file, from the digests of its declared inputs."""

    def __init__(self, loaded: LoadedPages, config: Config, templates: Templates) -> None:
        self.pages = loaded.keys
        by_version: dict[str, list[PageModel]] = {}
        for page in loaded.pages:
            by_version.setdefault(page.version, []).append(page)
        self.interfaces = {
            v: digest("interface", *(f"{p.path}\0".encode() + loaded.interfaces[p.path] for p in pages))
            for v, pages in by_version.items()
        }
        self.routes = {v: digest("routes", *(routes_digest(p) for p in pages)) for v, pages in by_version.items()}
        self.templates = templates
        self._template_digests: dict[str, bytes] = {}
        settings = (config.package, config.distribution_name, config.version, config.default_version)
        self.base = digest("file", code_digest(), f"jinja2={dist_version('Jinja2')}", *settings)
        self.versions = digest("versions", *sorted(by_version))

    @classmethod
    def usable(cls, loaded: LoadedPages) -> bool:
        """Whether every page has the digests a key needs (read with a cache)."""
        return all(p.path in loaded.keys and p.path in loaded.interfaces for p in loaded.pages)

    def template(self, name: str) -> bytes:
        found = self._template_digests.get(name)
        if found is None:
            found = self._template_digests[name] = digest("template", *(f"{n}\0{s}" for n, s in self.templates.sources(name)))
        return found

    def of(self, spec: FileSpec) -> bytes:
        """A file's key: its declared inputs, and the keys of the parts it is joined from."""
        if spec.inputs.runtime is not None:
            return digest("runtime", spec.path, spec.view())
        parts = [self.base, self.versions, spec.kind, spec.path, self._inputs(spec.inputs)]
        return digest(*parts, *(self.of_part(spec, part) for part in spec.parts))

    def of_part(self, spec: FileSpec, part: PartSpec) -> bytes:
        """The key of one part of a file."""
        return digest(self.base, self.versions, "part", spec.path, part.name, self._inputs(part.inputs))

    def _inputs(self, inputs: Inputs) -> bytes:
        parts = [f"{page}\0".encode() + self.pages[page] for page in inputs.pages]
        if inputs.interface is not None:
            parts += [b"interface", self.interfaces.get(inputs.interface, b"")]
        if inputs.routes is not None:
            parts += [b"routes", self.routes.get(inputs.routes, b"")]
        if inputs.template is not None:
            parts += [b"template", self.template(inputs.template)]
        return digest(*parts)


def run_key(read: SpecsRead, keys: dict[str, bytes], config: Config, formatter: Formatter, templates: bytes) -> bytes:
    """A hash of everything the output and the diagnostics are made from."""
    pages = [f"{p.path}\0{keys[p.path].hex() if p.path in keys else 'unreadable:' + p.error}" for p in read.pages]
    settings = (config.package, config.distribution_name, config.version, config.default_version)
    return digest("run", code_digest(), templates, formatter.key, *settings, "\n".join(pages))


def templates_digest(config: Config) -> bytes:
    folders = [builtin_templates()] + ([config.templates] if config.templates is not None else [])
    return digest("templates", *(source_digest([folder]) for folder in folders), dist_version("Jinja2"))


