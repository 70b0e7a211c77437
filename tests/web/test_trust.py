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
    card.get_by_role("button", name="I trust them").tap()
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
    # Reloaded, every answer comes back as it was saved.
    phone.reload()
    card = phone.locator('.person[data-id="p-leo-aunt"]')
    for answer in ("Very close", "I trust them", "Every week", "My feelings"):
        expect(card.get_by_role("button", name=answer, exact=True)).to_have_attribute(
            "aria-pressed", "true")
    expect(card.get_by_role("button", name="Every day", exact=True)).to_have_attribute(
        "aria-pressed", "false")


def test_the_page_shows_no_scores_or_worker_notes(phone: Page, server: Server) -> None:
    with api_client(server, WORKER) as client:
        version = client.get("/api/children/c-mia").headers["etag"]
        r = client.post("/api/children/c-mia/observations", headers={"If-Match": version}, json={
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
    chip.evaluate("n => n.scrollIntoView({block: 'center'})")  # "Me" is then on screen too
    box = chip.bounding_box()
    me = phone.locator("#circles .me").bounding_box()
    assert box is not None and me is not None and me["y"] > 0
    centre = (me["x"] + me["width"] / 2, me["y"] + me["height"] / 2)
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
    # The page goes to Kez's card (not left at the bottom), ready to answer about them.
    expect(phone.locator(".person h3", has_text="Kez")).to_be_focused()
    assert phone.locator(".person h3", has_text="Kez").evaluate(
        "n => { const r = n.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }")
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
    # Only the message: no empty circles, no list, no Save button, no form.
    for hidden in ("#circles", "#people", "#add-form", "#save"):
        expect(phone.locator(hidden)).to_be_hidden()


def test_unsaved_answers_are_not_lost_without_a_warning(phone: Page, server: Server) -> None:
    phone.goto(server.url + make_link(server, "c-jay"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Jay!")
    phone.locator('.person[data-id="gp-ahmed"]').get_by_role("button", name="Every day").tap()
    expect(phone.get_by_role("status")).to_have_text("You have answers that are not saved yet.")
    asked: list[str] = []
    phone.on("dialog", lambda d: (asked.append(d.type), d.dismiss()))
    phone.close(run_before_unload=True)  # leaving the page: the browser asks first
    phone.wait_for_timeout(300)
    assert asked == ["beforeunload"]


def test_id_rather_not_say(phone: Page, server: Server) -> None:
    phone.goto(server.url + make_link(server, "c-jay"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Jay!")
    card = phone.locator('.person[data-id="v-mentor-rao"]')
    for rather_not in card.get_by_role("button", name="I'd rather not say").all()[:2]:
        rather_not.tap()  # how close, and trust
    card.get_by_role("button", name="Every month").tap()
    rather = card.get_by_role("button", name="I'd rather not say")
    expect(rather.nth(0)).to_have_attribute("aria-pressed", "true")
    expect(rather.nth(1)).to_have_attribute("aria-pressed", "true")
    phone.get_by_role("button", name="Save my answers").tap()
    expect(phone.get_by_role("status")).to_have_text("Thank you! Your answers are saved.")
    today = datetime.now(UTC).date().isoformat()
    with api_client(server, WORKER) as client:
        obs = client.get("/api/children/c-jay/document").json()["observations"]
    (mine,) = [o for o in obs
               if o["tie"] == "t-jay-rao" and o["on"] == today and o["by"] == "child"]
    # Nothing is recorded for what they would rather not say.
    assert (mine.get("contact"), "closeness" in mine, "trusted" in mine) == (2, False, False)
