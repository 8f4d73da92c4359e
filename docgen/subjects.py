"""What an operation acts on, and what it does to it: read from its request path, never its page's name.

A path reads as a *subject* (the collection or entity addressed: ``/users/{id}``,
``/me/drive/items/{id}/workbook/worksheets/{id}/charts/{name}``) followed, for an
action or a function, by a *tail* (``setData``, ``reply``, ``content``,
``getEmailActivityCounts(period='D7')``) and maybe a modifier (``$ref``, ``$value``,
``$count``). :func:`subject_of` splits it; linking names the resource after the
subject's type, and the names module makes the method name from :func:`verb_of`.
Pages named ``user_delete.md``, ``user-delete.md`` or ``remove-user.md`` thus give the
same resource and method.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from docgen.model import Operation, TypeDef

__all__ = ["Navigation", "Segment", "Subject", "element", "resource_of", "singular", "subject_of", "verb_of"]

_CRUD = frozenset({"create", "list", "get", "update", "replace", "delete"})
_MODIFIERS = ("$ref", "$value", "$count")
_CALL = re.compile(r"^([^(]*)\((.*)\)$", re.S)
_COLLECTION = re.compile(r"^Collection\((.*)\)$", re.I)
_NAMESPACE = "microsoft.graph."
_ALIASES = {"me": "user"}
"""Singletons whose type the path alone names (Graph's ``/me`` is the signed-in user)."""
_METHOD_VERBS = {"GET": "get", "POST": "create", "PATCH": "update", "PUT": "replace", "DELETE": "delete"}
"""What a request does to the subject itself, when the path has no action."""
_PROPERTY_VERBS = {"GET": "get", "PUT": "put", "PATCH": "update", "DELETE": "delete"}
"""What a request does to a property of the subject (``GET .../content`` -> ``get_content``)."""


def element(odata: str | None) -> str | None:
    """The item type of a ``Collection(...)``, else the type itself."""
    if odata is None:
        return None
    match = _COLLECTION.match(odata)
    return match.group(1) if match else odata


def singular(word: str) -> str:
    """``users`` -> ``user``, ``policies`` -> ``policy``, ``statuses`` -> ``status``."""
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "zes", "ches", "shes", "uses")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(word) > 1:
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Segment:
    """One path segment, read."""

    name: str
    """The name (empty for a bare key such as ``{id}``)."""
    key: bool = False
    """It addresses one member (``{id}``, ``messages('id')``, ``root:``)."""
    call: bool = False
    """A function call (``delta()``, ``range(address='A1')``)."""
    cast: bool = False
    """A type cast (``microsoft.graph.user``)."""


def _segment(text: str) -> Segment:
    if text.startswith(("{", "'", "<")) or ":" in text:
        return Segment("", key=True)
    match = _CALL.match(text)
    if match:
        name, args = match.group(1), match.group(2).strip()
        if args and "=" not in args and "," not in args:
            return Segment(name, key=True)  # messages('id'), messages({id})
        return Segment(name, call=True)
    if text.lower().startswith(_NAMESPACE):
        return Segment(text, cast=True)
    return Segment(text)


class Navigation:
    """The types of one version: by name, and by the properties that lead to them."""

    def __init__(self, types: Iterable[TypeDef]) -> None:
        self.by_lower: dict[str, TypeDef] = {}
        for typedef in types:
            self.by_lower.setdefault(typedef.name.lower(), typedef)
        found: dict[str, Counter[str]] = {}
        for typedef in sorted(self.by_lower.values(), key=lambda t: t.name):
            for prop in typedef.properties:
                target = self.lookup(element(prop.type))
                if target is not None and (prop.navigation or target.kind == "entity"):
                    found.setdefault(prop.name.lower(), Counter())[target.name] += 1
        self.targets = {
            name: min(counts, key=lambda t: (-counts[t], t)) for name, counts in found.items()
        }
        """Property name (lower case) -> the type it leads to (the most common; ties by name)."""

    def lookup(self, odata: str | None) -> TypeDef | None:
        """The documented type of that name (any letter case), unless an enumeration."""
        found = self.by_lower.get(odata.lower()) if odata else None
        return found if found is not None and found.kind != "enum" else None

    def leads_somewhere(self, name: str) -> bool:
        """Some documented property of that name leads to an entity or a navigated type."""
        return name.lower() in self.targets

    def type_of(self, segment: str) -> TypeDef | None:
        """The type a path segment addresses: a property leading there, else the type named so."""
        target = self.targets.get(segment.lower())
        if target is not None:
            return self.lookup(target)
        for candidate in (_ALIASES.get(segment.lower()), singular(segment), segment):
            found = self.lookup(_NAMESPACE + candidate) if candidate else None
            if found is not None:
                return found
        return None

    def descends(self, typedef: TypeDef, ancestor: TypeDef) -> bool:
        """``typedef`` is ``ancestor`` or derives from it (cycles end the walk)."""
        seen: set[str] = set()
        current: TypeDef | None = typedef
        while current is not None and current.name.lower() not in seen:
            if current.name.lower() == ancestor.name.lower():
                return True
            seen.add(current.name.lower())
            current = self.lookup(current.base_type)
        return False


