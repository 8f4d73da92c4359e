"""``docgen.runtime.store``: the in-memory store and the serving every generated in-memory
service shares, tested where it lives (the generated tests reach it through the apps)."""

from __future__ import annotations

from collections.abc import Iterator
import pytest

from docgen.runtime.errors import NotFound
from docgen.runtime.query import Query
from docgen.runtime.server import CALLER, QUERY, Content, Reply
from docgen.runtime.store import (
    DocumentedReply,
    MemoryBase,
    MemoryStore,
    Plan,
    Route,
    Seed,
    canonical,
    documented,
    merge,
    pick_reply,
)

THINGS = "/things"
PLAN = Plan(
    (
        Route("/things", "list", 1),
        Route("/things/{thing_id}", "get", 1),
    ),
    server_times=("createdDateTime",),
)


@pytest.fixture()
def service() -> MemoryBase:
    service = MemoryBase()
    service.store = MemoryStore()
    return service


@pytest.fixture()
def caller() -> Iterator[None]:
    token = CALLER.set("u1")
    yield
    CALLER.reset(token)


def test_merge_patches_objects_key_by_key_and_replaces_the_rest() -> None:
    base = {"a": 1, "b": {"c": 2, "d": 3}, "e": [{"x": 1}, {"y": 2}], "f": [1, 2]}
    patch = {"b": {"c": 9}, "e": [{"x": 5}, {"z": 3}], "f": [7], "g": None}
    assert merge(base, patch) == {
        "a": 1, "b": {"c": 9, "d": 3}, "e": [{"x": 5}, {"y": 2, "z": 3}], "f": [7], "g": None
    }
    assert base["b"] == {"c": 2, "d": 3}  # nothing changed in place


def test_create_keeps_a_given_id_or_makes_one_and_sets_server_times() -> None:
    store = MemoryStore()
    made = store.create(THINGS, {"id": "t1", "name": "a", "@odata.context": "x"}, server_times=("created",))
    assert made["id"] == "t1" and made["created"].endswith("Z") and "@odata.context" not in made
    fresh = store.create(THINGS, {"name": "b"}, defaults={"name": "shown", "size": 3, "created": "2020"},
                         server_times=("created",))
    assert len(fresh["id"]) == 36 and fresh["name"] == "b" and fresh["size"] == 3 and fresh["created"] == "2020"
    assert [thing["name"] for thing in store.list(THINGS)] == ["a", "b"]
    assert store.page(THINGS)["@odata.count"] == 2


def test_get_update_replace_delete_and_not_found() -> None:
    store = MemoryStore()
    store.put(THINGS, "t1", {"id": "t1", "name": "a", "size": 1})
    assert store.update(THINGS, "t1", {"size": 2}) == {"id": "t1", "name": "a", "size": 2}
    assert store.replace(THINGS, "t1", {"id": "other", "name": "b"}) == {"id": "t1", "name": "b"}
    got = store.get(THINGS, "t1")
    got["name"] = "changed"  # a copy: the store keeps its own
    assert store.get(THINGS, "t1")["name"] == "b"
    store.delete(THINGS, "t1")
    for act in (lambda: store.get(THINGS, "t1"), lambda: store.delete(THINGS, "t1"),
                lambda: store.update(THINGS, "t1", {}), lambda: store.get_single("/me")):
        with pytest.raises(NotFound):
            act()


def test_load_merges_an_entity_shown_by_several_examples() -> None:
    store = MemoryStore()
    store.load([Seed(THINGS, "t1", {"id": "t1", "name": "a"}), Seed(THINGS, "t1", {"id": "t1", "size": 2}),
                Seed("/settings", None, {"on": True}), Seed("/settings", None, {"level": 1})])
    assert store.get(THINGS, "t1") == {"id": "t1", "name": "a", "size": 2}
    assert store.get_single("/settings") == {"on": True, "level": 1}
    assert store.update_single("/settings", {"level": 2}) == {"on": True, "level": 2}


def test_me_is_the_caller(caller: None) -> None:
    assert canonical("/me/things") == "/users/u1/things" and canonical("/me") == "/users/u1"
    assert canonical("/mess") == "/mess"
    store = MemoryStore()
    store.load([Seed("/me/things", "t1", {"id": "t1"})])
    assert store.list("/users/u1/things") == [{"id": "t1"}]
    store.put_content("/me/things/t1/content", Content(b"x", "text/plain"))
    assert store.get_content("/users/u1/things/t1/content") == Content(b"x", "text/plain")


def test_the_documented_reply_is_picked_by_body_then_path_then_query() -> None:
    replies = [
        DocumentedReply("/things/a", {"n": 1}, 200, {"which": "a1"}),
        DocumentedReply("/things/b", {"n": 2}, 200, {"which": "b2"}),
        DocumentedReply("/things/b", {"n": 1}, 200, {"which": "b1"}, query={"x": "1"}),
        DocumentedReply("/things/b", {"n": 1}, 200, {"which": "b1-plain"}),
    ]
    assert pick_reply(replies, "/things/b", {"n": 2}).body == {"which": "b2"}  # type: ignore[union-attr]
    assert pick_reply(replies, "/things/b", {"n": 1}).body == {"which": "b1-plain"}  # type: ignore[union-attr]
    token = QUERY.set({"x": "1"})
    try:
        assert pick_reply(replies, "/things/b", {"n": 1}).body == {"which": "b1"}  # type: ignore[union-attr]
    finally:
        QUERY.reset(token)
    assert pick_reply(replies, "/nowhere", {"n": 3}).body == {"which": "a1"}  # type: ignore[union-attr]
    assert pick_reply([], "/x", None) is None


