"""The plan of files: what the output folder holds, each file described as data.

:func:`plan_files` turns the linked model into one :class:`FileSpec` per output
file: its path, how it is made (a template and the view it is given, a JSON
document, or a verbatim copy of a runtime module) and its declared inputs
(:class:`Inputs`). Rendering a spec (:func:`docgen.render.render_spec`) reads
nothing its inputs do not name, so :mod:`docgen.produce` keys each file by them
and renders only the files whose inputs changed.

Planning is cheap: it decides names and paths; the views (where the work is)
are built only for the files that are rendered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from docgen.config import Config
from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import ApiVersion, DocSet, Resource, TypeDef
from docgen.names import package_problem, version_modules
from docgen.render.conform import TypeIndex
from docgen.render.examples import ExamplePlanner, route_key
from docgen.render.files import RUNTIME_MODULES, FileViews, runtime_text
from docgen.render.text import header
from docgen.render.views import VersionContext

if TYPE_CHECKING:
    from docgen.openapi.schemas import SchemaBuilder

__all__ = ["FileKind", "FileSpec", "Inputs", "PartSpec", "plan_files"]

FileKind = Literal["python", "text", "document", "copy"]
"""How a file is made: a template giving Python (then formatted), a template giving
other text (kept as rendered), a document made in Python (the OpenAPI JSON), or a
runtime module copied verbatim."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a file is made from, beside docgen's code and the settings (which every
    file but a runtime copy depends on)."""

    pages: tuple[str, ...] = ()
    """Pages whose whole content the file reads: prose and examples included."""
    interface: str | None = None
    """The API version whose interface the file reads: every page's names, kinds,
    types, paths and properties, without prose, examples or line numbers."""
    routes: str | None = None
    """The API version whose routes the file reads: which operation serves which path,
    decided from every operation's request lines and its examples' methods and paths."""
    template: str | None = None
    """The template it is rendered with (and the templates that one includes)."""
    runtime: str | None = None
    """The runtime module it copies (its only input)."""


@dataclass(frozen=True, slots=True)
class PartSpec:
    """A part of a file made from a whole version (a resource's routes in its OpenAPI
    document, a type's schema): made and cached on its own, from its own inputs, so that
    one page's edit makes one part again and the join."""

    name: str
    """Unique among the parts of its file."""
    inputs: Inputs
    make: Callable[[], Any]
    """Makes the part: plain JSON data."""


@dataclass(frozen=True, slots=True)
class FileSpec:
    """One output file: where it goes, how it is made and from what."""

    path: str
    """Relative posix path in the output folder."""
    kind: FileKind
    template: str | None
    """The template (for ``python`` and ``text`` files)."""
    view: Callable[..., Any]
    """Builds what the file is made from: the template's context (a dict), or the
    text of a document or a copy; None when there is no such file after all (a
    resource none of whose examples is replayed has no tests)."""
    inputs: Inputs
    what: str
    """What the file is, for messages."""
    span: SourceSpan
    """Where a failure to make it is reported: the page (and line) it comes from."""
    parts: tuple[PartSpec, ...] = ()
    """Parts it is joined from: then :attr:`view` is given their values, in order."""


class _Version:
    """One API version's names, and its example planner when a file needs it."""

    def __init__(self, package: str, version: ApiVersion, module: str) -> None:
        self.ctx = VersionContext(package, version, module)
        self.span = _first_page(version)

    @functools.cached_property
    def schemas(self) -> SchemaBuilder:
        from docgen.openapi.schemas import SchemaBuilder  # docgen.openapi imports the views

        return SchemaBuilder(self.ctx)

    @functools.cached_property
    def planner(self) -> ExamplePlanner:
        operations = [op for resource in self.ctx.version.resources for op in resource.operations]
        return ExamplePlanner(operations, TypeIndex(self.ctx.version))


def plan_files(docset: DocSet, config: Config) -> tuple[list[FileSpec], list[Diagnostic]]:
    """Every file to generate, sorted by path, and a DG501 error for each API version
    whose names could not be decided (a docgen bug: its files are left out)."""
    problem = package_problem(config.package)
    if problem is not None:
        raise ValueError(f"package name {config.package!r} {problem}")
    views = FileViews(config)
    failures: list[Diagnostic] = []
    specs = list(_package_files(views, docset, config.package))
    modules = version_modules(version.name for version in docset.versions)
    for version in docset.versions:
        try:
            v = _Version(config.package, version, modules[version.name])
        except Exception as error:  # every file of the version is lost, not the others
            what = f"API version {version.name} (every page of it)"
            message = f"docgen bug while planning {what}: {type(error).__name__}: {error}; please report it; left out"
            failures.append(diag("DG501", message, _first_page(version)))
            continue
        specs.extend(_version_files(views, v, config.package))
    return sorted(specs, key=lambda spec: spec.path), failures


def _first_page(docset: DocSet | ApiVersion) -> SourceSpan:
    """Where a failure of a file made from no page in particular is reported."""
    versions = docset.versions if isinstance(docset, DocSet) else (docset,)
    pages = [t.source.path for v in versions for t in v.types]
    pages += [op.source.path for v in versions for r in v.resources for op in r.operations]
    return SourceSpan(min(pages), 1) if pages else SourceSpan(".", 1)


def _package_files(views: FileViews, docset: DocSet, package: str) -> Iterator[FileSpec]:
    anywhere = _first_page(docset)

    def made(path: str, template: str, view: Callable[[], Any], what: str, kind: FileKind = "python") -> FileSpec:
        return FileSpec(path, kind, template, view, Inputs(template=template), f"{what} (made from no page)", anywhere)

    yield made(f"{package}/__init__.py", "package_init.py.jinja", views.package_init, "the package's __init__.py")
    yield made("conftest.py", "root_conftest.py.jinja", views.root_conftest, "the root conftest.py")
    yield made(
        "pyproject.toml", "pyproject.toml.jinja", views.distribution_pyproject, "the distribution's pyproject.toml", "text"
    )
    for name in ("__init__", *RUNTIME_MODULES):
        path = f"{package}/_runtime/{name}.py"
        what = f"runtime module {name} (copied from docgen)"
        yield FileSpec(path, "copy", None, functools.partial(runtime_text, name), Inputs(runtime=name), what, anywhere)
    modules = version_modules(version.name for version in docset.versions)
    mounts = [(modules[v.name], v.name) for v in docset.versions]
    # which versions there are is in every file's key (the settings and the pages' paths)
    yield made(f"{package}/app.py", "package_app.py.jinja", functools.partial(views.package_app, mounts), "the app of every version")


def _version_files(views: FileViews, v: _Version, package: str) -> Iterator[FileSpec]:
    ctx, name = v.ctx, v.ctx.version.name
    every = f"(made from every page of API version {name})"
    base = f"{package}/{ctx.module}"
    names_only = functools.partial(Inputs, interface=name)

    def version_file(path: str, template: str, view: Callable[[], Any], what: str, inputs: Inputs) -> FileSpec:
        return FileSpec(path, "python", template, view, inputs, f"{what} {every}", v.span)

    markers = {
        base: f"API version {name}.",
        f"{base}/server": "The server side: service interfaces, routers, the app.",
        f"{base}/server/services": "One service interface per resource.",
        f"{base}/server/routers": "One router per resource.",
        f"{base}/server/memory_services": "One in-memory service per resource.",
        f"tests/{ctx.module}": f"Generated tests of API version {name}.",
    }
    marker_header = header(what=f"every page of API version {name}")
    for folder, doc in markers.items():
        view = functools.partial(views.package_marker, doc, marker_header)
        yield version_file(f"{folder}/__init__.py", "package_init.py.jinja", view, f"{folder}/__init__.py", names_only(template="package_init.py.jinja"))
    for typedef in ctx.typedefs.values():
        pages = _type_pages(ctx, typedef)
        template = "model.py.jinja"
        yield FileSpec(
            f"{base}/models/{ctx.type_modules[typedef.name]}.py",
            "python",
            template,
            functools.partial(views.model, ctx, typedef),
            Inputs(pages=pages, interface=name, template=template),
            f"the model of {typedef.name}",
            typedef.source,
        )
    aggregates: list[tuple[str, str, Callable[[VersionContext], Any], str]] = [
        (f"{base}/models/__init__.py", "models_init.py.jinja", views.models_init, "the models' __init__.py"),
        (f"{base}/client/__init__.py", "client_init.py.jinja", views.client_init, "the client's __init__.py"),
        (f"{base}/server/service.py", "service.py.jinja", views.service_union, "the service interface"),
        (f"{base}/server/memory.py", "memory.py.jinja", views.memory_union, "the in-memory service"),
        (f"tests/{ctx.module}/conftest.py", "test_conftest.py.jinja", views.tests_conftest, "the tests' conftest.py"),
    ]
    for path, template, make, what in aggregates:
        yield version_file(path, template, functools.partial(make, ctx), what, names_only(template=template))
    yield version_file(
        f"{base}/server/app.py",
        "app.py.jinja",
        functools.partial(views.app, ctx),
        "the app",
        Inputs(interface=name, routes=name, template="app.py.jinja"),
    )
    sharing = _route_sharing(ctx.version)
    yield _openapi_document(views, v, sharing, every)
    for resource in ctx.version.resources:
        yield from _resource_files(views, v, resource, sharing)


def _openapi_document(
    views: FileViews, v: _Version, sharing: dict[tuple[str, tuple[str, ...]], set[str]], every: str
) -> FileSpec:
    """The version's OpenAPI document, joined from a part per resource and per type."""
    from docgen import openapi  # docgen.openapi imports the views

    ctx, name = v.ctx, v.ctx.version.name
    resources = tuple(
        PartSpec(
            f"resource {resource.name}",
            Inputs(pages=_replayed(resource, sharing), interface=name, routes=name),
            functools.partial(lambda r: openapi.resource_part(v.schemas, v.planner, r), resource),
        )
        for resource in ctx.version.resources
    )
    types = tuple(
        PartSpec(
            f"type {typedef.name}",
            Inputs(pages=_type_pages(ctx, typedef), interface=name),
            functools.partial(lambda t: openapi.type_part(v.schemas, t), typedef),
        )
        for typedef in ctx.typedefs.values()
    )
    count = len(resources)

    def join(values: list[Any]) -> str:
        return views.openapi_document(ctx, values[:count], values[count:])

    return FileSpec(
        f"{ctx.package}/{ctx.module}/server/openapi.json",
        "document",
        None,
        join,
        Inputs(interface=name, routes=name),
        f"the OpenAPI document {every}",
        v.span,
        resources + types,
    )


def _type_pages(ctx: VersionContext, typedef: TypeDef) -> tuple[str, ...]:
    return tuple(sorted({t.source.path for t in ctx.chain(typedef)} | {typedef.source.path}))


def _replayed(resource: Resource, sharing: dict[tuple[str, tuple[str, ...]], set[str]]) -> tuple[str, ...]:
    """A resource's pages and those of every operation sharing a route with one of its own
    (one handler serves them, and answers from each other's examples)."""
    return tuple(sorted(set(resource.pages).union(*(sharing.get(route_key(op), set()) for op in resource.operations))))


def _route_sharing(version: ApiVersion) -> dict[tuple[str, tuple[str, ...]], set[str]]:
    """Route key (method and path shape) -> the pages of every operation documented with it."""
    found: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for resource in version.resources:
        for op in resource.operations:
            found.setdefault(route_key(op), set()).add(op.source.path)
    return found


def _resource_files(
    views: FileViews, v: _Version, resource: Resource, sharing: dict[tuple[str, tuple[str, ...]], set[str]]
) -> Iterator[FileSpec]:
    ctx, name = v.ctx, v.ctx.version.name
    span = resource.operations[0].source if resource.operations else SourceSpan(min(resource.pages, default="."), 1)
    module = ctx.resource_module(resource)
    base = f"{ctx.package}/{ctx.module}"
    # the in-memory service and the tests replay the examples of every operation that shares a route
    replayed = _replayed(resource, sharing)
    own = tuple(sorted(resource.pages))

    def resource_file(
        path: str, template: str, view: Callable[[], Any], what: str, pages: tuple[str, ...], routes: bool
    ) -> FileSpec:
        inputs = Inputs(pages=pages, interface=name, routes=name if routes else None, template=template)
        return FileSpec(path, "python", template, view, inputs, f"{what} of {resource.name}", span)

    yield resource_file(
        f"{base}/client/{module}.py", "client_resource.py.jinja", functools.partial(views.client, ctx, resource),
        "the client", own, True,
    )
    yield resource_file(
        f"{base}/server/services/{module}.py", "service_resource.py.jinja",
        functools.partial(views.service, ctx, resource), "the service", own, True,
    )
    yield resource_file(
        f"{base}/server/memory_services/{module}.py", "memory_resource.py.jinja",
        lambda: views.memory(ctx, v.planner, resource), "the in-memory service", replayed, True,
    )
    yield resource_file(
        f"{base}/server/routers/{module}.py", "router.py.jinja", functools.partial(views.router, ctx, resource),
        "the router", own, True,
    )
    if any(op.examples for op in resource.operations):
        yield resource_file(
            f"tests/{ctx.module}/test_{module}.py", "test_resource.py.jinja",
            lambda: views.tests(ctx, v.planner, resource), "the tests", replayed, True,
        )
