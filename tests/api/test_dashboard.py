"""Cohort dashboard: the numbers of ecomap.measures for the caller's scope, never stale;
dates after today refused; an empty date an empty state; leaders' small numbers withheld."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from ecomap.measures.cohort import cohort_measures
from ecomap.measures.figures import FIGURE_NAMES
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from tests.api.conftest import World, build_world


def oracle(docs: list[EcomapDocument], at: date, **scope: Any) -> dict[str, Any]:
    """The figures ecomap.measures computes from the documents, as JSON."""
    return cohort_measures(CohortTables.from_documents(docs), at, **scope).model_dump(
        mode="json")


def test_dashboard_equals_cohort_measures_and_follows_writes(fresh_world: World) -> None:
    w = fresh_world
    params = {"at": "2025-06-30", "months": 2}
    first = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou")).json()
    docs = [w.store.get(cid) for cid in sorted(w.ids.values())]
    assert first["measures"] == oracle(docs, date(2025, 6, 30))
    again = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou")).json()
    assert again == first
    # a write anywhere in scope shows at once (the cached tables are keyed by versions)
    child = w.ids["a"]
    tie = next(t for t in w.store.get(child).ties if child in t.between and t.ended is None)
    w.api.post(f"/api/children/{child}/ties/{tie.id}/end", headers=w.write_as("wendy", child),
               json={"ended": "2025-01-01", "end_reason": "other"})
    after = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou")).json()
    docs = [w.store.get(cid) for cid in sorted(w.ids.values())]
    assert after["measures"] == oracle(docs, date(2025, 6, 30))
    assert after != first
    # a new child with nothing dated is not open on any date (MEASURES.md fallback)
    made = w.api.post("/api/children", headers=w.as_user("wendy"),
                      json={"id": "c-new", "name": "New", "team": "North"})
    assert made.status_code == 201
    grown = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou")).json()
    assert grown["measures"]["children"] == first["measures"]["children"]


def test_a_date_after_today_is_refused_naming_at(world: World) -> None:
    today = world.clock().date()
    tomorrow = date.fromordinal(today.toordinal() + 1).isoformat()
    for path in ("/api/dashboard", "/api/dashboard.csv", "/dashboard/figures"):
        refused = world.api.get(path, params={"at": tomorrow}, headers=world.as_user("lou"))
        assert refused.status_code == 422, path
        assert [d["field"] for d in refused.json()["error"]["details"]] == ["at"]
    ok = world.api.get("/api/dashboard", params={"at": today.isoformat(), "months": 1},
                       headers=world.as_user("lou"))
    assert ok.status_code == 200 and ok.json()["at"] == today.isoformat()


def test_a_date_before_any_child_was_open_is_an_empty_state(world: World) -> None:
    body = world.api.get("/api/dashboard", params={"at": "2012-06-30", "months": 2},
                         headers=world.as_user("lou")).json()
    assert body["empty"] is True and body["measures"]["children"] == 0
    assert all(body["measures"][k]["value"] is None for k in FIGURE_NAMES)
    assert body["data_from"] is not None and body["data_from"] > "2012-06-30"
    figures = world.api.get("/dashboard/figures", params={"at": "2012-06-30"},
                            headers=world.as_user("lou")).json()
    assert figures["empty"] is True and figures["figures"] == {}


def test_leaders_filter_by_team_and_status_only(world: World) -> None:
    refused = world.api.get("/api/dashboard", params={"worker": "walt"},
                            headers=world.as_user("lou"))
    assert refused.status_code == 403
    assert [d["field"] for d in refused.json()["error"]["details"]] == ["worker"]


def test_worker_dashboard_is_their_caseload(world: World) -> None:
    response = world.api.get("/api/dashboard", params={"at": "2025-06-30", "months": 1},
                             headers=world.as_user("walt"))
    assert response.json()["scope"]["worker"] == "walt"
    assert response.json()["measures"]["children"] == 1
    refused = world.api.get("/api/dashboard", params={"worker": "wendy"},
                            headers=world.as_user("walt"))
    assert refused.status_code == 403


def test_dashboard_follows_a_shared_person_changed_through_another_child(
    fresh_world: World,
) -> None:
    # sw-okafor is in c-mia's (North) and c-leo's (South) networks; lena sees North only.
    w = fresh_world
    north, south = w.ids["a"], w.ids["b"]
    shared = {p.id for p in w.store.get(north).people} & {p.id for p in w.store.get(south).people}
    assert shared
    person = sorted(shared)[0]
    params = {"at": "2024-03-31", "months": 2}  # their tie is active

    def expected() -> dict[str, object]:
        return oracle([w.store.get(north)], date(2024, 3, 31))

    before = w.api.get("/api/dashboard", params=params, headers=w.as_user("lena")).json()
    assert before["measures"] == expected()
    version = w.store.version(north)
    changed = w.api.patch(f"/api/people/{person}", headers=w.person_write("walt", person),
                          json={"category": "family", "role": None, "paid": False})
    assert changed.status_code == 200
    # the person edit is made in the open: every network with them gets a new version
    assert w.store.version(north) == version + 1
    after = w.api.get("/api/dashboard", params=params, headers=w.as_user("lena")).json()
    assert after["measures"] == expected()
    assert after["measures"] != before["measures"]


@pytest.fixture(scope="module")
def small_cohorts(store_kind: str, fixture_documents: dict[str, EcomapDocument],
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A world in which leaders see the measures of two or more children only."""
    yield from build_world(tmp_path_factory.mktemp("small"), store_kind, fixture_documents,
                           min_cohort=2)


