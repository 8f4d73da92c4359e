"""Stage three: the linked model -> generated files, in memory.

:func:`render` returns every file of the generated tree as text, formatted by
black, keyed by its path relative to the output folder. Nothing is written
here; :mod:`docgen.output` writes or compares.

Each file is rendered on its own and checked before it is kept: a file whose
rendering raises (a bug in docgen, DG501) or whose text would not compile as
Python (DG502) is left out with an error at the page it is made from, and the
other files are still rendered.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from docgen.config import Config
from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import ApiVersion, DocSet, Resource, TypeDef
from docgen.names import version_modules
from docgen.render.conform import TypeIndex
from docgen.render.examples import ExamplePlanner, replayable
from jinja2 import TemplateSyntaxError

from docgen.render.files import RUNTIME_MODULES, Renderer, TemplateOutputError, builtin_templates
from docgen.render.text import header
from docgen.render.views import VersionContext

__all__ = ["RenderError", "builtin_templates", "render", "render_unformatted", "replayable"]


class RenderError(Exception):
    """Some files could not be rendered (raised when no ``problems`` list is given)."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__("; ".join(str(d) for d in diagnostics[:3]))
        self.diagnostics = tuple(diagnostics)
        """DG501 and DG502 errors, one per file left out."""


def render(docset: DocSet, config: Config, *, problems: list[Diagnostic] | None = None) -> dict[str, str]:
    """Every generated file: relative posix path -> formatted text, sorted by path.

    ``problems``: as for :func:`render_unformatted`.
    """
    from docgen.fmt import format_python  # black: imported only when something is formatted

    files = render_unformatted(docset, config, problems=problems)
    return {path: format_python(text) if path.endswith(".py") else text for path, text in files.items()}


def render_unformatted(
    docset: DocSet,
    config: Config,
    *,
    renderer: Renderer | None = None,
    problems: list[Diagnostic] | None = None,
) -> dict[str, str]:
    """Like :func:`render`, before black (for callers that format, or cache, themselves).

    ``renderer``: the :class:`Renderer` (or a subclass, e.g. one that reuses cached
    files) to render with; by default a new one for ``config``. A file that cannot
    be rendered, or would not be valid Python, is left out with a DG501 or DG502
    error, added to ``problems``; without a ``problems`` list, :class:`RenderError`
    is raised once every other file has been rendered.
    """
    r = renderer or Renderer(config)
    failures: list[Diagnostic] = []
    files: dict[str, str] = {}
    for job in _jobs(r, docset, failures, user_templates=config.templates is not None):
        made = job.run(failures)
        if made is not None:
            files[made[0]] = made[1]
    if failures and problems is None:
        raise RenderError(failures)
    if problems is not None:
        problems.extend(failures)
    return dict(sorted(files.items()))


# --------------------------------------------------------------------- one file


@dataclass(frozen=True, slots=True)
class _Job:
    """One output file to render, and the pages it is made from."""

    make: Callable[[], tuple[str, str] | None]
    """Renders it: (path, text), or None when there is no such file."""
    what: str
    """What the file is, for messages."""
    span: SourceSpan
    """Where a failure is reported: the page (and line) the file comes from."""
    pages: tuple[str, ...] = ()
    """Every page it is made from, when there are several."""
    user_templates: bool = False
    """Rendered with the user's templates, which may be at fault."""

    def run(self, failures: list[Diagnostic]) -> tuple[str, str] | None:
        """The file, or None with a diagnostic in ``failures`` when it cannot be kept."""
        try:
            made = self.make()
        except Exception as error:  # a bug while rendering one file spares the others
            problem = _template_problem(error) if self.user_templates else None
            if problem is not None:
                message = f"{problem} while rendering {self.what}{self._from()}; left out"
                failures.append(diag("DG503", message, self.span))
                return None
            blame = "docgen bug (or an error in the --templates folder)" if self.user_templates else "docgen bug"
            message = f"{blame} while rendering {self.what}{self._from()}: {_describe(error)}; please report it; left out"
            failures.append(diag("DG501", message, self.span))
            return None
        if made is None or not made[0].endswith(".py"):
            return made
        problem = _syntax_problem(made[0], made[1])
        if problem is not None:
            message = f"{made[0]} ({self.what}{self._from()}) would not be valid Python: {problem}; left out"
            failures.append(diag("DG502", message, self.span))
            return None
        return made

    def _from(self) -> str:
        pages = [page for page in self.pages if page != self.span.path]
        if not pages:
            return ""
        shown = ", ".join(pages[:3]) + (f" and {len(pages) - 3} more" if len(pages) > 3 else "")
        return f", also made from {shown}"


def _template_problem(error: Exception) -> str | None:
    """``template <file>:<line>: <error>`` when ``error`` comes from a template (the user's)."""
    if isinstance(error, TemplateOutputError):
        return f"template {error}"
    place = None
    trace = error.__traceback__
    while trace is not None:  # jinja2 gives template frames the template's file and line
        name = trace.tb_frame.f_code.co_filename
        if name.endswith(".jinja"):
            place = f"{name}:{trace.tb_lineno}"
        trace = trace.tb_next
    if place is None and isinstance(error, TemplateSyntaxError) and error.filename:
        place = f"{error.filename}:{error.lineno}"
    return None if place is None else f"template {place}: {_describe(error)}"


