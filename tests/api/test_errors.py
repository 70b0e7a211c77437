"""One JSON error shape everywhere, pinned."""

from __future__ import annotations

from api.errors import ErrorResponse
from tests.api.conftest import World


def _assert_shape(body: object) -> None:
    assert isinstance(body, dict) and set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    for detail in error["details"]:
        assert set(detail) == {"field", "message"}
    ErrorResponse.model_validate(body)


def test_every_kind_of_error_has_the_one_shape(world: World) -> None:
    h = world.as_user("wendy")
    answers = [
        world.api.get("/api/children"),  # 401
        world.api.get(f"/api/children/{world.ids['b']}", headers=h),  # 403
        world.api.get("/api/nowhere", headers=h),  # 404 from routing
        world.api.delete("/api/health"),  # 405
        world.api.get("/api/children", params={"limit": "lots"}, headers=h),  # 422 query
        world.api.post(
            "/api/children", content=b"{not json", headers={**h, "content-type": "application/json"}
        ),  # 422 body
        world.api.put(
            f"/api/children/{world.ids['a']}/document",
            json={"format": "x"},
            headers=world.write_as("wendy", world.ids["a"]),
        ),  # 422 document
        world.api.patch(
            f"/api/children/{world.ids['a']}",
            json={"team": "N"},
            headers={**h, "If-Match": '"9999"'},
        ),  # 409
        world.api.patch(f"/api/children/{world.ids['a']}", json={"team": "N"}, headers=h),  # 428
    ]
    assert [a.status_code for a in answers] == [401, 403, 404, 405, 422, 422, 422, 409, 428]
    for answer in answers:
        assert answer.headers["content-type"].startswith("application/json")
        _assert_shape(answer.json())


def test_openapi_documents_the_error_shape_and_every_route(world: World) -> None:
    schema = world.app.openapi()
    assert "ErrorResponse" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            assert op.get("tags"), (method, path)
            assert op.get("summary") and op.get("description"), (method, path)


def _has_example(schema: dict, node: object, depth: int = 0) -> bool:
    """Whether a schema fragment (following $refs, items, properties, anyOf) shows an example."""
    if depth > 6 or not isinstance(node, dict):
        return False
    if "example" in node or "examples" in node:
        return True
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _has_example(schema, schema["components"]["schemas"][ref.split("/")[-1]], depth + 1)
    children = [node.get("items"), *node.get("anyOf", []), *node.get("properties", {}).values()]
    return any(_has_example(schema, child, depth + 1) for child in children)


def test_every_route_shows_an_example(world: World) -> None:
    schema = world.app.openapi()
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            bodies = [c for c in op.get("requestBody", {}).get("content", {}).values()]
            ok = [r for code, r in op["responses"].items() if code.startswith("2")]
            answers = [c for r in ok for c in r.get("content", {}).values()]
            shown = any(
                _has_example(schema, c) or _has_example(schema, c.get("schema"))
                for c in bodies + answers
            )
            non_json = any(k != "application/json" for r in ok for k in r.get("content", {}))
            assert shown or non_json or not answers, (method, path)
