"""The dashboard page's "Meetings and plans" section in Chromium: the four figures with
their n, and open commitments by who holds them, as the API gives them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import LEADER, Server, api_client, axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_the_plans_section_shows_the_apis_figures(page: Page, server: Server) -> None:
    sign_in(page, server, LEADER)
    page.goto(f"{server.url}/dashboard?at=2025-06-30&months=3")
    expect(page.locator("#status")).to_contain_text("children as at")
    section = page.get_by_role("region", name="Meetings and plans")
    expect(section).to_be_visible()
    with api_client(server, LEADER) as client:
        plans = client.get("/api/dashboard", params={"at": "2025-06-30", "months": 3}
                           ).json()["plans"]
    rate = plans["meeting_rate"]
    expected = "withheld" if rate["suppressed"] else f"{round(rate['value'] * 1000) / 10:g}%"
    expect(section.locator('dd[data-measure="meeting_rate"]')).to_have_text(expected)
    expect(section.locator("#holders tbody tr")).to_have_count(7)
    expect(section.locator('#holders tr[data-holder="family"] th')).to_have_text("Family")
    assert axe_violations(page) == []
