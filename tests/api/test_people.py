"""Shared people edited in the open: the shared-person attack fails, a legitimate person
edit moves every affected child's version and audit, and no stale write reverts it.

The world: c-mia (North: wendy, wes) and c-leo (South: walt) share the social worker
``sw-okafor``; ``p-mia-gran`` is in c-mia's network only.
"""

from __future__ import annotations

from ecomap.model import Person
from tests.api.conftest import World

SHARED = "sw-okafor"
NORTH_ONLY = "p-mia-gran"


def _person(w: World, person_id: str) -> Person:
    [person] = w.store.people(ids=[person_id], limit=1)
    return person


def test_a_south_worker_cannot_reach_a_north_person_by_id(fresh_world: World) -> None:
    w = fresh_world
    mia, leo = w.ids["a"], w.ids["b"]
    before = (w.store.version(mia), w.store.version(leo), _person(w, NORTH_ONLY))
    # naming an id when adding someone is no longer accepted: the service makes ids
    made = w.api.post(
        f"/api/children/{leo}/people",
        headers=w.write_as("walt", leo),
        json={"id": NORTH_ONLY, "name": "Renamed", "category": "family"},
    )
    assert made.status_code == 422
    assert [d["field"] for d in made.json()["error"]["details"]] == ["id"]
    # linking a person walt cannot see gets the same answer as an id that does not exist
    linked = w.api.post(
        f"/api/children/{leo}/people/link", headers=w.write_as("walt", leo),
        json={"id": NORTH_ONLY},
    )
    missing = w.api.post(
        f"/api/children/{leo}/people/link", headers=w.write_as("walt", leo),
        json={"id": "p-no-such-person"},
    )
    assert linked.status_code == missing.status_code == 422
    assert linked.json() == missing.json()
    assert linked.json()["error"]["message"] == "no such person among the people you can see"
    # nor can walt change her through /api/people
    patched = w.api.patch(f"/api/people/{NORTH_ONLY}", headers=w.as_user("walt"),
                          json={"name": "Renamed"})
    unknown = w.api.patch("/api/people/p-no-such-person", headers=w.as_user("walt"),
                          json={"name": "Renamed"})
    assert patched.status_code == unknown.status_code == 422
    assert patched.json() == unknown.json()
    assert (w.store.version(mia), w.store.version(leo), _person(w, NORTH_ONLY)) == before


def test_a_child_write_never_changes_a_shared_person(fresh_world: World) -> None:
    w = fresh_world
    mia, leo = w.ids["a"], w.ids["b"]
    mia_version = w.store.version(mia)
    # the old side door, PATCH through one's own child, is gone
    side = w.api.patch(f"/api/children/{leo}/people/{SHARED}", headers=w.write_as("walt", leo),
                       json={"name": "Renamed"})
    assert side.status_code in (404, 405)
    # a whole-document write that renames the shared person is refused, naming the field
    loaded = w.api.get(f"/api/children/{leo}/document", headers=w.as_user("walt"))
    data = loaded.json()
    index = next(i for i, p in enumerate(data["people"]) if p["id"] == SHARED)
    data["people"][index]["name"] = "Renamed"
    put = w.api.put(f"/api/children/{leo}/document", json=data,
                    headers={**w.as_user("walt"), "If-Match": loaded.headers["etag"]})
    assert put.status_code == 422
    fields = [d["field"] for d in put.json()["error"]["details"]]
    assert any(f.startswith(f"people[{index}]") for f in fields)
    assert mia not in put.text  # the refusal names no other child
    assert w.store.get(mia).people == w.docs["a"].people
    assert w.store.version(mia) == mia_version


