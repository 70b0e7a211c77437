"""Meetings in the editor's compare and history, in a real browser: the meetings held
between two dates and the commitments that moved on are listed in plain words beside
the people's changes, and the history says each meeting, commitment, progress and
correction like any other change (docs/meetings.md)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import WORKER, Server, api_client, axe_violations, sign_in

pytestmark = pytest.mark.browser

CHILD = "c-compare-plans"  # open from 2025-01-02: after the date the dashboard tests count on


def _send(client: httpx.Client, method: str, path: str, body: dict[str, Any]) -> Any:
    version = client.get(f"/api/children/{CHILD}").headers["etag"]
    r = client.request(method, f"/api/children/{CHILD}{path}", json=body,
                       headers={"If-Match": version})
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_compare_and_history_say_the_meetings_in_plain_words(
        page: Page, server: Server) -> None:
    with api_client(server, WORKER) as client:
        made = client.post("/api/children", json={"id": CHILD, "name": "Hana", "team": "West"})
        assert made.status_code == 201, made.text
        gran = _send(client, "POST", "/people",
                     {"name": "Gran", "category": "family", "started": "2025-01-02"})["id"]
        meeting = _send(client, "POST", "/meetings", {
            "kind": "family_group_conference", "on": "2025-03-01", "attended": [gran],
            "participation": "PN1", "note": "worker-only note",
            "plan": [{"what": "Tea at Gran's on Sundays", "who": [gran], "by": "2025-04-30"},
                     {"what": "I keep a diary", "who": []}]})
        tea = meeting["commitments"][0]
        _send(client, "POST", f"/commitments/{tea}/progress",
              {"on": "2025-05-01", "state": "done"})
        _send(client, "PATCH", f"/meetings/{meeting['id']}", {"participation": "PN2"})

    sign_in(page, server, WORKER)
    page.goto(f"{server.url}/children/{CHILD}?from=2025-04-01&to=2025-06-30")
    changes = page.locator("#changes")
    expect(changes).to_contain_text("0 meetings held, 1 commitment moved on.")
    plans = changes.locator("[data-commitment]")
    expect(plans).to_have_text(["“Tea at Gran's on Sundays” (Gran): agreed → done"])

    page.goto(f"{server.url}/children/{CHILD}?from=2025-02-01&to=2025-06-30")
    expect(changes).to_contain_text("1 meeting held, 2 commitments moved on.")
    expect(changes.locator("[data-meeting]")).to_have_text(
        "family group conference on 2025-03-01: came Gran; Hana came, and an advocate spoke "
        "for them; 2 commitments, 1 done by 2025-06-30")
    expect(plans).to_have_text(["“Tea at Gran's on Sundays” (Gran): new, done",
                                "“I keep a diary” (Hana): new, agreed"])
    text = changes.inner_text()
    assert "worker-only note" not in text and "PN2" not in text and "_" not in text
    assert axe_violations(page) == []

    panel = page.get_by_role("region", name="History")
    panel.get_by_role("button", name="Show the history").click()
    items = panel.locator("#history-list > li")
    expect(items).to_have_count(5)  # correction, progress, meeting, Gran, the record
    expect(items.nth(0)).to_contain_text(
        "how the child took part in the family group conference on 2025-03-01: came and "
        "spoke for themselves → came, and an advocate spoke for them")
    expect(items.nth(1)).to_contain_text("“Tea at Gran's on Sundays”: done (2025-05-01")
    expect(items.nth(2)).to_contain_text(
        "held the family group conference on 2025-03-01 (came: Gran)")
    expect(items.nth(2)).to_contain_text(
        "committed: “Tea at Gran's on Sundays” (Gran, by 2025-04-30)")
    expect(items.nth(2)).to_contain_text("committed: “I keep a diary” (the child)")
    assert "worker-only note" not in panel.inner_text()
