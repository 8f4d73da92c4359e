"""The output folder is a distribution: ``pip install -e generated`` makes the package import anywhere.

The committed ``generated/pyproject.toml`` is built by its real build backend (hatchling, without
build isolation so that nothing is downloaded), and the wheel is installed into a folder of its
own; the README's client snippet then imports from a working folder outside ``generated/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from docgen.config import load_config

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"


def test_the_pyproject_names_the_settings_distribution_and_version() -> None:
    config = load_config(ROOT)
    data = tomllib.loads((GENERATED / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["name"] == config.distribution_name == "financials-api"
    assert data["project"]["version"] == config.version
    assert data["build-system"]["build-backend"] == "hatchling.build"
    assert data["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [config.package]
    assert any(requirement.startswith("pydantic") for requirement in data["project"]["dependencies"])


def test_the_wheel_installs_and_the_client_imports_from_anywhere(tmp_path: Path) -> None:
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    wheel_dir = tmp_path / "wheels"
    built = subprocess.run(
        [*pip, "wheel", "--no-build-isolation", "--no-deps", "-w", str(wheel_dir), str(GENERATED)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheel_dir.glob("financials_api-0.1.0-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "financials_api/v1_0/client/__init__.py" in names and "financials_api/app.py" in names
    assert not any(name.startswith(("tests/", "conftest")) for name in names)  # the tests are not shipped
    site = tmp_path / "site"
    installed = subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(site), str(wheel)], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    snippet = (
        "import financials_api\n"
        "from financials_api.v1_0 import models\n"
        "from financials_api.v1_0.client import Client\n"
        "with Client('http://127.0.0.1:8000/v1.0', token='t') as client:\n"
        "    assert hasattr(client, 'customers')\n"
        "print(models.Customer(display_name='Adatum').display_name, financials_api.__file__)\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(site)}
    ran = subprocess.run([sys.executable, "-c", snippet], cwd=elsewhere, capture_output=True, text=True, env=env)
    assert ran.returncode == 0, ran.stderr
    name, where = ran.stdout.split()
    assert name == "Adatum" and Path(where).is_relative_to(site)
