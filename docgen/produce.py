"""Make the output in memory: read -> parse -> link -> plan -> render -> format, each step
only for what changed since a run this machine remembers.

Every file of the plan (:mod:`docgen.plan`) is keyed by its declared inputs
(:class:`Keys`). The cache (:mod:`docgen.cache`, written only by docgen on this
machine, or restored from a trusted CI run) then answers three questions, each
under a key made of what the answer depends on:

* ``run``: for these pages, code, templates and settings, the files' digests and
  the diagnostics: with the output folder holding exactly those files, a run is
  done without parsing, rendering or formatting anything;
* ``render``: for a file's inputs, the digest of its rendered text (so an
  unchanged file is neither rendered nor formatted);
* ``format``: for a rendered text, the formatter's output; ``same``: that a
  file on disk (by its digest) holds the code and comments of a rendered text.

The output folder's manifest is never trusted: a file whose formatted text is
not known is either verified against the rendered text (:func:`docgen.fmt.same_code`)
or formatted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat as stat_module
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.cache import DIRNAME, Cache, digest, dumps, loads_checked
from docgen.config import Config
from docgen.filestatus import disk_digests, remember_files, seen_files
from docgen.keys import Keys, code_digest, routes_digest, run_key, templates_digest
from docgen.diagnostics import Diagnostic
from docgen.fmt import Formatter, formatter_of, same_code
from docgen.model import DocSet, PageModel
from docgen.pipeline import LoadedPages, SpecsRead, build, page_keys, parse_pages, read_pages

if TYPE_CHECKING:
    from docgen._progress import Progress, Timings
    from docgen.plan import FileSpec
    from docgen.render import Templates

__all__ = ["Outcome", "cache_folder", "produce"]


def cache_folder(config: Config) -> Path:
    """Where the cache lives: the ``cache`` setting, else beside the output folder."""
    if config.cache is not None:
        return config.cache
    return Path(os.path.abspath(config.out)).parent / DIRNAME


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
    """The manifest of the files (:func:`docgen.output.manifest_of`): as a run here made it
    from the same inputs until :attr:`files` is asked for, then the files' own."""
    _files: Callable[[], Outcome]
    _cached: dict[str, str] | None = None
    same: frozenset[str] = frozenset()
    sources: dict[str, str] = field(default_factory=dict)
    """Where the cache holds each file's text: the ``format`` key (hex); empty when the text
    is the file on disk."""
    """Files the output folder already holds byte for byte, known by their recorded status
    (so that writing and comparing need not read them); filled with :attr:`files`."""

    @property
    def files(self) -> dict[str, str]:
        """Every output file: relative path -> text."""
        if self._cached is None:
            made = self._files()
            self._cached, self.manifest, self.same = made.files, made.manifest, made.same
        return self._cached


