"""Meetings in real Chromium: a worker records a family meeting and its plan on a tablet
by tapping people on the map (timed), marks progress and sees who holds a commitment;
a young person on a 360-px phone says whether each thing is happening."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import (
    ARTIFACTS,
    WORKER,
    Server,
    api_client,
    axe_violations,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

# Keystroke-level model (Card, Moran & Newell 1980; touch pointing after MacKenzie): the
# time a person needs for the same steps, beside the scripted time (which has no
# thinking or reading in it). Seconds per tap, per typed character, per decision.
TAP, CHAR, THINK = 1.1, 0.28, 1.35


@pytest.fixture
def tablet(browser: Browser) -> Any:
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def tool(page: Page, name: str) -> Any:
    """A toolbar button; on a tablet the tools sit behind the Menu button."""
    button = page.get_by_role("button", name=name, exact=True)
    if not button.is_visible():
        page.get_by_role("button", name="Menu", exact=True).tap()
    return button


class Steps:
    """Counts what a person would do, for the keystroke-level estimate."""

    def __init__(self) -> None:
        self.taps = self.chars = self.decisions = 0

    def tap(self, locator: Any, decide: bool = False) -> None:
        locator.tap()
        self.taps += 1
        self.decisions += decide

    def type(self, locator: Any, text: str) -> None:
        locator.tap()
        locator.fill(text)
        self.taps += 1
        self.chars += len(text)
        self.decisions += 1

    def seconds(self) -> float:
        return round(self.taps * TAP + self.chars * CHAR + self.decisions * THINK, 1)


def test_a_worker_records_a_family_meeting_and_plan_by_tapping_people(
    tablet: Page, server: Server,
) -> None:
    page = tablet
    sign_in(page, server, WORKER)
    page.goto(f"{server.url}/children/c-mia")
    page.locator("#map-canvas svg").wait_for()
    tool(page, "Meetings").tap()
    page.get_by_role("button", name="Record a meeting").wait_for()
    steps = Steps()
    started = time.perf_counter()
    steps.tap(page.get_by_role("button", name="Record a meeting"))
    form = page.locator("#meeting-form")
    form.get_by_label("Kind of meeting").select_option(label="family group conference")
    steps.taps += 2
    steps.decisions += 1
    # who was there: tap people on the map (once: invited; twice: came)
    for person, taps in (("p-mia-gran", 2), ("p-mia-mum", 2), ("fc-begum", 2), ("tch-osei", 1)):
        for _ in range(taps):
            steps.tap(page.locator(f'#map-canvas [data-id="{person}"]'), decide=_ == 0)
    expect(form.locator(".meeting-person.attended")).to_have_count(3)
    expect(form.locator(".meeting-person.invited")).to_have_count(1)
    checking = time.perf_counter()
    assert axe_violations(page) == []  # the form, and the map with people marked
    checked = time.perf_counter() - checking  # not part of the worker's time
    form.get_by_label("How Mia took part").select_option(label="came and spoke for themselves")
    steps.taps += 2
    steps.decisions += 1
    plan = [("Tea at Gran's every Sunday", "Rose", "2026-12-31"),
            ("Mum rings me on Wednesdays", "Dana", "2026-12-20")]
    for n, (what, who, by) in enumerate(plan, start=1):
        steps.tap(form.get_by_role("button", name="Add a commitment"))
        row = form.locator(".commitment-row").nth(n - 1)
        steps.type(row.get_by_label("What will happen"), what)
        steps.tap(row.get_by_label(who), decide=True)
        row.get_by_label("By when").fill(by)
        steps.taps += 3  # a date picker: open, choose, done
        steps.decisions += 1
    steps.tap(form.get_by_role("button", name="Save meeting"))
    expect(page.locator(".meetings-status")).to_have_text(
        "Saved the family group conference with 2 commitments.")
    scripted = round(time.perf_counter() - started - checked, 2)
    screenshot(page, "meetings-recorded")
    timing = {"scripted_seconds": scripted, "taps": steps.taps, "typed_characters": steps.chars,
              "decisions": steps.decisions, "keystroke_level_estimate_seconds": steps.seconds(),
              "model": {"tap": TAP, "character": CHAR, "decision": THINK}}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "meeting-timing.json").write_text(json.dumps(timing, indent=2) + "\n")
    print("meeting recorded:", timing)

    with api_client(server, WORKER) as client:
        [meeting] = [m for m in client.get("/api/children/c-mia/document").json()["meetings"]
                     if m["kind"] == "family_group_conference"]
    assert meeting["invited"] == ["p-mia-gran", "p-mia-mum", "fc-begum", "tch-osei"]
    assert meeting["attended"] == ["p-mia-gran", "p-mia-mum", "fc-begum"]
    assert meeting["participation"] == "PN1"
    assert [(k["what"], k["who"], k["by"]) for k in meeting["plan"]] == [
        ("Tea at Gran's every Sunday", ["p-mia-gran"], "2026-12-31"),
        ("Mum rings me on Wednesdays", ["p-mia-mum"], "2026-12-20")]

    # progress, then the map toggle: who holds a commitment and whether it is on track
    tea = page.locator(".commitment", has_text="Tea at Gran's every Sunday")
    tea.get_by_role("button", name="Happening: Tea at Gran's every Sunday").tap()
    expect(page.locator(".meetings-status")).to_contain_text("is happening")
    tool(page, "Who holds a commitment").tap()
    expect(page.locator('#map-canvas [data-id="p-mia-gran"]')).to_have_class(
        re.compile(r"\bmt-on-track\b"))
    expect(page.locator('#map-canvas [data-id="tch-osei"]')).not_to_have_class(
        re.compile(r"\bmt-"))
    screenshot(page, "meetings-holders")
    assert axe_violations(page) == []
    with api_client(server, WORKER) as client:
        doc = client.get("/api/children/c-mia/document").json()
    [meeting] = [m for m in doc["meetings"] if m["kind"] == "family_group_conference"]
    assert [(p["state"], p["by"]) for p in meeting["plan"][0]["progress"]] == [
        ("in_progress", "worker")]


def _meeting_for(server: Server, child: str, who: str) -> list[str]:
    with api_client(server, WORKER) as client:
        version = client.get(f"/api/children/{child}").headers["etag"]
        r = client.post(f"/api/children/{child}/meetings", headers={"If-Match": version}, json={
            "kind": "family_network_meeting", "on": "2026-11-01", "attended": [who],
            "participation": "PN1", "note": "worker-only note about the meeting",
            "plan": [{"what": "Swimming with my aunt on Saturdays", "who": [who]},
                     {"what": "I go to homework club", "who": []}]})
        assert r.status_code == 201, r.text
        commitments: list[str] = r.json()["commitments"]
        return commitments


def test_a_young_person_says_whether_it_is_happening_on_a_phone(
    phone: Page, server: Server,
) -> None:
    swim, _ = _meeting_for(server, "c-leo", "p-leo-aunt")
    with api_client(server, WORKER) as client:
        link = client.post("/api/children/c-leo/links", json={}).json()["url"]
    phone.goto(server.url + link)
    section = phone.get_by_role("region", name="Who is helping with what")
    expect(section).to_be_visible()
    item = section.locator(f'.helping-item[data-id="{swim}"]')
    expect(item).to_contain_text("Swimming with my aunt on Saturdays")
    expect(item.locator(".who")).to_have_text("Priya")
    assert "worker-only note" not in phone.locator("body").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    item.get_by_role("button", name="A bit: Swimming with my aunt on Saturdays").tap()
    expect(phone.get_by_role("status")).to_have_text("Thank you! Saved.")
    expect(item.get_by_role("button", name="A bit: Swimming with my aunt on Saturdays")
           ).to_have_attribute("aria-pressed", "true")
    screenshot(phone, "helping-phone")
    assert axe_violations(phone) == []
    today = datetime.now(UTC).date().isoformat()
    with api_client(server, WORKER) as client:
        listed = client.get("/api/children/c-leo/meetings").json()
    [meeting] = [m for m in listed["meetings"] if m["plan"][0]["id"] == swim]
    assert meeting["plan"][0]["progress"] == [{"on": today, "state": "in_progress",
                                               "by": "child"}]
    assert listed["status"]["commitments"][swim]["child_answer"] == "a_bit"
