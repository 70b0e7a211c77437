"""The authorisation matrix: every route x every kind of caller, allowed or refused."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from api.editing import new_id
from ecomap.format import dump_document
from tests.api.conftest import World

USERS = ("wendy", "walt", "lena", "ada")  # allocated worker, other worker, leader, admin
LINKS = ("link", "link_other_child", "link_expired", "link_revoked")
CALLERS = ("anonymous", *USERS, *LINKS)
WORKERS = {"wendy", "walt"}
SIGNED_IN = set(USERS)
YOUNG = {"link", "link_other_child"}

Request = tuple[str, dict[str, Any]]  # path, extra httpx arguments


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    allowed: frozenset[str]
    make: Callable[[World], Request]
    ok: int = 200
    #: callers whose allowed/refused answer is something else, with that status
    special: dict[str, int] = field(default_factory=dict)
    #: the child (by key) whose record the route writes: sent ``If-Match`` at its version
    writes: str | None = None


def fixed(path: str, **extra: Any) -> Callable[[World], Request]:
    return lambda w: (path.format(**w.ids), extra)


def _tie_of(w: World, key: str = "a") -> str:
    child = w.ids[key]
    return next(t.id for t in w.store.get(child).ties if child in t.between)


def _open_tie(w: World) -> Request:
    """A fresh tie of child a to end."""
    doc = w.store.get(w.ids["a"])
    person = doc.people[0].id
    tie_id = new_id("t")
    data = doc.model_dump(mode="json", exclude_none=True)
    data["ties"].append({"id": tie_id, "between": [w.ids["a"], person], "started": "2020-01-01"})
    w.store.replace(type(doc).model_validate(data), actor="test")
    return f"/api/children/{w.ids['a']}/ties/{tie_id}/end", {
        "json": {"ended": "2024-01-01", "end_reason": "by_choice"}
    }


def _period(w: World) -> tuple[int, int]:
    """A fresh, closed status period of child a (its index and year), added directly."""
    doc = w.store.get(w.ids["a"])
    data = doc.model_dump(mode="json", exclude_none=True)
    taken = [e["start"] for e in data["episodes"] if e["kind"] == "status"]
    year = 1990 + len(taken)
    data["episodes"].append({"kind": "status", "status": "early_help",
                             "start": f"{year}-01-01", "end": f"{year}-06-01"})
    data["child"].pop("status", None)
    w.store.replace(type(doc).model_validate(data), actor="test-setup")
    return len(data["episodes"]) - 1, year


def _end_period(w: World) -> Request:
    index, year = _period(w)
    return f"/api/children/{w.ids['a']}/periods/{index}/end", {"json": {"end": f"{year}-03-01"}}


def _correct_period(w: World) -> Request:
    index, _ = _period(w)
    return f"/api/children/{w.ids['a']}/periods/{index}", {"json": {"status": "child_in_need"}}


def _new_link(w: World) -> Request:
    link_id, _ = w.new_link("a")
    return f"/api/links/{link_id}", {}


def _new_user(action: str, **extra: Any) -> Callable[[World], Request]:
    """A throwaway worker for an account action (disable, enable, password, sessions)."""

    def make(w: World) -> Request:
        name = new_id("u")
        w.accounts.add_user(name, "not-a-hash", "worker", None, w.clock())
        return f"/api/users/{name}/{action}", extra

    return make


def _new_allocation(w: World) -> Request:
    child = new_id("c")
    w.accounts.allocate("walt", child, w.clock())
    return f"/api/allocations/walt/{child}", {}


def _document(w: World) -> Request:
    doc = w.store.get(w.ids["a"])
    return f"/api/children/{w.ids['a']}/document", {
        "content": dump_document(doc),
        "headers": {"content-type": "application/json"},
    }


def _import(w: World) -> Request:
    line = json.dumps({"format": "ecomap/1", "child": {"id": new_id("c"), "name": "Imported"}})
    return "/api/import", {
        "content": line + "\n",
        "headers": {"content-type": "application/x-ndjson"},
    }


def _restore(w: World) -> Request:
    first = w.store.history(w.ids["a"])[-1].number
    return f"/api/children/{w.ids['a']}/restore", {
        "json": {"revision": first, "reason": "back to the import"}
    }


def _reopen(w: World) -> Request:
    return f"/api/children/{w.ids['d']}/reopen", {"json": {"reason": "case reopened"}}


def _erase(w: World) -> Request:
    """A record made in error, to erase."""
    child = new_id("c")
    doc = w.docs["a"].model_validate({"format": "ecomap/1", "child": {"id": child, "name": "X"}})
    version = w.store.replace(doc, actor="test")
    return f"/api/children/{child}/erase", {
        "json": {"reason": "made in error"}, "headers": {"If-Match": f'"{version}"'}
    }


def _change_person(w: World) -> Request:
    """c-mia's grandmother, at her current version."""
    person = w.docs["a"].people[0].id
    version = w.store.person_versions([person])[person]
    return f"/api/people/{person}", {"json": {"role": "relative"},
                                     "headers": {"If-Match": f'"{version}"'}}


