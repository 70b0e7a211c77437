"""Editing a child's network through the API: each write validated, atomic, versioned."""

from __future__ import annotations

from tests.api.conftest import World


def _h(world: World) -> dict[str, str]:
    return world.as_user("wendy")


def test_create_child_then_build_a_network(fresh_world: World) -> None:
    w = fresh_world
    made = w.api.post(
        "/api/children",
        headers=_h(w),
        json={"id": "c-zoe", "name": "Zoe", "status": "child_in_need", "team": "North"},
    )
    assert made.status_code == 201 and made.headers["etag"] == '"1"'
    person = w.api.post(
        "/api/children/c-zoe/people",
        headers=w.write_as("wendy", "c-zoe"),
        json={"name": "Nan", "category": "family", "started": "2015-01-01"},
    )
    assert person.status_code == 201
    tie = person.json()["tie"]
    obs = w.api.post(
        "/api/children/c-zoe/observations",
        headers=w.write_as("wendy", "c-zoe"),
        json={
            "tie": tie,
            "on": "2024-05-01",
            "by": "child",
            "closeness": 3,
            "contact": 4,
            "trusted": True,
            "direction": "both",
        },
    )
    assert obs.status_code == 201
    ended = w.api.post(
        f"/api/children/c-zoe/ties/{tie}/end",
        headers=w.write_as("wendy", "c-zoe"),
        json={"ended": "2025-01-01", "end_reason": "moved_placement"},
    )
    assert ended.status_code == 200 and ended.json()["ended"] == "2025-01-01"
    episode = w.api.post(
        "/api/children/c-zoe/episodes",
        headers=w.write_as("wendy", "c-zoe"),
        json={"kind": "placement", "start": "2024-09-01"},
    )
    assert episode.status_code == 201
    doc = w.store.get("c-zoe")
    assert [p.name for p in doc.people] == ["Nan"]
    assert doc.ties[0].ended is not None and doc.ties[0].end_reason == "moved_placement"
    assert doc.observations[0].trusted is True and len(doc.episodes) == 1
    assert w.store.version("c-zoe") == 5
    # the ecomap before and after the tie ended
    before = w.api.get("/api/children/c-zoe/ecomap", params={"at": "2024-12-31"}, headers=_h(w))
    after = w.api.get("/api/children/c-zoe/ecomap", params={"at": "2025-01-01"}, headers=_h(w))
    assert [m["name"] for m in before.json()["members"]] == ["Nan"]
    assert after.json()["members"] == []
    diff = w.api.get(
        "/api/children/c-zoe/diff", params={"from": "2024-12-31", "to": "2025-01-01"}, headers=_h(w)
    )
    assert [(m["id"], m["end_reason"]) for m in diff.json()["lost"]] == [
        (person.json()["id"], "moved_placement")
    ]
    # the document as it was known before the end
    past = w.api.get("/api/children/c-zoe/document", params={"at": "2024-12-31"}, headers=_h(w))
    assert "ended" not in past.json()["ties"][0]


def test_bad_observation_names_each_field_and_stores_nothing(world: World) -> None:
    child = world.ids["a"]
    version = world.store.version(child)
    response = world.api.post(
        f"/api/children/{child}/observations",
        headers=world.write_as("wendy", child),
        json={
            "tie": "no-such-tie",
            "on": "2024-13-01",
            "by": "teacher",
            "closeness": 7,
            "sparkle": 1,
        },
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert {"on", "by", "closeness", "sparkle"} <= fields
    assert world.store.version(child) == version


def test_document_rules_are_reported_all_at_once_with_paths(world: World) -> None:
    child = world.ids["a"]
    version = world.store.version(child)
    before = world.store.get(child)
    data = before.model_dump(mode="json", exclude_none=True)
    dated = next(i for i, t in enumerate(data["ties"]) if t.get("started"))
    other = 1 if dated != 1 else 2
    data["ties"][dated]["ended"] = "1900-01-01"
    data["ties"][other]["between"] = [child, "nobody"]
    response = world.api.put(
        f"/api/children/{child}/document", headers=world.write_as("wendy", child), json=data
    )
    assert response.status_code == 422
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert f"ties[{dated}].ended" in fields
    assert any(f.startswith(f"ties[{other}].between") for f in fields)
    assert world.store.version(child) == version and world.store.get(child) == before


def test_observation_dated_before_its_tie_is_named_by_the_request_field(world: World) -> None:
    child = world.ids["a"]
    tie = next(t for t in world.store.get(child).ties if t.started is not None)
    response = world.api.post(
        f"/api/children/{child}/observations",
        headers=world.write_as("wendy", child),
        json={"tie": tie.id, "on": "1901-01-01", "by": "worker"},
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["on"]


def test_document_for_another_child_is_refused(world: World) -> None:
    other = world.store.get(world.ids["b"]).model_dump(mode="json", exclude_none=True)
    response = world.api.put(
        f"/api/children/{world.ids['a']}/document",
        headers=world.write_as("wendy", world.ids["a"]),
        json=other,
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "child.id"


def test_oversized_body_is_refused(world: World) -> None:
    limit = world.app.state.settings.max_body_bytes
    response = world.api.post(
        f"/api/children/{world.ids['a']}/people",
        headers=_h(world),
        content=b'{"name": "' + b"x" * limit + b'"}',
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_ending_an_ended_tie_is_refused(world: World) -> None:
    child = world.ids["b"]
    walt = world.write_as("walt", child)
    ended = next(t for t in world.store.get(child).ties if t.ended is not None)
    response = world.api.post(
        f"/api/children/{child}/ties/{ended.id}/end",
        headers=walt,
        json={"ended": "2030-01-01", "end_reason": "other"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "ended"


def test_unknown_child_and_tie_are_404(world: World) -> None:
    world.accounts.allocate("wendy", "c-ghost", world.clock())
    assert world.api.get("/api/children/c-ghost", headers=_h(world)).status_code == 404
    response = world.api.post(
        f"/api/children/{world.ids['a']}/ties/nope/end",
        headers=world.write_as("wendy", world.ids["a"]),
        json={"ended": "2030-01-01", "end_reason": "other"},
    )
    assert response.status_code == 404


def test_list_filters_and_paginates(fresh_world: World) -> None:
    w = fresh_world
    for n in range(5):
        w.api.post(
            "/api/children",
            headers=_h(w),
            json={"id": f"c-p{n}", "name": f"Pat {n}", "team": "East" if n % 2 else "West"},
        )
    page = w.api.get(
        "/api/children", params={"team": "West", "limit": 2, "offset": 1}, headers=_h(w)
    ).json()
    assert page["count"] == 3 and [r["id"] for r in page["data"]] == ["c-p2", "c-p4"]
    found = w.api.get("/api/children", params={"search": "pat 3"}, headers=_h(w)).json()
    assert [r["id"] for r in found["data"]] == ["c-p3"]
    bad = w.api.get("/api/children", params={"limit": 0, "status": "happy"}, headers=_h(w))
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"limit", "status"}
