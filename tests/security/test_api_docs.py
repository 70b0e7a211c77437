"""The API docs load nothing from outside: Swagger UI and ReDoc come from installed files,
under the pages' content-security policy, or are switched off by a setting."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Route

from tests.security.conftest import Live, LiveFactory


def test_the_docs_pages_name_no_other_host_and_send_the_policy(live: Live) -> None:
    with live.client() as client:
        for path in ("/docs", "/redoc"):
            page = client.get(path)
            assert page.status_code == 200
            assert not re.search(r"(src|href)=\"(https?:)?//", page.text), page.text
            policy = page.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "default-src 'self'" in policy
            assert "<script>" not in page.text  # no inline script: the policy allows none
            for asset in re.findall(r"(?:src|href)=\"(/[^\"]+)\"", page.text):
                assert client.get(asset).status_code == 200, asset


@pytest.mark.browser
@pytest.mark.parametrize(("path", "ready"), [("/docs", ".opblock"), ("/redoc", "h2")])
def test_the_docs_render_in_the_browser_offline(
    live: Live, browser: Browser, path: str, ready: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []

    def only_loopback(route: Route) -> None:
        if route.request.url.startswith(live.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live.url}{path}")
    page.wait_for_selector(ready, timeout=30_000)
    assert page.locator(ready).count() > 5, "the operations are listed"
    context.close()
    assert not outside, f"the docs asked the network for {outside}"
    assert not errors


def test_a_setting_switches_the_docs_off(live_world: LiveFactory) -> None:
    live = live_world(api_docs=False)
    with live.client() as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 404
        assert client.get("/openapi.json").status_code == 200