@dataclass(frozen=True, slots=True)
class Subject:
    """What an operation's path acts on and does."""

    name: str
    """The last named segment of the subject (``users``, ``charts``), or empty."""
    cast: str
    """A cast ending the subject (``microsoft.graph.x``), or empty."""
    tail: Segment | None
    """The action, function or property after the subject, if any."""
    modifier: str
    """``$ref``, ``$value``, ``$count`` ending the path, or empty."""
    on_member: bool = False
    """The tail follows a key: a property or an action of one member (``/things/{id}/content``),
    not a function of a collection (``/things/export``)."""


def subject_of(op: Operation, navigation: Navigation) -> Subject:
    """Split the operation's path into its subject, its tail and its modifier."""
    segments = [_segment(text) for text in op.path.split("/") if text]
    modifier = ""
    while segments and segments[-1].name.lower() in _MODIFIERS and not segments[-1].key:
        modifier = modifier or segments[-1].name.lower()
        segments.pop()
    tail = None
    if op.kind not in _CRUD and len(segments) > 1:
        last = segments[-1]
        bound = last.cast and navigation.lookup(last.name) is None  # /microsoft.graph.decline: no type, an action
        if last.call or bound or (last.name and not last.key and not last.cast and not navigation.leads_somewhere(last.name)):
            tail = segments.pop()
    name = cast = ""
    for segment in reversed(segments):
        if segment.cast and not name and not cast:
            cast = segment.name
        elif segment.name and not segment.cast:
            name = segment.name
            break
    return Subject(name, cast, tail, modifier, bool(segments) and segments[-1].key)


def resource_of(op: Operation, navigation: Navigation) -> tuple[str, str | None]:
    """(resource name, qualified type or None): the subject's type; a documented body type
    derived from it (a page about one kind of ``deviceConfiguration``) wins; an untyped subject
    takes the body's type, else is named after its segment."""
    subject = subject_of(op, navigation)
    addressed = navigation.lookup(subject.cast) if subject.cast else None
    if addressed is None and subject.name:
        addressed = navigation.type_of(subject.name)
    body = navigation.lookup(element(op.response_type)) or navigation.lookup(element(op.request_type))
    if addressed is None or (body is not None and navigation.descends(body, addressed)):
        addressed = body or addressed
    if addressed is not None:
        return addressed.name.rsplit(".", 1)[-1], addressed.name
    if subject.name:
        return singular(subject.name), None
    return "root", None


def verb_of(op: Operation, subject: Subject, delta: bool, collection: bool) -> str:
    """What the operation does, as its method's original spelling (``delete``, ``setData``,
    ``get_content``, ``delete_ref``)."""
    if delta:
        return "delta"
    if op.kind in _CRUD:
        return op.kind
    method = op.method.upper()
    tail = subject.tail
    if tail is None:
        base = "list" if method == "GET" and collection else _METHOD_VERBS.get(method, method.lower())
        if subject.modifier == "$count":
            return "count"
        return f"{base}_{subject.modifier[1:]}" if subject.modifier else base
    name = tail.name.rsplit(".", 1)[-1] if tail.name.lower().startswith(_NAMESPACE) else tail.name
    if tail.call or method == "POST" or not subject.on_member:
        return name
    return f"{_PROPERTY_VERBS.get(method, method.lower())}_{name}"
