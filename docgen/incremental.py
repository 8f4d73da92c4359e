"""Render and format only what changed; with nothing changed, skip every stage.

Three levels, each keyed by content (:mod:`docgen.cache`):

* **The run.** A hash of every page's key, docgen's source, the templates and
  the settings names the whole output. Its entry holds the diagnostics and
  the digest of every output file, so when the output folder already holds
  exactly those files, ``check`` and ``generate`` are done without parsing,
  linking, rendering or formatting anything.
* **Each output file.** The renderer's file methods (those returning
  ``(path, text)``) are called through :class:`CachingRenderer`, which keys
  each call by what the file is made from: for a type or a resource, the pages
  it comes from (and the pages of operations sharing a route, for the files
  that replay examples); for the version, its *interface*: every page of the
  version without prose, examples and line numbers
  (:func:`docgen.cache.interface_digest`). A file whose key is known is not
  rendered; an edit to a page's prose or examples re-renders the files of that
  page only, while an edit to names, types or paths re-renders the version.
* **Each formatted file.** black's output, keyed by its input.

What the per-file keys assume of the renderer: a file method that is given a
version context and nothing page-specific prints names and structure only,
never a description or an example; anything a file prints from a page's prose
or examples comes from the type, resource or planner it is given. Arguments of
any other kind make the call uncacheable (rendered every time), never wrong.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat as stat_module
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import docgen
from docgen.cache import DIRNAME, Cache, digest, dist_version, dumps, loads_checked, source_digest
from docgen.config import Config
from docgen.diagnostics import Diagnostic
from docgen.model import DocSet, Operation, Resource, TypeDef
from docgen.pipeline import (
    LoadedPages,
    SpecsRead,
    Stat,
    build,
    file_stat,
    page_keys,
    parse_pages,
    pool,
    read_pages,
    trusted,
)

if TYPE_CHECKING:
    from docgen._progress import Progress, Timings
    from docgen.output import Formatted

__all__ = ["Outcome", "cache_folder", "format_files", "output_matches", "produce", "render_files"]

FORMAT_POOL_MIN = 16
"""Fewer files left to format than this are formatted in this process."""
_FORMAT_CHUNK_CHARS = 200_000
_FILE_RETURNS = ("tuple[str, str]", "tuple[str, str] | None")
"""Return annotations of the renderer's file methods (those :class:`CachingRenderer` wraps)."""


def cache_folder(config: Config) -> Path:
    """Where the cache lives: the ``cache`` setting, else beside the output folder."""
    if config.cache is not None:
        return config.cache
    return Path(os.path.abspath(config.out)).parent / DIRNAME


# --------------------------------------------------------------------- digests


def _templates_folder() -> Path:
    """The built-in templates (as :func:`docgen.render.files.builtin_templates` finds them,
    without importing the renderer)."""
    root = Path(docgen.__file__).parent
    checkout = root.parent / "templates"
    return checkout if checkout.is_dir() else root / "templates"


_code: dict[str, bytes] = {}


def _code_digest() -> bytes:
    """docgen's whole source and its built-in templates."""
    if "code" not in _code:
        root = Path(docgen.__file__).parent
        _code["code"] = digest(docgen.__version__, sys.version, source_digest([root, _templates_folder()]))
    return _code["code"]


def render_digest(config: Config) -> bytes:
    """What every rendered file depends on besides the model: code, templates, settings."""
    user = source_digest([config.templates]) if config.templates is not None else b""
    distribution = f"{config.distribution_name}=={config.version}"
    return digest("render", _code_digest(), user, config.package, distribution, f"jinja2={dist_version('Jinja2')}")


def format_digest() -> bytes:
    """black's identity: its version, the mode and docgen's formatting module (:func:`docgen.fmt.formatter`)."""
    from docgen.fmt import formatter

    return digest("format 3", formatter())


def _format_key(text_digest: bytes) -> bytes:
    return digest(format_digest(), text_digest)


def _text_digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def run_key(read: SpecsRead, keys: dict[str, bytes], config: Config) -> bytes:
    """A hash of everything the output and the diagnostics are made from."""
    pages = [f"{p.path}\0{keys[p.path].hex() if p.path in keys else 'unreadable:' + p.error}" for p in read.pages]
    return digest("run", render_digest(config), format_digest(), config.default_version, "\n".join(pages))


