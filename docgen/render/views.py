"""View data for the templates, built from the model.

Everything a template prints is finished here: names (from
:mod:`docgen.names`), annotations, literals (``repr``) and doc text (through
:func:`docgen.render.text.doc_text`). Templates only choose and repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from docgen import names, subjects
from docgen.model import ApiVersion, Operation, Property, Resource, TypeDef
from docgen.render.examples import BODY_METHODS, downloads, plan_of, served_paths, uploads
from docgen.render.paths import PathTemplate
from docgen.render.text import doc_text, summary_text
from docgen.render.types import FIELD_TYPES, TypeMap, collection_item, is_collection

__all__ = [
    "EnumMemberView",
    "FieldView",
    "ModelView",
    "OperationView",
    "OptionView",
    "ParamView",
    "RouteView",
    "VersionContext",
]

ODATA_TYPE = "@odata.type"
_DOC_LIMIT = 600


def _doc(*parts: str) -> str:
    """Doc text for a docstring: non-empty parts joined, made safe."""
    return doc_text(" ".join(part.strip() for part in parts if part and part.strip()), _DOC_LIMIT)


# --------------------------------------------------------------------- models


@dataclass(frozen=True, slots=True)
class FieldView:
    """One model field."""

    name: str
    """The attribute name."""
    alias: str
    """The documented name, as a Python literal."""
    annotation: str
    """The annotation without ``| None``."""
    doc: str
    """Escaped description."""


@dataclass(frozen=True, slots=True)
class EnumMemberView:
    """One enum member."""

    name: str
    """The member name."""
    value: str
    """The documented value, as a Python literal."""
    doc: str
    """Escaped description."""


@dataclass(frozen=True, slots=True)
class ModelView:
    """One model module: a class for a TypeDef."""

    module: str
    """The module name."""
    class_name: str
    """The class name."""
    is_enum: bool
    """An enum rather than a model."""
    doc: str
    """Escaped class docstring."""
    base: str
    """The base class name (``ApiModel`` when none)."""
    base_module: str | None
    """Module of the base class when it is a generated model."""
    fields: tuple[FieldView, ...]
    """Fields declared here (inherited ones are not repeated)."""
    members: tuple[EnumMemberView, ...]
    """Enum members."""
    imports: tuple[tuple[str, str], ...]
    """(module, class) pairs needed for annotations only (under TYPE_CHECKING)."""
    uses_any: bool
    """Some annotation is ``Any``."""
    runtime_names: tuple[str, ...] = ()
    """What it imports from the runtime: ``ApiModel`` when that is its base, and the field
    types its annotations use (``Guid``, ``DateTimeOffset``...), sorted."""


# --------------------------------------------------------------------- operations


@dataclass(frozen=True, slots=True)
class ParamView:
    """A path parameter."""

    name: str
    """The identifier."""
    doc: str
    """Escaped description (the placeholder as documented)."""
    required: bool = True
    """Every path of the operation has it (else it is ``None`` on the paths without it)."""

    @property
    def annotation(self) -> str:
        return "str" if self.required else "str | None = None"


@dataclass(frozen=True, slots=True)
class OptionView:
    """A documented query parameter or request header: a keyword of the client method."""

    name: str
    """The keyword (``top``, ``select``, ``consistency_level``)."""
    original: str
    """The documented name, as a literal (``'$top'``, ``'ConsistencyLevel'``)."""
    annotation: str
    """The client's annotation, default included (``int | None = None``)."""
    raw: str
    """The documented name as written (for matching an example's query, never printed)."""


_OPTION_ANNOTATIONS = {
    "Edm.Int32": "int | None = None",
    "Edm.Int64": "int | None = None",
    "Edm.Boolean": "bool | None = None",
    "Collection(Edm.String)": "Sequence[str] | None = None",
}


