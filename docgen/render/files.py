"""One function per kind of output file: each renders one file from its inputs.

A file depends only on what its function reads (the version's names and the
one type or resource it is about), so that a later cache can skip the files
whose inputs did not change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

import docgen
from docgen import names
from docgen.config import Config
from docgen.model import Example, Operation, Resource, TypeDef
from docgen.render.examples import ExamplePlanner, ExampleTest, TestCall, replayable
from docgen.render.imports import prune_imports
from docgen.render.text import Header, doc_text, header
from docgen.render.views import VersionContext

__all__ = ["RUNTIME_MODULES", "Renderer", "TemplateOutputError", "builtin_templates"]

RUNTIME_REQUIREMENTS = ("pydantic>=2.7,<3", "fastapi>=0.110", "httpx>=0.27,<1", "uvicorn>=0.29", "anyio>=4")
"""What the generated package needs (docgen's own ``runtime`` extra)."""
TEST_REQUIREMENTS = ("pytest>=8",)
"""What the generated tests need besides the package."""

RUNTIME_MODULES = ("errors", "models", "client", "server", "store", "testing", "openapi", "filters", "query", "delta")
"""The static support modules of ``<package>/_runtime/``."""


class TemplateOutputError(Exception):
    """A template of the user's rendered text that is not Python."""

    def __init__(self, template: str, line: int | None, problem: str) -> None:
        super().__init__(f"{template} renders invalid Python (line {line} of the output: {problem})")
        self.template = template


def builtin_templates() -> Path:
    """The built-in template folder: next to the package in a checkout, inside it in a wheel."""
    root = Path(docgen.__file__).parent
    checkout = root.parent / "templates"
    return checkout if checkout.is_dir() else root / "templates"


def make_environment(user_templates: Path | None) -> jinja2.Environment:
    """The Jinja environment: the user's templates first (file by file), then the built-in ones."""
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(jinja2.FileSystemLoader(str(builtin_templates())))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )


@dataclass(frozen=True, slots=True)
class VersionMount:
    """A version's app in the app of every version."""

    module: str
    """The version module."""
    path: str
    """Literal: the mount path (``'/v1.0'``)."""
    module_literal: str
    """Literal: the version module."""


@dataclass(frozen=True, slots=True)
class ResourceNames:
    """The names of one resource, for the aggregate files of its version."""

    module: str
    attribute: str
    """The client's attribute for it (``customers``)."""
    sync_class: str
    async_class: str
    service_class: str
    memory_class: str
    doc: str


@dataclass(frozen=True, slots=True)
class RouterPaths:
    """A router module and the paths of its routes, for the version's app."""

    module: str
    paths: tuple[str, ...]
    """Literals."""


