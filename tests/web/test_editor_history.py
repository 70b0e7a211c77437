"""The editor's History panel in a real browser: revisions in plain words, the map as
recorded at one of them, and restoring one (a new revision; nothing is lost)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import WORKER, Server, api_client, screenshot, sign_in

pytestmark = pytest.mark.browser


def _write(client: httpx.Client, child: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    version = client.get(f"/api/children/{child}").headers["etag"]
    r = client.post(f"/api/children/{child}{path}", json=body, headers={"If-Match": version})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_history_lists_shows_and_restores(page: Page, server: Server) -> None:
    child = "c-history"
    with api_client(server, WORKER) as client:
        made = client.post("/api/children", json={"id": child, "name": "Hana", "team": "West"})
        assert made.status_code == 201, made.text
        gran = _write(client, child, "/people",
                      {"name": "Gran", "category": "family", "started": "2020-01-01"})
        for on, closeness in (("2025-01-10", 2), ("2025-02-10", 3)):
            _write(client, child, "/observations",
                   {"tie": gran["tie"], "on": on, "by": "child", "closeness": closeness})
        revisions = client.get(f"/api/children/{child}/revisions").json()["data"]
    added = revisions[2]["revision"]  # newest first: the two ratings, the person, the creation

    sign_in(page, server, WORKER)
    page.goto(f"{server.url}/children/{child}")
    page.locator("#map-canvas svg").wait_for()
    panel = page.get_by_role("region", name="History")
    panel.get_by_role("button", name="Show the history").click()
    items = panel.locator("#history-list > li")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text("closeness of Gran 2 → 3 (2025-02-10, the child's view)")
    expect(items.nth(0)).to_contain_text(WORKER)
    expect(items.nth(2)).to_contain_text("added Gran")
    expect(items.nth(3)).to_contain_text("created the record")
    screenshot(page, "editor-history")

    # the map as recorded before Gran was added has nobody on it; at `added`, Gran
    items.nth(3).get_by_role("button", name="Show this map").click()
    expect(page.locator("#history-banner")).to_contain_text("as recorded at revision")
    expect(page.locator(f'#map-canvas [data-id="{gran["id"]}"]')).to_have_count(0)
    items.nth(2).get_by_role("button", name="Show this map").click()
    expect(page.locator("#history-banner")).to_contain_text(f"revision {added}")
    expect(page.locator(f'#map-canvas [data-id="{gran["id"]}"]')).to_have_count(1)

    # restore the record as it was when Gran was added (before either rating)
    items.nth(2).get_by_role("button", name="Restore this version").click()
    items.nth(2).get_by_label(f"Why restore revision {added}?").fill("ratings were for Grandad")
    items.nth(2).get_by_role("button", name="Restore", exact=True).click()
    expect(page.locator("#status")).to_contain_text(f"Restored revision {added}")
    expect(page.locator("#history-banner")).to_be_hidden()
    expect(items).to_have_count(5)
    expect(items.nth(0)).to_contain_text(f"restored the record as at revision {added}")
    expect(items.nth(0)).to_contain_text("ratings were for Grandad")
    with api_client(server, WORKER) as client:
        doc = client.get(f"/api/children/{child}/document").json()
        assert doc.get("observations", []) == []
        assert [p["name"] for p in doc["people"]] == ["Gran"]
