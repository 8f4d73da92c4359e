"""A pooled run stopped by a signal leaves no process behind and nothing half-written.

SIGKILL (nothing can be cleaned up: the workers must die with their parent), SIGTERM (a CI
timeout: like Ctrl-C, exit 143) and SIGINT (exit 130), each sent to docgen alone while its
process pool parses or formats a doc set of 600 small pages. The workers' ids are read from
``/proc`` while they work; after the parent is gone, none of them may be left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import GET_PAGE, RESOURCE, tree, write

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")


def children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """``pid`` is a process that has not exited (a zombie has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of 300 resources with a get page each: enough for a pool and a few seconds' work."""
    write(tmp_path / "pyproject.toml", '[tool.docgen]\nspecs = "docs"\nout = "gen"\npackage = "shop"\n')
    for n in range(300):
        name = f"gadget{n}"
        write(tmp_path / f"docs/v1.0/resources/{name}.md", RESOURCE.replace("widget", name))
        write(tmp_path / f"docs/v1.0/api/{name}-get.md", GET_PAGE.replace("widget", name))
    return tmp_path


def stop_while_pooled(project: Path, kind: signal.Signals) -> tuple[subprocess.Popen[str], set[int], str]:
    """Start ``generate --jobs 2``, send ``kind`` to it alone once its workers run; the run,
    its workers' ids and its stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "docgen", "generate", "--no-cache", "--jobs", "2"]
    log = project / "stderr.txt"  # a file, not a pipe: a worker left alive would hold a pipe open
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command, cwd=project, stdout=subprocess.DEVNULL, stderr=stderr, text=True, env=env, start_new_session=True
        )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        workers |= children(process.pid)
        time.sleep(0.02)
    assert len(workers) == 2 and process.poll() is None, "the run ended before its pool started"
    process.send_signal(kind)
    try:
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return process, workers, log.read_text()


def assert_none_left(workers: set[int]) -> None:
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = sorted(pid for pid in workers if alive(pid))
    for pid in left:  # do not leave them to the machine either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} worker(s) outlived docgen"


def test_sigkill_takes_the_workers_with_it(project: Path) -> None:
    process, workers, _ = stop_while_pooled(project, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    assert_none_left(workers)


@pytest.mark.parametrize(
    ("kind", "status", "line"),
    [
        (signal.SIGTERM, 143, "docgen: stopped by SIGTERM; the output folder holds the old tree or the new one"),
        (signal.SIGINT, 130, "docgen: interrupted; the output folder holds the old tree or the new one"),
    ],
)
def test_sigterm_stops_like_ctrl_c(project: Path, kind: signal.Signals, status: int, line: str) -> None:
    """One line, the exit status of the signal, no worker left, nothing written."""
    process, workers, err = stop_while_pooled(project, kind)
    assert_none_left(workers)
    assert process.returncode == status, err[-3000:]
    assert "Traceback" not in err
    assert [text for text in err.splitlines() if "stopped" in text or "interrupted" in text] == [line]
    assert err.strip().splitlines()[-1] == line
    assert not (project / "gen").exists() or tree(project / "gen") == {}
    assert not any(p.name.startswith(".docgen-staging") for p in project.iterdir())


FALLBACK = """
import os, time
from docgen import pipeline
pipeline._die_with_parent = lambda: None  # as where the kernel cannot be asked
with pipeline.pool(2) as executor:
    futures = [executor.submit(time.sleep, 60) for _ in range(2)]
    while len(executor._processes) < 2:
        time.sleep(0.01)
    print(" ".join(str(pid) for pid in executor._processes), flush=True)
    time.sleep(60)
"""


def test_without_the_kernel_a_worker_sees_its_parent_go(tmp_path: Path) -> None:
    """The portable fallback alone (no ``PR_SET_PDEATHSIG``): workers exit within a second or so."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", FALLBACK], stdout=subprocess.PIPE, text=True, env=env, start_new_session=True
    )
    assert process.stdout is not None
    workers = {int(pid) for pid in process.stdout.readline().split()}
    assert len(workers) == 2 and all(alive(pid) for pid in workers)
    process.kill()
    process.wait(timeout=60)
    started = time.monotonic()
    assert_none_left(workers)
    assert time.monotonic() - started < 5
