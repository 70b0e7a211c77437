"""``ecomap measures`` and ``ecomap dashboard`` through the real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ecomap.format import dump_document
from ecomap.measures import child_measures
from ecomap.measures.cohort import cohort_measures, cohort_trend
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from graph.embedded import EmbeddedStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NAMES = ["foster-care-after-move", "child-in-need-at-home", "care-leaver-professional-network"]
SCRIPT = Path(sys.executable).parent / "ecomap"


def fixture(name: str) -> EcomapDocument:
    return EcomapDocument.model_validate_json((FIXTURES / f"{name}.json").read_text())


def run(*args: str, stdin: str | None = None, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", **extra_env}
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, input=stdin, env=env, timeout=120
    )


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_one_json_document() -> None:
    result = run("measures", str(FIXTURES / "foster-care-after-move.json"), "--at", "2024-12-31")
    assert result.returncode == 0, result.stderr
    [got] = lines(result.stdout)
    assert got["network"]["network_strength"] == 59.3  # worked by hand in test_network
    assert got == child_measures(fixture("foster-care-after-move"), date(2024, 12, 31))


def test_json_lines_in_input_order_with_options(tmp_path: Path) -> None:
    docs = [fixture(n) for n in reversed(NAMES)]
    path = tmp_path / "children.jsonl"
    path.write_text("".join(dump_document(d) + "\n" for d in docs))
    result = run(
        "measures",
        str(path),
        "--at",
        "2024-06-30",
        "--perspective",
        "worker",
        "--window-days",
        "180",
    )
    assert result.returncode == 0, result.stderr
    got = lines(result.stdout)
    assert [m["child"] for m in got] == [d.child.id for d in docs]
    assert got == [child_measures(d, date(2024, 6, 30), "worker", 180) for d in docs]


def test_window_setting_is_the_default_and_the_flag_wins() -> None:
    path = str(FIXTURES / "foster-care-after-move.json")
    by_setting = run("measures", path, "--at", "2024-12-31", ECOMAP_WINDOW_DAYS="30")
    assert by_setting.returncode == 0, by_setting.stderr
    [got] = lines(by_setting.stdout)
    assert got == child_measures(
        fixture("foster-care-after-move"), date(2024, 12, 31), window_days=30
    )
    by_flag = run(
        "measures", path, "--at", "2024-12-31", "--window-days", "0", ECOMAP_WINDOW_DAYS="30"
    )
    assert lines(by_flag.stdout)[0]["window_days"] == 0


def test_stdin() -> None:
    text = (FIXTURES / "child-in-need-at-home.json").read_text()
    result = run("measures", "-", "--at", "2024-12-31", stdin=text)
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[0]["child"] == fixture("child-in-need-at-home").child.id


def test_invalid_document_reports_in_place_and_exits_1(tmp_path: Path) -> None:
    good = dump_document(fixture("foster-care-after-move"))
    bad = json.dumps(
        {
            "format": "ecomap/1",
            "child": {"id": "c-x", "name": "X"},
            "ties": [{"id": "t", "between": ["c-x", "nobody"]}],
        }
    )
    path = tmp_path / "mixed.jsonl"
    path.write_text(f"{bad}\n{good}\n")
    result = run("measures", str(path), "--at", "2024-12-31")
    assert result.returncode == 1
    first, second = lines(result.stdout)
    assert first["error"]["code"] == "document_invalid"
    assert any(d["field"].startswith("ties[0]") for d in first["error"]["details"])
    assert second["child"] == "c-mia"


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--at", "2024-02-30"], "--at"),
        (["--at", "31/12/2024"], "--at"),
        (["--at", "2024-12-31", "--perspective", "carer"], "--perspective"),
        (["--at", "2024-12-31", "--window-days", "-1"], "--window-days"),
        ([], "--at"),
    ],
)
def test_bad_flags_exit_2_naming_the_flag(args: list[str], flag: str) -> None:
    result = run("measures", str(FIXTURES / "foster-care-after-move.json"), *args)
    assert result.returncode == 2
    assert flag in result.stderr
    assert result.stdout == ""


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "ecomap.db"
    store = EmbeddedStore(path)
    for name in NAMES:
        store.replace(fixture(name), actor="import:fixtures")
    store.close()
    return path


def test_child_from_the_store(store_path: Path) -> None:
    result = run("measures", "--child", "c-mia", "--at", "2024-12-31", "--store", str(store_path))
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout) == [
        child_measures(fixture("foster-care-after-move"), date(2024, 12, 31))
    ]
    missing = run(
        "measures", "--child", "c-nobody", "--at", "2024-12-31", "--store", str(store_path)
    )
    assert missing.returncode == 1 and "c-nobody" in missing.stderr


def test_dashboard(store_path: Path) -> None:
    # the same answer as GET /api/dashboard gives a leader of the whole authority; with
    # the minimum cohort at 1 nothing is withheld, so the figures are ecomap.measures'
    result = run("dashboard", "--at", "2024-12-31", "--months", "3", "--store", str(store_path),
                 ECOMAP_MIN_COHORT="1")
    assert result.returncode == 0, result.stderr
    [got] = lines(result.stdout)
    tables = CohortTables.from_documents(fixture(n) for n in NAMES)
    at = date(2024, 12, 31)
    assert got["at"] == "2024-12-31" and got["scope"] == {"team": None, "status": None,
                                                          "worker": None}
    assert got["measures"] == cohort_measures(tables, at).model_dump(mode="json")
    assert got["trend"] == [m.model_dump(mode="json") for m in cohort_trend(tables, at, 3)]
    assert got["measures"]["children"] == 3
    assert [p["at"] for p in got["trend"]] == ["2024-10-31", "2024-11-30", "2024-12-31"]
    # by default (ECOMAP_MIN_COHORT 5) three children are a count only, as for a leader
    small = run("dashboard", "--at", "2024-12-31", "--months", "1", "--store", str(store_path))
    [withheld] = lines(small.stdout)
    assert withheld["suppressed"] is True and withheld["measures"]["children"] == 3
    assert withheld["measures"]["has_trusted_adult_rate"]["value"] is None
    future = run("dashboard", "--at", "2999-01-01", "--store", str(store_path))
    assert future.returncode == 2 and "--at" in future.stderr and "after today" in future.stderr


def test_dashboard_scope(store_path: Path) -> None:
    result = run(
        "dashboard",
        "--at",
        "2024-12-31",
        "--team",
        "North",
        "--status",
        "looked_after",
        "--months",
        "1",
        "--store",
        str(store_path),
        ECOMAP_MIN_COHORT="1",
    )
    assert result.returncode == 0, result.stderr
    [got] = lines(result.stdout)
    assert got["measures"]["children"] == 1  # only Mia is in North and looked after
    assert got["measures"]["median_network_strength"] == {"value": 59.3, "n": 1,
                                                          "suppressed": False}
    bad = run("dashboard", "--at", "2024-12-31", "--status", "adopted", "--store", str(store_path))
    assert bad.returncode == 2 and "--status" in bad.stderr
