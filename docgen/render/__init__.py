"""Stage three: a planned file -> its text, in memory.

:func:`render_spec` makes one file of the plan (:mod:`docgen.plan`) from its
view: a template rendered and its unused imports dropped, a document made in
Python (the OpenAPI JSON), or a runtime module copied. A file whose making raises (a bug in docgen,
DG501; an error in the user's template, DG503) or whose text would not compile
as Python (DG502) is left out with an error at the page it is made from, and the
other files are still made. Nothing is formatted or written here.

:func:`render` is the whole of it for one doc set, formatted: what the tests
and ``docgen openapi`` use; a run of ``generate`` or ``check`` goes through
:mod:`docgen.produce`, which renders only what changed.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import TemplateSyntaxError

from docgen.config import Config
from docgen.diagnostics import Diagnostic, diag
from docgen.model import DocSet
from docgen.render.examples import replayable
from docgen.render.files import TemplateOutputError, builtin_templates, make_environment
from docgen.render.imports import prune_imports

if TYPE_CHECKING:
    from docgen.plan import FileSpec

__all__ = [
    "RenderError",
    "Templates",
    "builtin_templates",
    "render",
    "render_spec",
    "render_unformatted",
    "replayable",
]


class RenderError(Exception):
    """Some files could not be rendered (raised when no ``problems`` list is given)."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__("; ".join(str(d) for d in diagnostics[:3]))
        self.diagnostics = tuple(diagnostics)
        """DG501, DG502 and DG503 errors, one per file left out."""


class Templates:
    """The templates of a run: the user's folder (file by file) over the built-in one."""

    def __init__(self, config: Config) -> None:
        self.package = config.package
        self.env = make_environment(config.templates)
        self.user = config.templates.resolve() if config.templates is not None else None

    def render(self, template: str, view: dict[str, Any]) -> str:
        """``template`` rendered with ``view``; a Python file without its unused imports."""
        loaded = self.env.get_template(template)
        text = loaded.render({"package": self.package, **view})
        if not template.endswith(".py.jinja"):
            return text
        source = loaded.filename
        if self.user is not None and source and Path(source).resolve().is_relative_to(self.user):
            try:  # the user's template must give Python; say which template when it does not
                compile(text, template, "exec", dont_inherit=True)
            except SyntaxError as error:
                raise TemplateOutputError(source, error.lineno, error.msg) from None
        return prune_imports(text)

    def sources(self, template: str) -> list[tuple[str, str]]:
        """(name, source) of ``template`` and of every template it imports or includes, by name."""
        from jinja2 import meta

        found: dict[str, str] = {}
        todo = [template]
        while todo:
            name = todo.pop()
            if name in found:
                continue
            assert self.env.loader is not None
            source, _, _ = self.env.loader.get_source(self.env, name)
            found[name] = source
            todo.extend(ref for ref in meta.find_referenced_templates(self.env.parse(source)) if ref is not None)
        return sorted(found.items())


def render_spec(
    spec: FileSpec, templates: Templates, failures: list[Diagnostic], parts: list[Any] | None = None
) -> str | None:
    """The text of one planned file, before formatting; None when there is no such file
    (its view says so) or it cannot be made (an error added to ``failures``).

    ``parts``: the values of the file's parts when they are known (else they are made)."""
    try:
        if spec.parts:
            view = spec.view(parts if parts is not None else [part.make() for part in spec.parts])
        else:
            view = spec.view()
        if view is None:
            return None
        if spec.kind in ("copy", "document"):
            text: str = view
        else:
            assert spec.template is not None
            text = templates.render(spec.template, view)
    except Exception as error:  # a bug while rendering one file spares the others
        failures.append(_failure(spec, error, user_templates=templates.user is not None))
        return None
    if spec.kind != "python":
        return text
    problem = _syntax_problem(spec.path, text)
    if problem is not None:
        message = f"{spec.path} ({spec.what}) would not be valid Python: {problem}; left out"
        failures.append(diag("DG502", message, spec.span))
        return None
    return text


def _failure(spec: FileSpec, error: Exception, *, user_templates: bool) -> Diagnostic:
    problem = _template_problem(error) if user_templates else None
    if problem is not None:
        return diag("DG503", f"{problem} while rendering {spec.what}; left out", spec.span)
    blame = "docgen bug (or an error in the --templates folder)" if user_templates else "docgen bug"
    message = f"{blame} while rendering {spec.what}: {_describe(error)}; please report it; left out"
    return diag("DG501", message, spec.span)


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
    if place is None and isinstance(error, jinja2.TemplateNotFound):
        place = str(error)
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


# --------------------------------------------------------------------- a whole doc set


def render_unformatted(docset: DocSet, config: Config, *, problems: list[Diagnostic] | None = None) -> dict[str, str]:
    """Every generated file before formatting: relative posix path -> text, sorted by path.

    A file that cannot be rendered, or would not be valid Python, is left out with
    a DG501, DG502 or DG503 error added to ``problems``; without a ``problems``
    list, :class:`RenderError` is raised once every other file has been rendered.
    """
    from docgen.plan import plan_files

    specs, failures = plan_files(docset, config)
    templates = Templates(config)
    files: dict[str, str] = {}
    for spec in specs:
        text = render_spec(spec, templates, failures)
        if text is not None:
            files[spec.path] = text
    if failures and problems is None:
        raise RenderError(failures)
    if problems is not None:
        problems.extend(failures)
    return files


def render(docset: DocSet, config: Config, *, problems: list[Diagnostic] | None = None) -> dict[str, str]:
    """Every generated file: relative posix path -> formatted text, sorted by path.

    ``problems``: as for :func:`render_unformatted`.
    """
    from docgen.fmt import formatter_of
    from docgen.plan import plan_files

    fmt = formatter_of(config)
    specs, _ = plan_files(docset, config)
    python = {spec.path for spec in specs if spec.kind == "python"}
    files = render_unformatted(docset, config, problems=problems)
    return {path: fmt.format(text) if path in python else text for path, text in files.items()}
