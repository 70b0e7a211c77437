"""Cohort dashboard: the numbers of ecomap.measures for the caller's scope, never stale."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

import pytest

from ecomap.measures.cohort import cohort_measures
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from tests.api.conftest import World, build_world


def test_dashboard_equals_cohort_measures_and_follows_writes(fresh_world: World) -> None:
    w = fresh_world
    params = {"at": "2025-06-30", "months": 2}
    first = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou")).json()
    docs = [w.store.get(cid) for cid in sorted(w.ids.values())]
    oracle = cohort_measures(CohortTables.from_documents(docs), date(2025, 6, 30))
    assert first["measures"] == oracle
    again = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou")).json()
    assert again == first
    # a write anywhere in scope shows at once (the cached tables are keyed by versions)
    child = w.ids["a"]
    tie = next(t for t in w.store.get(child).ties if child in t.between and t.ended is None)
    w.api.post(f"/api/children/{child}/ties/{tie.id}/end", headers=w.as_user("wendy"),
               json={"ended": "2025-01-01", "end_reason": "other"})
    after = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou")).json()
    docs = [w.store.get(cid) for cid in sorted(w.ids.values())]
    assert after["measures"] == cohort_measures(CohortTables.from_documents(docs),
                                                date(2025, 6, 30))
    made = w.api.post("/api/children", headers=w.as_user("wendy"),
                      json={"id": "c-new", "name": "New", "team": "North"})
    assert made.status_code == 201
    grown = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou")).json()
    assert grown["measures"]["children"] == first["measures"]["children"] + 1


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

    def oracle() -> dict[str, object]:
        return cohort_measures(CohortTables.from_documents([w.store.get(north)]),
                               date(2024, 3, 31))

    before = w.api.get("/api/dashboard", params=params, headers=w.as_user("lena")).json()
    assert before["measures"] == oracle()
    version = w.store.version(north)
    changed = w.api.patch(f"/api/children/{south}/people/{person}", headers=w.as_user("walt"),
                          json={"category": "family", "role": None, "paid": False})
    assert changed.status_code == 200
    assert w.store.version(north) == version  # nothing in lena's scope has a new version
    after = w.api.get("/api/dashboard", params=params, headers=w.as_user("lena")).json()
    assert after["measures"] == oracle()
    assert after["measures"] != before["measures"]


@pytest.fixture(scope="module")
def small_cohorts(store_kind: str, fixture_documents: dict[str, EcomapDocument],
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A world in which leaders see the measures of two or more children only."""
    yield from build_world(tmp_path_factory.mktemp("small"), store_kind, fixture_documents,
                           min_cohort=2)


MEASURED = ["has_trusted_adult_rate", "single_point_of_failure_rate", "median_network_strength",
            "median_continuity", "high_worker_churn_rate", "no_emotional_support_rate",
            "median_paid_share"]
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
    assert all(body["measures"][k] is None for k in MEASURED)
    assert body["trend"] and all(row[k] is None for row in body["trend"] for k in MEASURED)
    assert [row["children"] for row in body["trend"]] == [1, 1, 1]
    figures = w.api.get("/dashboard/figures", params={**AT, **params}, headers=h).json()
    assert figures == {"children": 1, "suppressed": True, "reason": body["reason"],
                       "figures": {}}
    table = list(csv.DictReader(io.StringIO(
        w.api.get("/api/dashboard.csv", params={**AT, **params}, headers=h).text)))
    assert len(table) == 3
    assert all(row["suppressed"] == "true" and row["children"] == "1" for row in table)
    assert all(row[k] == "" for row in table for k in MEASURED)


def test_a_leaders_large_enough_scope_is_measured_without_ids_or_names(
    small_cohorts: World,
) -> None:
    w = small_cohorts
    h = w.as_user("lou")
    body = w.api.get("/api/dashboard", params=AT, headers=h).json()
    docs = [w.store.get(cid) for cid in sorted(w.ids.values())]
    assert body["suppressed"] is False and body["reason"] is None
    assert body["measures"] == cohort_measures(CohortTables.from_documents(docs),
                                               date(2024, 3, 31))
    response = w.api.get("/dashboard/figures", params=AT, headers=h)
    figures = response.json()
    assert figures["suppressed"] is False and figures["children"] == 3
    assert {"network_strength", "continuity", "paid_share", "churn"} <= set(figures["figures"])
    # the per-child values behind a histogram carry no id and no order that names a child
    shown = figures["figures"]["network_strength"]["data"][0]["x"]
    assert len(shown) == 3 and shown == sorted(shown)
    assert not any(f'"{text}"' in response.text or f"{text}<" in response.text
                   for text in child_ids_and_names(w))


def test_a_worker_sees_their_own_caseload_of_one_measured(small_cohorts: World) -> None:
    w = small_cohorts
    h = w.as_user("walt")
    body = w.api.get("/api/dashboard", params=AT, headers=h).json()
    assert body["suppressed"] is False and body["measures"]["children"] == 1
    assert body["measures"] == cohort_measures(
        CohortTables.from_documents([w.store.get(w.ids["b"])]), date(2024, 3, 31))
    figures = w.api.get("/dashboard/figures", params=AT, headers=h).json()
    assert figures["suppressed"] is False and figures["figures"]