def _option_views(op: Operation, location: str, taken: list[str]) -> tuple[OptionView, ...]:
    params = list({p.name: p for p in reversed(op.parameters) if p.location == location}.values())[::-1]
    chosen = names.option_names([p.name for p in params], taken)
    return tuple(
        OptionView(
            chosen[p.name],
            repr(p.name),
            _OPTION_ANNOTATIONS.get(p.type, "str | None = None") if location == "query" else "str | None = None",
            p.name,
        )
        for p in params
    )


def is_delta(op: Operation) -> bool:
    """A delta function: a GET whose path ends in ``delta`` or ``delta()``."""
    last = op.path.rstrip("/").rsplit("/", 1)[-1].lower()
    return op.method.upper() == "GET" and last in ("delta", "delta()")


@dataclass(frozen=True, slots=True)
class RouteView:
    """One documented request line of an operation: a server route and a client path."""

    handler: str
    """The router function serving it."""
    method: str
    """HTTP method as a literal."""
    decorator: str
    """``get``, ``post``, ... or ``api_route``."""
    route: str
    """The FastAPI route path as a literal."""
    template: str
    """The path as documented, placeholders named ``{identifier}``, as a literal."""
    params: tuple[str, ...]
    """Its path parameters, in order."""
    client_path: str
    """Expression building the request path in the client (parameters percent-encoded)."""
    action: str
    """What the in-memory service does on it, as a literal (``'get'``, ``'reply'``...)."""
    segments: int
    """Leading segments of the path that make the store collection (or singleton)."""
    condition: str
    """The client takes this path when this holds (empty: the default path)."""
    client: bool = True
    """A documented request line (else a path only an example uses: served, and replayed by
    the tests through the client's session, but no method of the client takes it)."""


@dataclass(frozen=True, slots=True)
class OperationView:
    """Everything the client, service, router and in-memory templates print for an operation."""

    name: str
    """The method on the service and the in-memory service (unique in its resource: ``get``,
    ``list``, ``set_data``...)."""
    client_name: str
    """The client method: the same name."""
    doc: str
    """Escaped docstring."""
    method: str
    """HTTP method as a literal (``'POST'``)."""
    params: tuple[ParamView, ...]
    """Path parameters of its documented paths: those of every path first (the client's)."""
    service_params: tuple[ParamView, ...]
    """Path parameters of every path it serves, the paths only examples use included
    (the service method's; a parameter some path lacks is ``None`` there)."""
    routes: tuple[RouteView, ...]
    """Its documented request lines that this operation serves, the primary path first."""
    client_routes: tuple[RouteView, ...]
    """The same, in the order the client tries them: most conditions first, the default last."""
    via: str
    """The ``via`` keyword's annotation, when paths cannot be told apart by their parameters."""
    missing: str
    """The message (a literal) when the client is given the parameters of no path."""
    quotes: tuple[str, ...]
    """The client's escaping functions its paths use, sorted."""
    has_body: bool
    """The operation takes a request body."""
    body_required: bool
    """The body is a model and must be given."""
    client_body: str
    """Annotation of the client's ``body`` argument."""
    server_body: str
    """Annotation of the handler's and the service's ``body`` argument."""
    model_body: bool
    """The body is a model (else plain JSON)."""
    status: int
    """The documented status."""
    kind: str
    """Collection (``iterator``), ``model``, ``none``, ``accepted`` (202: the ``Location``
    to watch), ``content`` (a body that is not JSON) or ``any``: what the client returns."""
    item: str
    """The model class (qualified with ``_models.``) of the result or its items; empty if none."""
    item_annotation: str
    """Annotation of the result, or of one item for a collection."""
    service_return: str
    """Return annotation of the service method."""
    server_times: str
    """Literal tuple of read-only timestamp properties set on create."""
    upload: bool = False
    """The request body is content (bytes, a file, an iterator), not JSON."""
    upload_type: str = "None"
    """Literal: the documented media type of an uploaded body."""
    accepts: str = ""
    """Literal: the media types other than JSON that the examples send to a JSON operation
    (a page documenting "JSON or MIME"), which its routes take too; empty when none."""
    query: tuple[OptionView, ...] = ()
    """Its documented query parameters (system query options and others)."""
    headers: tuple[OptionView, ...] = ()
    """Its documented request headers (beyond Authorization, Content-Type, Accept)."""
    delta: bool = False
    """A delta function: the client returns the items and the link to resume from."""