def test_a_documented_reply_drops_the_docs_next_link_and_keeps_a_local_delta_link() -> None:
    body = {"value": [], "@odata.nextLink": "https://graph.microsoft.com/v1.0/things?$skiptoken=x",
            "@odata.deltaLink": "https://graph.microsoft.com/v1.0/things/delta()?$deltatoken=y"}
    reply = documented([DocumentedReply("/things", None, 200, body, location="https://x/monitor")], "/things", None)
    assert reply == Reply({"value": [], "@odata.deltaLink": "/things/delta()?$deltatoken=y"}, 200,
                          {"Location": "https://x/monitor"}, None)
    assert documented([], "/things", None) == Reply(None, 204)


def test_serve_lists_gets_and_honours_the_query(service: MemoryBase) -> None:
    for key, name in (("a", "Zed"), ("b", "Amy")):
        service.store.put(THINGS, key, {"id": key, "name": name, "size": 1})
    listed = service.serve(PLAN, "/things", None).body
    assert listed == {"@odata.count": 2, "value": service.store.list(THINGS)}
    ordered = service.serve(PLAN, "/things", None, query=Query(orderby=("name",), select=("name",))).body
    assert ordered["value"] == [{"id": "b", "name": "Amy"}, {"id": "a", "name": "Zed"}]
    assert service.serve(PLAN, "/things/a", None, query=Query(select=("size",))).body == {"id": "a", "size": 1}
    with pytest.raises(NotFound):
        service.serve(PLAN, "/things/zz", None)


def test_serve_creates_updates_replaces_and_deletes(service: MemoryBase) -> None:
    plan = Plan((Route("/things", "create", 1),), server_times=("createdDateTime",))
    made = service.serve(plan, "/things", {"name": "a"}).body
    assert made["name"] == "a" and "createdDateTime" in made
    key = made["id"]
    assert service.serve(Plan((Route("/things/{id}", "update", 1),)), f"/things/{key}", {"size": 2}).body["size"] == 2
    replaced = service.serve(Plan((Route("/things/{id}", "replace", 1),)), f"/things/{key}", {"name": "b"}).body
    assert replaced == {"id": key, "name": "b"}
    assert service.serve(Plan((Route("/things/{id}", "delete", 1),)), f"/things/{key}", None) == Reply(None)
    assert service.store.list(THINGS) == []


def test_serve_keeps_uploaded_content_and_sends_it_back(service: MemoryBase) -> None:
    put = Plan((Route("/things/{id}/content", "put_content", 1),))
    get = Plan((Route("/things/{id}/content", "get_content", 1),))
    with pytest.raises(NotFound):
        service.serve(get, "/things/t1/content", None)
    assert service.serve(put, "/things/t1/content", Content(b"a,b", "text/csv")) == Reply(None)
    assert service.serve(get, "/things/t1/content", None) == Reply(b"a,b", 200, None, "text/csv")


def test_serve_singletons(service: MemoryBase, caller: None) -> None:
    replace = Plan((Route("/me/settings", "replace_single", 2),))
    update = Plan((Route("/me/settings", "update_single", 2),))
    assert service.serve(replace, "/me/settings", {"on": True}).body == {"on": True}
    assert service.serve(update, "/me/settings", {"level": 1}).body == {"on": True, "level": 1}
    assert service.store.get_single("/users/u1/settings") == {"on": True, "level": 1}


def test_a_delta_served_from_the_store_ends_with_a_delta_link(service: MemoryBase) -> None:
    for key in ("a", "b"):
        service.store.put("/things/delta", key, {"id": key})
    plan = Plan((Route("/things/delta", "list", 2),), delta=True)
    first = service.serve(plan, "/things/delta", None, query=Query(top=1)).body
    assert [item["id"] for item in first["value"]] == ["a"]
    assert "@odata.nextLink" in first and "@odata.deltaLink" not in first
    last = service.serve(plan, "/things/delta", None, query=Query(top=1, skip=1)).body
    assert [item["id"] for item in last["value"]] == ["b"]
    assert last["@odata.deltaLink"] == "/things/delta?$deltatoken=latest" and "@odata.nextLink" not in last


def test_routes_match_their_template_ignoring_case_and_a_trailing_slash() -> None:
    route = Route("/drives/{id}/root:{path}:/content", "get_content", 2)  # an item by its path
    assert route.matches("/drives/d1/root:/a/b.txt:/content")
    assert Route("/things/{id}", "get", 1).matches("/THINGS/x/")
    assert not Route("/things/{id}", "get", 1).matches("/things/x/y")
    assert not Route("/things/{id}", "get", 1).matches("/things/" + "x" * 5000)