class Renderer:
    """Renders the files of one doc set; each method returns (relative path, unformatted text)."""

    def __init__(self, config: Config) -> None:
        problem = names.package_problem(config.package)
        if problem is not None:
            raise ValueError(f"package name {config.package!r} {problem}")
        self.package = config.package
        self.default_version = config.default_version
        self.distribution = config.distribution_name
        self.version = config.version
        self.env = make_environment(config.templates)
        self.user_templates = config.templates.resolve() if config.templates is not None else None

    def _render(self, template: str, **context: Any) -> str:
        loaded = self.env.get_template(template)
        text = loaded.render(package=self.package, **context)
        if not template.endswith(".py.jinja"):
            return text
        source = loaded.filename
        if self.user_templates is not None and source and Path(source).resolve().is_relative_to(self.user_templates):
            try:  # the user's template must give Python; say which template when it does not
                compile(text, template, "exec", dont_inherit=True)
            except SyntaxError as error:
                raise TemplateOutputError(source, error.lineno, error.msg) from None
        return prune_imports(text)

    # ----------------------------------------------------------------- static

    def package_init(self) -> tuple[str, str]:
        text = self._render(
            "package_init.py.jinja",
            header=header(what="the generated package"),
            doc="Server stubs, clients and tests generated by docgen.",
            exports=[
                (f"{self.package}._runtime.errors", name)
                for name in ("ApiError", "BadRequest", "NotFound")
            ]
            + [(f"{self.package}._runtime.query", name) for name in ("NO_QUERY", "Query")],
        )
        return f"{self.package}/__init__.py", text

    def runtime_module(self, name: str) -> tuple[str, str]:
        if name == "__init__":
            text = self._render(
                "package_init.py.jinja",
                header=header(what="runtime support shared by every API version"),
                doc="Runtime support of the generated code (the same for every doc set).",
                exports=[],
            )
        else:
            text = self._render(
                f"runtime/{name}.py.jinja",
                header=header(what="runtime support shared by every API version"),
            )
        return f"{self.package}/_runtime/{name}.py", text

    def package_app(self, versions: list[tuple[str, str]]) -> tuple[str, str]:
        """The app mounting every version's app; ``versions``: (module, version name)."""
        text = self._render(
            "package_app.py.jinja",
            header=header(what="every API version"),
            versions=[
                VersionMount(module, repr("/" + name.strip("/")), repr(module)) for module, name in versions
            ],
            first_version=doc_text(
                self.default_version
                if any(name == self.default_version for _, name in versions) or not versions
                else versions[0][1]
            ),
        )
        return f"{self.package}/app.py", text

    def root_conftest(self) -> tuple[str, str]:
        text = self._render("root_conftest.py.jinja", header=header(what="test configuration"))
        return "conftest.py", text

    def distribution_pyproject(self) -> tuple[str, str]:
        """``pyproject.toml``: the output folder as an installable distribution."""
        toml = json.dumps  # a TOML basic string is written as JSON writes a string (ASCII names here)
        text = self._render(
            "pyproject.toml.jinja",
            header=header(what="the distribution of the generated package"),
            distribution=toml(self.distribution),
            version=toml(self.version),
            description=toml(f"Server stubs, clients and tests generated by docgen ({self.package})."),
            dependencies=[toml(r) for r in RUNTIME_REQUIREMENTS],
            test_dependencies=[toml(r) for r in TEST_REQUIREMENTS],
            package_folder=toml(self.package),
        )
        return "pyproject.toml", text

    # ----------------------------------------------------------------- per version

    def _version_header(self, ctx: VersionContext) -> Header:
        return header(what=f"every page of API version {ctx.version.name}")

    def _common(self, ctx: VersionContext) -> dict[str, Any]:
        return {
            "prefix": ctx.prefix,
            "version_doc": doc_text(ctx.version.name),
        }

    def package_marker(self, folder: str, doc: str, what: Header) -> tuple[str, str]:
        """An ``__init__.py`` that makes ``folder`` (relative to the output) a package."""
        text = self._render("package_init.py.jinja", header=what, doc=doc_text(doc), exports=[])
        return f"{folder}/__init__.py", text

    def model_module(self, ctx: VersionContext, typedef: TypeDef) -> tuple[str, str]:
        view = ctx.model_view(typedef)
        text = self._render(
            "model.py.jinja",
            header=header([typedef.source.path]),
            v=view,
            **self._common(ctx),
        )
        return f"{self.package}/{ctx.module}/models/{view.module}.py", text

    def models_init(self, ctx: VersionContext) -> tuple[str, str]:
        text = self._render(
            "models_init.py.jinja",
            header=self._version_header(ctx),
            models=ctx.model_views(),
            **self._common(ctx),
        )
        return f"{self.package}/{ctx.module}/models/__init__.py", text

    def _resource_context(self, ctx: VersionContext, resource: Resource) -> dict[str, Any]:
        stem = ctx.resource_class(resource)
        doc = doc_text(f"the {resource.name} resource")
        return {
            "module": ctx.resource_module(resource),
            "sync_class": f"{stem}Client",
            "async_class": f"Async{stem}Client",
            "service_class": f"{stem}Service",
            "memory_class": f"InMemory{stem}Service",
            "resource_doc": doc,
            "resource_doc_cap": doc[:1].upper() + doc[1:],
            "operations": [ctx.operation_view(op) for op in resource.operations],
            **self._common(ctx),
        }

    def resource_names(self, ctx: VersionContext, resource: Resource) -> ResourceNames:
        stem = ctx.resource_class(resource)
        return ResourceNames(
            module=ctx.resource_module(resource),
            attribute=ctx.client_attribute(resource),
            sync_class=f"{stem}Client",
            async_class=f"Async{stem}Client",
            service_class=f"{stem}Service",
            memory_class=f"InMemory{stem}Service",
            doc=doc_text(f"the {resource.name} resource"),
        )

    def _resources(self, ctx: VersionContext) -> list[ResourceNames]:
        found = [self.resource_names(ctx, r) for r in ctx.version.resources]
        return sorted(found, key=lambda names_: names_.module)

    def client_module(self, ctx: VersionContext, resource: Resource) -> tuple[str, str]:
        context = self._resource_context(ctx, resource)
        views = context["operations"]
        quotes = {quote for view in views for quote in view.quotes}
        context["client_imports"] = ", ".join(["AsyncSession", "Content", "Session", "Upload", *sorted(quotes)])
        context["typing_imports"] = "Any, Literal" if any(view.via for view in views) else "Any"
        text = self._render("client_resource.py.jinja", header=header(resource.pages), **context)
        return f"{self.package}/{ctx.module}/client/{context['module']}.py", text

    def client_init(self, ctx: VersionContext) -> tuple[str, str]:
        resources = self._resources(ctx)
        text = self._render(
            "client_init.py.jinja",
            header=self._version_header(ctx),
            resources=resources,
            example_attr=resources[0].attribute if resources else "resource",
            **self._common(ctx),
        )
        return f"{self.package}/{ctx.module}/client/__init__.py", text

    def service_module(self, ctx: VersionContext, resource: Resource) -> tuple[str, str]:
        context = self._resource_context(ctx, resource)
        text = self._render("service_resource.py.jinja", header=header(resource.pages), **context)
        return f"{self.package}/{ctx.module}/server/services/{context['module']}.py", text

    def service_union(self, ctx: VersionContext) -> tuple[str, str]:
        text = self._render(
            "service.py.jinja",
            header=self._version_header(ctx),
            resources=self._resources(ctx),
            **self._common(ctx),
        )
        return f"{self.package}/{ctx.module}/server/service.py", text

    def memory_module(
        self, ctx: VersionContext, planner: ExamplePlanner, resource: Resource
    ) -> tuple[str, str]:
        context = self._resource_context(ctx, resource)
        replies = {
            view.name: planner.replies(op)
            for op, view in zip(resource.operations, context["operations"])
        }
        text = self._render(
            "memory_resource.py.jinja",
            header=header(resource.pages),
            seeds=planner.default_seeds(resource),
            replies=replies,
            **context,
        )
        return f"{self.package}/{ctx.module}/server/memory_services/{context['module']}.py", text

    def memory_union(self, ctx: VersionContext) -> tuple[str, str]:
        text = self._render(
            "memory.py.jinja",
            header=self._version_header(ctx),
            resources=self._resources(ctx),
            **self._common(ctx),
        )
        return f"{self.package}/{ctx.module}/server/memory.py", text

    def router_module(self, ctx: VersionContext, resource: Resource) -> tuple[str, str]:
        context = self._resource_context(ctx, resource)
        text = self._render("router.py.jinja", header=header(resource.pages), **context)
        return f"{self.package}/{ctx.module}/server/routers/{context['module']}.py", text

    def app_module(self, ctx: VersionContext, planner: ExamplePlanner) -> tuple[str, str]:
        """The version's app; ``planner``: its routes include the paths only examples use,
        decided across the version (so the file is made from every page of it)."""
        routers = sorted(
            (
                RouterPaths(
                    ctx.resource_module(resource),
                    tuple(dict.fromkeys(r.route for op in resource.operations for r in ctx.operation_view(op).routes)),
                )
                for resource in planner.index.version.resources
            ),
            key=lambda router: router.module,
        )
        text = self._render(
            "app.py.jinja",
            header=self._version_header(ctx),
            routers=routers,
            title=repr(f"{self.package} {ctx.version.name}"),
            version_literal=repr(ctx.version.name),
            **self._common(ctx),
        )
        return f"{self.package}/{ctx.module}/server/app.py", text

    def openapi_document(self, ctx: VersionContext, planner: ExamplePlanner) -> tuple[str, str]:
        """The version's OpenAPI document, which its app serves at ``/openapi.json``."""
        from docgen.openapi import dumps, version_document  # docgen.openapi imports the renderer

        return f"{self.package}/{ctx.module}/server/openapi.json", dumps(version_document(ctx, planner))

    def tests_module(
        self, ctx: VersionContext, planner: ExamplePlanner, resource: Resource
    ) -> tuple[str, str] | None:
        tests = list(self.example_tests(ctx, planner, resource))
        if not tests:
            return None
        context = self._resource_context(ctx, resource)
        text = self._render(
            "test_resource.py.jinja", header=header(resource.pages), tests=tests, **context
        )
        return f"tests/{ctx.module}/test_{context['module']}.py", text

    def example_tests(
        self, ctx: VersionContext, planner: ExamplePlanner, resource: Resource
    ) -> Iterator[ExampleTest]:
        """The tests of a resource's replayable examples, in operation and example order."""
        chosen = [
            (op, example)
            for op in resource.operations
            for example in op.examples
            if replayable(example, op, planner.index) is None
        ]
        originals = _example_originals(chosen)
        test_names = names.example_test_names(originals)
        fallback = planner.entity_of(resource)
        attribute = ctx.client_attribute(resource)
        for (op, example), original in zip(chosen, originals):
            view = ctx.operation_view(op)
            yield planner.test(
                op,
                example,
                TestCall(
                    name=test_names[original],
                    attr=attribute,
                    method=view.client_name,
                    iterator=view.kind == "iterator",
                    options=tuple((o.raw, o.name, o.annotation) for o in view.query),
                    params=tuple(p.name for p in view.params),
                    via=bool(view.via),
                    body_class=ctx.types.model_class(op.request_type),
                ),
                fallback,
            )

    def tests_conftest(self, ctx: VersionContext) -> tuple[str, str]:
        text = self._render(
            "test_conftest.py.jinja",
            header=self._version_header(ctx),
            version_literal=repr(ctx.version.name),
            **self._common(ctx),
        )
        return f"tests/{ctx.module}/conftest.py", text


def _example_originals(chosen: list[tuple[Operation, Example]]) -> list[str]:
    """A unique original spelling per example: its name, or ``op-id:name[:n]`` when the
    name is shared."""
    counts: dict[str, int] = {}
    for _, example in chosen:
        counts[example.name] = counts.get(example.name, 0) + 1
    result: list[str] = []
    for op, example in chosen:
        original = example.name if counts[example.name] == 1 else f"{op.id}:{example.name}"
        candidate, index = original, 1
        while candidate in result:
            index += 1
            candidate = f"{original}:{index}"
        result.append(candidate)
    return result
