"""Doc sets built by hand for the render tests (no tests here): the customers API, and a hostile variant."""

from __future__ import annotations

import json
from typing import Any

from docgen.diagnostics import SourceSpan
from docgen.model import (
    ApiVersion,
    Body,
    DocSet,
    EnumMember,
    Example,
    ExampleRequest,
    ExampleResponse,
    JsonValue,
    Operation,
    OperationKind,
    Property,
    RequestLine,
    Resource,
    TypeDef,
)

COMPANY_ID = "f03b2a0e-6e74-4bb9-8b3a-1a7c5a1c2b3d"
CUSTOMER_ID = "52a499d6-99d6-52a4-d699-a452d699a452"
CUSTOMERS = "/financials/companies/{companyId}/customers"
HOSTILE_TEXT = 'Ends """ here {{ evil }} {% if x %} back\\slash \x00 nul\n"""\nimport os\n" '

CREATE_REQUEST: dict[str, JsonValue] = {
    "@odata.type": "#microsoft.graph.customer",
    "number": "Number value",
    "displayName": "Display Name value",
    "address": {"@odata.type": "microsoft.graph.postalAddressType", "city": "City value"},
    "taxLiable": True,
    "taxAreaId": "592ce91b-e91b-592c-1be9-2c591be92c59",
}
CUSTOMER: dict[str, JsonValue] = {
    **CREATE_REQUEST,
    "id": CUSTOMER_ID,
    "lastModifiedDateTime": "2016-12-31T23:56:51.5562076+03:00",
}
COMPANY: dict[str, JsonValue] = {"id": COMPANY_ID, "name": "CRONUS", "displayName": "CRONUS USA"}


def span(path: str, line: int = 1) -> SourceSpan:
    return SourceSpan(path, line)


def body(value: JsonValue) -> Body:
    return Body(json.dumps(value), "application/json", value, True)


def prop(name: str, type_: str, description: str = "", **flags: Any) -> Property:
    return Property(name, type_, description, span("resources/x.md", 10), **flags)


def example(
    name: str,
    page: str,
    method: str,
    path: str,
    request: JsonValue = None,
    status: int = 200,
    response: JsonValue = None,
    query: str = "",
    response_body: Body | None = None,
) -> Example:
    req = ExampleRequest(
        method, "https://graph.microsoft.com/v1.0" + path, path, query, "v1.0", (),
        body(request) if request is not None else None, span(page, 40),
    )
    resp = ExampleResponse(
        status, (), response_body or (body(response) if response is not None else None),
        False, None, False, span(page, 60),
    )
    return Example(name, req, resp, span(page, 38))


def operation(
    id: str,
    kind: OperationKind,
    method: str,
    path: str,
    resource: str,
    request_type: str | None = None,
    response_type: str | None = None,
    status: int = 200,
    examples: tuple[Example, ...] = (),
    title: str = "",
) -> Operation:
    page = f"api/{id}.md"
    return Operation(
        id, title or id, "", "v1.0", resource, kind, method, path,
        (RequestLine(method, path, path, span(page, 20)),), (), request_type, (),
        response_type, status, examples, (), span(page),
    )