def test_a_person_edit_moves_every_affected_childs_version_and_audit(fresh_world: World) -> None:
    w = fresh_world
    mia, leo, jay = w.ids["a"], w.ids["b"], w.ids["d"]
    versions = {c: w.store.version(c) for c in (mia, leo, jay)}
    changed = w.api.patch(
        f"/api/people/{SHARED}",
        headers={**w.person_write("walt", SHARED), "X-Reason": "married name"},
        json={"name": "Sam Okafor-Reid"},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["person"]["name"] == "Sam Okafor-Reid" and body["children"] == 2
    assert body["versions"] == {leo: versions[leo] + 1}  # walt learns only his own child's
    assert w.store.version(mia) == versions[mia] + 1
    assert w.store.version(leo) == versions[leo] + 1
    assert w.store.version(jay) == versions[jay]  # not in jay's network
    for child in (mia, leo):
        doc = w.store.get(child)
        assert next(p.name for p in doc.people if p.id == SHARED) == "Sam Okafor-Reid"
        entries, _ = w.accounts.audit(child_id=child, action="person.update")
        assert [(e.actor, e.target) for e in entries] == [("walt", SHARED)]
    [revision] = [r for r in w.store.history(mia) if r.number == body["revision"]]
    assert revision.children == tuple(sorted((mia, leo))) and revision.reason == "married name"
    listed = w.api.get(f"/api/children/{mia}/revisions", headers=w.as_user("wendy")).json()
    assert listed["data"][0]["actor"] == "walt"
    assert listed["data"][0]["changes"] == ["renamed Sam Okafor → Sam Okafor-Reid"]


def test_a_stale_put_can_no_longer_revert_a_person_edit(fresh_world: World) -> None:
    w = fresh_world
    mia = w.ids["a"]
    loaded = w.api.get(f"/api/children/{mia}/document", headers=w.as_user("wendy"))
    assert w.api.patch(f"/api/people/{SHARED}", headers=w.person_write("walt", SHARED),
                       json={"name": "Sam Okafor-Reid"}).status_code == 200
    stale = w.api.put(f"/api/children/{mia}/document", json=loaded.json(),
                      headers={**w.as_user("wendy"), "If-Match": loaded.headers["etag"]})
    assert stale.status_code == 409
    assert _person(w, SHARED).name == "Sam Okafor-Reid"


def test_a_person_edit_names_the_version_it_was_made_on(fresh_world: World) -> None:
    """Two people changing the same person at once: the second, made on details the
    first has changed, gets 409 and the current version, and undoes nothing."""
    w = fresh_world
    listed = w.api.get("/api/people", params={"search": "okafor"}, headers=w.as_user("walt"))
    [shown] = listed.json()["data"]
    assert shown["version"] == w.store.person_versions([SHARED])[SHARED]
    loaded = f'"{shown["version"]}"'

    missing = w.api.patch(f"/api/people/{SHARED}", headers=w.as_user("walt"),
                          json={"name": "Sam Okafor-Reid"})
    assert missing.status_code == 428, missing.text
    assert [d["field"] for d in missing.json()["error"]["details"]] == ["If-Match"]

    first = w.api.patch(f"/api/people/{SHARED}", json={"name": "Sam Okafor-Reid"},
                        headers={**w.as_user("walt"), "If-Match": loaded})
    assert first.status_code == 200, first.text
    version = first.json()["person"]["version"]
    assert first.headers["etag"] == f'"{version}"' == f'"{first.json()["revision"]}"'
    second = w.api.patch(f"/api/people/{SHARED}", json={"role": "team_manager"},
                         headers={**w.as_user("wendy"), "If-Match": loaded})
    assert second.status_code == 409, second.text
    assert second.headers["etag"] == f'"{version}"'
    assert second.json()["error"]["details"] == [
        {"field": "If-Match", "message": f"current version is {version}"}]
    kept = _person(w, SHARED)
    assert kept.name == "Sam Okafor-Reid" and kept.role != "team_manager"

    again = w.api.patch(f"/api/people/{SHARED}", json={"role": "team_manager"},
                        headers={**w.as_user("wendy"), "If-Match": second.headers["etag"]})
    assert again.status_code == 200, again.text
    assert (_person(w, SHARED).name, _person(w, SHARED).role) == (
        "Sam Okafor-Reid", "team_manager")


def test_people_search_shows_the_caseloads_networks_and_professionals(world: World) -> None:
    found = world.api.get("/api/people", params={"limit": 200}, headers=world.as_user("walt"))
    assert found.status_code == 200
    ids = {p["id"] for p in found.json()["data"]}
    leo = {p.id for p in world.docs["b"].people}
    professionals = {
        p.id for d in world.docs.values() for p in d.people if p.category == "professional"
    }
    assert ids == leo | professionals  # c-mia's family and friends stay out of sight
    assert NORTH_ONLY not in ids and "tch-patel" in ids
    page = world.api.get("/api/people", params={"limit": 2}, headers=world.as_user("walt")).json()
    assert len(page["data"]) == 2 and page["count"] == len(ids)
    named = world.api.get("/api/people", params={"search": "okafor"},
                          headers=world.as_user("walt")).json()
    assert [p["id"] for p in named["data"]] == [SHARED]
    assert world.api.get("/api/people", headers=world.as_user("lena")).status_code == 403


def test_a_worker_links_a_visible_person_instead_of_copying(fresh_world: World) -> None:
    w = fresh_world
    jay = w.ids["d"]
    # wendy has c-mia and c-jay: c-mia's grandmother is visible to her
    linked = w.api.post(f"/api/children/{jay}/people/link", headers=w.write_as("wendy", jay),
                        json={"id": NORTH_ONLY, "started": "2024-01-01"})
    assert linked.status_code == 201, linked.text
    assert linked.json()["id"] == NORTH_ONLY and linked.json()["tie"]
    assert w.store.person_children([NORTH_ONLY])[NORTH_ONLY] == sorted([w.ids["a"], jay])
    again = w.api.post(f"/api/children/{jay}/people/link", headers=w.write_as("wendy", jay),
                       json={"id": NORTH_ONLY})
    assert again.status_code == 409


def test_a_whole_document_may_name_only_people_one_can_see(fresh_world: World) -> None:
    w = fresh_world
    leo = w.ids["b"]
    answers = []
    for person in ({"id": NORTH_ONLY, "name": "Rose", "category": "family"},
                   {"id": "p-no-such-person", "name": "Rose", "category": "family"}):
        data = w.store.get(leo).model_dump(mode="json", exclude_none=True)
        data["people"].append(person)
        answers.append(w.api.put(f"/api/children/{leo}/document", json=data,
                                 headers=w.write_as("walt", leo)))
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["error"]["details"] == [
        {"field": f"people[{len(w.docs['b'].people)}]",
         "message": "no such person among the people you can see"}
    ]
    assert w.store.person_children([NORTH_ONLY])[NORTH_ONLY] == [w.ids["a"]]
