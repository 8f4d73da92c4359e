"""Every generated file type-checks, whatever the docs say (tests/docsets/kinds).

The doc set has a client method of every kind (model, iterator, delta, content download,
accepted, none, any), each with documented query parameters and request headers beyond the
standard ones; uploads returning a model, a 202 and nothing; a download answered with a
redirect. A 202 or a download that documents options once used ``_params``/``_headers``
without defining them: a NameError at the call, and ``mypy --strict`` failed. The sample's
output is type-checked by ``test_corpus_sample.py`` (skipped without the corpus).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.config import Config
from docgen.pipeline import build, load_pages
from docgen.render.views import VersionContext

ROOT = Path(__file__).resolve().parents[1]
KINDS = ROOT / "tests" / "docsets" / "kinds"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kinds")
    assert main(["generate", "--no-cache", "--specs", str(KINDS), "--out", str(out), "--package", "kinds"]) == 0
    return out


def run(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=tree, capture_output=True, text=True, timeout=600, check=False)


def test_the_doc_set_crosses_every_kind_with_options_headers_and_uploads() -> None:
    version = build(load_pages(KINDS, Config())).versions[0]
    context = VersionContext("kinds", version)
    views = [context.operation_view(op) for resource in version.resources for op in resource.operations]
    kinds = {view.kind for view in views}
    assert kinds == {"model", "iterator", "delta", "content", "accepted", "none", "any"}
    for kind in kinds:
        assert any(v.kind == kind and v.query and v.headers for v in views), kind
    assert {v.kind for v in views if v.upload} == {"model", "accepted", "none"}
    assert all(v.query and v.headers for v in views)


def test_mypy_strict_passes_on_the_output(tree: Path) -> None:
    checked = run(tree, "-m", "mypy", "--strict", "--no-incremental", ".")
    assert checked.returncode == 0, checked.stdout[-4000:]


def test_a_202_and_a_download_send_their_documented_options(tree: Path) -> None:
    script = """
    from kinds._runtime.query import NO_QUERY
    from kinds._runtime.server import Content
    from kinds._runtime.testing import SyncASGITransport
    from kinds.v1_0.client import Client
    from kinds.v1_0.server.app import create_app
    from kinds.v1_0.server.memory import InMemoryService
    from kinds.v1_0.server.memory_services.item import InMemoryItemService

    seen = []

    class Spy(InMemoryItemService):
        async def process(self, *, path, item_id, body, query=NO_QUERY, prefer=None):
            seen.append((item_id, body, query.params, prefer))
            return None

        async def get_content(self, *, path, item_id, query=NO_QUERY, if_none_match=None):
            seen.append((item_id, query.params, if_none_match))
            return Content(b"%PDF", "application/pdf")

    service = InMemoryService()
    service.items = Spy(service.store)
    with Client("http://t", transport=SyncASGITransport(create_app(service))) as client:
        assert client.items.process(item_id="i1", body={"steps": ["scan"]}, priority="high", prefer="respond-async") is None
        got = client.items.get_content(item_id="i1", format="pdf", if_none_match='"1"')
        assert (got.data, got.media_type) == (b"%PDF", "application/pdf")
        location = client.items.import_(item_id="i1", body="a,b", mode="append", prefer="respond-async")
        assert location is None or location.startswith("http"), location
    assert seen == [
        ("i1", {"steps": ["scan"]}, {"priority": "high"}, "respond-async"),
        ("i1", {"format": "pdf"}, '"1"'),
    ], seen
    print("ok")
    """
    ran = run(tree, "-c", textwrap.dedent(script))
    assert ran.returncode == 0 and ran.stdout.strip().endswith("ok"), ran.stdout + ran.stderr


def test_the_generated_tests_pass(tree: Path) -> None:
    result = run(tree, "-m", "pytest", "-q", "-p", "no:cacheprovider", ".")
    assert result.returncode == 0, result.stdout[-4000:]
