"""Signing in and out, sessions, and young people's links (expiry, revocation, scope)."""

from __future__ import annotations

from datetime import timedelta

from api.auth.sessions import SESSION_COOKIE
from tests.api.conftest import PASSWORD, World


def test_login_sets_a_cookie_and_returns_a_bearer_token(world: World) -> None:
    response = world.api.post("/api/auth/login", json={"username": "wendy", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}={token}") and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    me = world.api.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "wendy" and world.ids["a"] in me.json()["caseload"]
    by_cookie = world.api.get("/api/auth/me", headers={"Cookie": f"{SESSION_COOKIE}={token}"})
    assert by_cookie.status_code == 200


def test_wrong_password_and_unknown_user_are_refused_alike(world: World) -> None:
    wrong = world.api.post("/api/auth/login", json={"username": "wendy", "password": "nope"})
    nobody = world.api.post("/api/auth/login", json={"username": "nobody", "password": "nope"})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()


def test_passwords_are_stored_as_argon2_hashes(world: World) -> None:
    stored = world.accounts.password_hash("wendy")
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_logout_ends_the_session(world: World) -> None:
    token = world.fresh_session("wendy")
    h = {"Authorization": f"Bearer {token}"}
    assert world.api.post("/api/auth/logout", headers=h).status_code == 200
    assert world.api.get("/api/auth/me", headers=h).status_code == 401


def test_sessions_expire(fresh_world: World) -> None:
    w = fresh_world
    h = w.as_user("wendy")
    assert w.api.get("/api/auth/me", headers=h).status_code == 200
    w.clock.now += timedelta(hours=2)  # test sessions last an hour
    assert w.api.get("/api/auth/me", headers=h).status_code == 401


def test_a_link_made_by_the_worker_works_until_it_expires(fresh_world: World) -> None:
    w = fresh_world
    made = w.api.post(
        f"/api/children/{w.ids['a']}/links", headers=w.as_user("wendy"), json={"days": 2}
    )
    assert made.status_code == 201
    token = made.json()["url"].removeprefix("/trust/")
    h = {"Authorization": f"Link {token}"}
    assert w.api.get("/api/me/map", headers=h).status_code == 200
    assert w.api.get("/api/me/map", headers={"Cookie": f"ecomap_link={token}"}).status_code == 200
    w.clock.now += timedelta(days=2, seconds=1)
    expired = w.api.get("/api/me/map", headers=h)
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]


def test_a_revoked_link_stops_at_once(fresh_world: World) -> None:
    w = fresh_world
    made = w.api.post(f"/api/children/{w.ids['a']}/links", headers=w.as_user("wendy")).json()
    h = {"Authorization": f"Link {made['url'].removeprefix('/trust/')}"}
    assert w.api.get("/api/me/map", headers=h).status_code == 200
    revoked = w.api.delete(f"/api/links/{made['id']}", headers=w.as_user("wendy"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert w.api.get("/api/me/map", headers=h).status_code == 401


def test_a_forged_or_altered_link_is_refused(world: World) -> None:
    token = world.links["link"]
    payload, signature = token.rsplit(".", 1)
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert (
        world.api.get("/api/me/map", headers={"Authorization": f"Link {forged}"}).status_code == 401
    )
    assert world.api.get("/api/me/map", headers={"Authorization": "Link x.y"}).status_code == 401


def test_links_cannot_outlive_the_setting(world: World) -> None:
    response = world.api.post(
        f"/api/children/{world.ids['a']}/links", headers=world.as_user("wendy"), json={"days": 60}
    )
    assert response.status_code == 422


def test_a_session_token_is_not_a_link_and_a_link_is_not_a_session(world: World) -> None:
    session = world.as_user("wendy")["Authorization"].removeprefix("Bearer ")
    assert (
        world.api.get("/api/me/map", headers={"Authorization": f"Link {session}"}).status_code
        == 401
    )
    link = world.links["link"]
    assert (
        world.api.get("/api/children", headers={"Authorization": f"Bearer {link}"}).status_code
        == 401
    )


def test_link_cookie_helper_scopes_the_cookie_to_the_young_persons_routes() -> None:
    from starlette.responses import Response

    from api.auth.links import set_link_cookie

    response = Response()
    set_link_cookie(response, "tok", max_age=60, secure=True)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("ecomap_link=tok")
    for part in ("HttpOnly", "Path=/api/me", "SameSite=strict", "Secure", "Max-Age=60"):
        assert part.lower() in cookie.lower()
