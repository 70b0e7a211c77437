"""The audit log: every write and every read of a named child's record; never note text."""

from __future__ import annotations

import sqlite3

from tests.api.conftest import World

NOTE = "Told me about the argument at home"


def test_each_write_is_recorded_with_who_what_when(fresh_world: World) -> None:
    w = fresh_world
    h = w.as_user("wendy")
    child = w.ids["a"]
    tie = next(t.id for t in w.store.get(child).ties if child in t.between)
    person = w.docs["a"].people[0].id
    writes = [
        (
            "child.create",
            lambda: w.api.post("/api/children", headers=h, json={"id": "c-new", "name": "New"}),
        ),
        (
            "child.update",
            lambda: w.api.patch(
                f"/api/children/{child}", headers=w.write_as("wendy", child), json={"team": "North"}
            ),
        ),
        (
            "person.create",
            lambda: w.api.post(
                f"/api/children/{child}/people",
                headers=w.write_as("wendy", child),
                json={"name": "Kez", "category": "friend"},
            ),
        ),
        (
            "person.update",
            lambda: w.api.patch(f"/api/people/{person}", headers=w.person_write("wendy", person),
                                json={"role": "relative"}),
        ),
        (
            "tie.create",
            lambda: w.api.post(
                f"/api/children/{child}/ties",
                headers=w.write_as("wendy", child),
                json={"between": [child, person], "id": "t-x"},
            ),
        ),
        (
            "tie.end",
            lambda: w.api.post(
                f"/api/children/{child}/ties/t-x/end",
                headers=w.write_as("wendy", child),
                json={"ended": "2030-01-01", "end_reason": "other"},
            ),
        ),
        (
            "observation.create",
            lambda: w.api.post(
                f"/api/children/{child}/observations",
                headers=w.write_as("wendy", child),
                json={"tie": tie, "on": "2025-01-01", "by": "worker", "note": NOTE},
            ),
        ),
        (
            "episode.create",
            lambda: w.api.post(
                f"/api/children/{child}/episodes",
                headers=w.write_as("wendy", child),
                json={"kind": "school", "start": "2025-09-01"},
            ),
        ),
        (
            "document.replace",
            lambda: w.api.put(
                f"/api/children/{child}/document",
                headers=w.write_as("wendy", child),
                json=w.store.get(child).model_dump(mode="json", exclude_none=True),
            ),
        ),
        ("link.create", lambda: w.api.post(f"/api/children/{child}/links", headers=h)),
        (
            "child.close",
            lambda: w.api.delete("/api/children/c-new", headers=w.write_as("wendy", "c-new")),
        ),
    ]
    for action, call in writes:
        before = w.clock()
        response = call()
        assert response.status_code < 300, (action, response.text)
        [entry], _ = w.accounts.audit(limit=1)
        assert (entry.actor, entry.role, entry.action, entry.outcome) == (
            "wendy",
            "worker",
            action,
            "ok",
        )
        assert entry.child_id in (child, "c-new")
        assert entry.at >= before.replace(microsecond=0)


def test_reads_of_a_named_child_are_recorded(world: World) -> None:
    child = world.ids["a"]
    for path, action in (
        ("", "child.read"),
        ("/document", "document.read"),
        ("/ecomap", "ecomap.read"),
        ("/measures", "measures.read"),
    ):
        assert (
            world.api.get(
                f"/api/children/{child}{path}", headers=world.as_user("wendy")
            ).status_code
            == 200
        )
        [entry], _ = world.accounts.audit(limit=1)
        assert (entry.action, entry.child_id, entry.actor) == (action, child, "wendy")


def test_refusals_are_recorded_too(world: World) -> None:
    child = world.ids["a"]
    assert world.api.get(f"/api/children/{child}", headers=world.as_user("walt")).status_code == 403
    [entry], _ = world.accounts.audit(limit=1)
    assert (entry.actor, entry.child_id, entry.outcome) == ("walt", child, "denied")


def test_young_person_writes_are_recorded_against_the_link(world: World) -> None:
    response = world.api.post(
        "/api/me/people",
        headers=world.link_write("link", world.ids["a"]),
        json={"name": "Kez", "category": "friend"},
    )
    assert response.status_code == 201
    [entry], _ = world.accounts.audit(limit=1)
    assert entry.actor.startswith("link:") and entry.role == "young_person"
    assert entry.action == "young_person.person.create" and entry.child_id == world.ids["a"]


def test_admin_queries_the_log_and_it_never_holds_notes(world: World) -> None:
    child = world.ids["a"]
    tie = next(t.id for t in world.store.get(child).ties if child in t.between)
    world.api.post(
        f"/api/children/{child}/observations",
        headers=world.write_as("wendy", child),
        json={"tie": tie, "on": "2025-01-01", "by": "worker", "note": NOTE},
    )
    page = world.api.get(
        "/api/audit",
        params={"child_id": child, "action": "observation.create"},
        headers=world.as_user("ada"),
    )
    assert page.status_code == 200
    assert page.json()["count"] >= 1
    assert all(row["child_id"] == child for row in page.json()["data"])
    with sqlite3.connect(world.accounts.path) as db:
        dump = "\n".join(db.iterdump())
    assert NOTE not in dump
    names = {p.name for doc in world.docs.values() for p in doc.people}
    assert not any(f"'{name}'" in dump for name in names)