class VersionContext:
    """Names and lookups for one API version, computed once and shared by its files."""

    def __init__(self, package: str, version: ApiVersion, module: str | None = None) -> None:
        self.package = package
        self.version = version
        self.module = module or names.version_module(version.name)
        self.prefix = f"{package}.{self.module}"
        self.typedefs: dict[str, TypeDef] = {}
        for typedef in version.types:
            self.typedefs.setdefault(typedef.name.lower(), typedef)
        qualified = [typedef.name for typedef in self.typedefs.values()]
        self.type_classes = names.type_class_names(qualified)
        self.type_modules = names.type_module_names(qualified)
        self.types = TypeMap(
            classes={
                key: self.type_classes[t.name]
                for key, t in self.typedefs.items()
                if t.kind != "enum"
            },
            enums={
                key: self.type_classes[t.name]
                for key, t in self.typedefs.items()
                if t.kind == "enum" and t.members
            },
        )
        resources = [resource.name for resource in version.resources]
        self.resource_modules = names.module_names(resources)
        self.resource_classes = names.class_names(resources)
        self.client_attributes = names.client_attribute_names(resources, self.resource_modules)
        self.methods, self.handlers, self._siblings = _method_names(version)
        self._fields: dict[str, dict[str, str]] = {}
        self._operations: dict[int, OperationView] = {}
        self.served = served_paths(version)
        """Operation id -> (its documented paths, its own first; the paths only its
        examples use), each taken by no operation before it."""

    # ----------------------------------------------------------------- types

    def base_of(self, typedef: TypeDef) -> TypeDef | None:
        """The documented base type, when it is a generated model (cycles broken)."""
        seen = {typedef.name.lower()}
        base = typedef.base_type
        if base is None or base.lower() in seen:
            return None
        found = self.typedefs.get(base.lower())
        if found is None or found.kind == "enum":
            return None
        current: TypeDef | None = found
        while current is not None and current.base_type:
            key = current.base_type.lower()
            if key in seen:
                return None
            seen.add(key)
            current = self.typedefs.get(key)
        return found

    def chain(self, typedef: TypeDef) -> list[TypeDef]:
        """The type and its generated ancestors, root first."""
        chain = [typedef]
        base = self.base_of(typedef)
        while base is not None:
            chain.insert(0, base)
            base = self.base_of(base)
        return chain

    def own_properties(self, typedef: TypeDef) -> list[Property]:
        """Properties declared on this type and not on an ancestor, deduplicated."""
        inherited = {p.name for t in self.chain(typedef)[:-1] for p in t.properties}
        seen: set[str] = set()
        result = []
        for prop in typedef.properties:
            if prop.name in seen or prop.name in inherited or prop.name == ODATA_TYPE:
                continue
            seen.add(prop.name)
            result.append(prop)
        return result

    def field_names(self, typedef: TypeDef) -> dict[str, str]:
        """Documented property name -> attribute, for the type and its ancestors."""
        key = typedef.name.lower()
        if key in self._fields:
            return self._fields[key]
        base = self.base_of(typedef)
        taken = {"odata_type": ODATA_TYPE}
        if base is not None:
            taken.update({name: original for original, name in self.field_names(base).items()})
        own = names.attribute_names((p.name for p in self.own_properties(typedef)), taken)
        result = {original: name for name, original in taken.items()}
        result.update(own)
        self._fields[key] = result
        return result

    def model_view(self, typedef: TypeDef) -> ModelView:
        """The view of one model module."""
        class_name = self.type_classes[typedef.name]
        doc = _doc(typedef.description) or doc_text(f"The {typedef.name} type.")
        if typedef.kind == "enum":
            member_names = names.enum_member_names(m.name for m in typedef.members)
            members: dict[str, EnumMemberView] = {}
            for member in typedef.members:
                members.setdefault(
                    member.name,
                    EnumMemberView(
                        member_names[member.name], repr(member.name), _doc(member.description)
                    ),
                )
            return ModelView(
                self.type_modules[typedef.name], class_name, True, doc, "", None, (),
                tuple(members.values()), (), False,
            )
        base = self.base_of(typedef)
        field_names = self.field_names(typedef)
        fields = []
        imports: set[tuple[str, str]] = set()
        uses_any = False
        field_types: set[str] = set()
        for prop in self.own_properties(typedef):
            annotation = self.types.field_annotation(prop.type)
            uses_any = uses_any or "Any" in _words(annotation)
            field_types.update(_words(annotation) & _RUNTIME_TYPES)
            referenced = self.types.referenced(prop.type)
            if referenced is not None:
                imports.add((self._module_of_class(referenced), referenced))
            fields.append(
                FieldView(field_names[prop.name], repr(prop.name), annotation, _doc(prop.description))
            )
        base_class = self.type_classes[base.name] if base is not None else "ApiModel"
        imports = {
            (module, name) for module, name in imports if name not in (class_name, base_class)
        }
        return ModelView(
            module=self.type_modules[typedef.name],
            class_name=class_name,
            is_enum=False,
            doc=doc,
            base=base_class,
            base_module=self.type_modules[base.name] if base is not None else None,
            fields=tuple(fields),
            members=(),
            imports=tuple(sorted(imports)),
            uses_any=uses_any,
            runtime_names=tuple(sorted(field_types | ({"ApiModel"} if base is None else set()))),
        )

    @cached_property
    def _class_modules(self) -> dict[str, str]:
        return {self.type_classes[t.name]: self.type_modules[t.name] for t in self.typedefs.values()}

    def _module_of_class(self, class_name: str) -> str:
        return self._class_modules[class_name]

    def model_views(self) -> list[ModelView]:
        """Every model module, by module name."""
        views = [self.model_view(t) for t in self.typedefs.values()]
        return sorted(views, key=lambda view: view.module)

    # ----------------------------------------------------------------- operations

    def typedef_of(self, odata_type: str | None) -> TypeDef | None:
        """The TypeDef of a (collection of a) type."""
        if odata_type is None:
            return None
        return self.typedefs.get(collection_item(odata_type).lower())

    def server_times(self, op: Operation) -> tuple[str, ...]:
        """Read-only DateTimeOffset properties of what a create makes (set to now)."""
        typedef = self.typedef_of(op.response_type) or self.typedef_of(op.request_type)
        if typedef is None or typedef.kind == "enum":
            return ()
        found = {
            prop.name
            for t in self.chain(typedef)
            for prop in t.properties
            if prop.read_only and prop.type.lower() == "edm.datetimeoffset"
        }
        return tuple(sorted(found))

    def operation_view(self, op: Operation) -> OperationView:
        """The view of one operation (computed once)."""
        view = self._operations.get(id(op))
        if view is None:
            view = self._operations[id(op)] = self._operation_view(op)
        return view

    def _operation_view(self, op: Operation) -> OperationView:
        template = PathTemplate.parse(op.path)
        qualify = lambda name: f"_models.{name}"  # noqa: E731
        body_class = self.types.model_class(op.request_type)
        has_body = op.method.upper() in BODY_METHODS
        if body_class is not None:
            client_body = f"_models.{body_class} | Mapping[str, Any]"
            server_body = f"_models.{body_class}"
        elif has_body and op.request_type is not None and is_collection(op.request_type):
            client_body = "Any"
            server_body = self.types.annotation(op.request_type, qualify) + " | None"
        else:
            client_body = server_body = "Any"
        upload = uploads(op)
        if upload:
            client_body, server_body = "Upload", "Content"
        response = op.response_type
        collection = op.kind == "list" or (response is not None and is_collection(response))
        item_type = collection_item(response) if response is not None else None
        item_class = self.types.model_class(item_type)
        item_annotation = (
            self.types.annotation(item_type, qualify) if item_type is not None else "Any"
        )
        delta = collection and is_delta(op) and not downloads(op)
        if downloads(op):
            kind, item_annotation = "content", "Content"
            service_return = "Content | Reply"
        elif delta:
            kind = "delta"
            service_return = f"Sequence[{item_annotation}] | Reply"
        elif collection:
            kind = "iterator"
            service_return = f"Sequence[{item_annotation}] | Reply"
        elif response is None and op.response_status == 202:
            kind, item_annotation = "accepted", "str | None"
            service_return = "Reply | None"
        elif response is None:
            kind, item_annotation = "none", "None"
            service_return = "Reply | None"
        elif item_class is not None:
            kind = "model"
            service_return = f"{item_annotation} | Reply"
        else:
            kind = "any"
            service_return = "Any"
        name = self.methods[op.id]
        handler = self.handlers[op.id]
        templates, extra = self.served.get(op.id, ([template], []))
        params = _union_params(templates)
        service_params = _union_params(templates + extra)
        routes, via = _routes(handler, op, templates, params, self._siblings[op.id])
        taken = [p.name for p in service_params]
        query = _option_views(op, "query", taken)
        headers = _option_views(op, "header", taken + [o.name for o in query])
        routes += tuple(
            _route_view(f"{handler}_{len(routes) + i + 1}_example", op, t, "", client=False) for i, t in enumerate(extra)
        )
        return OperationView(
            name=name,
            client_name=name,
            doc=_doc(summary_text(op.title, op.description)) or doc_text(op.id),
            method=repr(op.method.upper()),
            params=params,
            service_params=service_params,
            routes=routes,
            client_routes=tuple(
                sorted((r for r in routes if r.client), key=lambda r: -(r.condition.count(" and ") + bool(r.condition)))
            ),
            via=via,
            missing=repr(
                "the arguments fit none of the documented paths: " + ", ".join(t.plain() for t in templates)
            ),
            quotes=tuple(sorted(set().union(*(t.quotes() for t in templates)))),
            has_body=has_body,
            body_required=has_body and (body_class is not None or upload),
            client_body=client_body,
            server_body=server_body,
            model_body=body_class is not None,
            status=op.response_status,
            kind=kind,
            item=f"_models.{item_class}" if item_class is not None else "",
            item_annotation=item_annotation,
            service_return=service_return,
            server_times=repr(self.server_times(op)),
            upload=upload,
            upload_type=repr(op.request_media_type) if upload else "None",
            accepts=_accepted(op) if has_body and not upload else "",
            query=query,
            headers=headers,
            delta=delta,
        )

    def client_attribute(self, resource: Resource) -> str:
        return self.client_attributes[resource.name]

    def resource_module(self, resource: Resource) -> str:
        return self.resource_modules[resource.name]

    def resource_class(self, resource: Resource) -> str:
        return self.resource_classes[resource.name]


