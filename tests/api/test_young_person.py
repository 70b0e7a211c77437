"""A young person's link: their own map without notes; only their own view is written."""

from __future__ import annotations

from tests.api.conftest import World

NOTE = "worker-only remark about contact"


def test_map_never_carries_notes(world: World) -> None:
    child = world.ids["a"]
    tie = next(t.id for t in world.store.get(child).ties if child in t.between)
    world.api.post(
        f"/api/children/{child}/observations",
        headers=world.write_as("wendy", child),
        json={"tie": tie, "on": "2025-01-02", "by": "worker", "note": NOTE},
    )
    response = world.api.get("/api/me/map", headers=world.as_link("link"))
    assert response.status_code == 200
    assert response.json()["child"] == {"name": world.docs["a"].child.name}
    assert NOTE not in response.text and "note" not in response.text


def test_observation_is_recorded_as_the_childs_own_today(world: World) -> None:
    child = world.ids["a"]
    tie = next(t.id for t in world.store.get(child).ties if child in t.between and t.ended is None)
    response = world.api.post(
        "/api/me/observations",
        headers=world.link_write("link", child),
        json={
            "tie": tie,
            "closeness": 3,
            "contact": 2,
            "trusted": True,
            "support": {"emotional": 3},
        },
    )
    assert response.status_code == 201
    stored = world.store.get(child).observations[response.json()["index"]]
    assert (stored.by, stored.on, stored.closeness, stored.trusted) == (
        "child",
        world.clock().date(),
        3,
        True,
    )


def test_young_person_may_not_write_anything_else(world: World) -> None:
    child = world.ids["a"]
    tie = next(t.id for t in world.store.get(child).ties if child in t.between)
    version = world.store.version(child)
    for extra in (
        {"by": "worker"},
        {"note": "hi"},
        {"critical": 3},
        {"on": "2020-01-01"},
        {"direction": "both"},
    ):
        response = world.api.post(
            "/api/me/observations",
            headers=world.link_write("link", child),
            json={"tie": tie, "closeness": 1, **extra},
        )
        assert response.status_code == 422, extra
        assert response.json()["error"]["details"][0]["field"] == next(iter(extra))
    person_tie = next((t.id for t in world.store.get(child).ties if child not in t.between), None)
    if person_tie is not None:
        response = world.api.post(
            "/api/me/observations",
            headers=world.link_write("link", child),
            json={"tie": person_tie, "closeness": 1},
        )
        assert response.status_code == 422
    assert world.store.version(child) == version


def test_naming_a_new_person_adds_them_with_a_tie_from_today(world: World) -> None:
    child = world.ids["a"]
    response = world.api.post(
        "/api/me/people",
        headers=world.link_write("link", child),
        json={"name": "Kez", "category": "friend", "closeness": 3, "trusted": True},
    )
    assert response.status_code == 201
    body = response.json()
    doc = world.store.get(child)
    tie = next(t for t in doc.ties if t.id == body["tie"])
    assert tie.between == (child, body["id"]) and tie.started == world.clock().date()
    obs = [o for o in doc.observations if o.tie == tie.id]
    assert [(o.by, o.closeness, o.trusted) for o in obs] == [("child", 3, True)]


def test_answers_name_the_maps_version(world: World) -> None:
    child = world.ids["a"]
    tie = next(t.id for t in world.store.get(child).ties if child in t.between and t.ended is None)
    loaded = world.api.get("/api/me/map", headers=world.as_link("link"))
    version = loaded.headers["etag"]
    first = world.api.post("/api/me/observations", json={"tie": tie, "closeness": 2},
                           headers={**world.as_link("link"), "If-Match": version})
    assert first.status_code == 201 and first.headers["etag"] != version
    stale = world.api.post("/api/me/observations", json={"tie": tie, "closeness": 3},
                           headers={**world.as_link("link"), "If-Match": version})
    assert stale.status_code == 409
    assert stale.headers["etag"] == first.headers["etag"]
    revision = world.store.history(child)[0]
    assert revision.actor.startswith("link:")
