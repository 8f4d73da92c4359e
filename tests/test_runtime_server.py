"""``docgen.runtime.server`` and ``docgen.runtime.testing``, tested where they live: replies,
OData errors, route order, the lazy app, and the in-process transport the generated tests use."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request

from docgen.runtime.errors import NotFound
from docgen.runtime.server import (
    CALLER,
    Content,
    LazyApp,
    Reply,
    act_for,
    include_routers,
    install_error_handlers,
    respond,
    route_path,
)
from docgen.runtime.testing import SyncASGITransport, assert_shape, json_kind


def app_replying(result: Any, status: int = 200) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/typed/{size}")
    async def typed(size: int) -> Any:
        return {"size": size}

    @app.get("/{rest:path}")
    async def handler(request: Request, rest: str) -> Any:
        act_for(request)
        if rest == "missing":
            raise NotFound("no thing missing")
        if rest == "who":
            return respond({"caller": CALLER.get(), "path": route_path(request)}, 200, request)
        return respond(result, status, request)

    return app


def get(app: FastAPI, path: str, **options: Any) -> httpx.Response:
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://testserver") as client:
        return client.get(path, **options)


def test_a_reply_is_sent_as_it_is_with_the_odata_context_and_absolute_links() -> None:
    body = {"value": [1, 2], "@odata.nextLink": "/things?$skip=2"}
    response = get(app_replying(Reply(body, 206, {"X-Kind": "page"})), "/things", params={"$count": "true"})
    assert response.status_code == 206 and response.headers["x-kind"] == "page"
    assert response.json() == {
        "@odata.context": "http://testserver/$metadata",
        "value": [1, 2],
        "@odata.nextLink": "http://testserver/things?$skip=2",
        "@odata.count": 2,
    }


def test_lists_content_and_empty_replies() -> None:
    assert get(app_replying([{"a": 1}]), "/x").json()["value"] == [{"a": 1}]
    content = get(app_replying(Content(b"a,b", "text/csv")), "/x")
    assert content.content == b"a,b" and content.headers["content-type"].startswith("text/csv")
    text = get(app_replying(Reply("hello", None, None, "text/plain")), "/x")
    assert text.text == "hello" and text.headers["content-type"].startswith("text/plain")
    empty = get(app_replying({"ignored": True}, 204), "/x")
    assert empty.status_code == 204 and empty.content == b""


def test_errors_are_odata_error_bodies() -> None:
    app = app_replying(None)
    missing = get(app, "/missing")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "NotFound", "message": "no thing missing"}}
    bad = get(app, "/typed/big")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "BadRequest"
    assert "size" in bad.json()["error"]["message"]
    wrong_method = httpx.Client(transport=SyncASGITransport(app), base_url="http://testserver").delete("/typed/1")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "MethodNotAllowed"


def test_the_bearer_token_names_the_caller() -> None:
    app = app_replying(None)
    assert get(app, "/who").json()["caller"] == "me"
    answer = get(app, "/who", headers={"Authorization": "Bearer u1"}).json()
    assert answer["caller"] == "u1" and answer["path"] == "/who"


def test_literal_segments_are_served_before_parameters_whichever_router_has_them() -> None:
    items, functions = APIRouter(), APIRouter()

    @items.get("/users/{user_id}")
    async def user(user_id: str) -> dict[str, str]:
        return {"user": user_id}

    @functions.get("/users/delta()")
    async def delta() -> dict[str, str]:
        return {"delta": "yes"}

    app = FastAPI()
    include_routers(app, [items, functions])
    assert get(app, "/users/delta()").json() == {"delta": "yes"}
    assert get(app, "/users/u1").json() == {"user": "u1"}


@pytest.fixture()
def router_package(tmp_path: Path) -> Iterator[str]:
    package = tmp_path / "lazy_routers_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, path in (("things", "/things/{thing_id}"), ("others", "/others")):
        (package / f"{name}.py").write_text(
            "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
            f"@router.get({path!r})\nasync def handler() -> dict[str, str]:\n    return {{'router': {name!r}}}\n"
        )
    sys.path.insert(0, str(tmp_path))
    try:
        yield "lazy_routers_pkg"
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith("lazy_routers_pkg")]:
            del sys.modules[module]


def test_a_lazy_app_imports_a_router_when_a_request_may_need_it(router_package: str) -> None:
    app = LazyApp(routers=router_package, paths={"things": ["/things/{thing_id}"], "others": ["/others"]})
    assert app.routers_for("/things/t1") == {"things"} and app.routers_for("/nothing") == set()
    assert get(app, "/things/t1").json() == {"router": "things"}
    assert f"{router_package}.others" not in sys.modules
    assert get(app, "/others").json() == {"router": "others"}


def test_the_json_kinds_and_shapes_the_generated_tests_check() -> None:
    assert [json_kind(v) for v in (None, True, 1, 1.5, "a", [], {})] == [
        "null", "boolean", "number", "number", "string", "array", "object"
    ]
    assert_shape({"a": 1, "b": {"c": "x"}}, {"a": 2, "b": {"c": "y"}})
    with pytest.raises(AssertionError):
        assert_shape({"a": "1"}, {"a": 2})


def test_a_json_route_takes_the_other_media_types_its_page_documents_and_refuses_the_rest() -> None:
    """A page documenting "JSON or MIME" (its examples send text/plain) gets that media type
    through; any other media type sent to a JSON route is a 415."""
    from fastapi import Body

    from docgen.runtime.guard import GuardedRoute

    router = APIRouter(route_class=GuardedRoute)

    @router.post("/reply", openapi_extra={"x-accepts": ["text/plain"]})
    async def reply(body: Any = Body(default=None)) -> dict[str, str]:
        return {"got": type(body).__name__}

    @router.post("/json")
    async def json_only(body: Any = Body(default=None)) -> dict[str, str]:
        return {"got": type(body).__name__}

    app = FastAPI()
    app.include_router(router)
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://t") as http:
        mime = http.post("/reply", content=b"RnJvbTog", headers={"Content-Type": "text/plain"})
        assert mime.status_code == 200, mime.text
        assert http.post("/reply", json={"comment": "x"}).json() == {"got": "dict"}
        refused = http.post("/json", content=b"RnJvbTog", headers={"Content-Type": "text/plain"})
        assert refused.status_code == 415 and refused.json()["error"]["code"] == "UnsupportedMediaType"
        assert http.post("/reply", content=b"<a/>", headers={"Content-Type": "application/xml"}).status_code == 415
