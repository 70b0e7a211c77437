"""The ecomap editor in a real browser: drawing a tie reaches the API; the date control
redraws the map; a stale edit is shown and kept, not lost."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import WORKER, Server, api_client, axe_violations, screenshot, sign_in

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
        version = other.get("/api/children/c-jay").headers["etag"]
        r = other.post("/api/children/c-jay/observations", headers={"If-Match": version},
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
    # Capitals are fine: the role is saved as its slug.
    dialog.get_by_label("Role (optional, e.g. grandparent, teacher)").fill("Great Aunt")
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


def test_a_person_changed_by_someone_else_since_the_map_loaded_is_not_overwritten(
        page: Page, server: Server) -> None:
    """The person edit names the version of the details the map shows: if someone changed
    them since, the dialog says so and nothing is sent."""
    with api_client(server, WORKER) as client:
        etag = client.get("/api/children/c-leo").headers["etag"]
        added = client.post("/api/children/c-leo/people", headers={"If-Match": etag},
                            json={"name": "Uncle Ray", "category": "family", "tie_to_child": True,
                                  "started": "2024-06-01"})
        assert added.status_code == 201, added.text
        ray = added.json()["id"]
    open_map(page, server, "c-leo", "2025-03-01")
    with api_client(server, WORKER) as client:  # someone else, meanwhile
        [shown] = client.get("/api/people", params={"search": ray}).json()["data"]
        changed = client.patch(f"/api/people/{ray}", json={"role": "uncle"},
                               headers={"If-Match": f'"{shown["version"]}"'})
        assert changed.status_code == 200, changed.text

    page.locator(f'#map-canvas [data-id="{ray}"]').click()
    page.get_by_role("button", name="Edit person").click()
    dialog = page.get_by_role("dialog", name="Edit Uncle Ray")
    dialog.get_by_label("Role (optional, e.g. grandparent, teacher)").fill("Godfather")
    dialog.get_by_role("button", name="Save").click()

    expect(dialog.locator(".error")).to_contain_text(
        "Someone changed Uncle Ray's details after this map was loaded")
    with api_client(server, WORKER) as client:
        [now] = client.get("/api/people", params={"search": ray}).json()["data"]
    assert now["role"] == "uncle"


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


def status_on(page: Page, at: str) -> None:
    expect(page.locator("#status")).to_have_text(f"Showing the map on {at}.")


def test_month_steps_land_on_month_ends_and_the_date_is_in_the_url(
    page: Page, server: Server
) -> None:
    open_map(page, server, "c-mia", "2026-11-30")
    steps = page.evaluate("""async () => {
        const { stepMonth, anchorOf } = await import("/static/js/dates.js");
        let at = "2026-11-30"; const anchor = anchorOf(at);
        for (let i = 0; i < 24; i++) at = stepMonth(at, -1, anchor);
        return [at, stepMonth("2025-03-30", -1), stepMonth("2024-03-31", -1, 31)];
    }""")
    assert steps == ["2024-11-30", "2025-02-28", "2024-02-29"]
    earlier = page.get_by_role("button", name="One month earlier")
    for at in ("2026-10-31", "2026-09-30", "2026-08-31"):  # 30 Nov is a month's end
        earlier.click()
        status_on(page, at)
    set_date(page, "2025-03-30")
    earlier.click()
    status_on(page, "2025-02-28")  # not still in March
    assert "at=2025-02-28" in page.url
    page.reload()
    status_on(page, "2025-02-28")
    expect(page.get_by_label("Map on")).to_have_value("2025-02-28")
    page.go_back()
    status_on(page, "2025-03-30")
    expect(page.get_by_label("Map on")).to_have_value("2025-03-30")


def test_compare_is_in_plain_words_and_in_the_url(page: Page, server: Server) -> None:
    open_map(page, server, "c-mia", "2025-03-01")
    page.get_by_label("Compare").fill("2023-06-30")
    page.get_by_label("with").fill("2024-12-31")
    page.get_by_role("button", name="Compare", exact=True).click()
    changes = page.locator("#changes")
    expect(changes).to_contain_text("4 new, 4 gone")
    # Dana's line went from stressful to normal (fixtures/foster-care-after-move.json).
    expect(changes).to_contain_text("Dana their line went from stressful to normal")
    expect(changes).to_contain_text("Nadia Begum is new (Carers")
    expect(changes).to_contain_text(
        "Carol Harris is gone: the tie ended on 2024-02-12, moved placement")
    text = changes.inner_text()
    for code in ("→", "line:", "_", "arrows", "ring:"):
        assert code not in text
    # The date control shows the date the map is drawn on: the later one.
    expect(page.get_by_label("Map on")).to_have_value("2024-12-31")
    assert "from=2023-06-30" in page.url and "to=2024-12-31" in page.url
    page.reload()
    expect(page.locator("#changes")).to_contain_text("4 new, 4 gone")
    page.go_back()
    status_on(page, "2025-03-01")
    expect(page.locator("#changes")).to_be_hidden()


def test_the_panel_is_cleared_when_its_person_is_not_on_the_map_and_places_stay(
    page: Page, server: Server
) -> None:
    open_map(page, server, "c-mia", "2024-12-31")
    where = "ns => Object.fromEntries(ns.map(n => [n.dataset.id, n.getAttribute('transform')]))"
    before = page.locator("#map-canvas .member").evaluate_all(where)
    set_date(page, "2025-03-01")
    after = page.locator("#map-canvas .member").evaluate_all(where)
    # Rose and Dana (family, same rings on both dates) keep their places.
    for person in ("p-mia-gran", "p-mia-mum"):
        assert before[person] == after[person]
    set_date(page, "2023-06-30")
    page.locator('#map-canvas [data-id="fc-harris"]').click()
    expect(page.locator("#selected h2")).to_have_text("Carol Harris")
    set_date(page, "2025-06-30")  # the Harrises' tie ended more than a year before
    expect(page.locator('#map-canvas [data-id="fc-harris"]')).to_have_count(0)
    expect(page.locator("#selected h2")).to_have_text("Choose a person")


def test_downloads_and_prints_carry_the_name_date_and_marking(page: Page, server: Server) -> None:
    open_map(page, server, "c-mia", "2024-12-31")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download SVG").click()
    assert download.value.suggested_filename == "ecomap-Mia-2024-12-31.svg"
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert "OFFICIAL-SENSITIVE" in svg
    assert "Mia's ecomap on 2024-12-31" in svg.replace("&apos;", "'")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PNG").click()
    assert download.value.suggested_filename == "ecomap-Mia-2024-12-31.png"
    page.emulate_media(media="print")
    head = page.locator("#print-head")
    expect(head).to_be_visible()
    expect(head).to_contain_text("OFFICIAL-SENSITIVE")
    expect(head).to_contain_text("Mia's ecomap on 2024-12-31")
    expect(head).to_contain_text(f"Printed on {date.today().isoformat()}")
    expect(page.locator(".toolbar")).to_be_hidden()


def test_names_the_list_view_and_with_the_child_mode(page: Page, server: Server) -> None:
    # fixtures/large-networks/family-finding-sixty-people.json: 60 people, among them
    # "Zoë 🌈 Ng", a Hebrew and an Arabic name, two Alisons; three ties ended (one by death)
    # in the year before.
    open_map(page, server, "c-theo", "2025-12-31")
    zoe = page.locator('#map-canvas [data-for="the-p02"]')
    expect(zoe.locator("text").first).to_have_text("ZN")
    expect(zoe.locator(".member-label")).to_have_text("Zoë N.")
    for person in ("the-p03", "the-p04"):  # Hebrew, Arabic: the full stop at the left end
        label = page.locator(f'#map-canvas .member-label[data-for="{person}"]')
        expect(label).to_have_attribute("direction", "rtl")
        stop_left_of_first = label.evaluate(
            "t => { const n = t.getNumberOfChars(); const last = t.getExtentOfChar(n - 1);"
            " const first = t.getExtentOfChar(0); return last.x < first.x; }")
        assert stop_left_of_first
    # Beyond 30 people the list view is offered too, grouped as on the map.
    page.get_by_role("button", name="Show as a list").click()
    expect(page.locator("#list-view h3").first).to_contain_text("Family (")
    assert "view=list" in page.url
    page.locator("#list-view").get_by_role("button", name=re.compile("^Zoë 🌈 Ng")).click()
    expect(page.locator("#selected h2")).to_have_text("Zoë 🌈 Ng")
    page.get_by_role("button", name="Show the map").click()
    assert page.locator("#map-canvas [data-ended]").count() == 3
    # With the child: the map, names, rings and lines; no scores, panel or ended ties.
    page.get_by_role("button", name="With the child").click()
    assert "with=child" in page.url
    expect(page.locator(".panel")).to_be_hidden()
    expect(page.locator("#map-canvas [data-ended]")).to_have_count(0)
    assert page.locator("#map-canvas [data-id]").count() == 60
    shown = page.locator("body").inner_text()
    for word in ("Strength", "strength", "Critic", "critical", "ended"):
        assert word not in shown
    labels = " ".join(page.locator("#map-canvas [aria-label]").evaluate_all(
        "ns => ns.map(n => n.getAttribute('aria-label'))"))
    assert "strength" not in labels and "trusted" not in labels
    page.reload()
    expect(page.get_by_role("button", name="With the child")).to_have_attribute(
        "aria-pressed", "true")
    expect(page.locator(".panel")).to_be_hidden()
    expect(page.locator("#map-canvas [data-id]")).to_have_count(60)
    expect(page.get_by_label("Map on")).to_have_value("2025-12-31")
    screenshot(page, "editor-with-the-child")
    assert axe_violations(page) == []
    page.get_by_role("button", name="With the child").click()
    expect(page.locator(".panel")).to_be_visible()