# --------------------------------------------------------------------- the files


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Disk:
    """The files of the output folder, read only through real folders and never past a link.

    Only when the folder was formatted by this formatter (its manifest says so) are its
    files taken in place of the formatter's output: switching formatters reformats every
    file, while a file laid out otherwise by hand is kept."""

    def __init__(self, out: Path, formatter: Formatter) -> None:
        from docgen.output import manifest_formatter

        self.out = out
        self._seen: dict[str, str] = {}
        self.usable = manifest_formatter(out) == formatter.name

    def text(self, path: str) -> str | None:
        from docgen.output import link_on_path

        if not self.usable:
            return None
        if link_on_path(self.out, path, self._seen) is not None:
            return None
        try:
            fd = os.open(self.out / path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        with open(fd, "rb") as stream:
            if not stat_module.S_ISREG(os.fstat(fd).st_mode):
                return None
            data = stream.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None


@dataclass(slots=True)
class _Made:
    """The files of a run: their texts, and where the cache holds each text (the key of its
    ``format`` entry; empty for a text that is the file on disk)."""

    texts: dict[str, str]
    sources: dict[str, bytes]


def _make_files(
    specs: list[FileSpec],
    templates: Templates,
    keys: Keys | None,
    cache: Cache | None,
    config: Config,
    formatter: Formatter,
    jobs: int,
    problems: list[Diagnostic],
    progress: Progress | None,
    timings: Timings | None,
) -> _Made:
    """Each planned file's text: from the cache when its inputs are known, else rendered,
    then formatted unless the formatter's output is known or the file on disk holds
    the same code and comments."""
    stage = timings.stage if timings is not None else (lambda _: contextlib.nullcontext())
    with stage("cache"):
        stored = {kind: cache.get_all(kind) if cache is not None and keys is not None else {} for kind in ("render", "format", "same")}
    disk = _Disk(config.out, formatter)
    texts: dict[str, str] = {}
    rendered: dict[str, bytes] = {}
    new_render: list[tuple[bytes, str, bytes]] = []
    new_format: list[tuple[bytes, str, bytes]] = []
    new_same: list[tuple[bytes, str, bytes]] = []
    from_disk: set[str] = set()
    todo: dict[str, str] = {}
    if progress is not None:
        progress.task("render", len(specs))
    with stage("render"):
        to_render: list[tuple[FileSpec, bytes | None]] = []
        for spec in specs:
            key = keys.of(spec) if keys is not None else None
            known = stored["render"].get(key) if key is not None else None
            if known == b"":  # this spec makes no file
                continue
            if known is not None:
                found = _formatted(stored, formatter, known, disk, spec.path, spec.kind == "python")
                if found is not None:
                    texts[spec.path], rendered[spec.path] = found[0], known
                    if found[1]:
                        from_disk.add(spec.path)
                    _tick(progress)
                    continue
            to_render.append((spec, key))
        part_values = _part_values([spec for spec, _ in to_render], keys, cache)
        if cache is not None:
            cache.close()  # an open database must not cross a fork
        made_files = _render_all(
            [spec for spec, _ in to_render], part_values, templates, stored, formatter, disk, jobs, progress
        )
        for (spec, key), (made, failures, settled) in zip(to_render, made_files):
            problems.extend(failures)
            if made is None:
                if key is not None and not failures:  # no such file, which is worth remembering
                    new_render.append((key, spec.path, b""))
                continue
            text_digest = hashlib.sha256(made.encode("utf-8")).digest()
            if key is not None:
                new_render.append((key, spec.path, text_digest))
            rendered[spec.path] = text_digest
            if spec.kind != "python":  # kept as made: the cache holds its text as it is
                texts[spec.path] = made
                data = made.encode("utf-8")
                new_format.append((_format_key(None, text_digest), spec.path, hashlib.sha256(data).digest() + data))
            elif settled is None:
                todo[spec.path] = made
            else:
                texts[spec.path] = settled[0]
                if settled[1]:
                    from_disk.add(spec.path)
                    new_same.append((_same_key(formatter, text_digest, settled[0]), spec.path, b"1"))
    if todo:
        if progress is not None:
            progress.task("format", len(todo))
        with stage("format"):
            paths = list(todo)
            for index, text in formatter.format_all([todo[p] for p in paths], jobs):
                path = paths[index]
                texts[path] = text
                data = text.encode("utf-8")
                new_format.append((_format_key(formatter, rendered[path]), path, hashlib.sha256(data).digest() + data))
                _tick(progress)
    if cache is not None and keys is not None:
        with stage("cache"):
            cache.put_many("render", new_render)
            cache.put_many("format", new_format)
            cache.put_many("same", new_same)
            cache.count("render", True, len(specs) - len(new_render))
            cache.count("render", False, len(new_render))
            cache.count("format", False, len(todo))
    kinds = {spec.path: spec.kind for spec in specs}
    sources = {
        path: b"" if path in from_disk else _format_key(formatter if kinds[path] == "python" else None, digest_)
        for path, digest_ in rendered.items()
        if path in texts
    }
    return _Made(dict(sorted(texts.items())), sources)


RENDER_POOL_MIN = 64
"""Fewer files than this to render are rendered in this process."""
_RENDER_CHUNK = 32
_work: list[tuple[list[FileSpec], dict[int, list[Any]], Templates, dict[str, dict[bytes, bytes]], Formatter, _Disk]] = []
"""What forked workers render from (inherited, never sent)."""

Made = tuple[str | None, list[Diagnostic], tuple[str, bool] | None]
"""A rendered file: its text (None: no file), the errors met, and its final text when known
without formatting (with whether it was found the same as the file on disk)."""


def _part_values(specs: list[FileSpec], keys: Keys | None, cache: Cache | None) -> dict[int, list[Any]]:
    """The values of the parts of the files to render (by index in ``specs``): from the cache,
    else made (and kept). A part that fails is left to the file's rendering, which reports it."""
    found: dict[int, list[Any]] = {}
    if keys is None or cache is None or not any(spec.parts for spec in specs):
        return found
    stored = cache.get_all("part")
    new: list[tuple[bytes, str, bytes]] = []
    made = kept = 0
    for index, spec in enumerate(specs):
        if not spec.parts:
            continue
        values = []
        for part in spec.parts:
            key = keys.of_part(spec, part)
            payload = stored.get(key)
            if payload is not None:
                with contextlib.suppress(ValueError, RecursionError):
                    values.append(json.loads(payload))
                    kept += 1
                    continue
            try:
                value = part.make()
            except Exception:  # the file's rendering makes it again and reports the failure
                break
            values.append(value)
            made += 1
            new.append((key, f"{spec.path} {part.name}", json.dumps(value, ensure_ascii=True).encode("ascii")))
        else:
            found[index] = values
    cache.put_many("part", new)
    cache.count("part", True, kept)
    cache.count("part", False, made)
    return found


def _render_all(
    specs: list[FileSpec],
    part_values: dict[int, list[Any]],
    templates: Templates,
    stored: dict[str, dict[bytes, bytes]],
    formatter: Formatter,
    disk: _Disk,
    jobs: int,
    progress: Progress | None,
) -> list[Made]:
    """:func:`_render_some` of every spec, in ``jobs`` forked processes when there are many."""
    if jobs <= 1 or len(specs) < RENDER_POOL_MIN:
        _work[:] = [(specs, part_values, templates, stored, formatter, disk)]
        try:
            return _render_some(list(range(len(specs))), progress)
        finally:
            _work.clear()
    from docgen.pipeline import pool

    chunks = [list(range(i, min(i + _RENDER_CHUNK, len(specs)))) for i in range(0, len(specs), _RENDER_CHUNK)]
    _work[:] = [(specs, part_values, templates, stored, formatter, disk)]
    try:
        results: list[Made] = []
        with pool(jobs) as executor:
            for done in executor.map(_render_some, chunks):
                results.extend(done)
                if progress is not None:
                    progress.advance(len(done))
        return results
    finally:
        _work.clear()


def _render_some(indexes: list[int], progress: Progress | None = None) -> list[Made]:
    """Render the specs of ``indexes`` (of :data:`_work`); a Python file's final text is
    settled at once when the cache holds it or the file on disk has the same code."""
    from docgen.render import render_spec

    specs, part_values, templates, stored, formatter, disk = _work[0]
    results: list[Made] = []
    for index in indexes:
        spec = specs[index]
        failures: list[Diagnostic] = []
        made = render_spec(spec, templates, failures, part_values.get(index))
        settled: tuple[str, bool] | None = None
        if made is not None and spec.kind == "python":
            text_digest = hashlib.sha256(made.encode("utf-8")).digest()
            known = _formatted(stored, formatter, text_digest, disk, spec.path, True)
            if known is not None:
                settled = known
            else:
                on_disk = disk.text(spec.path)
                if on_disk is not None and same_code(made, on_disk):
                    settled = (on_disk, True)
        results.append((made, failures, settled))
        _tick(progress)
    return results


def _tick(progress: Progress | None) -> None:
    if progress is not None:
        progress.advance()


def _format_key(formatter: Formatter | None, text_digest: bytes) -> bytes:
    """The key of a text's formatted form (None: a file kept as made, not formatted)."""
    return digest("format", formatter.key if formatter is not None else "verbatim", text_digest)


def _same_key(formatter: Formatter, text_digest: bytes, on_disk: str) -> bytes:
    return digest("same", formatter.key, text_digest, hashlib.sha256(on_disk.encode("utf-8")).digest())


def _formatted(
    stored: dict[str, dict[bytes, bytes]], formatter: Formatter, text_digest: bytes, disk: _Disk, path: str, python: bool
) -> tuple[str, bool] | None:
    """The file for a rendered text without rendering or formatting it: the formatter's
    output (for Python; else the text itself) as the cache holds it, or the file on disk
    when a run here found it holds that text's code and comments."""
    payload = stored["format"].get(_format_key(formatter if python else None, text_digest))
    if payload is not None and len(payload) >= 32:
        with contextlib.suppress(UnicodeDecodeError):
            text = payload[32:].decode("utf-8")
            if hashlib.sha256(payload[32:]).digest() == payload[:32]:
                return text, False
    if python and stored["same"]:
        on_disk = disk.text(path)
        if on_disk is not None and _same_key(formatter, text_digest, on_disk) in stored["same"]:
            return on_disk, True
    return None


def _layout_kept(
    texts: dict[str, str], out: Path, cache: Cache | None, formatter: Formatter
) -> tuple[dict[str, str], frozenset[str]]:
    """``texts``, but where the output folder holds a Python file with the same code and
    comments laid out otherwise, that file: layout alone is no drift, so neither ``check``
    nor ``generate`` reports or rewrites it, with or without a cache. Also the files the
    folder holds byte for byte. Files whose status is the one recorded with their digest
    are not read."""
    shas = disk_digests(out, texts, cache)
    disk = _Disk(out, formatter)
    kept = dict(texts)
    same: set[str] = set()
    for path, text in texts.items():
        found = shas.get(path)
        if found is None:
            continue
        if found == hashlib.sha256(text.encode("utf-8")).digest():
            same.add(path)
            continue
        if not path.endswith(".py"):
            continue
        on_disk = disk.text(path)
        if on_disk is not None and same_code(text, on_disk):
            kept[path] = on_disk
            same.add(path)
    return kept, frozenset(same)


def _sources(made: _Made, files: dict[str, str]) -> dict[str, str]:
    """Where the cache holds each file's text (hex), empty for a file whose text is on disk."""
    return {path: made.sources[path].hex() if text is made.texts[path] else "" for path, text in files.items()}


# --------------------------------------------------------------------- the run


def _is_run_entry(value: object) -> bool:
    if not (isinstance(value, tuple) and len(value) == 3):
        return False
    diagnostics, count, listing = value
    return (
        isinstance(diagnostics, tuple)
        and all(isinstance(d, Diagnostic) for d in diagnostics)
        and isinstance(count, int)
        and isinstance(listing, tuple)
        and all(isinstance(item, tuple) and len(item) == 3 and all(isinstance(p, str) for p in item) for item in listing)
    )


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
    from docgen.output import manifest_of

    stage = timings.stage if timings is not None else (lambda _: contextlib.nullcontext())
    formatter = formatter_of(config)
    with stage("read"):
        specs_folder = Path(os.path.abspath(config.specs))
        seen = seen_files(cache, "pages", specs_folder)
        read = read_pages(config.specs, seen)
        remember_files(cache, "pages", specs_folder, seen, read.seen)
        keys = page_keys(read, config.default_version) if cache is not None else None
    key = None
    if cache is not None and keys is not None:
        key = run_key(read, keys, config, formatter, templates_digest(config))
        with stage("cache"):
            payload = cache.get("run", key)
        entry = None if payload is None else loads_checked(payload, _is_run_entry)
        if entry is not None:
            diagnostics, count, listing = entry
            manifest = manifest_of({path: sha for path, sha, _ in listing}, formatter.name)

            def again() -> Outcome:
                found = _stored(listing, cache, config.out, formatter)
                if found is None:
                    return _full(read, keys, config, formatter, jobs, cache, progress, timings)[0]
                files, same = found
                kept: Outcome = Outcome(read.root, count, diagnostics, manifest, lambda: kept, files, same)
                return kept

            return Outcome(read.root, count, diagnostics, manifest, again)
    outcome, ok = _full(read, keys, config, formatter, jobs, cache, progress, timings)
    if key is not None and ok:
        listing = tuple((path, _sha(text.encode("utf-8")), outcome.sources[path]) for path, text in outcome.files.items())
        with stage("cache"):
            cache.put("run", key, "run", dumps((outcome.diagnostics, outcome.count, listing)))  # type: ignore[union-attr]
    return outcome


def _stored(
    listing: tuple[tuple[str, str, str], ...], cache: Cache, out: Path, formatter: Formatter
) -> tuple[dict[str, str], frozenset[str]] | None:
    """The files of a run found in the cache, by their texts' ``format`` keys (or, for a file
    whose text is the one on disk, from the disk), each checked against its digest; None when
    one is missing. Also the files the output folder holds byte for byte."""
    shas = disk_digests(out, [path for path, _, _ in listing], cache)
    disk = _Disk(out, formatter)
    files: dict[str, str] = {}
    for path, sha, source in listing:
        text: str | None = None
        if source:
            payload = cache.get("format", bytes.fromhex(source))
            if payload is not None and hashlib.sha256(payload[32:]).hexdigest() == sha:
                with contextlib.suppress(UnicodeDecodeError):
                    text = payload[32:].decode("utf-8")
        elif shas.get(path, b"").hex() == sha:
            text = disk.text(path)
        if text is None:
            return None
        files[path] = text
    return files, frozenset(path for path, sha, _ in listing if shas.get(path, b"").hex() == sha)


def _full(
    read: SpecsRead,
    keys: dict[str, bytes] | None,
    config: Config,
    formatter: Formatter,
    jobs: int,
    cache: Cache | None,
    progress: Progress | None,
    timings: Timings | None,
) -> tuple[Outcome, bool]:
    """Parse (what the cache lacks), link, plan, render (what changed), format (what is new).
    Also whether every file could be made."""
    import gc

    from docgen.output import manifest_of
    from docgen.plan import plan_files  # the renderer and jinja2: only when something is made
    from docgen.render import Templates

    stage = timings.stage if timings is not None else (lambda _: contextlib.nullcontext())
    loaded = parse_pages(read, config, jobs=jobs, cache=cache, keys=keys, progress=progress, timings=timings)
    with stage("link"):
        docset = build(loaded)
    gc.freeze()  # pages and model are long-lived and hold no cycles: keep the collector off them
    try:
        with stage("link"):
            replayed = _replay_diagnostics(docset, loaded, cache)
        with stage("plan"):
            specs, problems = plan_files(docset, config)
            templates = Templates(config)
            file_keys = Keys(loaded, config, templates) if cache is not None and Keys.usable(loaded) else None
        made = _make_files(specs, templates, file_keys, cache, config, formatter, jobs, problems, progress, timings)
        with stage("write"):
            files, same = _layout_kept(made.texts, config.out, cache, formatter)
    finally:
        gc.unfreeze()
    manifest = manifest_of({path: _sha(text.encode("utf-8")) for path, text in files.items()}, formatter.name)
    diagnostics = tuple(sorted(docset.diagnostics + replayed + tuple(problems), key=Diagnostic.sort_key))
    outcome = Outcome(loaded.root, loaded.count, diagnostics, manifest, lambda: outcome, files, same, _sources(made, files))
    return outcome, not problems


# --------------------------------------------------------------------- DG308


def _is_diagnostics(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(d, Diagnostic) for d in value)


def _replay_diagnostics(docset: DocSet, loaded: LoadedPages, cache: Cache | None) -> tuple[Diagnostic, ...]:
    """:func:`docgen.replay.replay_diagnostics`, taken from the cache for the pages whose
    content and whose version's interface and routes are unchanged (what a verdict reads)."""
    from docgen import replay

    if cache is None or not Keys.usable(loaded):
        return tuple(replay.replay_diagnostics(docset))
    by_version: dict[str, list[PageModel]] = {}
    for page in loaded.pages:
        by_version.setdefault(page.version, []).append(page)
    version_keys = {
        v: digest(
            *(f"{p.path}\0".encode() + loaded.interfaces[p.path] for p in pages), *(routes_digest(p) for p in pages)
        )
        for v, pages in by_version.items()
    }
    page_keys = {p.path: digest("replay", code_digest(), version_keys[p.version], loaded.keys[p.path]) for p in loaded.pages}
    stored = cache.get_all("replay")
    found: dict[str, tuple[Diagnostic, ...]] = {}
    for path, key in page_keys.items():
        payload = stored.get(key)
        value = None if payload is None else loads_checked(payload, _is_diagnostics)
        if value is not None:
            found[path] = value
    missing = set(page_keys) - set(found)
    if missing:
        new: dict[str, list[Diagnostic]] = {path: [] for path in missing}
        for d in replay.replay_diagnostics(docset, missing):
            new.setdefault(d.span.path, []).append(d)
        cache.put_many("replay", [(page_keys[path], path, dumps(tuple(new[path]))) for path in sorted(missing)])
        found.update((path, tuple(diags)) for path, diags in new.items())
    cache.count("replay", True, len(page_keys) - len(missing))
    cache.count("replay", False, len(missing))
    return tuple(d for path in sorted(found) for d in found[path])


