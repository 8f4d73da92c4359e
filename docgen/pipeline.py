"""Find, read and parse the pages of a doc set, then link them: the front half of every command.

:func:`parse_one` is a pure function of a page's path and bytes, so it runs in a
process pool (``jobs``) and its result is kept in the cache (:mod:`docgen.cache`)
under a hash of its inputs. :func:`read_pages` reads and hashes every page;
:func:`parse_pages` takes each page's model from the cache or parses it, in a
pool when enough pages are left to be worth one.

Only regular files are read, never more than ``max_page_bytes`` of one: a FIFO,
a device, a socket, a link leading out of the folder being searched, a name that
is not UTF-8 or a page too large is left out with an error at the page, without
opening it; a file is opened non-blocking and checked again once open, so a FIFO
swapped in meanwhile cannot stop the run.
"""

from __future__ import annotations

import contextlib
import os
import stat as stat_module
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from docgen.config import DEFAULT_MAX_PAGE_BYTES, Config
from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import DocSet, PageModel

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from docgen._progress import Progress, Timings
    from docgen.cache import Cache

__all__ = [
    "LoadedPages",
    "PageInput",
    "SpecsError",
    "SpecsRead",
    "build",
    "default_jobs",
    "find_pages",
    "load_pages",
    "page_limit",
    "parse_one",
    "parse_pages",
    "pool",
    "printable",
    "read_pages",
]

POOL_MIN_PAGES = 48
"""Fewer pages left to parse than this are parsed in this process (a pool costs more)."""
_CHUNK = 24
"""Pages per task sent to a worker."""


class SpecsError(Exception):
    """The pages cannot be found (no such file or folder, not Markdown): a user error."""


@dataclass(frozen=True, slots=True)
class LoadedPages:
    """The parsed pages of a doc set."""

    root: Path
    """The folder that page paths (and so every span) are relative to."""
    pages: tuple[PageModel, ...]
    """Pages that could be read, sorted by path."""
    diagnostics: tuple[Diagnostic, ...]
    """DG001 for every page that could not be read or decoded (no model for those)."""
    keys: dict[str, bytes] = field(default_factory=dict)
    """Page path -> hash of everything its model is made from (when read with :func:`read_pages`)."""
    interfaces: dict[str, bytes] = field(default_factory=dict)
    """Page path -> :func:`docgen.cache.interface_digest` of its model (when a cache is used)."""

    @property
    def count(self) -> int:
        """Pages read, those that could not be read or decoded included."""
        return len(self.pages) + len({d.span.path for d in self.diagnostics})


@dataclass(frozen=True, slots=True)
class PageInput:
    """One page found on disk: its bytes, or the hash of bytes already seen unchanged."""

    path: str
    """Relative posix path."""
    file: str
    """Where it is."""
    data: bytes | None
    """Its bytes; None when it could not be read, or was not read (unchanged since a
    previous run, by its file status: see :func:`read_pages`)."""
    digest: bytes = b""
    """SHA-256 of its bytes (empty when it could not be read)."""
    error: str = ""
    """Why it could not be read."""
    code: str = "DG001"
    """The code of the diagnostic saying so (DG001, DG008 or DG010)."""

    def read(self, max_bytes: int | None = None) -> bytes:
        """Its bytes (read now if they were not, as :func:`read_pages` reads them); raises OSError."""
        if self.data is not None:
            return self.data
        try:
            return _read_regular(self.file, _max_bytes.get() if max_bytes is None else max_bytes)
        except _Refused as refused:
            raise OSError(refused.reason) from None

    def problem(self) -> Diagnostic:
        """The diagnostic of a page (or a folder of pages) that could not be read."""
        if self.code != "DG001":
            message = f"{self.error}; left out"
        elif self.path.endswith(".md"):
            message = f"page cannot be read ({self.error}); left out"
        else:
            message = f"folder cannot be read ({self.error}); the pages in it are left out"
        return diag(self.code, message, SourceSpan(self.path, 1))


Stat = tuple[int, int, int, int, int]
"""What says a file is unchanged: size, modification and change times (ns), inode, device."""

_RACY_NS = 2_000_000_000
"""A file changed this recently may change again within the same timestamp: not trusted by its status."""


def file_stat(result: os.stat_result) -> Stat:
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino, result.st_dev)


def trusted(stat: Stat, now_ns: int) -> bool:
    """A status old enough that a later change of the file must change it."""
    return max(stat[1], stat[2]) < now_ns - _RACY_NS


