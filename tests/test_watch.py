"""``docgen watch``: real edits to a copy of specs/ are seen, generated again, reported, and
served; Ctrl-C stops the watch and its server. Every wait is for something observable,
with a deadline."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from docgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 30.0
MODEL = "generated/financials_api/v1_0/models/customer.py"
CUSTOMER = "specs/v1.0/resources/customer.md"
GET_PAGE = "specs/v1.0/api/customer-get.md"
DELETE_PAGE = "specs/v1.0/api/customer-delete.md"
DELETE_LINE = "DELETE /financials/companies/{companyId}/customers/{customerId}\n"
NEW_ROW = "|loyaltyTier|String|The loyalty tier of the customer.|\n"


def wait_for(what: str, condition: Callable[[], object], log: Path | None = None) -> None:
    """Poll ``condition`` until it holds; fail after DEADLINE seconds (with the watch's log)."""
    end = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > end:
            shown = log.read_text(encoding="utf-8")[-4000:] if log is not None else ""
            pytest.fail(f"not seen within {DEADLINE:.0f} s: {what}\n--- watch log ---\n{shown}")
        time.sleep(0.05)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Watch:
    """``python -m docgen watch`` running in a project, its stderr in a file."""

    def __init__(self, project: Path, *args: str) -> None:
        self.log = project / "watch.log"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop("CI", None)
        with open(self.log, "wb") as stream:
            command = [sys.executable, "-m", "docgen", "watch", "-j", "1", *args]
            self.process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=stream)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def count(self, needle: str) -> int:
        return self.text().count(needle)

    def until(self, what: str, condition: Callable[[], object]) -> None:
        def holds() -> object:
            assert self.process.poll() is None, f"the watch ended (exit {self.process.returncode}):\n{self.text()}"
            return condition()

        wait_for(what, holds, self.log)

    def until_logged(self, needle: str, times: int = 1) -> None:
        self.until(f"{needle!r} logged {times} times", lambda: self.count(needle) >= times)

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(DEADLINE)
        finally:
            self.process.kill()


@pytest.fixture(scope="module")
def warm_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """specs/ in a project of its own, generated once (so that the cache is warm)."""
    project = tmp_path_factory.mktemp("watch")
    shutil.copytree(ROOT / "specs", project / "specs")
    (project / "pyproject.toml").write_text(
        '[tool.docgen]\nspecs = "specs"\nout = "generated"\npackage = "financials_api"\n', encoding="utf-8"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "docgen", "generate"], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return project


@pytest.fixture
def project(tmp_path: Path, warm_project: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(warm_project, copy)
    return copy


@pytest.fixture
def watching(project: Path) -> Iterator[Callable[..., Watch]]:
    started: list[Watch] = []

    def start(*args: str) -> Watch:
        watch = Watch(project, *args)
        started.append(watch)
        watch.until_logged("docgen: watching")
        return watch

    yield start
    for watch in started:
        if watch.process.poll() is None:
            watch.process.kill()
            watch.process.wait()


def test_edits_are_generated_reported_and_the_watch_goes_on(project: Path, watching: Callable[..., Watch]) -> None:
    watch = watching()
    model = project / MODEL
    assert "loyalty_tier" not in model.read_text(encoding="utf-8")

    edit(project / CUSTOMER, "|blocked|String|", NEW_ROW + "|blocked|String|")
    watch.until("the model gains the field", lambda: "loyalty_tier" in model.read_text(encoding="utf-8"))
    watch.until_logged("docgen: watch: done in")
    assert f"docgen: watch: {CUSTOMER} changed" in watch.text()
    assert "docgen: wrote generated: 0 created, 2 updated, 0 removed" in watch.text()  # the model, the OpenAPI document

    lines = (project / GET_PAGE).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if '"displayName": ' in text)
    edit(project / GET_PAGE, '"displayName": ', '"displayName" ')  # a missing colon
    watch.until_logged(f"{GET_PAGE}:{line}:17: warning DG301 example JSON is malformed")
    watch.until_logged("docgen: watch: done in", 2)

    edit(project / DELETE_PAGE, DELETE_LINE, "")  # an error: no request line
    watch.until_logged(f"{DELETE_PAGE}:1:1: error DG101")
    watch.until_logged("docgen: watch: errors above")

    edit(project / CUSTOMER, NEW_ROW, "")
    watch.until("the model loses the field", lambda: "loyalty_tier" not in model.read_text(encoding="utf-8"))

    pyproject, saved = project / "pyproject.toml", project / "pyproject.toml.new"
    for n in (1, 2):  # saved by renaming, as many editors do: the second save is seen too
        saved.write_text(pyproject.read_text(encoding="utf-8") + f"# save {n}\n", encoding="utf-8")
        os.replace(saved, pyproject)
        watch.until_logged("docgen: watch: pyproject.toml changed", n)
        watch.until_logged("docgen: watching", n + 1)

    assert watch.interrupt() == 130
    assert "docgen: watch stopped" in watch.text() and "Traceback" not in watch.text()


def openapi(url: str) -> dict[str, object]:
    try:
        response = httpx.get(f"{url}/v1.0/openapi.json", timeout=DEADLINE)
    except httpx.TransportError:
        return {}
    if response.status_code != 200:
        return {}
    found: dict[str, object] = response.json()
    return found


def test_the_server_serves_each_good_run_and_keeps_the_last_good_tree(
    project: Path, watching: Callable[..., Watch]
) -> None:
    watch = watching("--serve", "--port", "0")
    found = re.search(r"docgen: serving financials_api\.app:app at (http://127\.0\.0\.1:\d+)", watch.text())
    assert found, watch.text()
    url = found.group(1)
    watch.until("the app answers", lambda: openapi(url))
    delete_path = "/financials/companies/{company_id}/customers/{customer_id}"
    assert "loyaltyTier" not in json.dumps(openapi(url))

    edit(project / CUSTOMER, "|blocked|String|", NEW_ROW + "|blocked|String|")
    watch.until("the new property is served", lambda: "loyaltyTier" in json.dumps(openapi(url)))
    assert "delete" in openapi(url)["paths"][delete_path]  # type: ignore[index]

    edit(project / DELETE_PAGE, DELETE_LINE, "")  # an error: the run writes what it can
    watch.until_logged("the server keeps serving the last good tree")
    assert "delete" in openapi(url)["paths"][delete_path]  # type: ignore[index]

    edit(project / DELETE_PAGE, "``` http\n```", "``` http\n" + DELETE_LINE + "```")
    watch.until_logged("docgen: watch: done in", 2)
    assert watch.count("; server restarted") == 2
    assert "delete" in openapi(url)["paths"][delete_path]  # type: ignore[index]

    assert watch.interrupt() == 130
    assert "Traceback" not in watch.text()
    host, port = url.removeprefix("http://").split(":")
    with pytest.raises(ConnectionRefusedError), socket.create_connection((host, int(port)), timeout=5):
        pass  # the server process is gone: nobody holds the socket any more


def test_serving_flags_without_serve_and_a_port_in_use_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--port", "8123"]) == 2
    assert "--host and --port go with --serve" in capsys.readouterr().err
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["watch", "--serve", "--port", str(port)]) == 2
    assert f"cannot serve on 127.0.0.1:{port}" in capsys.readouterr().err
