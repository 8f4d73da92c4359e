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
from collections.abc import Iterable
from dataclasses import dataclass

from docgen.model import Operation, TypeDef

__all__ = ["Navigation", "Segment", "Subject", "element", "resource_of", "singular", "subject_of", "verb_of"]

_CRUD = frozenset({"create", "list", "get", "update", "replace", "delete"})
_ENTITY = frozenset({"create", "list", "get", "update", "replace"})
"""Kinds whose body is the entity acted on."""
_MODIFIERS = ("$ref", "$value", "$count")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-", re.I)
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
    if text.startswith(("{", "'", "<")) or ":" in text or text.lower() == "id" or _GUID.match(text):
        return Segment("", key=True)  # a placeholder, path addressing, or a literal id written for one
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
    """The types of one version: by name, and by the properties that lead from one to another."""

    def __init__(self, types: Iterable[TypeDef]) -> None:
        self.by_lower: dict[str, TypeDef] = {}
        for typedef in types:
            self.by_lower.setdefault(typedef.name.lower(), typedef)
        self.leading = frozenset(
            prop.name.lower()
            for typedef in self.by_lower.values()
            for prop in typedef.properties
            if self.lookup(element(prop.type)) is not None
        )
        """Names of properties that lead to a documented type (lower case)."""

    def lookup(self, odata: str | None) -> TypeDef | None:
        """The documented type of that name (any letter case), unless an enumeration."""
        found = self.by_lower.get(odata.lower()) if odata else None
        return found if found is not None and found.kind != "enum" else None

    def named(self, segment: str) -> TypeDef | None:
        """The type a segment names by itself: ``users`` -> ``user``, ``me`` -> ``user``."""
        for candidate in (_ALIASES.get(segment.lower()), singular(segment), segment):
            found = self.lookup(_NAMESPACE + candidate) if candidate else None
            if found is not None:
                return found
        return None

    def follow(self, typedef: TypeDef | None, segment: str) -> TypeDef | None:
        """The type the property ``segment`` of ``typedef`` (or of a base type) leads to."""
        seen: set[str] = set()
        while typedef is not None and typedef.name.lower() not in seen:
            seen.add(typedef.name.lower())
            for prop in typedef.properties:
                if prop.name.lower() == segment.lower():
                    return self.lookup(element(prop.type))
            typedef = self.lookup(typedef.base_type)
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

    def walk(self, segments: list[Segment]) -> list[TypeDef | None]:
        """The type addressed after each segment: a property of the type before it; where the
        type before it is unknown, the type the segment names (``users`` -> ``user``); a key
        keeps its collection's type. A property the type before does not document leads to
        no known type."""
        types: list[TypeDef | None] = []
        current: TypeDef | None = None
        for segment in segments:
            if segment.cast:
                current = self.lookup(segment.name) or current
            elif not segment.key:
                current = self.follow(current, segment.name) if current else self.named(segment.name)
            types.append(current)
        return types


@dataclass(frozen=True, slots=True)
class Subject:
    """What an operation's path acts on and does."""

    name: str
    """The last named segment of the subject (``users``, ``charts``), or empty."""
    type: TypeDef | None
    """The type the subject is, when the path leads to a documented one."""
    tail: Segment | None
    """The action, function or property after the subject, if any."""
    modifier: str
    """``$ref``, ``$value``, ``$count`` ending the path, or empty."""
    on_member: bool = False
    """The tail follows a key: a property or an action of one member (``/things/{id}/content``),
    not a function of a collection (``/things/export``)."""


def _is_tail(op: Operation, segments: list[Segment], types: list[TypeDef | None], navigation: Navigation) -> bool:
    """The last segment is an action, a function or a property rather than what is acted on."""
    last, before = segments[-1], segments[-2]
    if last.call or (last.cast and navigation.lookup(last.name) is None):  # /microsoft.graph.decline: an action
        return True
    if last.key or last.cast:
        return False
    parent = types[-2]
    leads = navigation.follow(parent, last.name) is not None if parent else last.name.lower() in navigation.leading
    if op.kind not in _CRUD:
        return not leads
    if leads or navigation.named(last.name) is not None:  # the page says it is a collection, and it may be
        return False
    if op.kind == "create":  # POST /items/{id}/createLink: an action on a member
        return before.key
    items = navigation.lookup(element(op.response_type))  # GET /widgets/report: a function of widgets
    return op.kind == "list" and parent is not None and (items is None or navigation.descends(items, parent))


def subject_of(op: Operation, navigation: Navigation) -> Subject:
    """Split the operation's path into its subject, its tail and its modifier."""
    segments = [_segment(text) for text in op.path.split("/") if text]
    modifier = ""
    while segments and segments[-1].name.lower() in _MODIFIERS and not segments[-1].key:
        modifier = modifier or segments[-1].name.lower()
        segments.pop()
    types = navigation.walk(segments)
    tail = None
    if len(segments) > 1 and _is_tail(op, segments, types, navigation):
        tail = segments.pop()
        types.pop()
    name = next((s.name for s in reversed(segments) if s.name and not s.cast), "")
    on_member = bool(segments) and segments[-1].key
    return Subject(name, types[-1] if types else None, tail, modifier, on_member)


def resource_of(op: Operation, navigation: Navigation) -> tuple[str, str | None]:
    """(resource name, qualified type or None). Creating, listing, reading, updating or
    replacing an entity acts on the type its body documents (the request body's for a create,
    an update or a replace, else the response's annotation); anything else on the type its path leads to, unless the body's type derives
    from that one (a page about one kind of ``deviceConfiguration``). A path that leads to no
    documented type takes the body's type, else is named after its last segment."""
    subject = subject_of(op, navigation)
    sent, returned = navigation.lookup(element(op.request_type)), navigation.lookup(element(op.response_type))
    body = (sent or returned) if op.kind in ("create", "update", "replace") else (returned or sent)
    addressed = subject.type
    if body is not None and (
        addressed is None or navigation.descends(body, addressed) or (op.kind in _ENTITY and subject.tail is None)
    ):
        addressed = body
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
    method = op.method.upper()
    tail = subject.tail
    if tail is None and op.kind in _CRUD:
        return op.kind
    if tail is None:
        base = "list" if method == "GET" and collection else _METHOD_VERBS.get(method, method.lower())
        if subject.modifier == "$count":
            return "count"
        return f"{base}_{subject.modifier[1:]}" if subject.modifier else base
    name = tail.name.rsplit(".", 1)[-1] if tail.name.lower().startswith(_NAMESPACE) else tail.name
    if tail.call or method == "POST" or not subject.on_member:
        return name
    verb = "list" if method == "GET" and collection else _PROPERTY_VERBS.get(method, method.lower())
    return f"{verb}_{name}"