AT = {"at": "2024-03-31", "months": 3}


def child_ids_and_names(w: World) -> set[str]:
    return ({d.child.id for d in w.docs.values()} | {d.child.name for d in w.docs.values()}
            | {p.name for d in w.docs.values() for p in d.people})


@pytest.mark.parametrize(("user", "params"), [("lena", {}), ("lou", {"team": "South"}),
                                              ("lou", {"status": "looked_after"})])
def test_a_leaders_small_scope_gives_the_count_only(small_cohorts: World, user: str,
                                                    params: dict[str, str]) -> None:
    w = small_cohorts
    h = w.as_user(user)
    body = w.api.get("/api/dashboard", params={**AT, **params}, headers=h).json()
    assert body["suppressed"] is True and "fewer than 2 children" in body["reason"]
    assert body["measures"]["children"] == 1
    withheld = {"value": None, "n": None, "suppressed": True}
    assert all(body["measures"][k] == withheld for k in FIGURE_NAMES
               if body["measures"][k]["n"] != 0)
    assert all(row[k]["value"] is None for row in body["trend"] for k in FIGURE_NAMES)
    assert [row["children"] for row in body["trend"]] == [1, 1, 1]
    assert all(d["bins"] == [] and (d["suppressed"] or d["n"] == 0)
               for d in body["distributions"].values())
    figures = w.api.get("/dashboard/figures", params={**AT, **params}, headers=h).json()
    assert figures == {"children": 1, "empty": False, "suppressed": True,
                       "reason": body["reason"], "figures": {}}
    table = [row for row in csv.DictReader(io.StringIO(
        w.api.get("/api/dashboard.csv", params={**AT, **params}, headers=h).text))
        if row["figure"] in FIGURE_NAMES]  # the plans rows: tests/api/test_dashboard_plans
    assert len(table) == 3 * len(FIGURE_NAMES)
    assert {row["figure"] for row in table} == set(FIGURE_NAMES)
    assert all(row["children"] == "1" and row["value"] == "" for row in table)
    assert all((row["suppressed"], row["n"]) in {("true", ""), ("false", "0")} for row in table)
    assert any(row["suppressed"] == "true" for row in table)


def test_a_leaders_large_enough_scope_is_measured_without_ids_or_names(
    small_cohorts: World,
) -> None:
    w = small_cohorts
    h = w.as_user("lou")
    body = w.api.get("/api/dashboard", params=AT, headers=h).json()
    docs = [w.store.get(cid) for cid in sorted(w.ids.values())]
    assert body["suppressed"] is False and body["reason"] is None
    assert body["measures"]["children"] == 3
    expected = oracle(docs, date(2024, 3, 31))
    for name in FIGURE_NAMES:  # every cell of the table is one child: only n >= 2 shows
        got, want = body["measures"][name], expected[name]
        if want["n"] >= 2:
            assert got == want, name
        elif want["n"] == 1:
            assert got == {"value": None, "n": None, "suppressed": True}, name
    response = w.api.get("/dashboard/figures", params=AT, headers=h)
    figures = response.json()
    assert figures["suppressed"] is False and figures["children"] == 3
    assert {"network_strength", "continuity", "paid_share", "churn"} <= set(figures["figures"])
    # distributions are server-side bins of at least two children, no per-child values
    for dist in body["distributions"].values():
        if not dist["suppressed"]:
            assert all(b["children"] in (None, 0) or b["children"] >= 2 for b in dist["bins"])
            assert sum(b["children"] or 0 for b in dist["bins"]) <= dist["n"]
    leaked = [text for text in child_ids_and_names(w)
              if f'"{text}"' in response.text or f"{text}<" in response.text]
    assert leaked == []


def test_a_worker_sees_their_own_caseload_of_one_measured(small_cohorts: World) -> None:
    w = small_cohorts
    h = w.as_user("walt")
    body = w.api.get("/api/dashboard", params=AT, headers=h).json()
    assert body["suppressed"] is False and body["measures"]["children"] == 1
    assert body["measures"] == oracle([w.store.get(w.ids["b"])], date(2024, 3, 31))
    figures = w.api.get("/dashboard/figures", params=AT, headers=h).json()
    assert figures["suppressed"] is False and figures["figures"]
