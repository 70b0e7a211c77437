"""The young person's page on a 360-px phone: their link opens it, they mark someone
trusted and place them in a circle, and it is saved as their own (``by: child``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import WORKER, Server, api_client, screenshot

pytestmark = pytest.mark.browser


def make_link(server: Server, child_id: str) -> str:
    with api_client(server, WORKER) as client:
        r = client.post(f"/api/children/{child_id}/links", json={})
        assert r.status_code == 201, r.text
        url: str = r.json()["url"]
    return url


def test_a_young_person_marks_someone_trusted_on_a_phone(phone: Page, server: Server) -> None:
    phone.goto(server.url + make_link(server, "c-leo"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Leo!")
    screenshot(phone, "trust-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    card = phone.locator('.person[data-id="p-leo-aunt"]')
    card.get_by_role("button", name="Very close", exact=True).tap()
    card.get_by_label("I trust Priya").check()
    card.get_by_role("button", name="Every week").tap()
    card.get_by_role("button", name="My feelings").tap()
    # The circles show Priya in the middle one, marked as trusted.
    expect(phone.locator('#circles .chip[data-id="p-leo-aunt"]')).to_contain_text("★")
    phone.get_by_role("button", name="Save my answers").tap()
    expect(phone.get_by_role("status")).to_have_text("Thank you! Your answers are saved.")
    screenshot(phone, "trust-phone-saved")
    today = datetime.now(UTC).date().isoformat()
    with api_client(server, WORKER) as client:
        obs = client.get("/api/children/c-leo/document").json()["observations"]
    mine = [o for o in obs if o["tie"] == "t-leo-aunt" and o["on"] == today]
    assert len(mine) == 1
    assert mine[0]["by"] == "child"
    assert mine[0]["trusted"] is True
    assert mine[0]["closeness"] == 3
    assert mine[0]["contact"] == 3
    assert mine[0]["support"] == {"emotional": 3}
    assert "note" not in mine[0]


def test_the_page_shows_no_scores_or_worker_notes(phone: Page, server: Server) -> None:
    with api_client(server, WORKER) as client:
        r = client.post("/api/children/c-mia/observations", json={
            "tie": "t-mia-gran", "on": "2024-10-01", "by": "worker", "closeness": 3,
            "note": "private worker note about gran"})
        assert r.status_code == 201, r.text
    phone.goto(server.url + make_link(server, "c-mia"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Mia!")
    text = phone.locator("body").inner_text()
    assert "private worker note" not in text
    for word in ("strength", "score", "Strength"):
        assert word not in text


def test_a_young_person_drags_a_name_into_a_circle(phone: Page, server: Server) -> None:
    phone.goto(server.url + make_link(server, "c-jay"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Jay!")
    chip = phone.locator('.chip[data-id="hsg-novak"]')
    box = chip.bounding_box()
    circles = phone.locator("#circles").bounding_box()
    assert box is not None and circles is not None
    centre = (circles["x"] + circles["width"] / 2, circles["y"] + circles["height"] / 2)
    phone.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    phone.mouse.down()
    phone.mouse.move(centre[0] + 20, centre[1] + 25, steps=8)  # inside the innermost circle
    phone.mouse.up()
    card = phone.locator('.person[data-id="hsg-novak"]')
    very_close = card.get_by_role("button", name="Very close", exact=True)
    expect(very_close).to_have_attribute("aria-pressed", "true")


def test_a_young_person_adds_someone_new(phone: Page, server: Server) -> None:
    phone.goto(server.url + make_link(server, "c-jay"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Jay!")
    phone.get_by_label("Their name").fill("Kez")
    phone.get_by_label("Who are they?").select_option("friend")
    phone.get_by_role("button", name="Add them").tap()
    expect(phone.get_by_role("status")).to_contain_text("Kez is on your list now")
    expect(phone.locator(".person h3", has_text="Kez")).to_be_visible()
    with api_client(server, WORKER) as client:
        doc = client.get("/api/children/c-jay/document").json()
    assert [p["category"] for p in doc["people"] if p["name"] == "Kez"] == ["friend"]


def test_the_circles_work_from_the_keyboard(phone: Page, server: Server) -> None:
    phone.goto(server.url + make_link(server, "c-jay"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Jay!")
    phone.locator('.chip[data-id="gp-ahmed"]').focus()
    phone.keyboard.press("Enter")  # pick Dr Ahmed
    expect(phone.get_by_role("button", name="Very close circle", exact=True)).to_be_focused()
    phone.keyboard.press("Shift+Tab")  # the circles come outermost first in the page
    expect(phone.get_by_role("button", name="Sort of close circle", exact=True)).to_be_focused()
    phone.keyboard.press("Enter")
    card = phone.locator('.person[data-id="gp-ahmed"]')
    expect(card.get_by_role("button", name="Sort of close", exact=True)).to_have_attribute(
        "aria-pressed", "true")


def test_a_broken_link_says_so_kindly(phone: Page, server: Server) -> None:
    phone.goto(f"{server.url}/trust/not-a-real-link")
    expect(phone.get_by_role("status")).to_have_text(
        "This link is not working. Ask your worker for a new one.")
