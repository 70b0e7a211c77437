"""The CSRF defences as seen by HTTP clients: what browsers send is refused from another
site, bearer-token clients are unaffected, and import takes JSON content types only."""

from __future__ import annotations

import json

import pytest

from graph.base import ChildNotFound
from tests.security.conftest import Live


def _line(child_id: str) -> str:
    return json.dumps({"format": "ecomap/1", "child": {"id": child_id, "name": "Imported"}}) + "\n"


def test_import_refuses_a_form_content_type_even_with_a_token(live: Live) -> None:
    with live.client(headers=live.bearer("ada")) as client:
        for media in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
            answer = client.post("/api/import", content=_line("c-form-import"),
                                 headers={"Content-Type": media})
            assert answer.status_code == 415, media
            assert answer.json()["error"]["details"][0]["field"] == "Content-Type"
        with pytest.raises(ChildNotFound):
            live.world.store.get("c-form-import")
        ok = client.post("/api/import", content=_line("c-json-import"),
                         headers={"Content-Type": "application/x-ndjson"})
        assert ok.status_code == 200


def test_a_cookie_from_another_site_is_refused_and_a_same_origin_one_is_not(live: Live) -> None:
    token = live.world.fresh_session("wendy")
    child = live.world.ids["a"]
    with live.client(cookies={"ecomap_session": token}) as client:
        for headers in ({"Sec-Fetch-Site": "same-site"}, {"Sec-Fetch-Site": "cross-site"},
                        {"Origin": "http://127.0.0.1:1"}, {"Origin": "null"}):
            forged = client.post(f"/api/children/{child}/links", json={}, headers=headers)
            assert forged.status_code == 403, headers
            assert forged.json()["error"]["code"] == "cross_site"
        own = client.post(f"/api/children/{child}/links", json={},
                          headers={"Sec-Fetch-Site": "same-origin", "Origin": live.url})
        assert own.status_code == 201


def test_bearer_clients_are_unaffected_by_origin_headers(live: Live) -> None:
    child = live.world.ids["a"]
    with live.client(headers=live.bearer("wendy")) as client:
        answer = client.post(f"/api/children/{child}/links", json={},
                             headers={"Origin": "http://elsewhere.example",
                                      "Sec-Fetch-Site": "cross-site"})
        assert answer.status_code == 201


def test_the_session_cookie_is_samesite_strict_and_httponly(live: Live) -> None:
    answer = live.sign_in("wendy")
    cookie = answer.headers["set-cookie"].lower()
    assert "samesite=strict" in cookie and "httponly" in cookie


def test_sign_in_from_another_site_is_refused(live: Live) -> None:
    """Login CSRF: another site must not sign a browser in as the attacker."""
    with live.client() as client:
        answer = client.post("/api/auth/login", json={"username": "wendy", "password": "x" * 12},
                             headers={"Sec-Fetch-Site": "cross-site"})
        assert answer.status_code == 403