@dataclass(frozen=True, slots=True)
class SpecsRead:
    """Every page of a doc set, found and hashed."""

    root: Path
    pages: tuple[PageInput, ...]
    """Sorted by path."""
    seen: dict[str, tuple[Stat, bytes]] = field(default_factory=dict)
    """Page file -> (status, digest) of the pages whose status can be trusted next time."""


# --------------------------------------------------------------------- finding


def printable(path: str) -> str:
    """``path`` as it can be printed and stored: the bytes of a name that is not UTF-8
    (decoded with ``surrogateescape``) shown as ``\\xNN``."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


class _Found(NamedTuple):
    """A page (or a folder that could not be searched) found on disk."""

    rel: str
    """Relative posix path, printable."""
    file: str
    """Where it is."""
    folder: str | None
    """The real path of the folder it was found in by searching (its links must stay
    inside); None for a page named on the command line."""
    problem: tuple[str, str] | None = None
    """(code, reason) when it is known at once that it cannot be read."""


def _md_files(folder: str) -> Iterator[tuple[str, str | None]]:
    """``*.md`` files under ``folder``, skipping hidden folders; symlinked folders are not followed.
    Folders that cannot be listed come with the reason."""
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=errors.append):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        yield from ((os.path.join(dirpath, name), None) for name in filenames if name.endswith(".md"))
    for error in errors:
        yield str(error.filename or folder), str(error.strerror or error)


def _kind_of(spec: str, given: Path) -> bool:
    """Whether ``spec`` (``given`` on the command line) is a folder; raises :class:`SpecsError`
    when it is neither a folder nor a Markdown page."""
    try:
        info = os.stat(spec)
    except (FileNotFoundError, NotADirectoryError):
        raise SpecsError(f"{given}: no such file or folder") from None
    except OSError as error:
        raise SpecsError(f"{given}: {error.strerror or error}") from None
    if stat_module.S_ISDIR(info.st_mode):
        return True
    if not spec.endswith(".md"):
        raise SpecsError(f"{given}: not a folder or a Markdown page (*.md)")
    return False


def _find(specs: Sequence[Path]) -> tuple[Path, list[_Found]]:
    if not specs:
        raise SpecsError("no pages given")
    absolute = [os.path.abspath(spec) for spec in specs]  # symlinks kept, ".." folded
    folders = [_kind_of(spec, given) for spec, given in zip(absolute, specs)]
    roots = [spec if folder else os.path.dirname(spec) for spec, folder in zip(absolute, folders)]
    root = roots[0] if len(roots) == 1 else os.path.commonpath(roots)
    found: dict[str, _Found] = {}
    prefix = root if root.endswith(os.sep) else root + os.sep
    for spec, is_folder in zip(absolute, folders):
        real = os.path.realpath(spec) if is_folder else None
        for file, problem in _md_files(spec) if is_folder else [(spec, None)]:
            rel = file[len(prefix) :] if file.startswith(prefix) else os.path.relpath(file, root)
            rel = rel.replace(os.sep, "/")
            shown = printable(rel)
            if problem is not None:
                found.setdefault(shown, _Found(shown, file, real, ("DG001", problem)))
            elif shown != rel:
                found.setdefault(shown, _Found(shown, file, real, ("DG008", "file name is not UTF-8 (shown with \\x escapes)")))
            else:
                found.setdefault(rel, _Found(rel, file, real))
    if not found:  # a wrong --specs must not make generate remove everything it wrote before
        raise SpecsError(f"no Markdown pages (*.md) in {', '.join(str(s) for s in specs)}")
    return Path(root), sorted(found.values())


def find_pages(specs: Sequence[Path]) -> tuple[Path, list[tuple[str, Path]]]:
    """The root folder and the ``(relative posix path, file)`` of every page, sorted by path.

    One folder: paths relative to it. One file: its name. Several files or
    folders: paths relative to the deepest folder holding them all.
    """
    root, found = _find(specs)
    return root, [(page.rel, Path(page.file)) for page in found]


# --------------------------------------------------------------------- reading

_max_bytes: ContextVar[int] = ContextVar("max_page_bytes", default=DEFAULT_MAX_PAGE_BYTES)
"""The limit of reads that are given none (see :func:`page_limit`)."""

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
"""Opening never waits (a FIFO swapped in) and never takes a terminal."""

_KINDS = (
    (stat_module.S_ISFIFO, "a FIFO (named pipe)"),
    (stat_module.S_ISCHR, "a character device"),
    (stat_module.S_ISBLK, "a block device"),
    (stat_module.S_ISSOCK, "a socket"),
    (stat_module.S_ISDIR, "a folder"),
)


@contextlib.contextmanager
def page_limit(max_bytes: int) -> Iterator[None]:
    """Within the block, reads given no limit refuse pages over ``max_bytes`` (DG010)."""
    token = _max_bytes.set(max_bytes)
    try:
        yield
    finally:
        _max_bytes.reset(token)


class _Refused(Exception):
    """A file docgen does not read as a page."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _check(info: os.stat_result, max_bytes: int) -> None:
    """Refuse anything but a regular file of at most ``max_bytes``."""
    if not stat_module.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
        raise _Refused("DG008", f"not a regular file but {kind}")
    if info.st_size > max_bytes:
        raise _Refused("DG010", f"page is {info.st_size:,} bytes, over max_page_bytes ({max_bytes:,})")