def _young_observation(w: World) -> Request:
    return "/api/me/observations", {"json": {"tie": _tie_of(w), "closeness": 2}}


def _meeting(w: World) -> tuple[str, str]:
    """A meeting with one commitment in child a's record: (meeting id, commitment id)."""
    doc = w.store.get(w.ids["a"])
    meeting_id, commitment_id = new_id("m"), new_id("k")
    data = doc.model_dump(mode="json", exclude_none=True)
    data.setdefault("meetings", []).append({
        "id": meeting_id, "kind": "family_group_conference", "on": "2025-01-10",
        "attended": [doc.people[0].id], "participation": "PN1",
        "plan": [{"id": commitment_id, "what": "Tea on Sundays", "who": [doc.people[0].id]}]})
    w.store.replace(type(doc).model_validate(data), actor="test")
    return meeting_id, commitment_id


def _correct_meeting(w: World) -> Request:
    meeting_id, _ = _meeting(w)
    return f"/api/children/{w.ids['a']}/meetings/{meeting_id}", {"json": {"participation": "PN2"}}


def _add_commitment(w: World) -> Request:
    meeting_id, _ = _meeting(w)
    return f"/api/children/{w.ids['a']}/meetings/{meeting_id}/commitments", {
        "json": {"what": "Lifts to football", "who": []}}


def _update_commitment(w: World) -> Request:
    _, commitment_id = _meeting(w)
    return f"/api/children/{w.ids['a']}/commitments/{commitment_id}", {
        "json": {"by": "2025-06-30"}}


def _add_progress(w: World) -> Request:
    _, commitment_id = _meeting(w)
    return f"/api/children/{w.ids['a']}/commitments/{commitment_id}/progress", {
        "json": {"on": "2025-02-01", "state": "in_progress"}}


def _young_answer(w: World) -> Request:
    _, commitment_id = _meeting(w)
    return f"/api/me/helping/{commitment_id}", {"json": {"answer": "a_bit"}}


