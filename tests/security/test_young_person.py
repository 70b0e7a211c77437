"""A young person's link sees what the young person sees: the people around them and their
own latest answers — no adult's ratings, scores, line styles, status, team, birth date
or ties between others. The exact fields are pinned here."""

from __future__ import annotations

import json
from datetime import date

from ecomap.measures.effective import effective_observation, observations_by_tie
from tests.security.conftest import Live

MAP_FIELDS = {"child", "members"}
CHILD_FIELDS = {"name"}
MEMBER_FIELDS = {"id", "name", "tie", "closeness", "contact", "support", "trusted"}
SUPPORT_FIELDS = {"emotional", "practical", "informational"}


def _keys(value: object) -> set[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_the_map_holds_exactly_the_child_only_fields(live: Live) -> None:
    world = live.world
    with live.client(headers=world.as_link("link")) as client:
        answer = client.get("/api/me/map")
    assert answer.status_code == 200
    view = answer.json()
    assert set(view) == MAP_FIELDS
    assert set(view["child"]) == CHILD_FIELDS
    assert view["members"], "the people are there"
    for member in view["members"]:
        assert set(member) == MEMBER_FIELDS
        assert member["support"] is None or set(member["support"]) == SUPPORT_FIELDS
    assert _keys(view) == MAP_FIELDS | CHILD_FIELDS | MEMBER_FIELDS | (
        SUPPORT_FIELDS if any(m["support"] for m in view["members"]) else set())


def test_no_adult_view_reaches_the_link(live: Live) -> None:
    world = live.world
    child = world.ids["a"]
    doc = world.docs["a"]
    tie = next(t for t in doc.ties if child in t.between and t.ended is None)
    with live.client(headers=live.bearer("wendy")) as worker:
        said = worker.post(f"/api/children/{child}/observations", json={
            "tie": tie.id, "on": "2025-01-02", "by": "worker", "closeness": 1, "critical": 3,
            "contact": 0}, headers={"If-Match": f'"{world.store.version(child)}"'})
        assert said.status_code == 201, said.text
    with live.client(headers=world.as_link("link")) as client:
        text = client.get("/api/me/map").text
    view = json.loads(text)
    for word in ("stressful", "strength", "components", "observed_by", "birth_date",
                 "status", "team", "critical", "line", "between"):
        assert f'"{word}"' not in text, word
    stored = world.store.get(child)
    child_ties = {t.id for t in stored.ties if child in t.between}
    assert {m["tie"] for m in view["members"]} <= child_ties, "a tie between others is shown"
    [member] = [m for m in view["members"] if m["tie"] == tie.id]
    own = effective_observation(observations_by_tie(stored.observations).get(tie.id, []),
                                date.today(), "child")
    assert member["closeness"] == (own.closeness if own else None)  # not the worker's 1
    assert member["contact"] == (own.contact if own else None)


def test_the_childs_own_answers_are_what_it_shows(live: Live) -> None:
    world = live.world
    child = world.ids["a"]
    tie = next(t for t in world.store.get(child).ties if child in t.between and t.ended is None)
    with live.client(headers=world.as_link("link")) as client:
        saved = client.post("/api/me/observations", json={
            "tie": tie.id, "closeness": 2, "contact": 3, "trusted": True,
            "support": {"practical": 3}}, headers={"If-Match": f'"{world.store.version(child)}"'})
        assert saved.status_code == 201
        view = client.get("/api/me/map").json()
    [member] = [m for m in view["members"] if m["tie"] == tie.id]
    assert (member["closeness"], member["contact"], member["trusted"]) == (2, 3, True)
    assert member["support"] == {"emotional": None, "practical": 3, "informational": None}
