"""Incremental equals cold: after any sequence of edits, a run with the cache of all the runs
before it writes exactly the tree a run from scratch writes, and ``check`` passes.

Each round applies one random edit of one kind (prose, example values and paths, property
rows and types, renamed properties, deleted and added pages, changed links, added
examples, a template, a setting) to a copy of a doc set, then compares the incremental
tree with a cold one. The cold run parses and renders everything; it shares only the
formatter's outputs (a pure function of their input) so that rounds stay fast.

``DOCGEN_EDIT_ROUNDS`` (default 14) and ``DOCGEN_EDIT_DOCSET`` (a folder of pages; default
this repository's ``specs/``) make a long run, e.g. on the Graph sample::

    DOCGEN_EDIT_ROUNDS=200 DOCGEN_EDIT_DOCSET=../shared/corpus/graph-docs python -m pytest tests/test_incremental_equals_cold.py
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from docgen.cache import DATABASE
from docgen.config import Config, builtin_templates
from docgen.workflow import Options, check, generate

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = int(os.environ.get("DOCGEN_EDIT_ROUNDS", "14"))
DOCSET = Path(os.environ.get("DOCGEN_EDIT_DOCSET", ROOT / "specs"))


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


class Edits:
    """The kinds of edit, each a function of the project and a random source; each returns
    what it did, or None when it found nothing to edit."""

    def __init__(self, project: Path, rng: random.Random) -> None:
        self.project = project
        self.specs = project / "specs"
        self.rng = rng
        self.count = 0

    def pages(self, pattern: str = "") -> list[Path]:
        return [p for p in sorted(self.specs.rglob("*.md")) if re.search(pattern, p.read_text(encoding="utf-8"), flags=re.M)]

    def sub(self, pattern: str, change: Callable[[re.Match[str]], str], where: str = "") -> str | None:
        """Replace one random match of ``pattern`` in one random page that has it."""
        candidates = self.pages(pattern if not where else where)
        self.rng.shuffle(candidates)
        for page in candidates:
            text = page.read_text(encoding="utf-8")
            found = list(re.finditer(pattern, text, flags=re.M))
            if not found:
                continue
            match = self.rng.choice(found)
            page.write_text(text[: match.start()] + change(match) + text[match.end() :], encoding="utf-8")
            return f"{page.relative_to(self.specs)}:{text.count(chr(10), 0, match.start()) + 1}"
        return None

    def unique(self) -> int:
        self.count += 1
        return self.count

    # ----------------------------------------------------------------- the kinds

    def prose(self) -> str | None:
        return self.sub(r"^(Here is an example of the \w+\.|Namespace: [\w.]+)$", lambda m: m[0] + f" Edited {self.unique()}.")

    def example_value(self) -> str | None:
        return self.sub(r'"(displayName|number|email|city)": "([^"]*)"', lambda m: f'"{m[1]}": "{m[2]} {self.unique()}"')

    def example_path(self) -> str | None:
        """An example's URL moved: the version's routing (example-only paths) may change."""
        return self.sub(r"^(GET|PATCH|DELETE|POST) (https://graph\.microsoft\.com/[\w.]+/\S+)$", lambda m: f"{m[1]} {m[2]}/extra{self.unique()}")

    def property_type(self) -> str | None:
        types = ["String", "Int32", "Boolean", "Edm.Date", "Double", "Guid"]
        return self.sub(r"^\|(\w+)\|(String|Int32|Boolean|Edm\.Date|Double|Guid|Date)\|", lambda m: f"|{m[1]}|{self.rng.choice(types)}|")

    def property_rename(self) -> str | None:
        return self.sub(r"^\|(\w+)\|(\w[\w.]*)\|", lambda m: f"|{m[1]}Renamed{self.unique()}|{m[2]}|")

    def property_added(self) -> str | None:
        return self.sub(r"^(\|:-+\|:-+\|:-+\|)$", lambda m: f"{m[0]}\n|added{self.unique()}|String|An added property.|", where=r"^\|Property\|Type\|")

    def page_deleted(self) -> str | None:
        pages = self.pages()
        if len(pages) <= 3:
            return None
        page = self.rng.choice(pages)
        page.unlink()
        return f"deleted {page.relative_to(self.specs)}"

    def page_added(self) -> str | None:
        sources = self.pages(r"^GET /")
        if not sources:
            return None
        source = self.rng.choice(sources)
        n = self.unique()
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"^(GET /\S+)$", lambda m: f"{m[1]}/copies{n}", text, count=1, flags=re.M)
        text = re.sub(r"^# (.+)$", lambda m: f"# {m[1]} copy {n}", text, count=1, flags=re.M)
        target = source.with_name(f"{source.stem}-copy{n}.md")
        target.write_text(text, encoding="utf-8")
        return f"added {target.relative_to(self.specs)}"

    def link(self) -> str | None:
        return self.sub(r"\]\((\.\./resources/)(\w+)\.md\)", lambda m: f"]({m[1]}{self.rng.choice(['customer', 'company', 'nowhere'])}.md)")

    def example_added(self) -> str | None:
        block = r'<!-- \{\s*"blockType": "request",\s*"name": "(\w+)"\s*\}\s*-->\s*``` ?http\n[^`]*```'
        return self.sub(block, lambda m: m[0] + "\n\n" + m[0].replace(m[1], f"{m[1]}_again{self.unique()}"))

    def template(self) -> str | None:
        folder = self.project / "templates"
        folder.mkdir(exist_ok=True)
        name = self.rng.choice(["router.py.jinja", "model.py.jinja", "client_resource.py.jinja"])
        text = (builtin_templates() / name).read_text(encoding="utf-8")
        (folder / name).write_text(text.replace("\n", f"\n# template edit {self.unique()}\n", 1), encoding="utf-8")
        return f"template {name}"

    def setting(self) -> str | None:
        return f"setting version=1.{self.unique()}"


KINDS = [
    "prose", "example_value", "example_path", "property_type", "property_rename", "property_added",
    "page_deleted", "page_added", "link", "example_added", "template", "setting",
]


def share_formatting(source: Path, target: Path) -> None:
    """A cache holding only the formatter's outputs of ``source``."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if not (source / DATABASE).exists():
        return
    db = sqlite3.connect(source / DATABASE)
    db.execute(f"VACUUM INTO '{target / DATABASE}'")
    db.close()
    db = sqlite3.connect(target / DATABASE)
    db.execute("DELETE FROM entries WHERE kind <> 'format'")
    db.commit()
    db.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_runs_equal_cold_runs_after_random_edits(tmp_path: Path, seed: int) -> None:
    project = tmp_path / "project"
    shutil.copytree(DOCSET, project / "specs", ignore=shutil.ignore_patterns(".*"))
    config = Config(specs=project / "specs", out=project / "out", package="api", cache=project / ".cache", root=project)
    options = Options(jobs=1)
    assert generate(config, options).problem is None
    edits = Edits(project, random.Random(seed))
    order = KINDS * (ROUNDS // len(KINDS) + 1)
    random.Random(seed).shuffle(order)
    done = []
    for kind in order[:ROUNDS]:
        what = getattr(edits, kind)()
        if what is None:
            continue
        done.append(what)
        if kind == "template":
            config = replace(config, templates=project / "templates")
        elif kind == "setting":
            config = replace(config, version=what.rsplit("=", 1)[1])
        incremental = generate(config, options)
        assert incremental.problem is None, (done, incremental.problem)
        cold_config = replace(config, out=tmp_path / "cold", cache=tmp_path / "cold-cache")
        shutil.rmtree(cold_config.out, ignore_errors=True)
        share_formatting(project / ".cache", tmp_path / "cold-cache")
        cold = generate(cold_config, options)
        assert cold.problem is None, (done, cold.problem)
        assert [str(d) for d in incremental.diagnostics] == [str(d) for d in cold.diagnostics], done
        assert tree(config.out) == tree(cold_config.out), done
        assert check(config, options).exit_code == incremental.exit_code, done
        assert check(config, Options(jobs=1, cache=False)).exit_code == incremental.exit_code, done
    assert len(done) >= min(ROUNDS, len(KINDS)) // 2, done