# --------------------------------------------------------------------- per-file keys


class _Keys:
    """Keys of the renderer's file methods, from the pages each file is made from."""

    def __init__(self, loaded: LoadedPages, base: bytes) -> None:
        self.base = base
        self.page_keys = loaded.keys
        by_version: dict[str, list[str]] = {}
        self.type_pages: dict[tuple[str, str], set[str]] = {}
        for page in loaded.pages:
            by_version.setdefault(page.version, []).append(page.path)
            for typedef in page.types:
                self.type_pages.setdefault((page.version, typedef.name.lower()), set()).add(page.path)
        self.version_pages = {v: sorted(paths) for v, paths in by_version.items()}
        self.complete = all(p.path in loaded.interfaces and p.path in loaded.keys for p in loaded.pages)
        self.interfaces = _version_interfaces(loaded) if self.complete else {}
        self._routes: dict[int, dict[int, set[str]]] = {}
        self._digests: dict[tuple[str, ...], bytes] = {}
        self._memo: dict[tuple[int, int, int], tuple[Any, Any, Any, tuple[bytes, str] | None]] = {}

    def _pages(self, paths: Iterable[str]) -> bytes:
        chosen = tuple(sorted(set(paths)))
        found = self._digests.get(chosen)
        if found is None:
            found = self._digests[chosen] = digest(*(f"{p}\0".encode() + self.page_keys[p] for p in chosen))
        return found

    def call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[bytes, str] | None:
        """(key, label) of a file method call, None when an argument cannot be keyed."""
        parts: list[bytes] = [self.base, name.encode()]
        labels = [name]
        for value in (*args, *(v for _, v in sorted(kwargs.items()))):
            found = self._arg(value, args)
            if found is None:
                return None
            parts.append(found[0])
            labels.append(found[1])
        parts += [k.encode() for k in sorted(kwargs)]
        return digest(*parts), ":".join(labels)

    def _context(self, args: tuple[Any, ...]) -> Any:
        from docgen.render.views import VersionContext

        return next((a for a in args if isinstance(a, VersionContext)), None)

    def _arg(self, value: Any, args: tuple[Any, ...]) -> tuple[bytes, str] | None:
        if value is None or isinstance(value, (str, int, float, bool)):
            return b"v" + repr(value).encode(), ""
        if isinstance(value, (list, tuple)):
            return self._keyed(value, args)
        # model objects, contexts, planners: the same ones come with many calls
        context, resource = self._context(args), next((a for a in args if isinstance(a, Resource)), None)
        memo = (id(value), id(context), id(resource))
        found = self._memo.get(memo)
        if found is None or found[0] is not value or found[1] is not context or found[2] is not resource:
            found = (value, context, resource, self._keyed(value, args))
            self._memo[memo] = found  # holding the objects keeps their ids from being reused
        return found[3]

    def _keyed(self, value: Any, args: tuple[Any, ...]) -> tuple[bytes, str] | None:
        from docgen.render.examples import ExamplePlanner
        from docgen.render.views import VersionContext

        if isinstance(value, (list, tuple)):
            items = [self._arg(item, args) for item in value]
            if any(item is None for item in items):
                return None
            return digest("seq", *(item[0] for item in items if item is not None)), ""
        if isinstance(value, VersionContext):
            name = value.version.name
            if name not in self.interfaces:
                return digest("ctx-empty", name, value.module, value.package), name
            return digest("ctx", name, value.module, value.package, self.interfaces[name]), name
        if isinstance(value, TypeDef):
            ctx = self._context(args)
            chain = ctx.chain(value) if ctx is not None else None
            if chain is None:
                paths: set[str] | list[str] = self.version_pages.get(value.version, [])
            else:
                paths = {p for t in chain for p in self.type_pages.get((value.version, t.name.lower()), ())}
            return digest("type", value.version, value.name, self._pages(paths)), value.name
        if isinstance(value, Resource):
            return digest("resource", value.name, self._pages(value.pages)), value.name
        if isinstance(value, Operation):
            return digest("operation", value.id, value.method, self._pages([value.source.path])), value.id
        if isinstance(value, ExamplePlanner):
            return self._planner(value, args)
        if is_dataclass(value) and not isinstance(value, type) and type(value).__module__.startswith("docgen.render"):
            items = [self._arg(getattr(value, f.name), args) for f in fields(value)]
            if any(item is None for item in items):
                return None
            return digest(type(value).__qualname__, *(item[0] for item in items if item is not None)), ""
        return None

    def _planner(self, planner: Any, args: tuple[Any, ...]) -> tuple[bytes, str] | None:
        """The pages of every operation sharing a route with an operation of the call's resource."""
        groups = self._routes.get(id(planner))
        if groups is None:
            groups = {}
            for ops in planner.routes.values():
                paths = {op.source.path for op in ops}
                for op in ops:
                    groups.setdefault(id(op), set()).update(paths)
            self._routes[id(planner)] = groups
        resource = next((a for a in args if isinstance(a, Resource)), None)
        ctx = self._context(args)
        if resource is None or ctx is None:
            if ctx is None:
                return None
            return digest("planner-all", self._pages(self.version_pages.get(ctx.version.name, []))), ""
        shared: set[str] = set()
        for op in resource.operations:
            shared |= groups.get(id(op), {op.source.path})
        return digest("planner", self._pages(shared)), ""


