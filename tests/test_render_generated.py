"""The rendered tree works: mypy --strict passes on it, its generated tests pass, its app serves.

Rendered from the hand-built hostile customers doc set (keywords as property
names, ``\"\"\"`` and ``{{`` in descriptions, odd placeholders), into a temporary
folder, and run there in fresh interpreters.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from docgen.config import Config
from docgen.render import render
from test_render_docsets import COMPANY_ID, CREATE_REQUEST, customers_docset

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    for path, text in render(customers_docset(hostile=True), Config(package="financials_api")).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_mypy_strict_passes(tree: Path) -> None:
    mypy = BIN / "mypy"
    if not mypy.exists():
        pytest.skip("mypy is not installed next to this interpreter")
    result = run(
        [str(mypy), "--strict", "--no-incremental", "--python-version", "3.11", "."], tree
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_tests_pass(tree: Path) -> None:
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."], tree)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "16 passed" in result.stdout  # 8 examples, sync and async


def test_the_app_serves_the_documented_create(tree: Path) -> None:
    script = f"""
import httpx, json
from financials_api.v1_0.server.app import app
from financials_api.v1_0.client import Client
transport = httpx.ASGITransport(app=app)
async def main():
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        created = await http.post("/financials/companies/c1/customers", json={CREATE_REQUEST!r})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["id"] and body["lastModifiedDateTime"] and body["displayName"] == "Display Name value"
        missing = await http.get("/financials/companies/c1/customers/nope")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NotFound"
        bad = await http.post("/financials/companies/c1/customers", content=b"{{not json")
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "BadRequest"
        bad = await http.post("/financials/companies/c1/customers", json={{"taxLiable": {{"x": 1}}}})
        assert bad.status_code == 400, bad.text
        seeded = await http.get("/financials/companies/{COMPANY_ID}")
        assert seeded.status_code == 200 and seeded.json()["name"] == "CRONUS"
import anyio
anyio.run(main)
print("ok")
"""
    result = run([sys.executable, "-c", script], tree)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout + result.stderr
