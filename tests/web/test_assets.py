"""Offline assets: every page, script and style comes from this app; plotly.js is the
pinned npm partial bundle, gzipped and cacheable at its versioned URL; pages carry a
Content-Security-Policy that forbids others."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Server
from web.pages.assets import PARTIAL, bundle_url, pinned_version

WEB = Path(__file__).resolve().parents[2] / "web"
PAGES = ["/", "/children/c-x", "/trust/not-a-real-token", "/dashboard"]
URL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*""", re.I)
ALLOWED = {"http://www.w3.org/2000/svg"}  # an XML namespace name, never fetched


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    """Plain HTTP to the running app (no browser, no sign-in: these are public files)."""
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def test_plotly_js_is_the_pinned_partial_bundle(client: httpx.Client) -> None:
    installed = PARTIAL / "plotly-cartesian.min.js"
    if not installed.is_file():
        raise RuntimeError(f"{installed} is missing: run `npm ci` (the README's setup does)")
    assert json.loads((PARTIAL / "package.json").read_text())["version"] == pinned_version()
    r = client.get(bundle_url(), headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert "content-encoding" not in r.headers
    assert r.content == installed.read_bytes()
    assert len(r.content) < 2_000_000  # the full bundle is 4.8 MB


def test_plotly_js_goes_gzipped_and_cacheable_for_a_year(client: httpx.Client) -> None:
    with client.stream("GET", bundle_url(), headers={"Accept-Encoding": "gzip, br"}) as r:
        wire = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert gzip.decompress(wire) == (PARTIAL / "plotly-cartesian.min.js").read_bytes()
    assert len(wire) < 600_000


def test_only_the_pinned_version_is_served(client: httpx.Client) -> None:
    assert client.get(bundle_url("0.0.1")).status_code == 404
    assert client.get("/vendor/plotly.min.js").status_code == 404


def test_the_dashboard_names_the_pinned_bundle() -> None:
    html = (WEB / "templates" / "dashboard.html").read_text(encoding="utf-8")
    assert f'<script src="{bundle_url()}" defer></script>' in html


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