# --------------------------------------------------------------------- rendering

_NO_FILE = ("none",)
"""The render entry of a file method call that made no file."""


def _is_render_entry(value: object) -> bool:
    """``(path, digest of the unformatted text)``, or the marker of a file method that made no file."""
    return value == _NO_FILE or (
        isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], bytes)
    )


def _is_run_entry(value: object) -> bool:
    if not (isinstance(value, tuple) and len(value) == 3):
        return False
    diagnostics, count, listing = value
    return (
        isinstance(diagnostics, tuple)
        and all(isinstance(d, Diagnostic) for d in diagnostics)
        and isinstance(count, int)
        and isinstance(listing, tuple)
        and all(
            isinstance(item, tuple)
            and len(item) == 4
            and all(isinstance(part, str) for part in (item[0], item[1], item[3]))
            and isinstance(item[2], bytes)
            for item in listing
        )
    )


@dataclass(slots=True)
class _Session:
    """The render and format entries of one run."""

    keys: _Keys
    render_entries: dict[bytes, bytes]
    format_entries: dict[bytes, bytes]
    known: dict[str, File] = field(default_factory=dict)
    """Path -> the file, for files whose render key was found."""
    new_render: list[tuple[bytes, str, bytes]] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    progress: Progress | None = None

    def call(self, name: str, method: Callable[..., Any], renderer: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        found = self.keys.call(name, args, kwargs)
        if found is not None:
            payload = self.render_entries.get(found[0])
            value = None if payload is None else loads_checked(payload, _is_render_entry)
            if value == _NO_FILE:
                self.reused += 1
                return None
            if value is not None:
                path, text_digest = value
                format_key = _format_key(text_digest)
                entry = _format_entry(self.format_entries.get(format_key))
                if entry is not None:
                    self.known[path] = File(entry[0], entry[1], format_key, text_digest.hex())
                    self.reused += 1
                    self._tick()
                    return path, ""
        result = method(renderer, *args, **kwargs)
        self.rendered += 1
        self._tick()
        if result is not None:
            self.known.pop(result[0], None)
        if found is not None:
            key, label = found
            if result is None:
                self.new_render.append((key, label, dumps(_NO_FILE)))
            else:
                self.new_render.append((key, result[0], dumps((result[0], _text_digest(result[1])))))
        return result

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress.advance()


def _caching_renderer(base: type, session: _Session) -> type:
    """A subclass of the renderer whose file methods go through ``session``."""

    def wrap(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            return session.call(name, method, self, args, kwargs)

        call.__name__ = name
        call.__doc__ = method.__doc__
        return call

    namespace: dict[str, Any] = {}
    for name in dir(base):
        method = getattr(base, name)
        if name.startswith("_") or not callable(method):
            continue
        if getattr(method, "__annotations__", {}).get("return") in _FILE_RETURNS:
            namespace[name] = wrap(name, method)
    return type("CachingRenderer", (base,), namespace)


def _renderer_module() -> Any:
    """The renderer's modules when they are docgen's own (not a stand-in), else None."""
    module = sys.modules.get("docgen.render")
    if module is not None and not hasattr(module, "__path__"):
        return None
    try:
        import docgen.render
        from docgen.render import files as files_module
    except ImportError:
        return None
    if not hasattr(files_module, "Renderer"):
        return None
    return docgen.render


def real_renderer() -> bool:
    """Whether ``docgen.render`` is docgen's own package (tests may put a stand-in there)."""
    module = sys.modules.get("docgen.render")
    return module is None or hasattr(module, "__path__")


def render_files(
    docset: DocSet,
    loaded: LoadedPages,
    config: Config,
    *,
    cache: Cache | None,
    jobs: int,
    progress: Progress | None = None,
    timings: Timings | None = None,
    problems: list[Diagnostic] | None = None,
) -> dict[str, File]:
    """Every output file, formatted.

    Only files whose inputs changed are rendered, and only texts black has not
    seen are formatted. A file that cannot be rendered, or would not be valid
    Python, is left out with an error added to ``problems`` (DG501, DG502).
    """
    problems = [] if problems is None else problems
    module = _renderer_module()
    if module is None:  # a stand-in renderer: no reuse
        with timings.stage("render") if timings else contextlib.nullcontext():
            stand_in: dict[str, str] = module_render(docset, config)
        return {path: File(text, _sha(text.encode("utf-8")), None) for path, text in stand_in.items()}
    if cache is None:
        with timings.stage("render") if timings else contextlib.nullcontext():
            unformatted = module.render_unformatted(docset, config, problems=problems)
        return format_files(
            unformatted, {}, cache=None, jobs=jobs, progress=progress, timings=timings, on_disk=_on_disk(config)
        )
    with timings.stage("cache") if timings else contextlib.nullcontext():
        render_entries = cache.get_all("render")
        format_entries = cache.get_all("format")
    keys = _Keys(loaded, render_digest(config))
    if not keys.complete:
        render_entries = {}
    session = _Session(keys, render_entries, format_entries, progress=progress)
    from docgen.render.files import Renderer

    if progress is not None:
        progress.task("render", 0)
    with timings.stage("render") if timings else contextlib.nullcontext():
        renderer = _caching_renderer(Renderer, session)(config)
        unformatted = module.render_unformatted(docset, config, renderer=renderer, problems=problems)
    cache.count("render", True, session.reused)
    cache.count("render", False, session.rendered)
    todo = {path: text for path, text in unformatted.items() if path not in session.known}
    formatted = format_files(
        todo, format_entries, cache=cache, jobs=jobs, progress=progress, timings=timings, on_disk=_on_disk(config)
    )
    with timings.stage("cache") if timings else contextlib.nullcontext():
        cache.put_many("render", session.new_render)
    return {path: session.known[path] if path in session.known else formatted[path] for path in unformatted}


def _on_disk(config: Config) -> Formatted:
    from docgen.fmt import formatter
    from docgen.output import Formatted

    return Formatted(config.out, formatter())


def module_render(docset: DocSet, config: Config) -> dict[str, str]:
    """``docgen.render.render`` of whatever module is there (a stand-in in some tests)."""
    import importlib

    result: dict[str, str] = importlib.import_module("docgen.render").render(docset, config)
    return result


# --------------------------------------------------------------------- formatting


class File(NamedTuple):
    """One output file."""

    text: str
    """Formatted."""
    sha: str
    """SHA-256 of its UTF-8 bytes, hex (as in the manifest)."""
    format_key: bytes | None
    """Key of its format entry (None when it is not in the cache)."""
    rendered: str = ""
    """SHA-256 of its text before formatting, hex (empty when unknown)."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _format_entry(payload: bytes | None) -> tuple[str, str] | None:
    """(text, SHA-256 hex) of a format entry (its payload: the digest, then the text)."""
    if payload is None or len(payload) < 32:
        return None
    try:
        return payload[32:].decode("utf-8"), payload[:32].hex()
    except UnicodeDecodeError:
        return None


def _format_chunk(texts: list[str]) -> list[str]:
    import gc

    from docgen.fmt import format_python

    gc.enable()  # a worker forked while the parent had it off

    return [format_python(text) for text in texts]


def _chunks(texts: list[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for text in texts:
        chunk.append(text)
        size += len(text)
        if size >= _FORMAT_CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def format_files(
    files: dict[str, str],
    format_entries: dict[bytes, bytes],
    *,
    cache: Cache | None,
    jobs: int,
    progress: Progress | None = None,
    timings: Timings | None = None,
    on_disk: Formatted | None = None,
) -> dict[str, File]:
    """Each file through black, or its output as the cache or the output folder holds it
    (the rest in ``jobs`` processes).

    ``on_disk``: the files of the output folder whose manifest says which text they
    are black's output of; a file whose text is that one is read, not formatted.
    """
    result: dict[str, File] = {}
    todo: list[tuple[str, bytes, str]] = []
    new = []
    for path, text in files.items():
        text_digest = _text_digest(text)
        key = _format_key(text_digest)
        if not path.endswith(".py"):  # pyproject.toml, openapi.json: kept as rendered
            data = text.encode("utf-8")
            sha = hashlib.sha256(data).digest()
            result[path] = File(text, sha.hex(), key, text_digest.hex())
            new.append((key, path, sha + data))
            continue
        found = _format_entry(format_entries.get(key))
        if found is not None:
            result[path] = File(found[0], found[1], key, text_digest.hex())
            continue
        found = on_disk.get(path, text_digest.hex()) if on_disk is not None else None
        if found is not None:
            result[path] = File(found[0], found[1], key, text_digest.hex())
            new.append((key, path, bytes.fromhex(found[1]) + found[0].encode("utf-8")))
        else:
            todo.append((path, key, text_digest.hex()))
    if cache is not None:
        cache.count("format", True, len(result))
        cache.count("format", False, len(todo))
    if progress is not None and todo:
        progress.task("format", len(todo))
    with timings.stage("format") if timings else contextlib.nullcontext():
        texts = [files[path] for path, _, _ in todo]
        if jobs > 1 and len(todo) >= FORMAT_POOL_MIN:
            if cache is not None:
                cache.close()  # an open database must not cross a fork
            # biggest first, so that no worker is left with a big file at the end
            order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
            out: list[str] = [""] * len(texts)
            with pool(jobs) as executor:
                chunks = list(_chunks([texts[i] for i in order]))
                done = 0
                for chunk in executor.map(_format_chunk, chunks):
                    for text in chunk:
                        out[order[done]] = text
                        done += 1
                    if progress is not None:
                        progress.advance(len(chunk))
        else:
            out = []
            for text in texts:
                out.extend(_format_chunk([text]))
                if progress is not None:
                    progress.advance()
    for (path, key, rendered), text in zip(todo, out):
        data = text.encode("utf-8")
        sha = hashlib.sha256(data).digest()
        result[path] = File(text, sha.hex(), key, rendered)
        new.append((key, path, sha + data))
    if cache is not None and new:
        with timings.stage("cache") if timings else contextlib.nullcontext():
            cache.put_many("format", new)
    return result


# --------------------------------------------------------------------- file status


def _stat_key(kind: str, folder: Path) -> tuple[bytes, str]:
    tag = f"{kind}:{os.path.abspath(folder)}"
    return digest("stat", tag), tag


def _is_seen(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(stat, tuple) and len(stat) == 5 and isinstance(sha, bytes) for stat, sha in value.values()
    )


def seen_files(cache: Cache | None, kind: str, folder: Path) -> dict[str, tuple[Stat, bytes]]:
    """Files under ``folder`` whose status and digest an earlier run recorded."""
    if cache is None:
        return {}
    key, _ = _stat_key(kind, folder)
    payload = cache.get("stat", key)
    found = None if payload is None else loads_checked(payload, _is_seen)
    return found if found is not None else {}


def remember_files(
    cache: Cache | None, kind: str, folder: Path, before: dict[str, tuple[Stat, bytes]], now: dict[str, tuple[Stat, bytes]]
) -> None:
    if cache is not None and now != before:
        key, tag = _stat_key(kind, folder)
        cache.put("stat", key, tag, dumps(now))


def output_matches(out: Path, manifest: str, cache: Cache | None = None) -> bool:
    """``out`` holds exactly the files ``manifest`` lists with those bytes, and that manifest.

    Then :func:`docgen.output.check_tree` would report nothing and
    :func:`docgen.output.write_tree` would change nothing. Files whose status
    (size, times, inode) is the one recorded when their bytes were last hashed
    are not read again.
    """
    import time

    from docgen.output import MANIFEST, staging_dir

    seen = seen_files(cache, "out", out)
    now = time.time_ns()
    checked: dict[str, tuple[Stat, bytes]] = {}
    try:
        if (out / MANIFEST).read_bytes() != manifest.encode("utf-8"):
            return False
        if os.path.lexists(staging_dir(out)):
            return False  # an interrupted run to undo, or its leftovers to remove
        lines = [line.split("  ", 1) for line in manifest.splitlines() if not line.startswith("#")]
        folders: set[str] = set()
        for _, path in lines:
            parent = path.rpartition("/")[0]
            while parent and parent not in folders:
                folders.add(parent)
                parent = parent.rpartition("/")[0]
        if not all(stat_module.S_ISDIR(os.lstat(os.path.join(out, f)).st_mode) for f in folders):
            return False  # a folder replaced by a symlink: let write_tree or check_tree say so
        for expected, path in lines:
            target = os.path.join(out, path)
            result = os.lstat(target)
            if not stat_module.S_ISREG(result.st_mode):
                return False
            stat = file_stat(result)
            known = seen.get(target)
            if known is not None and known[0] == stat:
                sha, keep = known[1], True
            else:
                with open(target, "rb") as stream:
                    data = stream.read()
                sha, keep = hashlib.sha256(data).digest(), trusted(stat, now) and len(data) == stat[0]
            if sha.hex() != expected:
                return False
            if keep:
                checked[target] = (stat, sha)
    except (OSError, ValueError):
        return False
    remember_files(cache, "out", out, seen, checked)
    return True


# --------------------------------------------------------------------- the run


@dataclass(slots=True)
class Outcome:
    """What a run produced: diagnostics at once, the files when asked for."""

    root: Path
    """The folder page paths are relative to."""
    count: int
    """Pages read."""
    diagnostics: tuple[Diagnostic, ...]
    """Every diagnostic, sorted by place."""
    manifest: str
    """The manifest of the files (:func:`docgen.output.manifest_of`)."""
    _files: Callable[[], dict[str, str]]
    _cached: dict[str, str] | None = None

    @property
    def files(self) -> dict[str, str]:
        """Every output file: relative path -> formatted text."""
        if self._cached is None:
            self._cached = self._files()
        return self._cached


def produce(
    config: Config,
    *,
    jobs: int,
    cache: Cache | None,
    progress: Progress | None = None,
    timings: Timings | None = None,
) -> Outcome:
    """Read the pages of ``config.specs``; then everything else only as far as needed.

    Raises :class:`docgen.pipeline.SpecsError` when the pages cannot be found.
    """
    with timings.stage("read") if timings else contextlib.nullcontext():
        seen = seen_files(cache, "pages", Path(os.path.abspath(config.specs)))
        read = read_pages(config.specs, seen)
        remember_files(cache, "pages", Path(os.path.abspath(config.specs)), seen, read.seen)
        keys = page_keys(read, config.default_version) if cache is not None else None
    if cache is None or keys is None or not real_renderer():
        return _full(read, keys, config, jobs, cache, progress, timings)[0]
    key = run_key(read, keys, config)
    with timings.stage("cache") if timings else contextlib.nullcontext():
        payload = cache.get("run", key)
    entry = None if payload is None else loads_checked(payload, _is_run_entry)
    if entry is not None:
        diagnostics, count, listing = entry
        manifest = _manifest((path, sha, rendered) for path, sha, _, rendered in listing)

        def stored() -> dict[str, str]:
            return _stored_files(read, keys, config, listing, jobs, cache, progress, timings)

        return Outcome(read.root, count, diagnostics, manifest, stored)
    outcome, made = _full(read, keys, config, jobs, cache, progress, timings)
    if all(file.format_key is not None for file in made.values()):
        listing = [(path, file.sha, file.format_key, file.rendered) for path, file in made.items()]
        with timings.stage("cache") if timings else contextlib.nullcontext():
            cache.put("run", key, "run", dumps((outcome.diagnostics, outcome.count, listing)))
    return outcome


def _full(
    read: SpecsRead,
    keys: dict[str, bytes] | None,
    config: Config,
    jobs: int,
    cache: Cache | None,
    progress: Progress | None,
    timings: Timings | None,
) -> tuple[Outcome, dict[str, File]]:
    """Parse (what the cache lacks), link, render (what changed), format (what is new)."""
    import gc

    loaded = parse_pages(read, config, jobs=jobs, cache=cache, keys=keys, progress=progress, timings=timings)
    with timings.stage("link") if timings else contextlib.nullcontext():
        docset = build(loaded)
    gc.freeze()  # pages and model are long-lived and hold no cycles: keep the collector off them
    try:
        with timings.stage("link") if timings else contextlib.nullcontext():
            replayed = replay_diagnostics(docset, loaded, cache)
        problems: list[Diagnostic] = []
        made = render_files(
            docset, loaded, config, cache=cache, jobs=jobs, progress=progress, timings=timings, problems=problems
        )
    finally:
        gc.unfreeze()
    made = dict(sorted(made.items()))
    files = {path: file.text for path, file in made.items()}
    manifest = _manifest((path, file.sha, file.rendered) for path, file in made.items())
    diagnostics = tuple(sorted(docset.diagnostics + replayed + tuple(problems), key=Diagnostic.sort_key))
    outcome = Outcome(loaded.root, loaded.count, diagnostics, manifest, lambda: files, files)
    return outcome, made


def _manifest(files: Iterable[tuple[str, str, str]]) -> str:
    """The manifest of ``(path, SHA-256, SHA-256 before formatting)`` files (hex; the last empty when unknown)."""
    from docgen.fmt import formatter
    from docgen.output import manifest_of

    digests: dict[str, str] = {}
    rendered: dict[str, str] = {}
    for path, sha, before in files:
        digests[path] = sha
        if before:
            rendered[path] = before
    return manifest_of(digests, rendered, formatter())


def _stored_files(
    read: SpecsRead,
    keys: dict[str, bytes],
    config: Config,
    listing: list[tuple[str, str, bytes, str]],
    jobs: int,
    cache: Cache,
    progress: Progress | None,
    timings: Timings | None,
) -> dict[str, str]:
    """The files of a run found in the cache: from the format entries, or made again."""
    with timings.stage("cache") if timings else contextlib.nullcontext():
        entries = cache.get_all("format")
    files = {}
    for path, _, format_key, _ in listing:
        entry = _format_entry(entries.get(format_key))
        if entry is None:
            return _full(read, keys, config, jobs, cache, progress, timings)[0].files
        files[path] = entry[0]
    return files


# --------------------------------------------------------------------- DG308


def _is_diagnostics(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(d, Diagnostic) for d in value)


def replay_diagnostics(docset: DocSet, loaded: LoadedPages, cache: Cache | None) -> tuple[Diagnostic, ...]:
    """:func:`docgen.replay.replay_diagnostics`, taken from the cache for the pages whose
    key and whose version's interface are unchanged.

    Whether an example is replayed depends on its operation (its page) and on the
    version's types (the version's interface), so each page's verdicts are
    kept under a hash of those.
    """
    from docgen import replay

    if cache is None or not all(p.path in loaded.interfaces and p.path in loaded.keys for p in loaded.pages):
        return tuple(replay.replay_diagnostics(docset))
    interfaces = _version_interfaces(loaded)
    code = _code_digest()
    page_keys = {p.path: digest("replay", code, interfaces[p.version], loaded.keys[p.path]) for p in loaded.pages}
    stored = cache.get_all("replay")
    found: dict[str, tuple[Diagnostic, ...]] = {}
    for path, key in page_keys.items():
        payload = stored.get(key)
        value = None if payload is None else loads_checked(payload, _is_diagnostics)
        if value is not None:
            found[path] = value
    missing = set(page_keys) - set(found)
    if missing:
        versions = tuple(
            replace(
                version,
                resources=tuple(
                    replace(r, operations=tuple(op for op in r.operations if op.source.path in missing))
                    for r in version.resources
                ),
            )
            for version in docset.versions
        )
        new: dict[str, list[Diagnostic]] = {path: [] for path in missing}
        for d in replay.replay_diagnostics(DocSet(versions)):
            new.setdefault(d.span.path, []).append(d)
        cache.put_many("replay", [(page_keys[path], path, dumps(tuple(new[path]))) for path in sorted(missing) if path in page_keys])
        found.update((path, tuple(diags)) for path, diags in new.items())
    cache.count("replay", True, len(page_keys) - len(missing))
    cache.count("replay", False, len(missing))
    return tuple(d for path in sorted(found) for d in found[path])


def _version_interfaces(loaded: LoadedPages) -> dict[str, bytes]:
    by_version: dict[str, list[str]] = {}
    for page in loaded.pages:
        by_version.setdefault(page.version, []).append(page.path)
    return {
        v: digest(*(f"{path}\0".encode() + loaded.interfaces[path] for path in sorted(paths)))
        for v, paths in by_version.items()
    }
