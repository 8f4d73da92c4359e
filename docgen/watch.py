"""``docgen watch``: generate, then generate again after every change to the pages, the
templates or ``pyproject.toml``; with ``--serve``, also serve the generated app.

Each run is ``docgen generate`` itself (the front end hands :func:`watch` a function that
loads the settings and one that runs :func:`docgen.workflow.generate` and prints its
report): the same settings, cache, diagnostics, summary line and all-or-nothing write. Runs happen one at
a time in this process. The watcher (watchfiles) keeps collecting changes while a run
goes on and hands them over as one batch afterwards (a batch closes 50 ms after its
last new change, 1.6 s at most). So a burst of saves makes one run or two, a save
never cuts a run short, and Ctrl-C during a run leaves the output folder old or new
(:func:`docgen.output.write_tree` undoes a half-made write). After each run the
collector runs in full: a run's cyclic garbage, made while :mod:`docgen.produce`
keeps the model frozen, would otherwise pile up run after run (about 1 MB a run).

The server is uvicorn in a child process, given a socket bound here once: while it
restarts, requests wait in the socket's queue and are answered by the new process.
It is restarted after each run that changed files and had no errors; after a run
with errors it keeps serving the tree it loaded, the last good one.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Set
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from docgen.config import Config, find_pyproject
from docgen.output import MANIFEST, staging_dir
from docgen.workflow import EXIT_ERROR, EXIT_OK

__all__ = ["Runs", "ServeError", "Server", "Targets", "watch"]


class ServeError(Exception):
    """``--serve`` cannot be used as asked (a usage error)."""


@dataclass(frozen=True, slots=True)
class Runs:
    """What the front end gives the watch: how to load the settings, and one run of
    ``generate`` with them, its report printed, returning the exit status."""

    settings: Callable[[], Config]
    generate: Callable[[Config], int]
    usage_error: type[Exception]
    """What ``settings`` raises for settings that cannot be used (said in one line)."""

_STEP_MS = 50
"""A batch ends after this long without a change (watchfiles' step)."""
_DEBOUNCE_MS = 1600
"""... or this long after its first change (watchfiles' debounce)."""
_WAKE_MS = 500
"""How often the loop wakes without changes (to notice a server that stopped)."""
_STOP_TIMEOUT = 5.0
"""Seconds a server gets to stop before it is killed."""


# --------------------------------------------------------------------- what to watch


def _under(path: str, folder: Path) -> bool:
    root = str(folder)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@dataclass(frozen=True, slots=True)
class Targets:
    """What the watch looks at (absolute paths), from the settings."""

    specs: Path
    """The pages: a folder (its ``*.md`` files count) or one page."""
    templates: Path | None
    """The template folder (every file counts)."""
    pyproject: Path | None
    """The settings file."""
    ignored: tuple[Path, ...]
    """Folders docgen writes itself: the output, its staging folder, the cache."""

    @classmethod
    def of(cls, config: Config) -> Targets:
        from docgen.produce import cache_folder

        out = Path(os.path.abspath(config.out))
        return cls(
            Path(os.path.abspath(config.specs)),
            None if config.templates is None else Path(os.path.abspath(config.templates)),
            find_pyproject(Path.cwd().resolve()),
            (out, staging_dir(out), Path(os.path.abspath(cache_folder(config)))),
        )

    def roots(self) -> tuple[Path, ...]:
        """The paths to watch that exist."""
        return tuple(p for p in (self.specs, self.templates, self.pyproject) if p is not None and p.exists())

    def wanted(self, change: watchfiles.Change, path: str) -> bool:
        """Whether a change starts a run: a page, a template or the settings (editors'
        temporary files and docgen's own folders left out)."""
        if any(_under(path, folder) for folder in self.ignored):
            return False
        if self.pyproject is not None and path == str(self.pyproject):
            return True
        for root, pages_only in ((self.specs, True), (self.templates, False)):
            if root is None or not _under(path, root):
                continue
            inside = os.path.relpath(path, root) if path != str(root) else os.path.basename(path)
            if not _DEFAULT_FILTER(change, inside):
                return False
            return not pages_only or path.endswith(".md") or _maybe_folder(change, path)
        return False

    def files_touched(self, changes: Set[tuple[watchfiles.Change, str]]) -> bool:
        """Whether a watched file itself changed: an editor that saves by renaming
        replaces it, and the watch on the old one is lost."""
        files = {str(p) for p in (self.specs, self.pyproject) if p is not None and not p.is_dir()}
        return any(path in files for _, path in changes)


_DEFAULT_FILTER = watchfiles.DefaultFilter()


def _maybe_folder(change: watchfiles.Change, path: str) -> bool:
    """A folder of pages (added, or moved or removed as a whole); a removed path without a
    suffix may have been one."""
    if change is watchfiles.Change.deleted:
        return not os.path.splitext(path)[1]
    return os.path.isdir(path)


def _shown(path: str | Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def _describe(changes: Set[tuple[watchfiles.Change, str]]) -> str:
    paths = sorted({_shown(path) for _, path in changes if os.path.splitext(path)[1]})
    paths = paths or sorted({_shown(path) for _, path in changes})  # folders, when no file is named
    listed = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    return f"docgen: watch: {listed} changed"


# --------------------------------------------------------------------- the server


class Server:
    """uvicorn serving ``<package>.app:app`` from the output folder, in a child process."""

    def __init__(self, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.create_server((host, port), family=family, backlog=128)
        self.address: tuple[str, int] = self.socket.getsockname()[:2]
        self.process: subprocess.Popen[bytes] | None = None
        self.serving: tuple[Path, str] | None = None
        """(output folder, package) of the tree the process loaded."""
        self.stale = False
        """Files changed since the process started (by runs with errors)."""

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self, out: Path, package: str) -> None:
        """Serve the tree in ``out`` (stopping the process serving the old one first)."""
        self.stop()
        fd = self.socket.fileno()
        command = [sys.executable, "-m", "uvicorn", f"{package}.app:app", "--app-dir", os.path.abspath(out)]
        command += ["--log-level", "warning"]
        if os.name == "posix":  # in a process group of its own: Ctrl-C is for docgen, which stops it
            self.process = subprocess.Popen([*command, "--fd", str(fd)], pass_fds=(fd,), process_group=0)
        else:  # no socket to hand over: the new process binds the port again
            host, port = self.address
            self.socket.close()
            self.process = subprocess.Popen([*command, "--host", host, "--port", str(port)])
        self.serving = (out, package)
        self.stale = False

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def exited(self) -> int | None:
        """The exit status of a process that stopped by itself (reported once), else None."""
        if self.process is None or self.process.poll() is None:
            return None
        status, self.process = self.process.returncode, None
        return status

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(_STOP_TIMEOUT)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            process.kill()
            process.wait()

    def close(self) -> None:
        self.stop()
        self.socket.close()


def _server(args: argparse.Namespace) -> Server | None:
    """The server ``--serve`` asks for, its socket bound (a usage error when it cannot be)."""
    if not args.serve:
        if args.host is not None or args.port is not None:
            raise ServeError("--host and --port go with --serve")
        return None
    host = "127.0.0.1" if args.host is None else args.host
    port = 8000 if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise ServeError(f"--port {port}: not a port number (0 to 65535; 0 picks a free one)")
    if importlib.util.find_spec("uvicorn") is None:
        raise ServeError("--serve needs uvicorn: pip install 'docgen[runtime]'")
    try:
        return Server(host, port)
    except OSError as error:
        raise ServeError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None


def _after_run(server: Server, code: int, changed: bool, config: Config) -> str:
    """Restart the server when the run gave a new good tree; what happened, for the status line."""
    if code != EXIT_OK:
        server.stale = server.stale or changed
        return "; the server keeps serving the last good tree" if server.running() else ""
    target = (config.out, config.package)
    if changed or server.stale or server.serving != target or not server.running():
        server.start(*target)
        return "; server restarted"
    return ""


# --------------------------------------------------------------------- the loop


def _manifest(out: Path) -> bytes | None:
    """The output folder's manifest: it changes whenever a generated file does."""
    try:
        return (out / MANIFEST).read_bytes()
    except OSError:
        return None


def _generate(runs: Runs) -> tuple[int, Config] | None:
    """One ``docgen generate`` (its output printed); None when the settings or pages are unusable."""
    try:
        config = runs.settings()
        return runs.generate(config), config
    except runs.usage_error as error:
        print(f"docgen: error: {error}", file=sys.stderr)
    except Exception as error:  # a bug in docgen: said as `docgen generate` says it, and watching goes on
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        print(f"docgen: internal error (a docgen bug): {type(error).__name__}: {error}; please report it", file=sys.stderr)
    return None


def _run(runs: Runs, config: Config, server: Server | None) -> Config:
    """Generate again after a change; restart the server if it should. The settings now in force."""
    before = _manifest(config.out)
    started = time.perf_counter()
    result = _generate(runs)
    took = f"{time.perf_counter() - started:.2f} s"
    gc.collect()  # a run's cyclic garbage (made while the model is frozen) would otherwise pile up run after run
    if result is None:
        print(f"docgen: watch: nothing generated ({took}); still watching", file=sys.stderr)
        return config
    code, config = result
    served = "" if server is None else _after_run(server, code, _manifest(config.out) != before, config)
    if code == EXIT_OK:
        print(f"docgen: watch: done in {took}{served}", file=sys.stderr)
    else:
        print(f"docgen: watch: errors above ({took}){served}; still watching", file=sys.stderr)
    return config


def _loop(runs: Runs, server: Server | None) -> int:
    """Generate, then watch until stopped (Ctrl-C), generating again after each batch of changes."""
    result = _generate(runs)
    if result is None:
        return EXIT_ERROR
    config = result[1]
    if server is not None:
        server.start(config.out, config.package)
        print(f"docgen: serving {config.package}.app:app at {server.url}", file=sys.stderr)
    targets = Targets.of(config)
    while True:
        roots = targets.roots()
        if not roots:
            print("docgen: error: nothing left to watch (the pages are gone)", file=sys.stderr)
            return EXIT_ERROR
        shown = ", ".join(_shown(root) + (os.sep if root.is_dir() else "") for root in roots)
        batches = watchfiles.watch(
            *roots, watch_filter=targets.wanted, debounce=_DEBOUNCE_MS, step=_STEP_MS,
            rust_timeout=_WAKE_MS, yield_on_timeout=True,
        )
        for number, changes in enumerate(batches):
            if number == 0:  # the watcher is in place once it has answered
                print(f"docgen: watching {shown} (Ctrl-C stops)", file=sys.stderr)
            status = None if server is None else server.exited()
            if status is not None:
                print(f"docgen: watch: the server stopped (exit {status}); it restarts after the next run", file=sys.stderr)
            if not changes:
                continue
            print(_describe(changes), file=sys.stderr)
            config = _run(runs, config, server)
            now = Targets.of(config)
            if now != targets or targets.files_touched(changes):
                targets = now
                break  # watch again: other paths, or a file replaced by its editor


@contextmanager
def _stopped_by_signals() -> Iterator[list[int]]:
    """SIGTERM and SIGHUP stop the watch as Ctrl-C does; yields [the signal that stopped it]."""
    stopped = [int(signal.SIGINT)]
    if threading.current_thread() is not threading.main_thread():
        yield stopped
        return

    def stop(signum: int, frame: object) -> None:
        stopped[0] = signum
        raise KeyboardInterrupt

    kinds = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    saved = {kind: signal.signal(kind, stop) for kind in kinds}
    try:
        yield stopped
    finally:
        for kind, handler in saved.items():
            signal.signal(kind, handler)


def watch(args: argparse.Namespace, runs: Runs) -> int:
    """``docgen watch``: runs until stopped; exit 128 + the signal (130 for Ctrl-C), 2 when
    the settings, the pages or ``--serve`` cannot be used to begin with (:class:`ServeError`
    for ``--serve``)."""
    server = _server(args)
    try:
        with _stopped_by_signals() as stopped:
            try:
                return _loop(runs, server)
            except KeyboardInterrupt:
                print(("\n" if sys.stderr.isatty() else "") + "docgen: watch stopped", file=sys.stderr)
                return 128 + stopped[0]
    finally:
        if server is not None:
            server.close()
