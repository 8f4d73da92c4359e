"""Drop the imports a rendered module does not use.

Templates import what a kind of file may need; what one file of that kind uses
depends on its operations and types. Rather than each template tracking every
name through conditions, the rendered text is read back (``ast``) and each
module-level ``import`` keeps only the names the module refers to: in code, in
``__all__``, or in string annotations. ``from __future__`` imports stay.
"""

from __future__ import annotations

import ast
import re

__all__ = ["prune_imports"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _used_names(tree: ast.Module) -> set[str]:
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, (ast.arg, ast.AnnAssign, ast.FunctionDef, ast.AsyncFunctionDef)):
            annotation = node.returns if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else node.annotation
            for part in ast.walk(annotation) if annotation is not None else ():
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    used.update(_IDENTIFIER.findall(part.value))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            for item in ast.walk(node.value):
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    used.add(item.value)
    return used


def _bound(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


def _statement(node: ast.Import | ast.ImportFrom, kept: list[ast.alias]) -> str:
    names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept)
    if isinstance(node, ast.Import):
        return f"import {names}"
    return f"from {'.' * node.level}{node.module or ''} import {names}"


def prune_imports(text: str) -> str:
    """``text`` without the module-level imported names it never uses (unchanged when
    it is not valid Python: the renderer's own check reports that)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return text
    used = _used_names(tree)
    edits: list[tuple[int, int, str | None]] = []
    for node in tree.body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        kept = [alias for alias in node.names if alias.name == "*" or _bound(alias) in used]
        if len(kept) == len(node.names):
            continue
        end = node.end_lineno if node.end_lineno is not None else node.lineno
        edits.append((node.lineno, end, _statement(node, kept) if kept else None))
    if not edits:
        return text
    lines = text.splitlines(keepends=True)
    for start, end, replacement in reversed(edits):
        lines[start - 1 : end] = [replacement + "\n"] if replacement else []
        at = start - 1
        if not replacement and 0 < at < len(lines) and not lines[at - 1].strip() and not lines[at].strip():
            del lines[at]  # the group it stood alone in is gone: one blank line between its neighbours
    return "".join(lines)
