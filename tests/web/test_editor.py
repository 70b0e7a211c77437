"""The ecomap editor in a real browser: drawing a tie reaches the API; the date control
redraws the map; a stale edit is shown and kept, not lost."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

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
