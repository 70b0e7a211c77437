"""Cohort dashboard: the numbers of ecomap.measures for the caller's scope, never stale."""

from __future__ import annotations

from datetime import date

from ecomap.measures.cohort import cohort_measures
from ecomap.measures.tables import CohortTables
from tests.api.conftest import World


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