A = "/api/children/{a}"
ROUTES: list[Route] = [
    Route("GET", "/api/health", frozenset(CALLERS), fixed("/api/health")),
    Route("GET", "/api/auth/me", frozenset(SIGNED_IN), fixed("/api/auth/me")),
    Route("POST", "/api/auth/logout", frozenset(SIGNED_IN), fixed("/api/auth/logout")),
    Route("GET", "/api/children", frozenset(SIGNED_IN), fixed("/api/children")),
    Route(
        "POST",
        "/api/children",
        frozenset(WORKERS),
        lambda w: ("/api/children", {"json": {"id": new_id("c"), "name": "New", "team": "North"}}),
        ok=201,
    ),
    Route("GET", "/api/children/{child_id}", frozenset({"wendy"}), fixed(A)),
    Route(
        "PATCH",
        "/api/children/{child_id}",
        frozenset({"wendy"}),
        fixed(A, json={"team": "North"}),
        writes="a",
    ),
    Route(
        "DELETE",
        "/api/children/{child_id}",
        frozenset({"wendy"}),
        fixed("/api/children/{d}"),
        ok=204,
        writes="d",
    ),
    # the record closed just above: an admin reopens it
    Route("POST", "/api/children/{child_id}/reopen", frozenset({"ada"}), _reopen, writes="d"),
    Route("POST", "/api/children/{child_id}/erase", frozenset({"ada"}), _erase),
    Route(
        "GET", "/api/children/{child_id}/revisions", frozenset({"wendy"}), fixed(A + "/revisions")
    ),
    Route("POST", "/api/children/{child_id}/restore", frozenset({"wendy"}), _restore, writes="a"),
    Route("GET", "/api/children/{child_id}/document", frozenset({"wendy"}), fixed(A + "/document")),
    Route(
        "PUT", "/api/children/{child_id}/document", frozenset({"wendy"}), _document, writes="a"
    ),
    Route(
        "POST",
        "/api/children/{child_id}/people",
        frozenset({"wendy"}),
        fixed(A + "/people", json={"name": "Kez", "category": "friend"}),
        ok=201,
        writes="a",
    ),
    # a professional of c-leo's network: anyone may see and link professionals
    Route(
        "POST",
        "/api/children/{child_id}/people/link",
        frozenset({"wendy"}),
        fixed(A + "/people/link", json={"id": "tch-ward"}),
        ok=201,
        writes="a",
    ),
    Route("GET", "/api/people", frozenset({"wendy", "walt", "ada"}), fixed("/api/people")),
    # c-mia's grandmother: walt (South) cannot see her, and is told no more than that
    Route(
        "PATCH",
        "/api/people/{person_id}",
        frozenset({"wendy", "ada"}),
        _change_person,
        special={"walt": 422},
    ),
    Route(
        "POST",
        "/api/children/{child_id}/ties",
        frozenset({"wendy"}),
        lambda w: (
            f"/api/children/{w.ids['a']}/ties",
            {"json": {"between": [w.ids["a"], w.docs["a"].people[1].id], "started": "2024-01-01"}},
        ),
        ok=201,
        writes="a",
    ),
    Route(
        "POST",
        "/api/children/{child_id}/ties/{tie_id}/end",
        frozenset({"wendy"}),
        _open_tie,
        writes="a",
    ),
    Route(
        "POST",
        "/api/children/{child_id}/observations",
        frozenset({"wendy"}),
        lambda w: (
            f"/api/children/{w.ids['a']}/observations",
            {"json": {"tie": _tie_of(w), "on": "2025-01-01", "by": "worker", "closeness": 2}},
        ),
        ok=201,
        writes="a",
    ),
    Route(
        "POST",
        "/api/children/{child_id}/episodes",
        frozenset({"wendy"}),
        fixed(A + "/episodes", json={"kind": "school", "start": "2025-09-01"}),
        ok=201,
        writes="a",
    ),
    Route("GET", "/api/children/{child_id}/periods", frozenset({"wendy"}), fixed(A + "/periods")),
    Route(
        "POST",
        "/api/children/{child_id}/periods",
        frozenset({"wendy"}),
        fixed(A + "/periods", json={"kind": "team", "team": "North", "start": "2025-09-01"}),
        ok=201,
        writes="a",
    ),
    Route(
        "POST",
        "/api/children/{child_id}/periods/{index}/end",
        frozenset({"wendy"}),
        _end_period,
        writes="a",
    ),
    Route(
        "PATCH",
        "/api/children/{child_id}/periods/{index}",
        frozenset({"wendy"}),
        _correct_period,
        writes="a",
    ),
    Route(
        "GET",
        "/api/children/{child_id}/ecomap",
        frozenset({"wendy"}),
        fixed(A + "/ecomap", params={"at": "2025-01-01"}),
    ),
    Route(
        "GET",
        "/api/children/{child_id}/diff",
        frozenset({"wendy"}),
        fixed(A + "/diff", params={"from": "2024-01-01", "to": "2025-01-01"}),
    ),
    Route(
        "GET",
        "/api/children/{child_id}/measures",
        frozenset({"wendy"}),
        fixed(A + "/measures", params={"at": "2025-01-01"}),
    ),
    Route(
        "GET",
        "/api/children/{child_id}/measures/history",
        frozenset({"wendy"}),
        fixed(A + "/measures/history", params={"at": "2025-01-01", "months": 2}),
    ),
    Route(
        "GET",
        "/api/children/{child_id}/export.graphml",
        frozenset({"wendy"}),
        fixed(A + "/export.graphml"),
    ),
    Route(
        "GET",
        "/api/children/{child_id}/export.gexf",
        frozenset({"wendy"}),
        fixed(A + "/export.gexf"),
    ),
    Route(
        "POST", "/api/children/{child_id}/links", frozenset({"wendy"}), fixed(A + "/links"), ok=201
    ),
    Route("GET", "/api/children/{child_id}/links", frozenset({"wendy"}), fixed(A + "/links")),
    Route("DELETE", "/api/links/{link_id}", frozenset({"wendy", "ada"}), _new_link),
    Route(
        "GET",
        "/api/dashboard",
        frozenset({"wendy", "walt", "lena"}),
        fixed("/api/dashboard", params={"at": "2025-01-01", "months": 2}),
    ),
    Route(
        "GET",
        "/api/dashboard.csv",
        frozenset({"wendy", "walt", "lena"}),
        fixed("/api/dashboard.csv", params={"at": "2025-01-01", "months": 2}),
    ),
    Route("GET", "/api/asking", frozenset({"wendy", "walt", "ada"}), fixed("/api/asking")),
    # meetings (docs/meetings.md): the same rules as the rest of the child's record
    Route("GET", "/api/children/{child_id}/meetings", frozenset({"wendy"}),
          fixed(A + "/meetings")),
    Route(
        "POST",
        "/api/children/{child_id}/meetings",
        frozenset({"wendy"}),
        fixed(A + "/meetings", json={"kind": "looked_after_review", "on": "2025-02-01",
                                     "participation": "PN6"}),
        ok=201,
        writes="a",
    ),
    Route("PATCH", "/api/children/{child_id}/meetings/{meeting_id}", frozenset({"wendy"}),
          _correct_meeting, writes="a"),
    Route("POST", "/api/children/{child_id}/meetings/{meeting_id}/commitments",
          frozenset({"wendy"}), _add_commitment, ok=201, writes="a"),
    Route("PATCH", "/api/children/{child_id}/commitments/{commitment_id}",
          frozenset({"wendy"}), _update_commitment, writes="a"),
    Route("POST", "/api/children/{child_id}/commitments/{commitment_id}/progress",
          frozenset({"wendy"}), _add_progress, ok=201, writes="a"),
    Route("GET", "/api/me/helping", frozenset(YOUNG), fixed("/api/me/helping")),
    # a link for another child names a commitment that is not theirs: refused, none written
    Route("POST", "/api/me/helping/{commitment_id}", frozenset({"link"}), _young_answer,
          special={"link_other_child": 404}, writes="a"),
    Route("GET", "/api/me/map", frozenset(YOUNG), fixed("/api/me/map")),
    # a link for another child names a tie that is not theirs: refused, nothing written
    Route(
        "POST",
        "/api/me/observations",
        frozenset({"link"}),
        _young_observation,
        ok=201,
        special={"link_other_child": 422},
        writes="a",
    ),
    Route(
        "POST",
        "/api/me/people",
        frozenset(YOUNG),
        fixed("/api/me/people", json={"name": "Kez", "category": "friend", "closeness": 3}),
        ok=201,
        writes="a",
    ),
    Route("GET", "/api/users", frozenset({"ada"}), fixed("/api/users")),
    Route(
        "POST",
        "/api/users",
        frozenset({"ada"}),
        lambda w: (
            "/api/users",
            {"json": {"username": new_id("u"), "role": "worker", "password": "a long passphrase"}},
        ),
        ok=201,
    ),
    Route("POST", "/api/users/{username}/disable", frozenset({"ada"}), _new_user("disable")),
    Route("POST", "/api/users/{username}/enable", frozenset({"ada"}), _new_user("enable")),
    Route(
        "PUT",
        "/api/users/{username}/password",
        frozenset({"ada"}),
        _new_user("password", json={"password": "a long passphrase"}),
    ),
    Route("DELETE", "/api/users/{username}/sessions", frozenset({"ada"}), _new_user("sessions")),
    Route("GET", "/api/allocations", frozenset({"ada"}), fixed("/api/allocations")),
    Route(
        "POST",
        "/api/allocations",
        frozenset({"ada"}),
        fixed("/api/allocations", json={"username": "lena", "child_id": "c-new"}),
        ok=201,
    ),
    Route(
        "DELETE",
        "/api/allocations/{username}/{child_id}",
        frozenset({"ada"}),
        _new_allocation,
        ok=204,
    ),
    Route("GET", "/api/audit", frozenset({"ada"}), fixed("/api/audit")),
    Route("POST", "/api/import", frozenset({"ada"}), _import),
    Route("GET", "/api/export", frozenset({"ada"}), fixed("/api/export")),
]
PUBLIC_ONLY = {("POST", "/api/auth/login")}  # tested in test_auth.py