def _syntax_problem(path: str, text: str) -> str | None:
    """Why ``text`` would not compile as a Python module (warnings count), or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        return f"line {error.lineno}: {error.msg}"
    except (ValueError, RecursionError, MemoryError, Warning) as error:
        return _describe(error)
    return None


def _describe(error: BaseException) -> str:
    """``Type: message`` of an exception, on one line and at most 300 characters."""
    message = " ".join(str(error).split())
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text if len(text) <= 300 else text[:299] + "…"


# --------------------------------------------------------------------- every file


def _first_page(docset: DocSet | ApiVersion) -> SourceSpan:
    """Where a failure of a file made from no page in particular is reported."""
    versions = docset.versions if isinstance(docset, DocSet) else (docset,)
    pages = [t.source.path for v in versions for t in v.types]
    pages += [op.source.path for v in versions for r in v.resources for op in r.operations]
    return SourceSpan(min(pages), 1) if pages else SourceSpan(".", 1)


def _jobs(r: Renderer, docset: DocSet, failures: list[Diagnostic], *, user_templates: bool) -> Iterator[_Job]:
    job = functools.partial(_Job, user_templates=user_templates)
    anywhere = _first_page(docset)
    yield job(r.package_init, "the package's __init__.py (made from no page)", anywhere)
    yield job(r.root_conftest, "the root conftest.py (made from no page)", anywhere)
    yield job(r.distribution_pyproject, "the distribution's pyproject.toml (made from no page)", anywhere)
    for name in ("__init__", *RUNTIME_MODULES):
        yield job(functools.partial(r.runtime_module, name), f"runtime module {name} (made from no page)", anywhere)
    modules = version_modules(version.name for version in docset.versions)
    mounts = [(modules[v.name], v.name) for v in docset.versions]
    yield job(functools.partial(r.package_app, mounts), "the app of every version (made from no page)", anywhere)
    for version in docset.versions:
        span = _first_page(version)
        try:
            ctx = VersionContext(r.package, version, modules[version.name])
            operations = [op for res in version.resources for op in res.operations]
            planner = ExamplePlanner(operations, TypeIndex(version))
        except Exception as error:  # every file of the version is lost, not the others
            what = f"API version {version.name} (every page of it)"
            failures.append(diag("DG501", f"docgen bug while rendering {what}: {_describe(error)}; please report it; left out", span))
            continue
        yield from _version_jobs(r, ctx, planner, span, job)


def _version_jobs(
    r: Renderer, ctx: VersionContext, planner: ExamplePlanner, span: SourceSpan, job: Callable[..., _Job]
) -> Iterator[_Job]:
    name = ctx.version.name
    every = f"(made from every page of API version {name})"
    version_header = header(what=f"every page of API version {name}")
    base = f"{r.package}/{ctx.module}"
    markers = {
        base: f"API version {name}.",
        f"{base}/server": "The server side: service interfaces, routers, the app.",
        f"{base}/server/services": "One service interface per resource.",
        f"{base}/server/routers": "One router per resource.",
        f"{base}/server/memory_services": "One in-memory service per resource.",
        f"tests/{ctx.module}": f"Generated tests of API version {name}.",
    }
    for folder, doc in markers.items():
        yield job(functools.partial(r.package_marker, folder, doc, version_header), f"{folder}/__init__.py {every}", span)
    for typedef in ctx.typedefs.values():
        yield _model_job(r, ctx, typedef, job)
    yield job(functools.partial(r.models_init, ctx), f"the models' __init__.py {every}", span)
    for resource in ctx.version.resources:
        yield from _resource_jobs(r, ctx, planner, resource, job)
    yield job(functools.partial(r.client_init, ctx), f"the client's __init__.py {every}", span)
    yield job(functools.partial(r.service_union, ctx), f"the service interface {every}", span)
    yield job(functools.partial(r.memory_union, ctx), f"the in-memory service {every}", span)
    yield job(functools.partial(r.app_module, ctx, planner), f"the app {every}", span)
    yield job(functools.partial(r.openapi_document, ctx, planner), f"the OpenAPI document {every}", span)
    yield job(functools.partial(r.tests_conftest, ctx), f"the tests' conftest.py {every}", span)


def _model_job(r: Renderer, ctx: VersionContext, typedef: TypeDef, job: Callable[..., _Job]) -> _Job:
    return job(functools.partial(r.model_module, ctx, typedef), f"the model of {typedef.name}", typedef.source)


def _resource_jobs(
    r: Renderer, ctx: VersionContext, planner: ExamplePlanner, resource: Resource, job: Callable[..., _Job]
) -> Iterator[_Job]:
    span = resource.operations[0].source if resource.operations else SourceSpan(min(resource.pages, default="."), 1)
    pages = resource.pages
    yield job(functools.partial(r.client_module, ctx, resource), f"the client of {resource.name}", span, pages)
    yield job(functools.partial(r.service_module, ctx, resource), f"the service of {resource.name}", span, pages)
    yield job(functools.partial(r.memory_module, ctx, planner, resource), f"the in-memory service of {resource.name}", span, pages)
    yield job(functools.partial(r.router_module, ctx, resource), f"the router of {resource.name}", span, pages)
    yield job(functools.partial(r.tests_module, ctx, planner, resource), f"the tests of {resource.name}", span, pages)
