"""The ecomap editor in a real browser: drawing a tie reaches the API; the date control
redraws the map; a stale edit is shown and kept, not lost."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import WORKER, Server, api_client, screenshot, sign_in

pytestmark = pytest.mark.browser


def open_map(page: Page, server: Server, child_id: str, at: str) -> None:
    sign_in(page, server, WORKER)
    page.goto(f"{server.url}/children/{child_id}")
    page.locator("#map-canvas svg").wait_for()
    set_date(page, at)


def set_date(page: Page, at: str) -> None:
    page.get_by_label("Map on").fill(at)
    page.get_by_label("Map on").dispatch_event("change")
    expect(page.locator("#status")).to_have_text(f"Showing the map on {at}.")


def drawn_members(page: Page, *, ended: bool = False) -> set[str]:
    """Ids of the people drawn with a live tie (or, with ``ended``, with a cut one)."""
    selector = "[data-ended]" if ended else ":not([data-ended])"
    ids = page.locator(f"#map-canvas [data-id]{selector}").evaluate_all(
        "ns => ns.map(n => n.dataset.id)")
    return set(ids)


def test_the_date_control_redraws_the_map(page: Page, server: Server) -> None:
    # Hand-checked in fixtures/foster-care-after-move.json: Mia moved from the Harrises to
    # Nadia Begum on 2024-02-12; Ms Osei (new school) from 2024-02-26; Kai and Mr Patel
    # ended with the move; Zoe from 2024-04-15; social worker Okafor until 2024-06-01.
    open_map(page, server, "c-mia", "2023-06-30")
    assert drawn_members(page) == {"p-mia-gran", "p-mia-mum", "fc-harris", "sw-okafor",
                                   "p-mia-kai", "tch-patel"}
    assert drawn_members(page, ended=True) == set()  # nothing ended in the year before
    screenshot(page, "editor-2023-06-30")
    set_date(page, "2024-12-31")
    assert drawn_members(page) == {"p-mia-gran", "p-mia-mum", "fc-begum", "sw-lind",
                                   "tch-osei", "p-mia-zoe"}
    # Ended in the year before 2024-12-31, so drawn cut: the move and the worker change.
    assert drawn_members(page, ended=True) == {"fc-harris", "p-mia-kai", "tch-patel",
                                               "sw-okafor"}
    page.get_by_role("checkbox", name="Ties ended in the year before").uncheck()
    assert drawn_members(page, ended=True) == set()
    expect(page.locator("#map-caption")).to_contain_text("on 2024-12-31")


def test_a_worker_draws_a_tie_and_it_is_in_the_api(page: Page, server: Server) -> None:
    open_map(page, server, "c-leo", "2025-03-01")
    with api_client(server, WORKER) as client:
        before = {t["id"] for t in client.get("/api/children/c-leo/document").json()["ties"]}
    page.get_by_role("button", name="Draw a tie").click()
    # Keyboard path: focus a person on the map and press Enter, then the second one.
    page.locator('#map-canvas [data-id="p-leo-aunt"]').focus()
    page.keyboard.press("Enter")
    page.locator('#map-canvas [data-id="v-coach-reid"]').focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Draw a tie")
    expect(dialog.get_by_label("From")).to_have_value("p-leo-aunt")
    expect(dialog.get_by_label("To")).to_have_value("v-coach-reid")
    dialog.get_by_label("Started").fill("2025-02-14")
    dialog.get_by_role("button", name="Save tie").click()
    expect(page.locator("#status")).to_contain_text("Saved")
    with api_client(server, WORKER) as client:
        doc = client.get("/api/children/c-leo/document").json()
    new = [t for t in doc["ties"] if t["id"] not in before]
    assert [(sorted(t["between"]), t.get("started")) for t in new] == [
        (["p-leo-aunt", "v-coach-reid"], "2025-02-14")
    ]


def test_a_stale_edit_is_shown_and_kept(page: Page, server: Server) -> None:
    open_map(page, server, "c-jay", "2025-03-01")
    # Someone else saves a change after the page loaded the document.
    with api_client(server, WORKER) as other:
        r = other.post("/api/children/c-jay/observations",
                       json={"tie": "t-jay-rao", "on": "2025-02-01", "by": "worker",
                             "closeness": 2})
    assert r.status_code == 201, r.text
    page.locator('#map-canvas [data-id="v-mentor-rao"]').click()
    page.get_by_role("button", name="Record observation").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Closeness").select_option("3")
    dialog.get_by_label("Trusted").select_option("true")
    dialog.get_by_role("button", name="Save observation").click()
    conflict = page.get_by_role("region", name="Not saved yet")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Someone else saved changes")
    expect(conflict).to_contain_text("observation of Dev Rao")
    screenshot(page, "editor-conflict")
    conflict.get_by_role("button", name="Save my changes on the latest version").click()
    expect(conflict).to_be_hidden()
    with api_client(server, WORKER) as client:
        obs = client.get("/api/children/c-jay/document").json()["observations"]
    mine = [o for o in obs if o["tie"] == "t-jay-rao" and o["by"] == "worker"]
    # The other person's observation first, then the kept edit, saved once.
    assert [(o["on"], o.get("closeness"), o.get("trusted")) for o in mine] == [
        ("2025-02-01", 2, None), ("2025-03-01", 3, True)]


def test_compare_view_lists_gained_lost_and_changed(page: Page, server: Server) -> None:
    open_map(page, server, "c-mia", "2024-12-31")
    page.get_by_label("Compare").fill("2023-06-30")
    page.get_by_label("with").fill("2024-12-31")
    page.get_by_role("button", name="Compare", exact=True).click()
    changes = page.get_by_role("complementary").locator("#changes")
    expect(changes).to_contain_text(re.compile(r"4 new, 4 gone"))
    for name in ("Nadia Begum", "Erin Lind", "Carol Harris", "Kai"):
        expect(changes).to_contain_text(name)
    # Gone ties are drawn cut, new ones highlighted, in the same picture.
    assert page.locator('#map-canvas g.ties line[data-line="ended"]').count() == 4
    screenshot(page, "editor-compare")


def test_a_worker_makes_the_young_persons_link_and_it_opens_their_page(
    page: Page, server: Server
) -> None:
    open_map(page, server, "c-mia", "2024-12-31")
    page.get_by_role("button", name="Link for the young person").click()
    dialog = page.get_by_role("dialog", name="The young person's link")
    url = dialog.get_by_label("Link").input_value()
    assert url.startswith(f"{server.url}/trust/")
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi Mia!")


def test_a_worker_adds_edits_and_ends_a_person(page: Page, server: Server) -> None:
    open_map(page, server, "c-leo", "2025-03-01")
    page.get_by_role("button", name="Add person").click()
    dialog = page.get_by_role("dialog", name="Add a person")
    dialog.get_by_label("Name").fill("Nana Joy")
    dialog.get_by_label("Who they are").select_option("family")
    dialog.get_by_label("Known since").fill("2025-01-05")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#status")).to_have_text("Saved: add Nana Joy.")
    with api_client(server, WORKER) as client:
        doc = client.get("/api/children/c-leo/document").json()
    (joy,) = [p for p in doc["people"] if p["name"] == "Nana Joy"]
    (tie,) = [t for t in doc["ties"] if joy["id"] in t["between"]]
    assert (joy["category"], sorted(tie["between"]), tie["started"]) == (
        "family", sorted(["c-leo", joy["id"]]), "2025-01-05")
    # New and not yet rated: drawn on the outer ring with a "not rated" line.
    node = page.locator(f'#map-canvas [data-id="{joy["id"]}"]')
    expect(node).to_have_attribute("aria-label", re.compile(r"^Nana Joy, Family, not rated tie"))

    node.click()
    page.get_by_role("button", name="Edit person").click()
    dialog = page.get_by_role("dialog", name="Edit Nana Joy")
    dialog.get_by_label("Role (optional, e.g. grandparent, teacher)").fill("great aunt")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#status")).to_have_text("Saved: edit Nana Joy.")

    page.locator(f'#map-canvas [data-id="{joy["id"]}"]').click()
    page.get_by_role("button", name="End tie").click()
    dialog = page.get_by_role("dialog", name="End the tie with Nana Joy")
    dialog.get_by_label("Ended on").fill("2025-02-20")
    dialog.get_by_label("Reason").select_option("by_choice")
    dialog.get_by_role("button", name="End tie").click()
    expect(page.locator("#status")).to_have_text("Saved: end the tie with Nana Joy.")
    with api_client(server, WORKER) as client:
        doc = client.get("/api/children/c-leo/document").json()
    (joy,) = [p for p in doc["people"] if p["name"] == "Nana Joy"]
    (tie,) = [t for t in doc["ties"] if joy["id"] in t["between"]]
    assert joy["role"] == "great_aunt"
    assert (tie["ended"], tie["end_reason"]) == ("2025-02-20", "by_choice")
    # On 2025-03-01 the tie has ended: drawn cut, within the year before.
    expect(page.locator(f'#map-canvas [data-id="{joy["id"]}"]')).to_have_attribute(
        "data-ended", "true")


def test_a_tie_can_be_drawn_by_touch_on_a_tablet(browser: Browser, server: Server) -> None:
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True,
                                  is_mobile=True)
    try:
        tablet = context.new_page()
        open_map(tablet, server, "c-mia", "2025-03-01")
        tablet.get_by_role("button", name="Menu").tap()  # on a tablet the tools fold into a menu
        tablet.get_by_role("button", name="Draw a tie").tap()
        tablet.locator('#map-canvas [data-id="p-mia-zoe"]').tap()
        tablet.locator('#map-canvas [data-id="fc-begum"]').tap()
        dialog = tablet.get_by_role("dialog", name="Draw a tie")
        expect(dialog.get_by_label("From")).to_have_value("p-mia-zoe")
        expect(dialog.get_by_label("To")).to_have_value("fc-begum")
        screenshot(tablet, "editor-tablet-draw-tie")
    finally:
        context.close()
