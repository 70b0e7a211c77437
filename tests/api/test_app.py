"""The app over real HTTP (uvicorn on loopback): sign in, edit with versions, read, sign out."""

from __future__ import annotations

import logging

import httpx
import pytest

from api.app import create_app
from tests.api.conftest import PASSWORD, LiveServer, make_settings


def test_smoke_over_real_http(live: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    world = live.world
    child = world.ids["a"]
    with (
        caplog.at_level(logging.INFO, logger="ecomap.access"),
        httpx.Client(base_url=live.url, timeout=30) as client,
    ):
        assert client.get("/api/health").json()["status"] == "ok"
        signed_in = client.post("/api/auth/login", json={"username": "wendy", "password": PASSWORD})
        assert signed_in.status_code == 200
        assert "ecomap_session" in client.cookies  # the cookie alone now signs requests in
        listed = client.get("/api/children", params={"search": "Mia"})
        assert child in [row["id"] for row in listed.json()["data"]]
        loaded = client.get(f"/api/children/{child}")
        etag = loaded.headers["etag"]
        patched = client.patch(
            f"/api/children/{child}", json={"team": "North"}, headers={"If-Match": etag}
        )
        assert patched.status_code == 200 and patched.headers["etag"] != etag
        stale = client.patch(
            f"/api/children/{child}", json={"team": "North"}, headers={"If-Match": etag}
        )
        assert stale.status_code == 409
        ecomap = client.get(f"/api/children/{child}/ecomap", params={"at": "2025-01-01"})
        assert ecomap.status_code == 200 and ecomap.json()["members"]
        assert ecomap.headers["cache-control"] == "no-store"
        assert client.post("/api/auth/logout").status_code == 200
        assert client.get("/api/children").status_code == 401
    # the access log names route templates only: no query strings (names), no ids
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "ecomap.access")
    assert "/api/children/{child_id}/ecomap" in logged
    assert "Mia" not in logged and "search" not in logged and child not in logged


def test_the_store_is_built_in_the_lifespan_not_at_import(tmp_path: object) -> None:
    from pathlib import Path

    from tests.api.conftest import Api

    base = Path(str(tmp_path))
    settings = make_settings(base).model_copy(update={"db": base / "made.db"})
    app = create_app(settings)
    assert not (base / "made.db").exists()
    with Api(app) as api:
        assert api.get("/api/health").status_code == 200
        assert (base / "made.db").exists()


def test_secret_key_is_generated_once_and_kept_next_to_the_store(tmp_path: object) -> None:
    from pathlib import Path

    from api.settings import Settings

    base = Path(str(tmp_path))
    settings = Settings.from_mapping({"db": str(base / "x.db")})
    first = settings.signing_key()
    assert (base / "x.secret").read_text() == first
    assert Settings.from_mapping({"db": str(base / "x.db")}).signing_key() == first
    assert (base / "x.secret").stat().st_mode & 0o077 == 0
    assert settings.accounts_path() == str(base / "x.accounts.db")
