"""The API reports the same numbers as the CLI and the measures package."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ecomap.measures import child_measures
from tests.api.conftest import World

DATES = ("2023-06-30", "2025-06-01")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FILES = {
    "a": "foster-care-after-move.json",
    "b": "child-in-need-at-home.json",
    "d": "care-leaver-professional-network.json",
}


@pytest.mark.parametrize("at", DATES)
def test_api_measures_equal_the_cli_for_the_fixtures(world: World, at: str) -> None:
    """``ecomap measures fixtures/*.json --at D`` and the API give identical objects."""
    users = {"a": "wendy", "b": "walt", "d": "wendy"}
    for key, user in users.items():
        path = FIXTURES / FILES[key]
        cli = subprocess.run(
            [str(Path(sys.executable).parent / "ecomap"), "measures", str(path), "--at", at],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        from_cli = json.loads(cli.stdout.splitlines()[0])
        api = world.api.get(
            f"/api/children/{world.ids[key]}/measures",
            params={"at": at},
            headers=world.as_user(user),
        )
        assert api.status_code == 200
        assert api.json() == from_cli


def test_ecomap_view_numbers_are_the_measures_numbers(world: World) -> None:
    child = world.ids["a"]
    for at in DATES:
        view = world.api.get(
            f"/api/children/{child}/ecomap", params={"at": at}, headers=world.as_user("wendy")
        ).json()
        measures = child_measures(world.store.get(child), date.fromisoformat(at))
        drawn = [
            (m["id"], m["strength"], m["line"], m["arrows"], m["trusted"], m["components"])
            for m in view["members"]
        ]
        measured = [
            (t["member"], t["strength"], t["line"], t["arrows"], t["trusted"], t["components"])
            for t in measures["ties"]
        ]
        assert drawn == measured


def test_history_is_the_measures_at_month_ends(world: World) -> None:
    child = world.ids["b"]
    history = world.api.get(
        f"/api/children/{child}/measures/history",
        params={"at": "2025-03-15", "months": 3},
        headers=world.as_user("walt"),
    ).json()
    assert [m["at"] for m in history["data"]] == ["2025-01-31", "2025-02-28", "2025-03-15"]
    doc = world.store.get(child)
    for entry in history["data"]:
        assert entry == json.loads(json.dumps(child_measures(doc, date.fromisoformat(entry["at"]))))


def test_dashboard_csv_has_the_trend_rows(world: World) -> None:
    params = {"at": "2025-03-31", "months": 3}
    h = world.as_user("lou")
    as_json = world.api.get("/api/dashboard", params=params, headers=h).json()
    as_csv = world.api.get("/api/dashboard.csv", params=params, headers=h)
    assert as_csv.headers["content-type"].startswith("text/csv")
    every = list(csv.DictReader(io.StringIO(as_csv.text)))
    rows = [row for row in every if row["figure"] in as_json["measures"]]  # the cohort's
    assert len(rows) == len(as_json["trend"]) * 11  # one row per month end and figure
    assert len(every) == len(as_json["trend"]) * (11 + 4 + 7)  # and the plans figures
    for row in rows:
        month = next(m for m in as_json["trend"] if m["at"] == row["at"])
        figure = month[row["figure"]]
        assert int(row["children"]) == month["children"] == 3
        assert row["value"] == ("" if figure["value"] is None else str(figure["value"]))
        assert row["n"] == ("" if figure["n"] is None else str(figure["n"]))
        assert row["suppressed"] == str(figure["suppressed"]).lower()


def test_network_exports_read_back_with_networkx(world: World) -> None:
    import networkx as nx

    child = world.ids["a"]
    doc = world.store.get(child)
    h = world.as_user("wendy")
    graphml = world.api.get(f"/api/children/{child}/export.graphml", headers=h)
    gexf = world.api.get(
        f"/api/children/{child}/export.gexf", params={"at": "2025-01-01"}, headers=h
    )
    assert graphml.status_code == gexf.status_code == 200
    full = nx.parse_graphml(graphml.text)
    assert full.number_of_nodes() == 1 + len(doc.people)
    assert full.number_of_edges() == len({frozenset(t.between) for t in doc.ties})
    on_date = nx.read_gexf(io.BytesIO(gexf.content))
    active = [t for t in doc.ties if t.active_on(date(2025, 1, 1))]
    assert on_date.number_of_edges() == len({frozenset(t.between) for t in active})
