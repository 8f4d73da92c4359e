"""The content-addressed cache: one SQLite database in ``.docgen-cache/``.

Every entry is found by a key that hashes everything its value was made from,
so an entry is either right or never asked for; nothing is ever invalidated by
hand. Four kinds of entries:

* ``page``: a page's parse result, keyed by the page's bytes, path, default
  version, docgen's version and the source of docgen's parser;
* ``render``: one output file before formatting, keyed by what the file is made
  from (see :mod:`docgen.produce`), the templates and docgen's source;
* ``format``: black's output, keyed by black's input, black's version and mode;
* ``run``: a whole run, keyed by every page and setting: the diagnostics and the
  list of output files, so that a run with nothing changed parses nothing.

Storage is one database in WAL mode: thousands of entries open in one read,
and concurrent runs (two hooks at once) are serialised by SQLite's own
locking. Each value carries a header (magic, format) and a checksum of its
payload; a value that fails either check is dropped and rebuilt, never used. A
database SQLite cannot read (truncated, overwritten, not a database, another
program's) is deleted and created afresh. The cache is an optimisation only:
when it cannot be read or written, docgen says so once and goes on without it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import docgen
from docgen import _codec, model

__all__ = [
    "DIRNAME",
    "Cache",
    "CacheStats",
    "digest",
    "dist_version",
    "dumps",
    "interface_digest",
    "loads",
    "loads_checked",
    "source_digest",
]

DIRNAME = ".docgen-cache"
"""Default name of the cache folder (beside ``pyproject.toml``)."""

DATABASE = "cache.sqlite"
FORMAT = "docgen-cache 2"
"""Written into the database; a database holding another value is rebuilt."""

_MAGIC = b"DGC3"
_SUM = 4  # bytes of CRC-32 after the magic: enough to catch damage, and fast
_BUSY_MS = 60_000


# --------------------------------------------------------------------- keys


def digest(*parts: bytes | str) -> bytes:
    """SHA-256 of the parts, each length-prefixed (so ``("ab", "c") != ("a", "bc")``)."""
    data = [part.encode("utf-8") if isinstance(part, str) else part for part in parts]
    return hashlib.sha256(b"".join([len(d).to_bytes(8, "little") + d for d in data])).digest()


def source_digest(folders: Iterable[Path], files: Iterable[Path] = ()) -> bytes:
    """A digest of the ``*.py`` files under ``folders`` and of ``files``, by relative name."""
    h = hashlib.sha256()
    paths: list[tuple[str, Path]] = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                paths.append((path.relative_to(folder.parent).as_posix(), path))
    paths += [(path.name, path) for path in files]
    for name, path in sorted(paths):
        h.update(digest(name, path.read_bytes()))
    return h.digest()


def _package_dir() -> Path:
    return Path(docgen.__file__).parent


_parser_digest: bytes | None = None


def parser_digest() -> bytes:
    """What a page's parse result depends on besides the page: docgen's parser and its libraries."""
    global _parser_digest
    if _parser_digest is None:
        root = _package_dir()
        names = ("model.py", "diagnostics.py", "names.py", "pipeline.py", "cache.py", "_codec.py")  # names: DG207
        libraries = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "json-repair")
        _parser_digest = digest(
            docgen.__version__,
            sys.version,
            source_digest([root / "parse"], [root / name for name in names]),
            *(f"{name}={dist_version(name)}" for name in libraries),
        )
    return _parser_digest


_installed: dict[str, str] | None = None


def _normalise(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def dist_version(name: str) -> str:
    """The installed version of a distribution, ``-`` when it is not installed.

    Read from the names of the ``*.dist-info`` folders on ``sys.path`` (one listing
    per folder, a few milliseconds), falling back to :mod:`importlib.metadata`,
    which scans every folder again on every call.
    """
    global _installed
    if _installed is None:
        _installed = {}
        for entry in sys.path:
            with contextlib.suppress(OSError):
                for found in os.listdir(entry or "."):
                    stem = found.removesuffix(".dist-info")
                    if stem != found and stem.count("-") == 1:
                        dist, number = stem.split("-")
                        _installed.setdefault(_normalise(dist), number)
    known = _installed.get(_normalise(name))
    if known is not None:
        return known
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


# --------------------------------------------------------------------- values


def dumps(value: object) -> bytes:
    """The stored form of ``value`` (see :mod:`docgen._codec`: JSON, never pickle)."""
    return _codec.dumps(value)


def loads(data: bytes) -> Any:
    """The value stored in ``data``; raises :class:`docgen._codec.CodecError` when it is not one."""
    return _codec.loads(data)


def loads_checked(data: bytes, fits: Any) -> Any:
    """The value stored in ``data`` when ``fits(value)`` holds, else None.

    Decoding builds plain data and docgen's model classes only, so an entry that
    someone else wrote cannot run code; one that does not decode, or that has the
    wrong shape, is a miss, like a damaged entry.
    """
    try:
        value = _codec.loads(data)
    except _codec.CodecError:
        return None
    try:
        return value if fits(value) else None
    except Exception:
        return None


# --------------------------------------------------------------------- interface


_PROSE = frozenset({"description", "title", "examples", "links", "diagnostics"})
"""Fields that only reach the files made from their own page (see :func:`interface_digest`)."""


def interface_digest(page: model.PageModel) -> bytes:
    """A digest of what a page can contribute to files made from *other* pages.

    That is the page model without descriptions, titles, examples, links,
    diagnostics and line numbers: names, kinds, types, paths and properties,
    which linking and naming read across pages. Any field not named in
    ``_PROSE`` (a new one too) is part of it, so the digest errs on the side of
    changing.
    """
    return hashlib.sha256(_codec.blanked_dumps(page, _PROSE)).digest()


# --------------------------------------------------------------------- storage


def _checksum(kind: str, key: bytes, payload: bytes) -> bytes:
    return zlib.crc32(payload, zlib.crc32(key, zlib.crc32(kind.encode()))).to_bytes(_SUM, "little")


def _frame(kind: str, key: bytes, payload: bytes) -> bytes:
    """The stored form of a value: magic, then a checksum of kind, key and payload, then the payload."""
    return _MAGIC + _checksum(kind, key, payload) + payload


def _unframe(kind: str, key: bytes, value: object) -> bytes | None:
    """The payload of a stored value, or None when it is not one of ours, is damaged,
    or was stored under another key (a copied or foreign entry)."""
    if not isinstance(value, bytes) or value[: len(_MAGIC)] != _MAGIC:
        return None
    head = len(_MAGIC) + _SUM
    payload = value[head:]
    if _checksum(kind, key, payload) != value[len(_MAGIC) : head]:
        return None
    return payload


@dataclasses.dataclass(slots=True)
class CacheStats:
    """What a run found in the cache."""

    hits: dict[str, int] = dataclasses.field(default_factory=dict)
    misses: dict[str, int] = dataclasses.field(default_factory=dict)
    dropped: int = 0
    """Entries that failed their checksum and were thrown away."""
    rebuilt: bool = False
    """The database could not be read and was created afresh."""
    problem: str | None = None
    """Why the cache was given up on for this run, if it was."""


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries(kind TEXT NOT NULL, key BLOB NOT NULL, tag TEXT NOT NULL,"
    " value BLOB NOT NULL, PRIMARY KEY (kind, key))",
    "CREATE INDEX IF NOT EXISTS entries_tag ON entries(kind, tag)",
)


class Cache:
    """The cache database of one project.

    Reads never raise: a damaged database is rebuilt, a damaged entry is a miss.
    Writes never raise either: when the database is busy for a minute or cannot
    be written, the entries are not kept and :attr:`stats` says why.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stats = CacheStats()
        self._db: sqlite3.Connection | None = None
        self._opened = False

    # ----------------------------------------------------------------- connection

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialise creating and rebuilding the database between processes (POSIX)."""
        try:
            import fcntl
        except ImportError:
            yield
            return
        fd = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.folder / DATABASE, timeout=_BUSY_MS / 1000, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            found = None
            with contextlib.suppress(sqlite3.OperationalError):  # no meta table yet
                row = db.execute("SELECT value FROM meta WHERE name='format'").fetchone()
                found = row[0] if row else None
            if found != FORMAT:
                tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                if found is not None or tables:
                    raise sqlite3.DatabaseError(f"not a {FORMAT} database")
                db.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))
                db.execute("COMMIT")
        except BaseException:
            db.close()
            raise
        return db

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                (self.folder / (DATABASE + suffix)).unlink()

    def _open(self) -> sqlite3.Connection | None:
        if self._opened:
            return self._db
        self._opened = True
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._check_files()
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# docgen's cache: safe to delete, never commit\n*\n", encoding="utf-8")
            with self._lock():
                try:
                    self._db = self._connect()
                except sqlite3.DatabaseError:  # OperationalError included
                    self._remove_files()
                    self.stats.rebuilt = True
                    self._db = self._connect()
        except (OSError, sqlite3.Error) as error:
            self._give_up(error)
        return self._db

    def _check_files(self) -> None:
        """The folder and every file the cache writes in it are real: no symlink leads a write elsewhere."""
        if self.folder.is_symlink():
            raise OSError(f"{self.folder} is a symlink; docgen keeps its cache in a real folder only")
        for name in (".gitignore", "lock", DATABASE, DATABASE + "-wal", DATABASE + "-shm"):
            path = self.folder / name
            if path.is_symlink() or (path.exists() and not path.is_file()):
                raise OSError(f"{path} is a symlink or not a file; remove it")

    def _give_up(self, error: BaseException) -> None:
        self.stats.problem = f"{self.folder}: {error}"
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None

    def _damaged(self, error: sqlite3.Error) -> None:
        """The database failed under a query: drop it, so the next run starts afresh."""
        self._give_up(error)
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            return
        with contextlib.suppress(OSError), self._lock():
            self._remove_files()
        self.stats.rebuilt = True

    def close(self) -> None:
        """Close the connection (before forking workers: a connection must not cross a fork).

        The next read or write opens it again.
        """
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        if self.stats.problem is None:
            self._opened = False

    # ----------------------------------------------------------------- reads

    def _check(self, kind: str, rows: Iterable[tuple[bytes, object]]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        bad: list[bytes] = []
        for key, value in rows:
            payload = _unframe(kind, key, value)
            if payload is None:
                bad.append(key)
            else:
                found[key] = payload
        if bad:
            self.stats.dropped += len(bad)
            self._delete(kind, bad)
        return found

    def get_all(self, kind: str) -> dict[bytes, bytes]:
        """Every sound entry of ``kind``: key -> payload."""
        db = self._open()
        if db is None:
            return {}
        try:
            rows = db.execute("SELECT key, value FROM entries WHERE kind=?", (kind,)).fetchall()
        except sqlite3.Error as error:
            self._damaged(error)
            return {}
        return self._check(kind, rows)

    def get(self, kind: str, key: bytes) -> bytes | None:
        """One entry's payload, None when absent or damaged."""
        db = self._open()
        if db is None:
            return None
        try:
            rows = db.execute("SELECT key, value FROM entries WHERE kind=? AND key=?", (kind, key)).fetchall()
        except sqlite3.Error as error:
            self._damaged(error)
            return None
        found = self._check(kind, rows).get(key)
        self.count(kind, found is not None)
        return found

    def count(self, kind: str, hit: bool, n: int = 1) -> None:
        table = self.stats.hits if hit else self.stats.misses
        table[kind] = table.get(kind, 0) + n

    # ----------------------------------------------------------------- writes

    def _delete(self, kind: str, keys: list[bytes]) -> None:
        db = self._db
        if db is None:
            return
        try:
            db.executemany("DELETE FROM entries WHERE kind=? AND key=?", [(kind, k) for k in keys])
        except sqlite3.Error:
            pass  # the next write or run tries again

    def put_many(self, kind: str, items: Iterable[tuple[bytes, str, bytes]]) -> None:
        """Store ``(key, tag, payload)`` entries; an entry replaces the others of its tag.

        The tag names what the entry is for (a page's path, an output file):
        keeping one entry per tag keeps the cache the size of the doc set.
        """
        rows = [(kind, key, tag, _frame(kind, key, payload)) for key, tag, payload in items]
        db = self._open()
        if db is None or not rows:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "DELETE FROM entries WHERE kind=? AND tag=? AND key<>?",
                    [(kind, tag, key) for kind, key, tag, _ in rows],
                )
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as error:
            self._damaged(error)

    def put(self, kind: str, key: bytes, tag: str, payload: bytes) -> None:
        self.put_many(kind, [(key, tag, payload)])
