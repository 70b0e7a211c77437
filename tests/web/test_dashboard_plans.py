"""The dashboard page's "Meetings and plans" section in Chromium: the four figures with
their n, and open commitments by who holds them, as the API gives them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import LEADER, WORKER, Server, api_client, axe_violations, sign_in

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


def test_the_holders_chart_is_a_plotly_figure_with_a_table_beside_it(
        page: Page, server: Server) -> None:
    """A meeting on c-mia's record (her carer holds one commitment, Mia the other). The
    worker's chart, drawn from /dashboard/figures, has a bar per holder group with the
    API's counts, and the table (closed under its summary) says the same in words; a
    leader's bar from one child (the minimum is 2 here) shows no count."""
    with api_client(server, WORKER) as client:
        version = client.get("/api/children/c-mia").headers["etag"]
        r = client.post("/api/children/c-mia/meetings", headers={"If-Match": version}, json={
            "kind": "looked_after_review", "on": "2026-11-02", "attended": ["fc-harris"],
            "participation": "PN1",
            "plan": [{"what": "Help with the housing form", "who": ["fc-harris"]},
                     {"what": "I phone the college", "who": []}]})
        assert r.status_code == 201, r.text
        holders = client.get("/api/dashboard", params={"months": 1}).json()["plans"]["holders"]
    sign_in(page, server, WORKER)
    page.goto(f"{server.url}/dashboard?months=1")
    expect(page.locator("#status")).to_contain_text("children as at")
    section = page.get_by_role("region", name="Meetings and plans")
    chart = section.get_by_role("figure", name="Open commitments by who holds them")
    expect(chart.locator("#fig-holders .main-svg").first).to_be_attached()
    drawn = page.evaluate("() => { const d = document.getElementById('fig-holders').data[0];"
                          " return {x: d.x, y: d.y, ids: d.customdata}; }")
    assert drawn["ids"] == [b["holder"] for b in holders]
    assert drawn["x"] == [b["commitments"] for b in holders]
    bars = dict(zip(drawn["ids"], drawn["x"], strict=True))
    assert bars["carer"] >= 1 and bars["child"] >= 1
    assert drawn["y"][:2] == ["Family", "Carers"]
    table = section.locator("#holders-table")
    expect(table).not_to_have_attribute("open", "")
    table.locator("summary").click()
    expect(section.locator('#holders tr[data-holder="carer"] td').last).to_have_text(
        re.compile(rf"^{bars['carer']} \("))
    assert axe_violations(page) == []
    with api_client(server, LEADER) as client:
        figure = client.get("/dashboard/figures", params={"months": 1}).json()[
            "figures"]["holders"]["data"][0]
    assert figure["text"][1] == "fewer than 2 children" and figure["x"][1] == 0
