"""Every page: no serious or critical axe-core violations, a screenshot kept, the load
time recorded (never asserted), and nothing fetched from outside the app."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import (
    LEADER,
    WORKER,
    Server,
    axe_violations,
    load_time_ms,
    record_load_time,
    screenshot,
    sign_in,
)
from tests.web.test_trust import make_link

pytestmark = pytest.mark.browser


def check(page: Page, name: str) -> None:
    record_load_time(name, load_time_ms(page))
    screenshot(page, name)
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_sign_in_page(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.wait_for_load_state("load")
    check(page, "sign-in")


def test_caseload_page(page: Page, server: Server) -> None:
    sign_in(page, server, WORKER)
    expect(page.get_by_role("link", name="Mia")).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name="Mia")).to_be_visible()
    check(page, "caseload")


def test_editor_page(page: Page, server: Server) -> None:
    sign_in(page, server, WORKER)
    page.get_by_role("link", name="Mia").click()
    page.locator("#map-canvas svg").wait_for()
    expect(page.locator("#measures-body table").first).to_be_visible()
    page.locator('#map-canvas [data-id="fc-begum"]').click()
    expect(page.get_by_role("heading", name="Nadia Begum")).to_be_visible()
    check(page, "editor")


def test_editor_dialog(page: Page, server: Server) -> None:
    sign_in(page, server, WORKER)
    page.goto(f"{server.url}/children/c-leo")
    page.locator("#map-canvas svg").wait_for()
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check(page, "editor-add-person")


def test_young_persons_page(phone: Page, server: Server) -> None:
    phone.goto(server.url + make_link(server, "c-mia"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Mia!")
    check(phone, "trust")


def test_dashboard_page(page: Page, server: Server) -> None:
    sign_in(page, server, LEADER)
    page.goto(f"{server.url}/dashboard?at=2024-12-31&months=24")
    expect(page.locator("#status")).to_contain_text("children as at")
    page.locator("#fig-medians_trend .main-svg").first.wait_for()
    check(page, "dashboard-24-months")


def test_print_view_hides_the_controls(page: Page, server: Server) -> None:
    sign_in(page, server, WORKER)
    page.goto(f"{server.url}/children/c-jay")
    page.locator("#map-canvas svg").wait_for()
    page.emulate_media(media="print")
    assert page.locator(".toolbar").is_hidden()
    assert page.locator("#map-canvas svg").is_visible()
    assert page.locator("#measures-body table").first.is_visible()
    screenshot(page, "editor-print")
