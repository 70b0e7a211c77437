"""Maps that stay readable at real sizes: every map of a 1,000-child synthetic authority,
the fixtures and the 40- and 60-person fixtures, drawn by the editor's own layout at the
widths the editor really has at 1366x900, 1024x768 and 768x1024, and the young person's
circles at 360x740, measured box by box in Chromium: no circle on a circle, no name on a
circle or a name, tap targets of at least 44 px on touch screens."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from ecomap.format import parse_document
from ecomap.synth import DEFAULT_AS_AT, synthesize
from ecomap.view import ecomap_view
from tests.web.conftest import ARTIFACTS, ROOT, WORKER, Server, axe_violations, sign_in
from tests.web.map_boxes import draw_and_measure, install, measure_page_circles, measure_page_map
from tests.web.test_trust import make_link

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1366, 900), "tablet-landscape": (1024, 768), "tablet-portrait": (768, 1024)}
TOUCH = {"tablet-landscape", "tablet-portrait"}
# fixtures/large-networks/family-finding-sixty-people.json: 60 people on 2025-12-31
BIG = "c-theo"
ON = "2025-12-31"


def fixture_views() -> list[dict[str, Any]]:
    views = []
    for path in [*sorted((ROOT / "fixtures").glob("*.json")),
                 *sorted((ROOT / "fixtures" / "large-networks").glob("*.json"))]:
        doc = parse_document(json.loads(path.read_text(encoding="utf-8")), source=path.name)
        for at in ("2023-06-30", "2024-12-31", ON):
            views.append(ecomap_view(doc, date.fromisoformat(at)))
    return views


@pytest.fixture(scope="module")
def views() -> list[dict[str, Any]]:
    """Every map of a 1,000-child synthetic authority on its last day, and the fixtures'."""
    synthetic = [ecomap_view(doc, DEFAULT_AS_AT) for doc in synthesize(1000, seed=13)]
    return synthetic + fixture_views()


def open_editor(browser: Browser, server: Server, size: str, child: str, query: str = "") -> Page:
    w, h = SIZES[size]
    touch = size in TOUCH
    context = browser.new_context(
        viewport={"width": w, "height": h}, has_touch=touch, is_mobile=touch)
    page = context.new_page()
    sign_in(page, server, WORKER)
    page.goto(f"{server.url}/children/{child}?at={ON}{query}")
    expect(page.locator("#status")).to_have_text(f"Showing the map on {ON}.")
    return page


@pytest.mark.parametrize("size", list(SIZES))
def test_every_map_is_free_of_overlaps_at_the_editors_width(
    browser: Browser, server: Server, views: list[dict[str, Any]], size: str
) -> None:
    page = open_editor(browser, server, size, BIG)
    try:
        # The real page first: the 60-person map as the editor draws it at this size.
        real = measure_page_map(page)
        w, h = SIZES[size]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"map-60-people-{w}x{h}.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / f"map-60-people-{w}x{h}-screen.png"))
        assert real["maps"] == 1 and real["circles"] >= 61  # 60 people, the child, ended ties
        assert overlaps(real) == (0, 0, 0), real
        assert real["smallestFont"] >= 14, real
        if size in TOUCH:
            assert real["smallestCircle"] >= 44, real  # tap targets
            svg = page.locator("#map-canvas svg").bounding_box()
            assert svg is not None and svg["width"] >= 0.92 * w  # the map fills the width
            toolbar = page.locator(".toolbar").bounding_box()
            assert toolbar is not None and toolbar["height"] <= 64  # the tools fold into a menu
        # Then every map, drawn by the same module at the same width in this page.
        width = int(page.locator("#map-canvas").evaluate("n => n.clientWidth"))
        got = draw_and_measure(page, views, width)
        record(f"{size} ({width}px)", got)
        assert got["maps"] == len(views)
        assert overlaps(got) == (0, 0, 0), got["bad"]
        assert got["smallestFont"] >= 14
        if size in TOUCH:
            assert got["smallestCircle"] >= 44
    finally:
        page.context.close()