def _method_names(version: ApiVersion) -> tuple[dict[str, str], dict[str, str], dict[str, frozenset[str]]]:
    """For each operation id: its method (the same on the client, the service and the
    in-memory service: what the operation does, :func:`docgen.subjects.verb_of`, unique in
    its resource), its router handler (the method, escaped where a router module binds that
    name), and the handlers of its resource."""
    navigation = subjects.Navigation(version.types)
    methods: dict[str, str] = {}
    handlers: dict[str, str] = {}
    siblings: dict[str, frozenset[str]] = {}
    for resource in version.resources:
        wanted = []
        for op in resource.operations:
            subject = subjects.subject_of(op, navigation)
            collection = op.kind == "list" or (op.response_type is not None and is_collection(op.response_type))
            delta = collection and is_delta(op) and not downloads(op)
            own = bool(subject.name) and subjects.singular(subject.name).lower() == resource.name.lower()
            # the operation id only tells apart operations documented twice (same method and path)
            place = f"{0 if own else 1} {op.path.count('/'):03d} {op.method} {op.path} {op.id}"
            wanted.append((op.id, subjects.verb_of(op, subject, delta, collection), subject.name, place))
        chosen = names.client_method_names(wanted)
        methods.update(chosen)
        handlers.update({op_id: names.handler_name(method) for op_id, method in chosen.items()})
        group = frozenset(handlers[op.id] for op in resource.operations)
        siblings.update({op.id: group for op in resource.operations})
    return methods, handlers, siblings


