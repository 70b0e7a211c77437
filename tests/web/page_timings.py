"""Measure each page's load time (navigation start to the end of the load event) in
Debian's Chromium against a running ecomap, e.g. one started by ``ecomap demo``.

Usage: ``python tests/web/page_timings.py URL TRUST_LINK [--password P] [--runs N]``.
Prints one line per page: the median and the slowest of N loads, in milliseconds, to
the load event and to the page's data being drawn (the API calls made after load).
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable

from playwright.sync_api import Page, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking"]
LOAD = ("() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd - n.startTime; }")


def _time(page: Page, url: str, ready: Callable[[Page], None]) -> tuple[float, float]:
    """(navigation start to load event end, navigation start to the data drawn)."""
    page.goto(url, wait_until="load")
    ready(page)
    drawn = float(page.evaluate("() => performance.now()"))
    return float(page.evaluate(LOAD)), drawn


def _sign_in(page: Page, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("link", help="the young person's link ecomap demo printed")
    parser.add_argument("--password", default="ecomap-demo")
    parser.add_argument("--runs", type=int, default=5)
    a = parser.parse_args()
    base = a.url.rstrip("/")
    results: dict[str, list[tuple[float, float]]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        worker = browser.new_page(viewport={"width": 1366, "height": 900})
        _sign_in(worker, base, "worker", a.password)
        first = worker.locator(".children a").first.get_attribute("href")
        leader = browser.new_page(viewport={"width": 1366, "height": 900})
        _sign_in(leader, base, "leader", a.password)
        phone = browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True,
                                 has_touch=True)
        pages: list[tuple[str, Page, str, Callable[[Page], None]]] = [
            ("home (caseload)", worker, f"{base}/",
             lambda pg: pg.locator(".children a").first.wait_for()),
            ("editor", worker, f"{base}{first}",
             lambda pg: pg.locator("#measures-body table").first.wait_for()),
            ("who I trust (360 px)", phone, a.link,
             lambda pg: pg.locator(".person").first.wait_for()),
            ("dashboard (12 months)", leader, f"{base}/dashboard",
             lambda pg: pg.locator("#fig-medians_trend .main-svg").first.wait_for()),
        ]
        for name, page, url, ready in pages:
            results[name] = [_time(page, url, ready) for _ in range(a.runs)]
        browser.close()
    print(f"{'page':24} {'load event (median/max)':>26} {'data drawn (median/max)':>26}")
    for name, pairs in results.items():
        load = [p[0] for p in pairs]
        drawn = [p[1] for p in pairs]
        print(f"{name:24} {statistics.median(load):12.1f} /{max(load):8.1f} ms"
              f" {statistics.median(drawn):12.1f} /{max(drawn):8.1f} ms")


if __name__ == "__main__":
    main()