def _status(page: _Found, max_bytes: int) -> os.stat_result:
    """The status of a page that may be read (of its target for a link); raises
    :class:`_Refused` or OSError."""
    info = os.lstat(page.file)
    if stat_module.S_ISLNK(info.st_mode):
        target = os.path.realpath(page.file)
        if page.folder is not None and not target.startswith(page.folder.rstrip(os.sep) + os.sep):
            raise _Refused("DG008", f"symbolic link leading out of the specs folder (to {printable(target)})")
        info = os.stat(page.file)
    _check(info, max_bytes)
    return info


def _read_regular(file: str, max_bytes: int) -> bytes:
    """The bytes of ``file``, opened without blocking and checked once open; raises
    :class:`_Refused` or OSError."""
    fd = os.open(file, _OPEN_FLAGS)
    with open(fd, "rb") as stream:
        info = os.fstat(fd)
        _check(info, max_bytes)
        data = stream.read(info.st_size + 1)
        if len(data) > info.st_size:  # it grew meanwhile
            data += stream.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise _Refused("DG010", f"page is over max_page_bytes ({max_bytes:,})")
    return data


def read_pages(
    specs: Path | Sequence[Path],
    seen: dict[str, tuple[Stat, bytes]] | None = None,
    *,
    max_bytes: int | None = None,
) -> SpecsRead:
    """Find every page and hash it (raises :class:`SpecsError` when a path does not exist,
    or is neither a folder nor a ``.md`` file).

    ``seen``: the :attr:`SpecsRead.seen` of an earlier run. A page whose file
    status (size, times, inode) is the one recorded there is not read again:
    its digest is taken from there, and its bytes are read only if it must be
    parsed. ``max_bytes``: the largest page read (default: the :func:`page_limit`
    in force, else 10 MB). A file that cannot be read as a page (see the module's
    docstring) has an :attr:`PageInput.error` instead of bytes.
    """
    import hashlib
    import time

    limit = _max_bytes.get() if max_bytes is None else max_bytes
    root, found = _find([specs] if isinstance(specs, Path) else list(specs))
    seen = seen or {}
    now = time.time_ns()
    pages = []
    trusted_now: dict[str, tuple[Stat, bytes]] = {}
    for page in found:
        rel, file = page.rel, page.file
        if page.problem is not None:
            pages.append(PageInput(rel, file, None, b"", page.problem[1], page.problem[0]))
            continue
        try:
            stat = file_stat(_status(page, limit))
            known = seen.get(file)
            if known is not None and known[0] == stat:
                pages.append(PageInput(rel, file, None, known[1]))
                trusted_now[file] = known
                continue
            data = _read_regular(file, limit)
        except _Refused as refused:
            pages.append(PageInput(rel, file, None, b"", refused.reason, refused.code))
            continue
        except OSError as error:
            pages.append(PageInput(rel, file, None, b"", str(error.strerror or error)))
            continue
        digest = hashlib.sha256(data).digest()
        pages.append(PageInput(rel, file, data, digest))
        if trusted(stat, now) and len(data) == stat[0]:
            trusted_now[file] = (stat, digest)
    return SpecsRead(root, tuple(pages), trusted_now)


def _unreadable(rel: str, data: bytes, error: UnicodeDecodeError) -> Diagnostic:
    line = data.count(b"\n", 0, error.start) + 1
    col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
    return diag("DG001", f"page is not UTF-8 ({error.reason} at byte {error.start}); left out", SourceSpan(rel, line, col))


