"""``/dashboard/teams``: the team filter's choices, read from the dashboard's cached
tables; the same teams as listing the open records, and never stale."""

from __future__ import annotations

from pathlib import Path

from api.app import create_app
from api.auth.sessions import start_session
from ecomap.model import EcomapDocument
from graph.embedded import EmbeddedStore
from tests.api.conftest import Api, Clock, make_settings


def test_leaders_see_their_team_others_every_open_records_team(
    tmp_path: Path, fixture_documents: dict[str, EcomapDocument]
) -> None:
    store = EmbeddedStore.memory()
    store.replace_many(list(fixture_documents.values()), actor="import:fixtures")
    app = create_app(make_settings(tmp_path), store=store)
    app.state.clock = clock = Clock()
    try:
        with Api(app) as api:
            accounts = app.state.accounts
            headers = {}
            for name, role, team in (("lou", "leader", None), ("lena", "leader", "North"),
                                     ("ada", "admin", None)):
                user = accounts.add_user(name, "unused", role, team, clock())
                token, _ = start_session(accounts, user, clock(), 1.0)
                headers[name] = {"Authorization": f"Bearer {token}"}

            def choices(name: str) -> list[str]:
                answer = api.get("/dashboard/teams", headers=headers[name])
                assert answer.status_code == 200
                teams: list[str] = answer.json()["teams"]
                return teams

            listed = sorted({c.team for c in store.children().data if c.team})
            assert listed == ["East", "North", "South"]
            assert choices("lou") == listed and choices("ada") == listed
            assert choices("lena") == ["North"]
            store.close_record("c-jay", actor="test")  # East's only child
            assert choices("lou") == ["North", "South"]
            assert api.get("/dashboard/teams").status_code == 401
    finally:
        store.close()
