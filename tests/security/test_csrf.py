"""Cross-site request forgery: another site (here another port of the same host, which
browsers count as the *same site*, so SameSite cookies alone do not stop it) makes a
signed-in person's browser post to the API. Each attack is run in the real browser."""

from __future__ import annotations

import html
import json

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.security.conftest import PASSWORD, AttackerSite, Live, LiveFactory

pytestmark = pytest.mark.browser


def _signed_in(browser: Browser, live: Live, username: str) -> BrowserContext:
    """A browser whose cookie jar holds ``username``'s session, signed in on our page."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live.url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.close()
    return context


def _form(target: str, fields: dict[str, str], enctype: str = "text/plain") -> str:
    """An attacker's page that posts a form to ``target`` as soon as it loads."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    return (f'<!doctype html><html><body><form id="f" method="POST" action="{target}" '
            f'enctype="{enctype}">{inputs}</form>'
            '<script>document.getElementById("f").submit()</script></body></html>')


def _attack(context: BrowserContext, attacker: AttackerSite, page_html: str) -> str:
    """Open the attacker's page in the signed-in browser; the answer's text."""
    attacker.pages["/attack.html"] = page_html
    page = context.new_page()
    with page.expect_navigation(url=lambda u: not u.startswith(attacker.url)):
        page.goto(f"{attacker.url}/attack.html")
    text = page.content()
    page.close()
    return text


def test_a_text_plain_form_on_another_port_cannot_import(
    live_world: LiveFactory, browser: Browser, attacker: AttackerSite
) -> None:
    live = live_world()
    child = live.world.ids["a"]
    people_before = live.world.store.get(child).people
    assert people_before
    # text/plain sends "name=value\r\n": split a JSON Lines document around an "="
    line = json.dumps({"format": "ecomap/1", "child": {"id": child, "name": "Mia"}})
    name, value = line[: line.index('Mia"') + 3], line[line.index('Mia"') + 3:]
    context = _signed_in(browser, live, "ada")
    try:
        answer = _attack(context, attacker, _form(f"{live.url}/api/import", {name: value}))
    finally:
        context.close()
    assert live.world.store.get(child).people == people_before, "the forged import replaced it"
    assert "cross_site" in answer


def test_another_site_cannot_sign_a_person_out(
    live_world: LiveFactory, browser: Browser, attacker: AttackerSite
) -> None:
    live = live_world()
    context = _signed_in(browser, live, "wendy")
    try:
        _attack(context, attacker, _form(f"{live.url}/api/auth/logout", {"a": "b"}))
        still = context.request.get(f"{live.url}/api/auth/me")
        assert still.status == 200, "the forged sign-out ended the session"
    finally:
        context.close()


def test_another_site_cannot_make_a_young_persons_link(
    live_world: LiveFactory, browser: Browser, attacker: AttackerSite
) -> None:
    live = live_world()
    child = live.world.ids["a"]
    before = len(live.world.accounts.links_of(child))
    context = _signed_in(browser, live, "wendy")
    try:
        # a form with no fields posts an empty body: the link's defaults are taken
        for enctype in ("text/plain", "application/x-www-form-urlencoded"):
            _attack(context, attacker, _form(f"{live.url}/api/children/{child}/links",
                                             {}, enctype))
    finally:
        context.close()
    assert len(live.world.accounts.links_of(child)) == before, "a forged link was made"


def test_the_pages_own_writes_still_work_in_the_browser(
    live_world: LiveFactory, browser: Browser
) -> None:
    """Our own pages post with Sec-Fetch-Site: same-origin: signing out works."""
    live = live_world()
    context = _signed_in(browser, live, "wendy")
    try:
        page = context.new_page()
        page.goto(f"{live.url}/")
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Sign in").wait_for()
        assert context.request.get(f"{live.url}/api/auth/me").status == 401
    finally:
        context.close()