def parse_one(rel: str, data: bytes, default_version: str) -> PageModel | Diagnostic:
    """One page from its path and bytes, or the diagnostic saying why it cannot be read:
    DG001 (not UTF-8), or DG009 when parsing it raised (a bug in docgen, contained to the page)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _unreadable(rel, data, error)
    from docgen.parse import parse_page

    try:
        return parse_page(rel, text, default_version)
    except Exception as error:  # a bug while parsing one page spares the others
        return diag("DG009", f"docgen bug while reading this page: {_describe(error)}; please report it", SourceSpan(rel, 1))


def _describe(error: BaseException) -> str:
    """``Type: message`` of an exception, on one line and at most 300 characters."""
    message = " ".join(str(error).split())
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text if len(text) <= 300 else text[:299] + "…"


# --------------------------------------------------------------------- processes


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``jobs`` workers (forked where the system can, so workers start at once).

    When the work is abandoned (Ctrl-C, SIGTERM, an error), queued tasks are cancelled
    rather than waited for; the workers ignore Ctrl-C (and SIGTERM, SIGHUP) and finish the
    task in hand. The workers die with this process however it ends, even by SIGKILL
    (:func:`_worker_init`).
    """
    import concurrent.futures
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),)
    )
    try:
        yield executor
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown()


_PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal a Linux process gets when its parent dies."""
_PARENT_POLL_SECONDS = 0.5
"""How often a worker looks whether its parent is still there (where the kernel cannot tell it)."""


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C, SIGTERM and SIGHUP to the parent, which stops the pool and
    reports it once, and die with the parent ``parent`` (its pid) whatever kills it.

    A pool's workers hold both ends of its queues, so nothing they read ever ends when
    the parent is killed: left alone, they would wait for work forever. On Linux the
    kernel sends them SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); on any POSIX
    system, and in case the parent died before this ran, a thread exits the worker once
    its parent is gone (it has been given to another process: :func:`os.getppid` changes).
    (On Windows, whose process ids do not change that way, the thread never fires.)
    """
    import signal
    import sys
    import threading

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        _die_with_parent()
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the line above
    threading.Thread(target=_watch_parent, args=(parent,), name="docgen-parent-watch", daemon=True).start()


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent exits (best effort)."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _watch_parent(parent: int) -> None:
    """Exit this worker at once when its parent ``parent`` is gone (the portable fallback)."""
    import time

    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)


def _parse_payload(rel: str, data: bytes, default_version: str, interface: bool) -> bytes:
    """A page's parse result and interface digest, pickled (what workers send and the cache keeps)."""
    from docgen.cache import dumps, interface_digest

    result = parse_one(rel, data, default_version)
    digest = interface_digest(result) if interface and isinstance(result, PageModel) else b""
    return dumps((result, digest))


def _parse_chunk(chunk: list[tuple[str, bytes]], default_version: str, interface: bool) -> list[bytes]:
    import gc

    gc.enable()  # forked from a parent that turned it off while loading
    return [_parse_payload(rel, data, default_version, interface) for rel, data in chunk]


def _chunks(items: list[tuple[str, bytes]], size: int) -> Iterator[list[tuple[str, bytes]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parse_parallel(
    todo: list[tuple[str, bytes]], default_version: str, interface: bool, jobs: int, progress: Progress | None
) -> Iterator[bytes]:
    from functools import partial

    with pool(jobs) as executor:
        work = partial(_parse_chunk, default_version=default_version, interface=interface)
        for payloads in executor.map(work, _chunks(todo, _CHUNK)):
            if progress is not None:
                progress.advance(len(payloads))
            yield from payloads


# --------------------------------------------------------------------- parsing


def page_keys(read: SpecsRead, default_version: str) -> dict[str, bytes]:
    """Page path -> the cache key of its parse result, for every page that could be read."""
    from docgen.cache import digest, parser_digest

    parser = parser_digest()
    return {p.path: digest(parser, default_version, p.path, p.digest) for p in read.pages if not p.error}


def parse_pages(
    read: SpecsRead,
    config: Config,
    *,
    jobs: int = 1,
    cache: Cache | None = None,
    keys: dict[str, bytes] | None = None,
    progress: Progress | None = None,
    timings: Timings | None = None,
) -> LoadedPages:
    """Every page's model: from the cache when it has it, else parsed (in ``jobs`` processes).

    A page that cannot be read or decoded becomes a DG001 diagnostic and the others go on.
    """
    import gc

    version = config.default_version
    readable = [p for p in read.pages if not p.error]
    if keys is None:
        keys = page_keys(read, version) if cache is not None else {}
    results: dict[str, tuple[PageModel | Diagnostic, bytes]] = {}
    gc_was_enabled = gc.isenabled()
    gc.disable()  # building many small frozen objects: the collector would only rescan them
    try:
        with timings.stage("parse") if timings else contextlib.nullcontext():
            if cache is not None:
                results.update(_cached(cache, keys))
            todo = _bytes_of([p for p in readable if p.path not in results], config.max_page_bytes)
            results.update(_parse_todo(todo, version, cache, keys, jobs, progress))
    finally:
        if gc_was_enabled:
            gc.enable()
    pages: list[PageModel] = []
    problems: list[Diagnostic] = []
    for page in read.pages:
        if page.error:
            problems.append(page.problem())
            continue
        result = results[page.path][0]
        if isinstance(result, PageModel):
            pages.append(result)
        else:
            problems.append(result)
    interfaces = {path: digest for path, (_, digest) in results.items() if digest}
    return LoadedPages(read.root, tuple(pages), tuple(problems), keys, interfaces)


def _bytes_of(pages: list[PageInput], max_bytes: int) -> list[tuple[str, bytes]]:
    """The bytes of pages to parse, read now for those that were not; each must still be
    what was hashed (its cache key says so)."""
    import hashlib

    found = []
    for page in pages:
        try:
            data = page.read(max_bytes)
        except OSError as error:
            raise SpecsError(f"{page.file}: cannot be read ({error.strerror or error})") from None
        if page.data is None and hashlib.sha256(data).digest() != page.digest:
            raise SpecsError(f"{page.file} changed while docgen was reading the pages; run it again")
        found.append((page.path, data))
    return found


def _is_parse_result(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], (PageModel, Diagnostic))
        and isinstance(value[1], bytes)
    )


