"""docgen.names: valid, readable, unique names, and stable when names are added."""

from __future__ import annotations

import keyword
import random

import pytest

from docgen import names

GRAPH_PROPERTIES = [
    "id", "displayName", "createdDateTime", "lastModifiedDateTime", "@odata.type", "type", "from",
    "class", "model_config", "json", "schema", "copy", "str", "list", "format", "webUrl", "eTag",
    "iPAddress", "md5Hash", "office365ActiveUsers", "3dModel", "", "\"\"\"", "{{ x }}", "a\\b",
    "café", "userPrincipalName", "isDefault", "value",
]


def valid(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


@pytest.mark.parametrize(
    ("text", "snake", "pascal"),
    [
        ("displayName", "display_name", "DisplayName"),
        ("postalAddressType", "postal_address_type", "PostalAddressType"),
        ("HTTPResponse", "http_response", "HTTPResponse"),
        ("md5Hash", "md5_hash", "Md5Hash"),
        ("office365ActiveUsers", "office365_active_users", "Office365ActiveUsers"),
        ("@odata.type", "odata_type", "OdataType"),
        ("customer id", "customer_id", "CustomerId"),
        ("kebab-case-name", "kebab_case_name", "KebabCaseName"),
    ],
)
def test_case_conversions(text: str, snake: str, pascal: str) -> None:
    assert names.snake_case(text) == snake
    assert names.pascal_case(text) == pascal


def test_attributes_avoid_keywords_builtins_and_basemodel_names() -> None:
    result = names.attribute_names(GRAPH_PROPERTIES)
    assert result["class"] == "class_"
    assert result["from"] == "from_"
    assert result["model_config"] == "model_config_"
    assert result["json"] == "json_"
    assert result["schema"] == "schema_"
    assert result["str"] == "str_"
    assert result["type"] == "type_"
    assert result["id"] == "id"  # shadows nothing the generated code uses
    assert result["displayName"] == "display_name"
    assert result["@odata.type"] == "odata_type"
    assert all(valid(name) for name in result.values())
    assert len(set(result.values())) == len(result)


def test_collisions_get_a_hash_of_their_own_spelling_and_the_canonical_one_keeps_the_name() -> None:
    result = names.attribute_names(["DisplayName", "displayName", "display_name"])
    assert result["displayName"] == "display_name"
    assert result["DisplayName"] == "display_name_" + names.stable_hash("DisplayName")
    assert result["display_name"] == "display_name_" + names.stable_hash("display_name")


def test_a_lone_name_keeps_its_plain_spelling_even_when_not_canonical() -> None:
    assert names.attribute_names(["taxAreaID"]) == {"taxAreaID": "tax_area_id"}


def test_names_do_not_depend_on_order_or_on_unrelated_names() -> None:
    shuffled = list(GRAPH_PROPERTIES)
    random.Random(7).shuffle(shuffled)
    assert names.attribute_names(shuffled) == names.attribute_names(GRAPH_PROPERTIES)
    extended = names.attribute_names(GRAPH_PROPERTIES + ["zebra", "aardvark", "newProperty"])
    base = names.attribute_names(GRAPH_PROPERTIES)
    assert {k: extended[k] for k in base} == base


def test_adding_a_colliding_name_never_renames_the_canonical_spelling() -> None:
    before = names.attribute_names(GRAPH_PROPERTIES)
    after = names.attribute_names(GRAPH_PROPERTIES + ["DisplayName", "WebURL", "Class"])
    assert after["displayName"] == before["displayName"] == "display_name"
    assert after["webUrl"] == before["webUrl"] == "web_url"
    assert after["class"] == before["class"] == "class_"
    assert after["DisplayName"].startswith("display_name_")


def test_taken_names_are_kept_by_their_holder_and_avoided_by_others() -> None:
    taken = {"odata_type": "@odata.type", "id": "id"}
    result = names.attribute_names(["id", "odataType", "name"], taken)
    assert result["id"] == "id"
    assert result["name"] == "name"
    assert result["odataType"] == "odata_type_" + names.stable_hash("odataType")


def test_type_classes_and_modules() -> None:
    qualified = [
        "microsoft.graph.customer",
        "microsoft.graph.securityAlert",
        "microsoft.graph.security.alert",
        "microsoft.graph.field",
        "microsoft.graph.Customer",
    ]
    classes = names.type_class_names(qualified)
    modules = names.type_module_names(qualified)
    assert classes["microsoft.graph.customer"] == "Customer"
    assert classes["microsoft.graph.securityAlert"] == "SecurityAlert"
    assert classes["microsoft.graph.security.alert"].startswith("SecurityAlert_")
    assert classes["microsoft.graph.field"] == "Field_"  # the templates import pydantic's Field
    assert classes["microsoft.graph.Customer"].startswith("Customer_")
    assert modules["microsoft.graph.customer"] == "customer"
    assert modules["microsoft.graph.securityAlert"] == "security_alert"
    assert len(set(classes.values())) == len(set(modules.values())) == len(qualified)


def test_functions_from_operation_ids() -> None:
    result = names.function_names(["customer-get", "customer_get", "list", "user-assignLicense"])
    assert result["customer-get"] == "customer_get"
    assert result["customer_get"].startswith("customer_get_")
    assert result["list"] == "list_"
    assert result["user-assignLicense"] == "user_assign_license"


def test_parameters_are_fresh_identifiers_in_order() -> None:
    assert names.parameter_names(["companyId", "id", "id", "body", "customer id", "<x>", ""]) == [
        "company_id", "id", "id_2", "body_", "customer_id", "x", "value",
    ]


def test_versions_and_enum_members() -> None:
    assert names.version_modules(["v1.0", "beta", "1.0", "v1_0"]) == {
        "v1.0": "v1_0",
        "beta": "beta",
        "1.0": "v1_0_" + names.stable_hash("1.0"),
        "v1_0": "v1_0_" + names.stable_hash("v1_0"),
    }
    members = names.enum_member_names(["unknownFutureValue", "none", "None", "mro"])
    assert members["unknownFutureValue"] == "UNKNOWN_FUTURE_VALUE"
    assert members["none"] == "NONE"
    assert members["None"].startswith("NONE_")


def test_hostile_spellings_still_give_valid_unique_names() -> None:
    hostile = ["", " ", "\"\"\"", "{{", "\\", "\x00", "123", "_private", "__init__", "λ", "a" * 300]
    for assign in (names.attribute_names, names.function_names, names.module_names):
        result = assign(hostile)
        assert all(valid(name) for name in result.values()), result
        assert len(set(result.values())) == len(hostile)
    assert all(valid(name) for name in names.class_names(hostile).values())


def test_many_names_are_unique_and_deterministic() -> None:
    rng = random.Random(3)
    words = ["user", "User", "group", "id", "ID", "type", "class", "list", "event", "Event"]
    originals = {"".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(3000)}
    first = names.function_names(originals)
    assert len(set(first.values())) == len(originals)
    assert names.function_names(sorted(originals, reverse=True)) == first


def test_client_methods_are_verbs_and_collisions_resolve_by_place_not_by_order() -> None:
    wanted = [
        ("user-list", "list", "users", "0 001 GET /users"),
        ("user-list-calendarview", "list", "calendarView", "1 003 GET /users/{id}/calendarView"),
        ("user-list-events", "list", "events", "1 003 GET /users/{id}/events"),
        ("chart-setdata", "setData", "charts", "0 003 POST /charts/{name}/setData"),
        ("thing-import", "import", "things", "0 003 POST /things/{id}/import"),
        ("thing-store", "store", "things", "0 003 POST /things/{id}/store"),
    ]
    found = names.client_method_names(wanted)
    assert found == {
        "user-list": "list",
        "user-list-calendarview": "list_calendar_view",
        "user-list-events": "list_events",
        "chart-setdata": "set_data",
        "thing-import": "import_",  # a keyword
        "thing-store": "store_",  # the in-memory service's store
    }
    assert names.client_method_names(list(reversed(wanted))) == found
    twice = names.client_method_names([("a", "delete", "things", "0 002 DELETE /things/{id} a"),
                                       ("b", "delete", "things", "0 002 DELETE /things/{id} b")])
    assert twice["a"] == "delete" and twice["b"].startswith("delete_things")
    thrice = names.client_method_names([(k, "delete", "things", f"0 002 DELETE /things/{{id}} {k}") for k in "abc"])
    assert len(set(thrice.values())) == 3 and thrice["a"] == "delete"


def test_handlers_escape_what_a_router_module_binds() -> None:
    assert names.handler_name("delete") == "delete"
    assert names.handler_name("respond") == "respond_"
    assert names.handler_name("router") == "router_"


def test_a_client_attribute_is_an_identifier_even_for_a_resource_named_by_a_key_like_segment() -> None:
    modules = names.module_names(["35e2-721a", "user"])
    found = names.client_attribute_names(["35e2-721a", "user"], modules)
    assert found == {"35e2-721a": modules["35e2-721a"], "user": "users"} and found["35e2-721a"].isidentifier()
