"""The generated app imports what its requests need: models on first use, routers on the first
request one of their routes may answer, in the order eager inclusion gives."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"


def run(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_importing_the_app_imports_no_router_and_no_model() -> None:
    out = run(
        """
        import sys
        from financials_api.v1_0.server.app import app
        print(sorted(m for m in sys.modules if ".routers." in m or ".models." in m))
        """
    )
    assert out.strip() == "[]"


def test_a_request_imports_the_routers_that_may_answer_it_and_the_models_they_use() -> None:
    out = run(
        """
        import sys
        from fastapi.testclient import TestClient
        from financials_api.v1_0.server.app import app

        client = TestClient(app)
        loaded = lambda: sorted(m.rsplit(".", 2)[-2] + "." + m.rsplit(".", 1)[-1] for m in sys.modules if ".routers." in m or ".models." in m)
        assert client.get("/financials/companies").status_code == 200
        print(loaded())
        created = client.post("/financials/companies/c1/customers", json={"displayName": "Adatum", "address": {"city": "Oslo"}})
        assert created.status_code == 201, created.text
        assert created.json()["address"] == {"city": "Oslo"}
        print(loaded())
        assert client.get("/nowhere").status_code == 404
        print(loaded())
        """
    )
    first, second, third = out.strip().splitlines()
    assert first == "['routers.company']"
    assert second == "['models.customer', 'models.postal_address_type', 'routers.company', 'routers.customer']"
    assert third == second  # a path no route may match imports nothing


def test_routes_are_served_in_the_order_eager_inclusion_gives() -> None:
    out = run(
        """
        from fastapi import FastAPI
        from fastapi.testclient import TestClient
        from financials_api._runtime.server import include_routers
        from financials_api.v1_0.server import app as module
        from financials_api.v1_0.server.routers import company, customer

        lazy = module.create_app()
        TestClient(lazy).get("/financials/companies/c1/customers")  # customer's router first
        TestClient(lazy).get("/financials/companies")
        eager = FastAPI()
        include_routers(eager, [company.router, customer.router])
        key = lambda app: [(r.path, sorted(getattr(r, "methods", ()))) for r in app.router.routes]
        assert key(lazy) == key(eager), (key(lazy), key(eager))
        assert sorted(module.ROUTERS) == ["company", "customer"]
        print(len(lazy.routes))
        """
    )
    assert int(out) > 4


def test_models_imported_from_the_package_resolve_their_references() -> None:
    out = run(
        """
        from financials_api.v1_0.models import Company
        from financials_api.v1_0 import models

        company = Company.model_validate({"customers": [{"displayName": "A", "address": {"city": "Oslo"}}]})
        print(type(company.customers[0]).__name__, type(company.customers[0].address).__name__)
        print("PostalAddressType" in dir(models))
        """
    )
    assert out.split() == ["Customer", "PostalAddressType", "True"]


def _resource(name: str, rows: list[str], inherits: str = "") -> str:
    base = f"\nInherits from [{inherits}]({inherits.lower()}.md)\n" if inherits else ""
    return (
        f"# {name} resource type\n\nNamespace: microsoft.graph\n\nA {name}.\n{base}\n## Properties\n\n"
        "|Property|Type|Description|\n|:---|:---|:---|\n" + "".join(f"|{row}|\n" for row in rows)
    )


def test_a_subclass_finds_what_its_base_class_names(tmp_path: Path) -> None:
    resources = tmp_path / "specs" / "v1.0" / "resources"
    resources.mkdir(parents=True)
    (resources / "policy.md").write_text(_resource("policy", ["id|String|The id.", "status|[status](status.md)|The status."]))
    (resources / "status.md").write_text(_resource("status", ["state|String|The state."]))
    (resources / "iospolicy.md").write_text(_resource("iosPolicy", ["pin|Boolean|A PIN."], "policy"))
    (resources / "macpolicy.md").write_text(_resource("macPolicy", ["seal|Boolean|A seal."], "policy"))
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "generate", "--specs", "specs", "--out", "out", "--package", "pol", "--no-cache"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    script = """
        from pol.v1_0 import models
        for name in ("MacPolicy", "IosPolicy", "Policy"):  # the base is imported with the first, named by the second
            model = getattr(models, name)
            value = model.model_validate({"id": "p1", "status": {"state": "on"}})
            print(name, type(value.status).__name__, value.status.state)
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], cwd=tmp_path / "out", capture_output=True, text=True,
        timeout=300, env={"PYTHONPATH": str(tmp_path / "out"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split("\n")[:3] == ["MacPolicy Status on", "IosPolicy Status on", "Policy Status on"]
