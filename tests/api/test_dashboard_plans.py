"""The dashboard's meetings and plans figures (docs/meetings.md): each with its n, a
monthly trend and the chart of commitments by who holds them; a leader's small scope
withholds them as every other figure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecomap.model import EcomapDocument
from tests.api.conftest import World, build_world

PLAN_FIGURES = ("meeting_rate", "median_commitments_kept_rate",
                "median_network_commitment_share", "child_views_conveyed_rate")


def test_a_worker_sees_the_plans_figures_of_their_caseload(world: World) -> None:
    r = world.api.get("/api/dashboard", params={"at": "2025-06-30", "months": 3},
                      headers=world.as_user("wendy"))
    assert r.status_code == 200, r.text
    body = r.json()
    plans = body["plans"]
    # the fixtures record no meetings: no child had one, nothing is due or conveyed
    assert plans["meeting_rate"] == {"value": 0.0, "n": body["measures"]["children"],
                                     "suppressed": False}
    for name in PLAN_FIGURES[1:]:
        assert plans[name] == {"value": None, "n": 0, "suppressed": False}
    assert [b["holder"] for b in plans["holders"]] == [
        "family", "carer", "friend", "community", "volunteer", "professional", "child"]
    assert all(b["commitments"] == 0 for b in plans["holders"])
    assert [p["at"] for p in body["plans_trend"]] == ["2025-04-30", "2025-05-31", "2025-06-30"]


@pytest.fixture
def strict_world(store_kind: str, fixture_documents: dict[str, EcomapDocument],
                 tmp_path: Path) -> Iterator[World]:
    """The world with the default minimum cohort (5): every scope of it is small."""
    yield from build_world(tmp_path, store_kind, fixture_documents, min_cohort=5)


def test_a_leaders_small_scope_withholds_the_plans_figures(strict_world: World) -> None:
    world = strict_world
    r = world.api.get("/api/dashboard", params={"at": "2025-06-30", "months": 1},
                      headers=world.as_user("lena"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["suppressed"] is True  # fewer than the minimum children in lena's team
    withheld = {"value": None, "n": None, "suppressed": True}
    assert body["plans"]["meeting_rate"] == withheld  # over every child: too few
    for name in PLAN_FIGURES[1:]:  # over nobody: nothing to hide (as every other figure)
        assert body["plans"][name] in (withheld, {"value": None, "n": 0, "suppressed": False})
    assert all(b["suppressed"] for b in body["plans"]["holders"])
    assert_csv_equals_json(world, {"at": "2025-06-30", "months": 1}, "lena")


def assert_csv_equals_json(world: World, params: dict[str, Any], user: str) -> None:
    """The CSV's plans rows are the JSON's plans trend, figure by figure and bar by bar:
    value, n and suppressed as the JSON carries them (withheld: both empty)."""
    body = world.api.get("/api/dashboard", params=params, headers=world.as_user(user)).json()
    text = world.api.get("/api/dashboard.csv", params=params, headers=world.as_user(user)).text
    rows = {(r["at"], r["figure"]): r for r in csv.DictReader(io.StringIO(text))}
    expected = 0
    for point in body["plans_trend"]:
        cells = [(name, point[name]) for name in PLAN_FIGURES] + [
            (f"open_commitments_held_by_{bar['holder']}",
             {"value": bar["commitments"], "n": bar["children"],
              "suppressed": bar["suppressed"]}) for bar in point["holders"]]
        for name, figure in cells:
            row = rows[(point["at"], name)]
            assert row["value"] == ("" if figure["value"] is None else str(figure["value"]))
            assert row["n"] == ("" if figure["n"] is None else str(figure["n"]))
            assert row["suppressed"] == str(figure["suppressed"]).lower()
            expected += 1
    assert expected == len(body["plans_trend"]) * 11
    assert sum(1 for at, name in rows if name.startswith(("open_commitments_held_by_",
                                                         *PLAN_FIGURES))) == expected


def _with_meeting(doc: EcomapDocument) -> EcomapDocument:
    data: dict[str, Any] = doc.model_dump(mode="json", exclude_none=True)
    family = next(p["id"] for p in data["people"] if p["category"] == "family")
    data["meetings"] = [{
        "id": f"m-{doc.child.id}", "kind": "family_group_conference", "on": "2025-03-01",
        "attended": [family], "participation": "PN1",
        "plan": [{"id": f"k-{doc.child.id}-1", "what": "Tea on Sundays", "who": [family],
                  "by": "2025-05-01", "progress": [{"on": "2025-05-02", "state": "done"}]},
                 {"id": f"k-{doc.child.id}-2", "what": "Diary", "who": []}]}]
    return EcomapDocument.model_validate(data)


def test_stored_meetings_reach_the_dashboard(fresh_world: World) -> None:
    w = fresh_world
    a = w.ids["a"]
    w.store.replace(_with_meeting(w.store.get(a)), actor="test")
    r = w.api.get("/api/dashboard", params={"at": "2025-06-30", "months": 3},
                  headers=w.as_user("wendy"))
    assert r.status_code == 200, r.text
    body = r.json()
    plans = body["plans"]
    children = body["measures"]["children"]
    assert plans["meeting_rate"]["n"] == children
    assert plans["meeting_rate"]["value"] is not None and plans["meeting_rate"]["value"] > 0
    assert plans["median_commitments_kept_rate"] == {"value": 1.0, "n": 1, "suppressed": False}
    assert plans["child_views_conveyed_rate"] == {"value": 1.0, "n": 1, "suppressed": False}
    bars = {b["holder"]: b for b in plans["holders"]}
    assert bars["child"]["commitments"] == 1  # the diary is still open
    assert bars["family"]["commitments"] == 0  # gran's tea was done
    assert [p["at"] for p in body["plans_trend"]] == ["2025-04-30", "2025-05-31", "2025-06-30"]
    assert_csv_equals_json(w, {"at": "2025-06-30", "months": 3}, "wendy")
