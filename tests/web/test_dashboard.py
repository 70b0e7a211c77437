"""The leaders' dashboard in a real browser: its numbers are the API's numbers, its
charts are drawn by the bundled plotly.js, and its CSV link gives the same trend."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import LEADER, Server, api_client, screenshot, sign_in

pytestmark = pytest.mark.browser

AT = "2024-12-31"
TILES = ["has_trusted_adult_rate", "trust_answered_rate", "trust_answered_in_window_rate",
         "single_point_of_failure_rate", "median_network_strength", "median_continuity",
         "high_worker_churn_rate", "no_emotional_support_rate", "median_paid_share"]


def values(measures: dict[str, Any]) -> dict[str, object]:
    """What each tile should hold: the count, then each figure's value."""
    return {"children": measures["children"], **{k: measures[k]["value"] for k in TILES}}


def open_dashboard(page: Page, server: Server, query: str) -> None:
    sign_in(page, server, LEADER)
    page.get_by_role("link", name="Open the dashboard").click()
    page.wait_for_url("**/dashboard**")
    page.goto(f"{server.url}/dashboard?{query}")
    expect(page.locator("#status")).to_contain_text("children as at")


def shown(page: Page) -> dict[str, object]:
    """The number behind each tile, as the page holds it."""
    pairs = page.locator("#tiles dd[data-measure]").evaluate_all(
        "ds => ds.map(d => [d.dataset.measure, d.dataset.value])")
    return {k: json.loads(v) for k, v in pairs}


def test_the_dashboards_numbers_equal_the_apis(page: Page, server: Server) -> None:
    open_dashboard(page, server, f"at={AT}&months=12")
    with api_client(server, LEADER) as client:
        api = client.get("/api/dashboard", params={"at": AT, "months": 12}).json()
    assert api["measures"]["children"] == len(server.fixtures)
    assert api["suppressed"] is False
    assert shown(page) == values(api["measures"])
    # each tile says over how many children it was computed, and when
    trust = page.locator(".tile").filter(has=page.locator("[data-measure=has_trusted_adult_rate]"))
    figure = api["measures"]["has_trusted_adult_rate"]
    if figure["suppressed"]:
        expect(trust.locator(".n")).to_contain_text("withheld")
    else:
        expect(trust.locator(".n")).to_have_text(
            f"{figure['n']} of {api['measures']['children']} answered the trust question")
    expect(trust.locator(".meaning")).to_contain_text("Of the children asked")
    expect(trust.locator(".when")).to_have_text("On 31 Dec 2024")
    churn = page.locator(".tile").filter(has=page.locator("[data-measure=high_worker_churn_rate]"))
    # (t0, t] with t0 = t - 365 days, written with an en dash
    expect(churn.locator(".when")).to_have_text("2 Jan 2024 \u2013 31 Dec 2024")
    # ...and the words on the tiles say the same (rates as percentages).
    numbers = page.locator("#tiles dd[data-measure]")
    tiles = dict(zip(numbers.evaluate_all("ds => ds.map(d => d.dataset.measure)"),
                     numbers.all_inner_texts(), strict=True))
    assert tiles["children"] == str(len(server.fixtures))
    rate = api["measures"]["trust_answered_rate"]["value"]
    assert tiles["trust_answered_rate"] == f"{round(rate * 100, 1):g}%"
    # The monthly table has the API's twelve month ends, newest first.
    months = page.locator("#trend-table tbody th").all_inner_texts()
    assert months == [row["at"] for row in reversed(api["trend"])]
    assert len(months) == 12
    # Every chart was drawn by plotly (an SVG inside each chart box).
    assert page.locator(".chart .main-svg").count() >= 8
    screenshot(page, "dashboard")


def test_filters_narrow_the_scope_like_the_api(page: Page, server: Server) -> None:
    # One looked-after child is fewer than ECOMAP_MIN_COHORT (2 here): a leader gets the
    # count and a sentence, no measures and no charts, on the page as from the API.
    open_dashboard(page, server, f"at={AT}&months=6")
    page.get_by_label("Status").select_option("looked_after")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#status")).to_contain_text("1 children as at")
    expect(page.locator("#status")).to_contain_text("measures and charts are not shown")
    expect(page.locator(".chart").first).to_be_hidden()
    with api_client(server, LEADER) as client:
        api = client.get("/api/dashboard", params={"at": AT, "months": 6,
                                                   "status": "looked_after"}).json()
        csv_text = client.get("/api/dashboard.csv", params={"at": AT, "months": 6,
                                                           "status": "looked_after"}).text
    assert api["suppressed"] is True
    assert shown(page) == values(api["measures"])
    assert [v for k, v in shown(page).items() if k != "children"] == [None] * len(TILES)
    href = page.get_by_role("link", name="Download CSV").get_attribute("href")
    assert href is not None and "status=looked_after" in href and "months=6" in href
    response = page.request.get(server.url + href)
    assert response.ok
    assert response.text() == csv_text
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert sorted({r["at"] for r in rows}) == [row["at"] for row in api["trend"]]
    assert {"n", "suppressed"} <= set(rows[0])


def test_a_date_after_today_or_before_the_records_says_so(page: Page, server: Server) -> None:
    sign_in(page, server, LEADER)
    page.goto(f"{server.url}/dashboard?at=2999-01-01")
    expect(page.locator("#status")).to_contain_text("is after today")
    expect(page.locator("#status")).to_contain_text("never a forecast")
    assert page.locator("#tiles dd").count() == 0
    page.goto(f"{server.url}/dashboard?at=2012-06-30")
    expect(page.locator("#status")).to_contain_text("No children were open on 30 Jun 2012")
    expect(page.locator("#status")).to_contain_text("Records in this scope start on")
    assert page.locator("#tiles dd").count() == 0
    expect(page.locator(".chart").first).to_be_hidden()