def headers_for(world: World, caller: str, route: Route) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    version: dict[str, str] = {}
    if route.writes is not None:  # every write to a child names the version it was made on
        key = "b" if caller == "link_other_child" else route.writes
        version = {"If-Match": f'"{world.store.version(world.ids[key])}"'}
    if caller in LINKS:
        return {**world.as_link(caller), **version}
    if route.template == "/api/auth/logout":  # signing out must not end the shared session
        return {"Authorization": f"Bearer {world.fresh_session(caller)}"}
    return {**world.as_user(caller), **version}


def expected(route: Route, caller: str) -> int:
    if caller in route.special:
        return route.special[caller]
    if caller in route.allowed:
        return route.ok
    link_route = route.template.startswith("/api/me/")
    if caller == "anonymous" or (caller in LINKS) != link_route or caller in LINKS:
        return 401
    return 403


CASES = list(itertools.product(ROUTES, CALLERS))


@pytest.mark.parametrize(
    ("route", "caller"), CASES, ids=[f"{r.method} {r.template} as {c}" for r, c in CASES]
)
def test_route_answers_each_caller(world: World, route: Route, caller: str) -> None:
    path, extra = route.make(world)
    extra = dict(extra)
    headers = {**extra.pop("headers", {}), **headers_for(world, caller, route)}
    before = world.accounts.audit(limit=1)[1]
    response = world.api.request(route.method, path, headers=headers, **extra)
    want = expected(route, caller)
    assert response.status_code == want, response.text
    if want >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    if want < 400 and route.method != "GET":
        # every successful write leaves an audit entry
        assert world.accounts.audit(limit=1)[1] > before


