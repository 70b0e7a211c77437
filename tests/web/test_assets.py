"""Offline assets: every page, script and style comes from this app; plotly.js is the
installed package's own file; pages carry a Content-Security-Policy that forbids others."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import plotly
import pytest

from tests.web.conftest import Server

WEB = Path(__file__).resolve().parents[2] / "web"
PAGES = ["/", "/children/c-x", "/trust/not-a-real-token", "/dashboard"]
URL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*""", re.I)
ALLOWED = {"http://www.w3.org/2000/svg"}  # an XML namespace name, never fetched


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    """Plain HTTP to the running app (no browser, no sign-in: these are public files)."""
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def test_plotly_js_is_the_installed_packages_file(client: httpx.Client) -> None:
    shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    r = client.get("/vendor/plotly.min.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.content == shipped.read_bytes()


@pytest.mark.parametrize("path", PAGES)
def test_pages_forbid_loading_from_elsewhere(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    policy = r.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", PAGES)
def test_every_asset_a_page_names_is_served_here(client: httpx.Client, path: str) -> None:
    html = client.get(path).text
    assets = re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"', html)
    assert assets, "a page with no scripts or styles"
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_every_module_a_script_imports_is_served_here(client: httpx.Client) -> None:
    for script in sorted((WEB / "static" / "js").glob("*.js")):
        for name in re.findall(r'from "\./([^"]+)"', script.read_text(encoding="utf-8")):
            assert client.get(f"/static/js/{name}").status_code == 200, (script.name, name)


def test_no_front_end_file_names_another_host() -> None:
    files = [*WEB.glob("templates/*.html"), *WEB.glob("static/**/*.js"),
             *WEB.glob("static/**/*.css")]
    assert len(files) >= 10
    for path in files:
        found = set(URL.findall(path.read_text(encoding="utf-8"))) - ALLOWED
        assert not found, f"{path.name} names {found}"


def test_the_trust_link_is_kept_for_the_young_persons_api_only(client: httpx.Client) -> None:
    r = client.get("/trust/abc.def")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("ecomap_link=abc.def;")
    assert "Path=/api/me" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert r.headers["referrer-policy"] == "no-referrer"
    assert 'data-token="abc.def"' in r.text


def test_page_values_are_escaped(client: httpx.Client) -> None:
    r = client.get('/children/"><b onclick=x>')
    assert r.status_code == 200
    assert "<b onclick" not in r.text
    assert 'data-child="&quot;&gt;&lt;b onclick=x&gt;"' in r.text
