"""Linking: page models -> one :class:`~docgen.model.DocSet`.

Resolves type names across pages (letter case included), groups operations
into resources (by what their paths act on: :mod:`docgen.subjects`), checks base types and links between pages. Versions are kept
apart: a beta page never satisfies a v1.0 reference.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from docgen.diagnostics import Diagnostic, SourceSpan, diag
from docgen.model import ApiVersion, DocSet, Operation, PageModel, Resource, TypeDef
from docgen.subjects import Navigation, resource_of

_BUILTIN = {"microsoft.graph.json"}
_COLL_RE = re.compile(r"^Collection\((.*)\)$")


class _Types:
    """The types of one version, looked up case-insensitively."""

    def __init__(self, types: Iterable[TypeDef], diags: list[Diagnostic]) -> None:
        groups: dict[str, list[TypeDef]] = defaultdict(list)
        for t in types:
            groups[t.name.lower()].append(t)
        self.by_lower: dict[str, TypeDef] = {k: _merge(v, diags) for k, v in groups.items()}
        self.unknown_seen: set[tuple[str, str]] = set()

    def resolve(self, odata: str | None, span: SourceSpan, diags: list[Diagnostic]) -> str | None:
        """The type name with its documented spelling; unknown names reported once per page."""
        if odata is None:
            return None
        m = _COLL_RE.match(odata)
        if m:
            inner = self.resolve(m.group(1), span, diags)
            return f"Collection({inner})"
        if odata.startswith("Edm.") or odata.lower() in _BUILTIN:
            return odata
        found = self.by_lower.get(odata.lower())
        if found is not None:
            return found.name
        if (span.path, odata.lower()) not in self.unknown_seen:
            self.unknown_seen.add((span.path, odata.lower()))
            diags.append(diag("DG403", f"type {odata} is not defined by any page of this version; generated as an open object", span))
        return odata


def _primary_rank(t: TypeDef) -> tuple[int, int, str]:
    """The page named after the type comes first, then the one documenting most."""
    stem = t.source.path.rsplit("/", 1)[-1].removesuffix(".md").lower()
    short = t.name.rsplit(".", 1)[-1].lower()
    return (0 if stem == short else 1, -len(t.properties), t.source.path)


def _merge(defs: list[TypeDef], diags: list[Diagnostic]) -> TypeDef:
    """One type from the pages that document it: the primary page's, plus what the others add."""
    if len(defs) == 1:
        return defs[0]
    ordered = sorted(defs, key=_primary_rank)
    primary = ordered[0]
    props = list(primary.properties)
    members = list(primary.members)
    names = {p.name.lower() for p in props}
    member_names = {m.name.lower() for m in members}
    for other in ordered[1:]:
        added = [p for p in other.properties if p.name.lower() not in names]
        names |= {p.name.lower() for p in added}
        props.extend(added)
        new_members = [m for m in other.members if m.name.lower() not in member_names]
        member_names |= {m.name.lower() for m in new_members}
        members.extend(new_members)
        if other.kind != "enum" or primary.kind != "enum":
            diags.append(
                diag(
                    "DG404",
                    f"type {other.name} is also documented in {primary.source.path}; merged"
                    f" ({len(added)} more properties from here)",
                    other.source,
                )
            )
    kind = "entity" if any(t.kind == "entity" for t in defs) else primary.kind
    return replace(primary, properties=tuple(props), members=tuple(members), kind=kind)


def _link_types(types: _Types, diags: list[Diagnostic]) -> list[TypeDef]:
    out: list[TypeDef] = []
    for t in types.by_lower.values():
        props = tuple(replace(p, type=types.resolve(p.type, p.source, diags) or p.type) for p in t.properties)
        base = t.base_type
        if base is not None:
            found = types.by_lower.get(base.lower())
            if found is None:
                diags.append(diag("DG405", f"base type {base} of {t.name} is not defined by any page; left out", t.source))
                base = None
            else:
                base = found.name
        out.append(replace(t, properties=props, base_type=base))
    return sorted(out, key=lambda t: t.name)


def _link_operation(op: Operation, types: _Types, navigation: Navigation, diags: list[Diagnostic]) -> Operation:
    resource, _ = resource_of(op, navigation)
    req_props = tuple(
        replace(p, type=types.resolve(p.type, p.source, diags) or p.type) for p in op.request_properties
    )
    return replace(
        op,
        resource=resource,
        request_type=types.resolve(op.request_type, op.source, diags),
        response_type=types.resolve(op.response_type, op.source, diags),
        request_properties=req_props,
    )


def _check_links(pages: Sequence[PageModel], diags: list[Diagnostic]) -> None:
    exact = {p.path for p in pages}
    lower = {p.path.lower(): p.path for p in pages}
    for page in pages:
        folder = posixpath.dirname(page.path)
        for link in page.links:
            target = posixpath.normpath(posixpath.join(folder, link.target))
            if target in exact:
                continue
            if target.lower() in lower:
                diags.append(diag("DG402", f"link {link.target} differs in letter case from {lower[target.lower()]}", link.source))
            else:
                diags.append(diag("DG401", f"link {link.target} names a page that is not in the doc set", link.source))


def _duplicates(ops: Iterable[Operation], diags: list[Diagnostic]) -> None:
    seen: dict[tuple[str, str], Operation] = {}
    for op in ops:
        key = (op.method, op.path.lower())
        if key in seen:
            diags.append(diag("DG407", f"{op.method} {op.path} is also documented by {seen[key].source.path}", op.source))
        else:
            seen[key] = op


def link(pages: Sequence[PageModel]) -> DocSet:
    """Link page models into one doc set; pages may come in any order."""
    pages = sorted(pages, key=lambda p: p.path)
    diags: list[Diagnostic] = [d for p in pages for d in p.diagnostics]
    by_version: dict[str, list[PageModel]] = defaultdict(list)
    for page in pages:
        by_version[page.version].append(page)
    versions: list[ApiVersion] = []
    for name in sorted(by_version):
        vpages = by_version[name]
        types = _Types((t for p in vpages for t in p.types), diags)
        linked_types = _link_types(types, diags)
        navigation = Navigation(types.by_lower.values())
        ops = [_link_operation(op, types, navigation, diags) for p in vpages for op in p.operations]
        _duplicates(ops, diags)
        groups: dict[str, list[Operation]] = defaultdict(list)
        for op in ops:
            groups[op.resource].append(op)
        resources = []
        for rname in sorted(groups, key=lambda r: (r.lower(), r)):
            rops = sorted(groups[rname], key=lambda o: (o.id, o.method))
            rtype = types.by_lower.get(f"microsoft.graph.{rname}".lower())
            resources.append(
                Resource(rname, rtype.name if rtype else None, tuple(rops), tuple(sorted({o.source.path for o in rops})))
            )
        versions.append(ApiVersion(name, tuple(resources), tuple(linked_types)))
    _check_links(pages, diags)
    return DocSet(tuple(versions), tuple(sorted(set(diags), key=Diagnostic.sort_key)))
