"""Meetings through the API on both stores: record, correct, commit, progress; the young
person's "is this happening?"; versions, revisions, audit and errors (docs/meetings.md)."""

from __future__ import annotations

from typing import Any

import networkx as nx

from tests.api.conftest import World


def _people(world: World) -> list[str]:
    return [p.id for p in world.docs["a"].people]


def _record(world: World, **extra: Any) -> dict[str, Any]:
    a = world.ids["a"]
    gran, mum, *_ = _people(world)
    body = {
        "kind": "family_group_conference", "on": "2025-03-10",
        "invited": [gran, mum], "attended": [gran], "participation": "PN1",
        "note": "private worker note",
        "plan": [
            {"what": "Tea at gran's every Sunday", "who": [gran], "by": "2025-06-30"},
            {"what": "I keep my feelings diary", "who": []},
        ],
        **extra,
    }
    r = world.api.post(f"/api/children/{a}/meetings", json=body,
                       headers=world.write_as("wendy", a))
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_a_meeting_and_its_plan_are_recorded_as_one_revision(fresh_world: World) -> None:
    w = fresh_world
    a = w.ids["a"]
    before = w.store.version(a)
    made = _record(w)
    assert made["version"] == before + 1 and len(made["commitments"]) == 2
    listed = w.api.get(f"/api/children/{a}/meetings", headers=w.as_user("wendy")).json()
    [meeting] = listed["meetings"]
    assert meeting["id"] == made["id"] and meeting["participation"] == "PN1"
    assert [k["id"] for k in meeting["plan"]] == made["commitments"]
    assert listed["participation_words"]["PN1"] == "came and spoke for themselves"
    assert listed["status"]["commitments"][made["commitments"][1]]["open"] is True
    assert w.store.get(a).meetings[0].plan[0].what == "Tea at gran's every Sunday"
    revisions = w.api.get(f"/api/children/{a}/revisions", headers=w.as_user("wendy")).text
    assert "held the family group conference on 2025-03-10" in revisions
    assert "private worker note" not in revisions


def test_corrections_commitments_and_progress(fresh_world: World) -> None:
    w = fresh_world
    a = w.ids["a"]
    made = _record(w)
    _, mum, *_ = _people(w)
    r = w.api.patch(f"/api/children/{a}/meetings/{made['id']}",
                    json={"participation": "PN2", "attended": [mum], "note": None},
                    headers=w.write_as("wendy", a))
    assert r.status_code == 200, r.text
    r = w.api.post(f"/api/children/{a}/meetings/{made['id']}/commitments",
                   json={"what": "Mum rings on Wednesdays", "who": [mum], "by": "2025-05-01"},
                   headers=w.write_as("wendy", a))
    assert r.status_code == 201, r.text
    new = r.json()["commitments"][0]
    r = w.api.patch(f"/api/children/{a}/commitments/{new}", json={"by": "2025-05-15"},
                    headers=w.write_as("wendy", a))
    assert r.status_code == 200, r.text
    r = w.api.post(f"/api/children/{a}/commitments/{new}/progress",
                   json={"on": "2025-05-20", "state": "not_done"}, headers=w.write_as("wendy", a))
    assert r.status_code == 201, r.text
    [m] = w.store.get(a).meetings
    assert (m.participation, m.attended, m.note) == ("PN2", [mum], None)
    assert m.plan[2].by is not None and m.plan[2].by.isoformat() == "2025-05-15"
    assert [(p.state, p.by) for p in m.plan[2].progress] == [("not_done", "worker")]


def test_breaches_are_named_by_the_request_and_nothing_is_stored(fresh_world: World) -> None:
    w = fresh_world
    a = w.ids["a"]
    version = w.store.version(a)
    r = w.api.post(f"/api/children/{a}/meetings",
                   json={"kind": "other", "on": "2025-01-01", "attended": ["nobody"],
                         "plan": [{"what": "x", "who": ["ghost"]}]},
                   headers=w.write_as("wendy", a))
    assert r.status_code == 422, r.text
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert fields == {"attended[0]", "plan[0].who[0]"}
    made = _record(w)
    first = made["commitments"][0]
    r = w.api.post(f"/api/children/{a}/commitments/{first}/progress",
                   json={"on": "2025-03-01", "state": "done"}, headers=w.write_as("wendy", a))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "on"
    assert w.store.version(a) == version + 1  # only the good meeting was stored


def test_unknown_ids_stale_and_missing_versions(fresh_world: World) -> None:
    w = fresh_world
    a = w.ids["a"]
    made = _record(w)
    r = w.api.post(f"/api/children/{a}/commitments/k-nope/progress",
                   json={"on": "2025-04-01", "state": "done"}, headers=w.write_as("wendy", a))
    assert r.status_code == 404
    r = w.api.patch(f"/api/children/{a}/meetings/m-nope", json={"note": "x"},
                    headers=w.write_as("wendy", a))
    assert r.status_code == 404
    stale = {**w.as_user("wendy"), "If-Match": f'"{w.store.version(a) - 1}"'}
    r = w.api.patch(f"/api/children/{a}/meetings/{made['id']}", json={"note": "x"},
                    headers=stale)
    assert r.status_code == 409
    r = w.api.patch(f"/api/children/{a}/meetings/{made['id']}", json={"note": "x"},
                    headers=w.as_user("wendy"))
    assert r.status_code == 428
    assert w.store.get(a).meetings[0].note == "private worker note"


def test_the_young_person_says_whether_it_is_happening(fresh_world: World) -> None:
    w = fresh_world
    a = w.ids["a"]
    made = _record(w)
    tea, diary = made["commitments"]
    seen = w.api.get("/api/me/helping", headers=w.as_link("link"))
    assert seen.status_code == 200
    assert [i["what"] for i in seen.json()["data"]] == ["Tea at gran's every Sunday",
                                                        "I keep my feelings diary"]
    assert "private worker note" not in seen.text and "PN1" not in seen.text
    r = w.api.post(f"/api/me/helping/{tea}", json={"answer": "a_bit"},
                   headers=w.link_write("link", a))
    assert r.status_code == 200, r.text
    assert r.json()["answer"] == "a_bit"
    progress = w.store.get(a).meetings[0].plan[0].progress
    assert [(p.state, p.by) for p in progress] == [("in_progress", "child")]
    worker_view = w.api.get(f"/api/children/{a}/meetings", headers=w.as_user("wendy")).json()
    assert worker_view["status"]["commitments"][tea]["child_answer"] == "a_bit"
    other = w.api.post(f"/api/me/helping/{diary}", json={"answer": "yes"},
                       headers=w.link_write("link_other_child", w.ids["b"]))
    assert other.status_code == 404  # not their plan: nothing written
    assert w.store.get(a).meetings[0].plan[1].progress == []


def test_exports_have_meetings_as_nodes(fresh_world: World) -> None:
    w = fresh_world
    a = w.ids["a"]
    made = _record(w)
    gran = _people(w)[0]
    text = w.api.get(f"/api/children/{a}/export.graphml", headers=w.as_user("wendy")).text
    g = nx.parse_graphml(text)
    assert g.nodes[made["id"]]["kind"] == "meeting"
    assert g.edges[gran, made["id"]]["attended"] is True
    assert "private worker note" not in text
