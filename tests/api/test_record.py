"""The record over record time through the API: revisions in plain words, reads
``as_recorded``, restore, close / reopen / erase, and If-Match required on every write."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ecomap.measures import child_measures
from tests.api.conftest import World


def _tie_to(w: World, child: str, person: str) -> str:
    return next(t.id for t in w.store.get(child).ties if set(t.between) == {child, person})


def _add_gran_and_rate_her(w: World, child: str) -> dict[str, Any]:
    """Three writes by wendy; returns what the test needs to check them."""
    made = w.api.post(f"/api/children/{child}/people", headers=w.write_as("wendy", child),
                      json={"name": "Gran", "category": "family", "started": "2020-01-01"})
    assert made.status_code == 201, made.text
    tie = made.json()["tie"]
    first = w.store.revision()
    rated = w.api.post(
        f"/api/children/{child}/observations",
        headers={**w.write_as("wendy", child), "X-Reason": "visit on 1 March"},
        json={"tie": tie, "on": "2025-03-01", "by": "child", "closeness": 2},
    )
    assert rated.status_code == 201
    second = w.store.revision()
    corrected = w.api.post(
        f"/api/children/{child}/observations", headers=w.write_as("wendy", child),
        json={"tie": tie, "on": "2025-04-01", "by": "child", "closeness": 3},
    )
    assert corrected.status_code == 201
    return {"tie": tie, "person": made.json()["id"], "first": first, "second": second}


def test_revisions_list_who_when_why_and_what_in_plain_words(fresh_world: World) -> None:
    w = fresh_world
    child = w.ids["a"]
    _add_gran_and_rate_her(w, child)
    listed = w.api.get(f"/api/children/{child}/revisions", headers=w.as_user("wendy"))
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 4  # the fixture's import, then wendy's three writes
    newest, middle, added, imported = body["data"]
    assert [r["actor"] for r in body["data"]] == ["wendy", "wendy", "wendy", "import:fixtures"]
    assert newest["changes"] == ["closeness of Gran 2 → 3 (2025-04-01, the child's view)"]
    assert middle["reason"] == "visit on 1 March"
    assert middle["changes"] == ["rated Gran (2025-03-01, the child's view): closeness 2"]
    assert added["changes"] == ["added Gran", "added tie with Gran from 2020-01-01"]
    assert imported["changes"][0].startswith("created the record (10 people")
    assert newest["revision"] > middle["revision"] > added["revision"]
    # workers of other children do not see it
    assert w.api.get(f"/api/children/{child}/revisions",
                     headers=w.as_user("walt")).status_code == 403


def test_the_document_as_recorded_is_what_the_store_held_then(fresh_world: World) -> None:
    w = fresh_world
    child = w.ids["a"]
    steps = _add_gran_and_rate_her(w, child)
    then = w.api.get(f"/api/children/{child}/document",
                     params={"as_recorded": steps["second"]}, headers=w.as_user("wendy"))
    assert then.status_code == 200
    assert "etag" not in then.headers  # only the current record can be written back
    rated = [o for o in then.json()["observations"] if o["tie"] == steps["tie"]]
    assert [o["closeness"] for o in rated] == [2]
    before = w.api.get(f"/api/children/{child}/document",
                       params={"as_recorded": steps["first"] - 1}, headers=w.as_user("wendy"))
    assert before.json() == w.docs["a"].model_dump(mode="json", exclude_none=True)
    # a time works as well as a number; the measures and the map follow the record
    moment = w.store.history(child)[-1].at.isoformat()
    at_import = w.api.get(f"/api/children/{child}/document", params={"as_recorded": moment},
                          headers=w.as_user("wendy"))
    assert at_import.json() == before.json()
    view = w.api.get(f"/api/children/{child}/ecomap",
                     params={"at": "2025-05-01", "as_recorded": steps["second"]},
                     headers=w.as_user("wendy")).json()
    gran = next(m for m in view["members"] if m["id"] == steps["person"])
    assert gran["closeness"] == 2
    unknown = w.api.get(f"/api/children/{child}/document", params={"as_recorded": 10**6},
                        headers=w.as_user("wendy"))
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"][0]["field"] == "as_recorded"


def test_restore_writes_a_new_revision_equal_to_an_old_one(fresh_world: World) -> None:
    w = fresh_world
    child = w.ids["a"]
    steps = _add_gran_and_rate_her(w, child)
    target = steps["first"] - 1  # before Gran was added
    no_reason = w.api.post(f"/api/children/{child}/restore", headers=w.write_as("wendy", child),
                           json={"revision": target})
    assert no_reason.status_code == 422
    restored = w.api.post(f"/api/children/{child}/restore", headers=w.write_as("wendy", child),
                          json={"revision": target, "reason": "Gran was added by mistake"})
    assert restored.status_code == 200, restored.text
    assert restored.headers["etag"] == f'"{w.store.version(child)}"'
    assert w.store.get(child) == w.docs["a"]
    history = w.api.get(f"/api/children/{child}/revisions", headers=w.as_user("wendy")).json()
    assert history["count"] == 5  # nothing erased: the restore adds one
    latest = history["data"][0]
    assert latest["kind"] == "restore" and latest["reason"] == "Gran was added by mistake"
    assert latest["changes"][0] == f"restored the record as at revision {target}"
    assert "removed Gran" in latest["changes"]
    # and the restored-away state is still there to read
    kept = w.api.get(f"/api/children/{child}/document", params={"as_recorded": steps["second"]},
                     headers=w.as_user("wendy")).json()
    assert any(p["name"] == "Gran" for p in kept["people"])


def test_every_write_to_a_child_needs_if_match(world: World) -> None:
    child = world.ids["a"]
    tie = _tie_to(world, child, "p-mia-gran")
    h = world.as_user("wendy")
    version = world.store.version(child)
    writes = [
        ("PATCH", f"/api/children/{child}", {"team": "North"}),
        ("PUT", f"/api/children/{child}/document",
         world.docs["a"].model_dump(mode="json", exclude_none=True)),
        ("POST", f"/api/children/{child}/people", {"name": "Kez", "category": "friend"}),
        ("POST", f"/api/children/{child}/observations",
         {"tie": tie, "on": "2025-01-01", "by": "worker"}),
        ("POST", f"/api/children/{child}/episodes", {"kind": "school", "start": "2025-01-01"}),
        ("POST", f"/api/children/{child}/ties", {"between": [child, "p-mia-mum"]}),
        ("POST", f"/api/children/{child}/ties/{tie}/end",
         {"ended": "2030-01-01", "end_reason": "other"}),
        ("POST", f"/api/children/{child}/restore", {"revision": 1, "reason": "x"}),
        ("DELETE", f"/api/children/{child}", None),
    ]
    for method, path, body in writes:
        response = world.api.request(method, path, headers=h, json=body)
        assert response.status_code == 428, (method, path, response.text)
        error = response.json()["error"]
        assert error["code"] == "precondition_required"
        assert error["details"] == [{"field": "If-Match", "message": "is required"}]
    link = world.api.post("/api/me/observations", headers=world.as_link("link"),
                          json={"tie": tie, "closeness": 3})
    assert link.status_code == 428
    assert world.store.version(child) == version  # nothing was written


def test_closing_keeps_the_record_and_an_admin_reopens_it(fresh_world: World) -> None:
    w = fresh_world
    child = w.ids["a"]
    document = w.store.get(child)
    closed = w.api.delete(f"/api/children/{child}",
                          headers={**w.write_as("wendy", child), "X-Reason": "case closed"})
    assert closed.status_code == 204
    listing = w.api.get("/api/children", headers=w.as_user("wendy")).json()
    assert child not in {c["id"] for c in listing["data"]}
    assert w.store.get(child) == document  # whole
    assert w.api.get(f"/api/children/{child}/document",
                     headers=w.as_user("wendy")).status_code == 200
    edit = w.api.patch(f"/api/children/{child}", headers=w.write_as("wendy", child),
                       json={"team": "South"})
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "closed"
    # the admin's export leaves it out unless asked: a document does not say it is closed
    def exported(**params: str) -> set[str]:
        answer = w.api.get("/api/export", params=params, headers=w.as_user("ada"))
        assert answer.status_code == 200, answer.text
        return {json.loads(line)["child"]["id"] for line in answer.text.splitlines()}
    assert exported() == set(w.ids.values()) - {child}
    assert exported(include_closed="true") == set(w.ids.values())
    # the worker cannot reopen; the admin finds it among closed records and does
    assert w.api.post(f"/api/children/{child}/reopen", headers=w.write_as("wendy", child),
                      json={"reason": "back"}).status_code == 403
    admin = w.api.get("/api/children", params={"closed": "true"}, headers=w.as_user("ada"))
    row = next(c for c in admin.json()["data"] if c["id"] == child)
    assert row["closed"] is True
    reopened = w.api.post(f"/api/children/{child}/reopen",
                          headers={**w.as_user("ada"), "If-Match": f'"{row["version"]}"'},
                          json={"reason": "family returned"})
    assert reopened.status_code == 200, reopened.text
    listing = w.api.get("/api/children", headers=w.as_user("wendy")).json()
    assert child in {c["id"] for c in listing["data"]}
    revisions = w.api.get(f"/api/children/{child}/revisions", headers=w.as_user("wendy"))
    kinds = [r["kind"] for r in revisions.json()["data"]]
    assert kinds[:2] == ["reopen", "close"]


def test_erasing_is_for_admins_needs_a_reason_and_says_what_it_removed(
    fresh_world: World,
) -> None:
    w = fresh_world
    child = w.ids["d"]
    doc = w.store.get(child)
    version = f'"{w.store.version(child)}"'
    assert w.api.post(f"/api/children/{child}/erase", headers=w.write_as("wendy", child),
                      json={"reason": "wrong child"}).status_code == 403
    no_reason = w.api.post(f"/api/children/{child}/erase",
                           headers={**w.as_user("ada"), "If-Match": version}, json={})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["details"][0]["field"] == "reason"
    erased = w.api.post(f"/api/children/{child}/erase",
                        headers={**w.as_user("ada"), "If-Match": version},
                        json={"reason": "record made for the wrong child"})
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert body["child"] == child
    assert body["removed"]["ties"] == len(doc.ties)
    assert body["removed"]["observations"] == len(doc.observations)
    assert body["message"].startswith(f"erased {child}: ")
    assert w.api.get(f"/api/children/{child}", headers=w.as_user("wendy")).status_code in (403, 404)
    entries, _ = w.accounts.audit(child_id=child, action="child.erase")
    assert [(e.actor, e.outcome) for e in entries] == [("ada", "ok")]


def test_measures_as_recorded_are_the_measures_of_the_record_then(fresh_world: World) -> None:
    w = fresh_world
    child = w.ids["a"]
    steps = _add_gran_and_rate_her(w, child)
    params = {"at": "2025-05-01"}
    now = w.api.get(f"/api/children/{child}/measures", params=params,
                    headers=w.as_user("wendy")).json()
    then = w.api.get(f"/api/children/{child}/measures",
                     params={**params, "as_recorded": steps["first"] - 1},
                     headers=w.as_user("wendy")).json()
    settings = w.app.state.settings
    expected = child_measures(w.docs["a"], date(2025, 5, 1), "combined",
                              window_days=settings.window_days,
                              settings=settings.measure_settings())
    assert then == expected and now != then