def test_the_young_persons_circles_on_a_phone(
    phone: Page, server: Server, views: list[dict[str, Any]]
) -> None:
    phone.goto(server.url + make_link(server, BIG))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Theo!")
    # Everyone into a circle (the page's own people), as a young person might.
    real = measure_page_circles(phone)
    assert chip_faults(real) == (0, 0, 0, 0), real
    # Every child's people, in circles by the closeness they were given (unrated ones spread
    # over the three), packed by the page's own module in this page.
    everyone = [
        [{"id": m["id"], "name": m["name"], "category": m["category"], "role": m["role"],
          "trusted": m["trusted"], "closeness": m["closeness"] or (i % 3) + 1}
         for i, m in enumerate(v["members"])]
        for v in views
    ]
    install(phone)
    got = phone.evaluate(
        """async ({ everyone }) => {
          const { drawCircles } = await import("/static/js/trust-circles.js");
          const count = window.measureCircles;
          const box = document.getElementById("circles");
          const chip = (p, style, label) => { const b = document.createElement("button");
            b.type = "button"; b.className = "chip"; b.style.cssText = style; b.dataset.id = p.id;
            b.textContent = label + (p.trusted === true ? " ★" : ""); return b; };
          const total = { maps: 0, chips: 0, chipOverlaps: 0, onMe: 0, onRingName: 0, outside: 0,
                          smallest: Infinity, sameLabel: 0, tallest: 0 };
          for (const people of everyone) {
            drawCircles(box, people, chip);
            const r = count(box);
            total.maps++; total.chips += r.chips;
            for (const k of ["chipOverlaps", "onMe", "onRingName", "outside"]) total[k] += r[k];
            total.smallest = Math.min(total.smallest, r.smallest);
            const texts = r.labels.map((t) => t.replace(" ★", ""));
            total.sameLabel += texts.length - new Set(texts).size;
            total.tallest = Math.max(total.tallest, box.getBoundingClientRect().height);
          }
          return total;
        }""",
        {"everyone": everyone},
    )
    record("phone circles (360px)", got)
    assert got["maps"] == len(views)
    assert chip_faults(got) == (0, 0, 0, 0), got
    assert got["smallest"] >= 44  # tap targets
    assert got["sameLabel"] == 0  # "Alison (aunt)" and "Alison (teacher)", never two "Alison"


def test_the_60_person_map_on_a_phone_and_axe(phone: Page, server: Server) -> None:
    phone.goto(server.url + make_link(server, BIG))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hi Theo!")
    for card in phone.locator(".person").all()[:30]:  # thirty people placed by tapping
        card.get_by_role("button", name="Sort of close", exact=True).click()
    got = measure_page_circles(phone)
    assert got["chips"] >= 30
    assert chip_faults(got) == (0, 0, 0, 0), got
    expect(phone.locator("#circles .me")).to_be_visible()
    labels = [t.replace(" ★", "") for t in phone.locator("#circles .chip").all_inner_texts()]
    assert len(set(labels)) == len(labels)  # same first names told apart ("Alison R.")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.locator("#circles .me").evaluate("n => n.scrollIntoView({block: 'center'})")
    phone.screenshot(path=str(ARTIFACTS / "trust-60-people-360x740-screen.png"))
    phone.locator("#circles").screenshot(path=str(ARTIFACTS / "trust-60-people-circles.png"))
    phone.screenshot(path=str(ARTIFACTS / "trust-60-people-360x740.png"), full_page=True)
    assert axe_violations(phone) == []


def record(name: str, got: dict[str, Any]) -> None:
    """Keep the measured counts in ``test-artifacts/web/overlaps.json`` for people to read."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "overlaps.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = {k: v for k, v in got.items() if k != "bad"}
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str))


def overlaps(got: dict[str, Any]) -> tuple[int, int, int]:
    return (got["circleOverlaps"], got["labelOnCircle"], got["labelOnLabel"])


def chip_faults(got: dict[str, Any]) -> tuple[int, int, int, int]:
    return (got["chipOverlaps"], got["onMe"], got["onRingName"], got["outside"])