def test_matrix_covers_every_route(world: World) -> None:
    schema = world.app.openapi()
    routes = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    covered = {(r.method, r.template) for r in ROUTES} | PUBLIC_ONLY
    assert routes == covered


def test_link_for_another_child_reads_only_that_child(world: World) -> None:
    other = world.api.get("/api/me/map", headers=world.as_link("link_other_child"))
    assert other.status_code == 200
    assert other.json()["child"] == {"name": world.docs["b"].child.name}
    names_of_a = {p.name for p in world.docs["a"].people} - {p.name for p in world.docs["b"].people}
    assert not any(name in other.text for name in names_of_a)
    for path in ("/api/children/{a}", "/api/children/{a}/ecomap", "/api/children/{a}/document"):
        refused = world.api.get(path.format(**world.ids), headers=world.as_link("link_other_child"))
        assert refused.status_code == 401


def test_leader_dashboard_has_no_names(world: World) -> None:
    response = world.api.get(
        "/api/dashboard", params={"at": "2025-01-01", "months": 3}, headers=world.as_user("lena")
    )
    assert response.status_code == 200
    names = {doc.child.name for doc in world.docs.values()}
    names |= {p.name for doc in world.docs.values() for p in doc.people}
    assert not any(f'"{name}"' in response.text for name in names)
    assert response.json()["scope"]["team"] == "North"


def test_leader_with_a_team_cannot_look_at_another_team(world: World) -> None:
    response = world.api.get(
        "/api/dashboard", params={"team": "South"}, headers=world.as_user("lena")
    )
    assert response.status_code == 403
    whole = world.api.get(
        "/api/dashboard",
        params={"team": "South", "at": "2025-01-01", "months": 1},
        headers=world.as_user("lou"),
    )
    assert whole.status_code == 200
    assert whole.json()["measures"]["children"] == 1  # c-leo is the South team


def test_worker_lists_only_their_caseload(world: World) -> None:
    response = world.api.get("/api/children", headers=world.as_user("walt"))
    listed = [row["id"] for row in response.json()["data"]]
    assert set(listed) <= set(world.accounts.caseload("walt"))
    assert world.ids["b"] in listed and world.ids["a"] not in listed
    admin = world.api.get("/api/children", headers=world.as_user("ada"))
    assert admin.status_code == 200
    assert all(row["name"] is None for row in admin.json()["data"])
