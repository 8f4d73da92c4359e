"""What the files of a folder hold, known by their status: a file whose size, times and
inode are those recorded with its digest (by a run on this machine, the status old
enough to be trusted) is not read again.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
from collections.abc import Iterable
from pathlib import Path

from docgen.cache import Cache, digest, dumps, loads_checked

__all__ = ["disk_digests", "output_matches", "remember_files", "seen_files"]



def _stat_key(kind: str, folder: Path) -> tuple[bytes, str]:
    tag = f"{kind}:{os.path.abspath(folder)}"
    return digest("stat", tag), tag


def _is_seen(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(stat, tuple) and len(stat) == 5 and isinstance(sha, bytes) for stat, sha in value.values()
    )


def seen_files(cache: Cache | None, kind: str, folder: Path) -> dict[str, tuple[tuple[int, int, int, int, int], bytes]]:
    """Files under ``folder`` whose status and digest an earlier run recorded."""
    if cache is None:
        return {}
    key, _ = _stat_key(kind, folder)
    payload = cache.get("stat", key)
    found = None if payload is None else loads_checked(payload, _is_seen)
    return found if found is not None else {}


def remember_files(
    cache: Cache | None,
    kind: str,
    folder: Path,
    before: dict[str, tuple[tuple[int, int, int, int, int], bytes]],
    now: dict[str, tuple[tuple[int, int, int, int, int], bytes]],
) -> None:
    if cache is not None and now != before:
        key, tag = _stat_key(kind, folder)
        cache.put("stat", key, tag, dumps(now))


def _listed(manifest: str) -> Iterable[tuple[str, str]]:
    for line in manifest.splitlines():
        if line and not line.startswith("#"):
            sha, path = line.split("  ", 1)
            yield sha, path


def disk_digests(out: Path, paths: Iterable[str], cache: Cache | None) -> dict[str, bytes]:
    """The SHA-256 of each of ``paths`` that is a regular file in ``out``: from the status
    recorded with it when that status is unchanged, else read (and recorded)."""
    import time

    from docgen.pipeline import file_stat, trusted

    seen = seen_files(cache, "out", out)
    now = time.time_ns()
    found: dict[str, bytes] = {}
    checked = dict(seen)
    for path in paths:
        target = os.path.join(out, path)
        try:
            result = os.lstat(target)
            if not stat_module.S_ISREG(result.st_mode):
                continue
            stat = file_stat(result)
            known = seen.get(target)
            if known is not None and known[0] == stat:
                found[path] = known[1]
                continue
            with open(target, "rb") as stream:
                data = stream.read()
        except OSError:
            continue
        found[path] = sha = hashlib.sha256(data).digest()
        if trusted(stat, now) and len(data) == stat[0]:
            checked[target] = (stat, sha)
    remember_files(cache, "out", out, seen, checked)
    return found


def output_matches(out: Path, manifest: str, cache: Cache | None = None) -> bool:
    """``out`` holds exactly the files ``manifest`` lists with those bytes, and that manifest.

    Then :func:`docgen.output.check_tree` would report nothing and
    :func:`docgen.output.write_tree` would change nothing. Files whose status
    (size, times, inode) is the one recorded when their bytes were last hashed
    are not read again.
    """
    import time

    from docgen.output import MANIFEST, staging_dir
    from docgen.pipeline import file_stat, trusted

    seen = seen_files(cache, "out", out)
    now = time.time_ns()
    checked: dict[str, tuple[tuple[int, int, int, int, int], bytes]] = {}
    try:
        if (out / MANIFEST).read_bytes() != manifest.encode("utf-8"):
            return False
        if os.path.lexists(staging_dir(out)):
            return False  # an interrupted run to undo, or its leftovers to remove
        lines = list(_listed(manifest))
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