_RUNTIME_TYPES = frozenset(FIELD_TYPES.values()) - {"str"}
"""Field types the generated models import from the runtime."""

_DECORATORS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def _accepted(op: Operation) -> str:
    """The literal of :attr:`OperationView.accepts`."""
    found = sorted(
        {
            (example.request.body.content_type or "text/plain").split(";")[0].strip().lower()
            for example in op.examples
            if example.request.body is not None and not example.request.body.is_json
        }
        - {"application/json"}
    )
    return repr(found) if found else ""


def _words(annotation: str) -> set[str]:
    return set(annotation.replace("[", " ").replace("]", " ").replace("|", " ").split())


def _route_view(handler: str, op: Operation, template: PathTemplate, condition: str, client: bool) -> RouteView:
    method = op.method.upper()
    plan = plan_of(op, template)
    return RouteView(
        handler=handler,
        method=repr(method),
        decorator=method.lower() if method in _DECORATORS else "api_route",
        route=repr(template.route()),
        template=repr(template.plain()),
        params=template.names,
        client_path=template.expression(quote="path_value"),
        action=repr(plan.action),
        segments=plan.segments,
        condition=condition,
        client=client,
    )


def _union_params(templates: list[PathTemplate]) -> tuple[ParamView, ...]:
    everywhere = set(templates[0].names).intersection(*(t.names for t in templates[1:]))
    seen: dict[str, ParamView] = {}
    for template in templates:
        for name, original in zip(template.names, template.originals):
            if name not in seen:
                seen[name] = ParamView(name, doc_text(f"The {original} path parameter."), name in everywhere)
    views = list(seen.values())
    return tuple([v for v in views if v.required] + [v for v in views if not v.required])


