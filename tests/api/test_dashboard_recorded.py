"""A dashboard ``as_recorded`` at an old revision equals the dashboard computed then."""

from __future__ import annotations

from tests.api.conftest import World


def test_last_quarters_dashboard_is_reproduced_after_later_writes(fresh_world: World) -> None:
    w = fresh_world
    params = {"at": "2025-06-30", "months": 3}
    then_revision = w.store.revision()
    then = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou"))
    assert then.status_code == 200
    figures_then = w.api.get("/dashboard/figures", params=params, headers=w.as_user("lou"))
    assert figures_then.status_code == 200
    # later: a tie ends, a rating is added, a record is closed
    mia, jay = w.ids["a"], w.ids["d"]
    tie = next(t for t in w.store.get(mia).ties if mia in t.between and t.ended is None)
    assert w.api.post(f"/api/children/{mia}/ties/{tie.id}/end",
                      headers=w.write_as("wendy", mia),
                      json={"ended": "2025-01-01", "end_reason": "other"}).status_code == 200
    assert w.api.delete(f"/api/children/{jay}", headers=w.write_as("wendy", jay)).status_code == 204
    now = w.api.get("/api/dashboard", params=params, headers=w.as_user("lou")).json()
    assert now["measures"]["children"] == then.json()["measures"]["children"] - 1
    assert now["measures"] != then.json()["measures"]
    again = w.api.get("/api/dashboard", params={**params, "as_recorded": then_revision},
                      headers=w.as_user("lou"))
    assert again.status_code == 200
    assert again.json() == then.json()
    # by time as well as by number
    [revision] = w.store.revisions(after=then_revision - 1, limit=1)
    moment = revision.at
    by_time = w.api.get("/api/dashboard",
                        params={**params, "as_recorded": moment.isoformat()},
                        headers=w.as_user("lou"))
    assert by_time.json() == then.json()
    figures_again = w.api.get("/dashboard/figures", params={**params, "as_recorded": then_revision},
                              headers=w.as_user("lou"))
    assert figures_again.json() == figures_then.json()
    figures_now = w.api.get("/dashboard/figures", params=params, headers=w.as_user("lou"))
    assert figures_now.json() != figures_then.json()
    csv_then = w.api.get("/api/dashboard.csv", params={**params, "as_recorded": then_revision},
                         headers=w.as_user("lou"))
    assert csv_then.status_code == 200
