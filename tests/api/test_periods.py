"""Status and team periods over the API: list, add (ending the open one), end, correct;
the format's rules hold (no overlaps; the current status follows); time to ask again.
Every write sends If-Match (issue 10)."""

from __future__ import annotations

from datetime import date

from tests.api.conftest import World


def periods(w: World, child: str, user: str = "wendy") -> list[dict[str, object]]:
    body = w.api.get(f"/api/children/{child}/periods", headers=w.as_user(user)).json()
    assert body["count"] == len(body["data"])
    return list(body["data"])


def test_a_journey_through_the_api(fresh_world: World) -> None:
    w = fresh_world
    child = w.ids["a"]
    assert periods(w, child) == []  # the fixture carries only child.status
    first = w.api.post(f"/api/children/{child}/periods", headers=w.write_as("wendy", child), json={
        "kind": "status", "status": "child_in_need", "start": "2023-01-09"})
    assert first.status_code == 201, first.text
    moved = w.api.post(f"/api/children/{child}/periods", headers=w.write_as("wendy", child), json={
        "kind": "status", "status": "looked_after", "start": "2023-09-01",
        "reason": "entered_care"})
    assert moved.status_code == 201, moved.text
    team = w.api.post(f"/api/children/{child}/periods", headers=w.write_as("wendy", child), json={
        "kind": "team", "team": "North", "start": "2023-01-09"})
    assert team.status_code == 201
    found = periods(w, child)
    assert [(p["kind"], p["status"] or p["team"], p["start"], p["end"]) for p in found] == [
        ("status", "child_in_need", "2023-01-09", "2023-09-01"),  # ended by the next
        ("team", "North", "2023-01-09", None),
        ("status", "looked_after", "2023-09-01", None),
    ]
    doc = w.store.get(child)
    assert (doc.child.status, doc.child.team) == ("looked_after", "North")
    # the dashboard counts the child in need in March 2023, not looked after
    spring = w.api.get("/api/dashboard", params={"at": "2023-03-31", "status": "looked_after",
                                                 "months": 1}, headers=w.as_user("lou")).json()
    assert spring["measures"]["children"] == 0

    # end the looked-after period (the case closed), then correct its start
    index = found[2]["index"]
    ended = w.api.post(f"/api/children/{child}/periods/{index}/end",
                       headers=w.write_as("wendy", child), json={"end": "2025-01-31"})
    assert ended.status_code == 200 and ended.json()["end"] == "2025-01-31"
    fixed = w.api.patch(f"/api/children/{child}/periods/{index}",
                        headers=w.write_as("wendy", child), json={"start": "2023-09-02"})
    assert fixed.status_code == 200 and fixed.json()["start"] == "2023-09-02"
    closed = w.api.get("/api/dashboard", params={"at": "2025-06-30", "months": 1},
                       headers=w.as_user("lou")).json()
    whole = w.api.get("/api/dashboard", params={"at": "2024-06-30", "months": 1},
                      headers=w.as_user("lou")).json()
    assert closed["measures"]["children"] == whole["measures"]["children"] - 1


def test_overlaps_and_wrong_values_are_refused_naming_the_field(fresh_world: World) -> None:
    w = fresh_world
    child = w.ids["b"]
    w.api.post(f"/api/children/{child}/periods", headers=w.write_as("walt", child), json={
        "kind": "status", "status": "early_help", "start": "2024-01-01", "end": "2024-06-01"})
    version = w.store.version(child)
    inside = w.api.post(f"/api/children/{child}/periods", headers=w.write_as("walt", child), json={
        "kind": "status", "status": "child_in_need", "start": "2024-03-01"})
    assert inside.status_code == 422
    assert [d["field"] for d in inside.json()["error"]["details"]] == ["start"]
    assert w.store.version(child) == version  # nothing stored
    wrong = w.api.post(f"/api/children/{child}/periods", headers=w.write_as("walt", child), json={
        "kind": "team", "status": "looked_after", "start": "2024-03-01"})
    assert wrong.status_code == 422
    assert {d["field"] for d in wrong.json()["error"]["details"]} == {"team"}
    missing = w.api.post(f"/api/children/{child}/periods/99/end", headers=w.write_as("walt", child),
                         json={"end": "2024-05-01"})
    assert missing.status_code == 404
    other = w.api.post(f"/api/children/{w.ids['a']}/periods",
                       headers=w.write_as("walt", w.ids["a"]), json={
        "kind": "status", "status": "early_help", "start": "2024-01-01"})
    assert other.status_code == 403  # not walt's caseload


def test_time_to_ask_again(fresh_world: World) -> None:
    w = fresh_world
    body = w.api.get("/api/asking", headers=w.as_user("wendy")).json()
    assert {a["child"] for a in body["data"]} == {w.ids["a"], w.ids["d"]}
    today = w.clock().date()
    for entry in body["data"]:
        doc = w.store.get(entry["child"])
        answers = [o.on for o in doc.observations if o.trusted is not None]
        assert (entry["trust_answered_on"] is None) == (not answers)
        # the fixtures' answers are from 2024-2025: more than a year before today
        on = entry["trust_answered_on"]
        assert entry["ask_again"] == (on is None or (today - date.fromisoformat(on)).days >= 365)
    assert w.api.get("/api/asking", headers=w.as_user("lou")).status_code == 403
