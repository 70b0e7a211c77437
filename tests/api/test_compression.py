"""Response compression (api/compression.py): answers over a kilobyte go gzip-compressed
to clients that accept gzip, small ones and clients that do not accept it get them plain."""

from __future__ import annotations

import gzip
from pathlib import Path

from api.app import create_app
from api.compression import MINIMUM_BYTES
from tests.api.conftest import Api, make_settings


def test_large_answers_are_gzipped_small_ones_and_refusers_are_not(tmp_path: Path) -> None:
    with Api(create_app(make_settings(tmp_path))) as api:
        big = api.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
        assert big.status_code == 200
        assert big.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in big.headers["vary"]
        assert int(big.headers["content-length"]) < len(big.content) / 3  # JSON packs well
        assert big.json()["info"]["title"] == "ecomap"  # decodes to the same document

        plain = api.get("/openapi.json", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.content == big.content

        small = api.get("/api/health", headers={"Accept-Encoding": "gzip"})
        assert len(small.content) < MINIMUM_BYTES
        assert "content-encoding" not in small.headers


def test_pages_and_errors_keep_their_headers_when_compressed(tmp_path: Path) -> None:
    with Api(create_app(make_settings(tmp_path))) as api:
        page = api.get("/dashboard", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in page.headers["content-security-policy"]
        if len(page.content) >= MINIMUM_BYTES:
            assert page.headers["content-encoding"] == "gzip"
        missing = api.get("/api/children/nobody", headers={"Accept-Encoding": "gzip"})
        assert missing.status_code == 401
        assert missing.json()["error"]["code"]


def test_gzip_round_trips_byte_for_byte(tmp_path: Path) -> None:
    """What goes over the wire is plain gzip any client can undo (checked with the
    standard library, not the HTTP client's own decoder)."""
    import httpx

    with Api(create_app(make_settings(tmp_path))) as api:
        expected = api.get("/openapi.json", headers={"Accept-Encoding": "identity"}).content
        transport = httpx.ASGITransport(app=api.app)

        async def raw() -> bytes:
            async with (
                httpx.AsyncClient(transport=transport, base_url="http://t") as client,
                client.stream("GET", "/openapi.json", headers={"Accept-Encoding": "gzip"}) as r,
            ):
                return b"".join([part async for part in r.aiter_raw()])

        wire = api.portal.call(raw)
        assert gzip.decompress(wire) == expected