def customers_docset(hostile: bool = False) -> DocSet:
    """The customers API (v1.0): customer CRUD, company list/get; ``hostile`` adds doc text
    and names meant to break generated code."""
    customer_props = [
        prop("id", "Edm.String", "The id.", read_only=True),
        prop("number", "Edm.String"),
        prop("displayName", "Edm.String", "The customer's name."),
        prop("address", "microsoft.graph.postalAddressType"),
        prop("taxLiable", "Edm.Boolean"),
        prop("taxAreaId", "Edm.Guid"),
        prop("status", "microsoft.graph.customerStatus"),
        prop("lastModifiedDateTime", "Edm.DateTimeOffset", "Read-only.", read_only=True),
    ]
    if hostile:
        customer_props += [
            prop("class", "Edm.String", HOSTILE_TEXT),
            prop("from", "Edm.Int32"),
            prop("model_config", "Edm.String"),
            prop("DisplayName", "Edm.String"),
            prop("json", "Collection(Edm.String)"),
            prop("weird-name!", "microsoft.graph.notDocumented"),
        ]
    description = HOSTILE_TEXT if hostile else "A customer."
    types = (
        TypeDef("microsoft.graph.company", "entity", "v1.0", "A company.", None,
                (prop("id", "Edm.Guid", read_only=True), prop("name", "Edm.String"),
                 prop("displayName", "Edm.String"),
                 prop("customers", "Collection(microsoft.graph.customer)", navigation=True)),
                (), False, span("resources/company.md")),
        TypeDef("microsoft.graph.customer", "entity", "v1.0", description, "microsoft.graph.entity",
                tuple(customer_props), (), False, span("resources/customer.md")),
        TypeDef("microsoft.graph.customerStatus", "enum", "v1.0", "Status.", None, (),
                tuple(EnumMember(n, None, HOSTILE_TEXT if hostile else "", span("resources/customer.md", 90))
                      for n in ("active", "blocked", "None", "unknownFutureValue")),
                False, span("resources/customer.md", 88)),
        TypeDef("microsoft.graph.postalAddressType", "complex", "v1.0", "An address.", None,
                tuple(prop(n, "Edm.String") for n in ("street", "city", "postalCode")),
                (), False, span("resources/postaladdresstype.md")),
    )
    item = f"/financials/companies/{COMPANY_ID}/customers/{CUSTOMER_ID}"
    customer_ops = (
        operation("add-customers", "create", "POST", CUSTOMERS, "customer",
                  "microsoft.graph.customer", "microsoft.graph.customer", 201,
                  (example("create_customer", "api/add-customers.md", "POST",
                           "/financials/companies/{companyId}/customers", CREATE_REQUEST, 201, CUSTOMER),),
                  title=HOSTILE_TEXT if hostile else "Add customers"),
        operation("customer-list", "list", "GET", CUSTOMERS, "customer", None,
                  "Collection(microsoft.graph.customer)", 200,
                  (example("list_customers", "api/customer-list.md", "GET",
                           f"/financials/companies/{COMPANY_ID}/customers", None, 200,
                           {"@odata.count": 2, "value": [CUSTOMER, {**CUSTOMER, "id": "c2"}]},
                           query="$top=2&$count=true"),)),
        operation("customer-get", "get", "GET", CUSTOMERS + "/{customerId}", "customer", None,
                  "microsoft.graph.customer", 200,
                  (example("get_customer", "api/customer-get.md", "GET", item, None, 200,
                           {"@odata.context": "https://x/$metadata#customers/$entity", **CUSTOMER}),)),
        operation("customer-update", "update", "PATCH", CUSTOMERS + "/{customerId}", "customer",
                  "microsoft.graph.customer", "microsoft.graph.customer", 200,
                  (example("update_customer", "api/customer-update.md", "PATCH", item,
                           {"displayName": "New", "address": {"city": "Paris"}}, 200,
                           {**CUSTOMER, "displayName": "New",
                            "address": {"@odata.type": "microsoft.graph.postalAddressType", "city": "Paris"}}),)),
        operation("customer-delete", "delete", "DELETE", CUSTOMERS + "/{customerId}", "customer",
                  None, None, 204,
                  (example("delete_customer", "api/customer-delete.md", "DELETE", item, None, 204),)),
    )
    company_ops: tuple[Operation, ...] = (
        operation("company-list", "list", "GET", "/financials/companies", "company", None,
                  "Collection(microsoft.graph.company)", 200,
                  (example("list_companies", "api/company-list.md", "GET", "/financials/companies",
                           None, 200, {"value": [COMPANY]}),)),
        operation("company-get", "get", "GET", "/financials/companies/{companyId}", "company", None,
                  "microsoft.graph.company", 200,
                  (example("get_company", "api/company-get.md", "GET",
                           f"/financials/companies/{COMPANY_ID}", None, 200, COMPANY),)),
    )
    if hostile:
        company_ops += (
            operation("company-doSomething", "action", "POST",
                      "/financials/companies/{company id}/microsoft.graph.do(x='{<odd>}')", "company",
                      None, "Edm.String", 200,
                      (example("do_something", "api/do.md", "POST",
                               f"/financials/companies/{COMPANY_ID}/microsoft.graph.do(x='1')",
                               {"x": HOSTILE_TEXT}, 200, {"value": HOSTILE_TEXT}),),
                      title=HOSTILE_TEXT),
        )
    if hostile:  # names that shadow what the generated modules use
        company_ops += (
            operation("respond", "action", "POST", "/financials/{respond}/{path_value}/{result}/respond",
                      "company"),
        )
    resources = (
        Resource("company", "microsoft.graph.company", company_ops,
                 tuple(sorted({op.source.path for op in company_ops}))),
        Resource("customer", "microsoft.graph.customer", customer_ops,
                 tuple(sorted({op.source.path for op in customer_ops}))),
    )
    if hostile:
        session = operation("session-get", "get", "GET", "/sessions/{id}", "session", None,
                            "microsoft.graph.notDocumented")
        resources += (Resource("session", None, (session,), (session.source.path,)),)
    return DocSet((ApiVersion("v1.0", resources, types),))
