"""Stage three: the linked model -> generated files, in memory.

:func:`render` returns every file of the generated tree as text, formatted by
black, keyed by its path relative to the output folder. Nothing is written
here; :mod:`docgen.output` writes or compares.
"""

from __future__ import annotations

from collections.abc import Iterator

from docgen.config import Config
from docgen.model import DocSet
from docgen.names import version_modules
from docgen.render.conform import TypeIndex
from docgen.render.examples import ExamplePlanner, replayable
from docgen.render.files import RUNTIME_MODULES, Renderer, builtin_templates
from docgen.render.text import header
from docgen.render.views import VersionContext

__all__ = ["builtin_templates", "render", "render_unformatted", "replayable"]


def render(docset: DocSet, config: Config) -> dict[str, str]:
    """Every generated file: relative posix path -> formatted text, sorted by path."""
    from docgen.fmt import format_python  # black: imported only when something is formatted

    return {path: format_python(text) for path, text in render_unformatted(docset, config).items()}


def render_unformatted(
    docset: DocSet, config: Config, *, renderer: Renderer | None = None
) -> dict[str, str]:
    """Like :func:`render`, before black (for callers that format, or cache, themselves).

    ``renderer``: the :class:`Renderer` (or a subclass, e.g. one that reuses cached
    files) to render with; by default a new one for ``config``.
    """
    files = dict(_files(renderer or Renderer(config), docset))
    return dict(sorted(files.items()))


def _files(r: Renderer, docset: DocSet) -> Iterator[tuple[str, str]]:
    yield r.package_init()
    yield r.root_conftest()
    for name in ("__init__", *RUNTIME_MODULES):
        yield r.runtime_module(name)
    modules = version_modules(version.name for version in docset.versions)
    contexts = [VersionContext(r.package, v, modules[v.name]) for v in docset.versions]
    yield r.package_app([(ctx.module, ctx.version.name) for ctx in contexts])
    for ctx in contexts:
        yield from _version_files(r, ctx)


def _version_files(r: Renderer, ctx: VersionContext) -> Iterator[tuple[str, str]]:
    what = header(what=f"every page of API version {ctx.version.name}")
    base = f"{r.package}/{ctx.module}"
    markers = {
        base: f"API version {ctx.version.name}.",
        f"{base}/server": "The server side: service interfaces, routers, the app.",
        f"{base}/server/services": "One service interface per resource.",
        f"{base}/server/routers": "One router per resource.",
        f"{base}/server/memory_services": "One in-memory service per resource.",
        f"tests/{ctx.module}": f"Generated tests of API version {ctx.version.name}.",
    }
    for folder, doc in markers.items():
        yield r.package_marker(folder, doc, what)
    for typedef in ctx.typedefs.values():
        yield r.model_module(ctx, typedef)
    yield r.models_init(ctx)
    planner = ExamplePlanner(
        [op for res in ctx.version.resources for op in res.operations], TypeIndex(ctx.version)
    )
    for resource in ctx.version.resources:
        yield r.client_module(ctx, resource)
        yield r.service_module(ctx, resource)
        yield r.memory_module(ctx, planner, resource)
        yield r.router_module(ctx, resource)
        tests = r.tests_module(ctx, planner, resource)
        if tests is not None:
            yield tests
    yield r.client_init(ctx)
    yield r.service_union(ctx)
    yield r.memory_union(ctx)
    yield r.app_module(ctx)
    yield r.tests_conftest(ctx)