def _routes(
    name: str, op: Operation, templates: list[PathTemplate], params: tuple[ParamView, ...], taken: frozenset[str]
) -> tuple[tuple[RouteView, ...], str]:
    """The routes of an operation and, when some paths have the same parameters, the
    annotation of the client's ``via`` keyword that picks one of them."""
    optional = [p.name for p in params if not p.required]
    by_params: dict[frozenset[str], list[int]] = {}
    for index, template in enumerate(templates):
        by_params.setdefault(frozenset(template.names) & frozenset(optional), []).append(index)
    ambiguous = any(len(indexes) > 1 for indexes in by_params.values())
    routes = []
    for index, template in enumerate(templates):
        own = frozenset(template.names) & frozenset(optional)
        conditions = [f"{p} is not None" for p in optional if p in own]
        group = by_params[own]
        if ambiguous and len(group) > 1:
            chosen = f"via == {template.plain()!r}"
            conditions.append(f"(via is None or {chosen})" if group[0] == index else chosen)
        handler = name if index == 0 else f"{name}_{index + 1}"
        while index and handler in taken:
            handler += "_"
        routes.append(_route_view(handler, op, template, " and ".join(conditions), client=True))
    via = ""
    if ambiguous:
        choices = ", ".join(repr(t.plain()) for t in templates)
        via = f"Literal[{choices}] | None"
    return tuple(routes), via
