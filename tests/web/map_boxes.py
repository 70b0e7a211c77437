"""Measuring drawn maps in the browser (the functions are in ``measure_maps.js``): the boxes
of every person's circle, every name and every fixed label, and the overlaps between them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

SCRIPT = (Path(__file__).with_name("measure_maps.js")).read_text(encoding="utf-8")


def install(page: Page) -> None:
    """Put the measuring functions on ``window`` (evaluated by the driver, not by the page's
    scripts, so the page's Content-Security-Policy still forbids eval for its own code)."""
    page.evaluate(SCRIPT)


def measure_page_map(page: Page) -> dict[str, Any]:
    """``measureMaps`` on the page's own map."""
    install(page)
    result: dict[str, Any] = page.evaluate("measureMaps(document.getElementById('map-canvas'))")
    return result


def measure_page_circles(page: Page) -> dict[str, Any]:
    """``measureCircles`` on the young person's page's own circles."""
    install(page)
    result: dict[str, Any] = page.evaluate("measureCircles(document.getElementById('circles'))")
    return result


def draw_and_measure(page: Page, views: list[dict[str, Any]], width: int) -> dict[str, Any]:
    """Draw every view at ``width`` px in ``page`` (which must be on the app) and measure."""
    install(page)
    result: dict[str, Any] = page.evaluate(
        "([views, width]) => drawAndMeasure({ views, width })", [views, width])
    return result
