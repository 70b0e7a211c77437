"""The worker's pages in a real browser: "time to ask again" on the caseload, and the
editor's short timeline of a child's stages with the service."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import WORKER, Server, api_client, sign_in

pytestmark = pytest.mark.browser
DASH = " \u2013 "  # the pages write date ranges with an en dash


def test_the_caseload_marks_children_to_ask_again(page: Page, server: Server) -> None:
    with api_client(server, WORKER) as client:
        asking = {a["child"]: a for a in client.get("/api/asking").json()["data"]}
    sign_in(page, server, WORKER)
    mia = page.locator("li[data-child='c-mia']")
    expect(mia).to_be_visible()
    assert asking["c-mia"]["ask_again"]  # the fixture's answers are from 2024
    expect(mia.locator(".ask-again")).to_have_text(
        f"Time to ask again: trust last answered {asking['c-mia']['trust_answered_on']}")
    marked = page.locator(".ask-again").count()
    assert marked == sum(1 for a in asking.values() if a["ask_again"])


def test_the_editor_shows_the_childs_stages(page: Page, server: Server) -> None:
    with api_client(server, WORKER) as client:
        for body in ({"kind": "status", "status": "child_in_need", "start": "2013-01-07"},
                     {"kind": "status", "status": "looked_after", "start": "2014-03-03"},
                     {"kind": "team", "team": "North", "start": "2013-01-07"}):
            version = client.get("/api/children/c-mia/document").headers["ETag"]
            made = client.post("/api/children/c-mia/periods", json=body,
                               headers={"If-Match": version})  # every write names its version
            assert made.status_code == 201, made.text
    sign_in(page, server, WORKER)
    page.goto(f"{server.url}/children/c-mia")
    stages = page.locator("#stages-body li")
    expect(stages).to_have_text([f"Child in need: Jan 2013{DASH}Mar 2014",
                                 f"Looked after: Mar 2014{DASH}now"])
    expect(page.locator("#stages-body .teams")).to_have_text(f"Teams: North (Jan 2013{DASH}now)")