def _cached(cache: Cache, keys: dict[str, bytes]) -> dict[str, tuple[PageModel | Diagnostic, bytes]]:
    from docgen.cache import loads_checked

    stored = cache.get_all("page")
    found = {}
    for path, key in keys.items():
        payload = stored.get(key)
        value = None if payload is None else loads_checked(payload, _is_parse_result)
        if value is not None and (not isinstance(value[0], PageModel) or value[0].path == path):
            found[path] = value
    cache.count("page", True, len(found))
    cache.count("page", False, len(keys) - len(found))
    return found


def _parse_todo(
    todo: list[tuple[str, bytes]],
    default_version: str,
    cache: Cache | None,
    keys: dict[str, bytes],
    jobs: int,
    progress: Progress | None,
) -> dict[str, tuple[PageModel | Diagnostic, bytes]]:
    from docgen.cache import loads

    interface = cache is not None
    if progress is not None and todo:
        progress.task("parse", len(todo))
    found: dict[str, tuple[PageModel | Diagnostic, bytes]] = {}
    if jobs > 1 and len(todo) >= POOL_MIN_PAGES:
        if cache is not None:
            cache.close()  # an open database must not cross a fork
        payloads: Iterator[bytes] = _parse_parallel(todo, default_version, interface, jobs, progress)
        stored = []
        for (rel, _), payload in zip(todo, payloads):
            found[rel] = loads(payload)
            if cache is not None:
                stored.append((keys[rel], rel, payload))
        if cache is not None:
            cache.put_many("page", stored)
        return found
    new = []
    for rel, data in todo:
        if cache is None:
            found[rel] = (parse_one(rel, data, default_version), b"")
        else:
            payload = _parse_payload(rel, data, default_version, True)
            found[rel] = loads(payload)
            new.append((keys[rel], rel, payload))
        if progress is not None:
            progress.advance()
    if cache is not None:
        cache.put_many("page", new)
    return found


def load_pages(
    specs: Path | Sequence[Path],
    config: Config,
    *,
    jobs: int = 1,
    cache: Cache | None = None,
    progress: Progress | None = None,
    timings: Timings | None = None,
) -> LoadedPages:
    """Read and parse every page under ``specs`` (a folder, a file, or several of either).

    Raises :class:`SpecsError` when a path does not exist; a page that cannot be read
    or decoded becomes a DG001 diagnostic and the others go on.
    """
    with timings.stage("read") if timings else contextlib.nullcontext():
        read = read_pages(specs, max_bytes=config.max_page_bytes)
    return parse_pages(read, config, jobs=jobs, cache=cache, progress=progress, timings=timings)


def build(loaded: LoadedPages) -> DocSet:
    """Link the pages into one doc set whose diagnostics include the read errors, sorted by place."""
    import gc

    from docgen.link import link

    gc.freeze()  # the pages are long-lived and hold no cycles: keep the collector off them
    try:
        docset = link(list(loaded.pages))
    finally:
        gc.unfreeze()
    if not loaded.diagnostics:
        return docset
    diagnostics = sorted((*docset.diagnostics, *loaded.diagnostics), key=Diagnostic.sort_key)
    return replace(docset, diagnostics=tuple(diagnostics))
