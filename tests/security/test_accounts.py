"""A leaver's access stops the moment an admin acts: disabling, resetting a password and
ending sessions, through the API and through ``ecomap user ...`` on the same accounts
database while the server runs."""

from __future__ import annotations

from typer.testing import CliRunner

from api.cli import app as cli
from tests.security.conftest import PASSWORD, Live, LiveFactory


def _me(live: Live, headers: dict[str, str]) -> int:
    with live.client(headers=headers) as client:
        return client.get("/api/auth/me").status_code


def _bearer(live: Live, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = live.sign_in(username, password)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_disabling_ends_sessions_and_refuses_the_password_at_once(
    live_world: LiveFactory,
) -> None:
    live = live_world()
    session = _bearer(live, "wes")
    with live.client(headers=live.bearer("ada")) as admin:
        disabled = admin.post("/api/users/wes/disable")
        assert disabled.status_code == 200 and disabled.json()["active"] is False
        assert _me(live, session) == 401
        assert live.sign_in("wes").status_code == 401
        assert admin.post("/api/users/wes/enable").json()["active"] is True
    assert _me(live, _bearer(live, "wes")) == 200


def test_an_admin_cannot_disable_themselves(live: Live) -> None:
    with live.client(headers=live.bearer("ada")) as admin:
        assert admin.post("/api/users/ada/disable").status_code == 409
        assert admin.post("/api/users/nobody/disable").status_code == 404


def test_resetting_a_password_stops_the_old_one_and_every_session(
    live_world: LiveFactory,
) -> None:
    live = live_world()
    session = _bearer(live, "walt")
    new = "marigold ferry lantern 7"
    with live.client(headers=live.bearer("ada")) as admin:
        weak = admin.put("/api/users/walt/password", json={"password": "walt123456"})
        assert weak.status_code == 422
        reset = admin.put("/api/users/walt/password", json={"password": new})
        assert reset.status_code == 200 and reset.json()["ended"] >= 1
    assert _me(live, session) == 401
    assert live.sign_in("walt").status_code == 401
    assert _me(live, _bearer(live, "walt", new)) == 200


def test_ending_sessions_signs_out_everywhere(live_world: LiveFactory) -> None:
    live = live_world()
    tablet, laptop = _bearer(live, "wendy"), _bearer(live, "wendy")
    with live.client(headers=live.bearer("ada")) as admin:
        ended = admin.delete("/api/users/wendy/sessions")
        assert ended.status_code == 200 and ended.json() == {"username": "wendy", "ended": 2}
    assert _me(live, tablet) == _me(live, laptop) == 401
    assert live.sign_in("wendy").status_code == 200  # the account itself still works


def test_the_cli_switches_a_running_servers_account_off(live_world: LiveFactory) -> None:
    live = live_world()
    env = {"ECOMAP_ACCOUNTS_DB": live.world.accounts.path, "ECOMAP_DB": "unused.db"}
    runner = CliRunner()
    session = _bearer(live, "wes")
    disabled = runner.invoke(cli, ["user", "disable", "wes"], env=env)
    assert disabled.exit_code == 0, disabled.output
    assert _me(live, session) == 401 and live.sign_in("wes").status_code == 401
    assert runner.invoke(cli, ["user", "enable", "wes"], env=env).exit_code == 0
    session = _bearer(live, "wes")
    listed = runner.invoke(cli, ["user", "sessions", "wes"], env=env)
    assert "1 open session" in listed.output
    assert runner.invoke(cli, ["user", "sessions", "wes", "--end"], env=env).exit_code == 0
    assert _me(live, session) == 401
    new = "orchard pebble compass 9"
    reset = runner.invoke(cli, ["user", "reset-password", "wes", "--password-stdin"], env=env,
                          input=new + "\n")
    assert reset.exit_code == 0, reset.output
    assert live.sign_in("wes").status_code == 401
    assert live.sign_in("wes", new).status_code == 200
    actions = {e.action for e in live.world.accounts.audit(actor="cli", limit=20)[0]}
    assert {"user.disable", "user.enable", "user.sessions_end", "user.password_reset"} <= actions
