"""Safe concurrent editing: versions as ETags, stale If-Match gets 409, no lost updates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.api.conftest import LiveServer, World


def test_two_workers_editing_the_same_map_never_overwrite_each_other(world: World) -> None:
    child = world.ids["a"]
    wendy, wes = world.as_user("wendy"), world.as_user("wes")
    loaded_w = world.api.get(f"/api/children/{child}/document", headers=wendy)
    loaded_s = world.api.get(f"/api/children/{child}/document", headers=wes)
    etag = loaded_w.headers["etag"]
    assert etag == loaded_s.headers["etag"] == f'"{world.store.version(child)}"'

    first = loaded_w.json()
    first["child"]["team"] = "North-East"
    saved = world.api.put(
        f"/api/children/{child}/document", json=first, headers={**wendy, "If-Match": etag}
    )
    assert saved.status_code == 200
    new_etag = saved.headers["etag"]
    assert new_etag != etag

    second = loaded_s.json()
    second["child"]["status"] = "care_leaver"
    stale = world.api.put(
        f"/api/children/{child}/document", json=second, headers={**wes, "If-Match": etag}
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "version_conflict"
    assert error["details"] == [
        {"field": "If-Match", "message": f"current version is {new_etag.strip(chr(34))}"}
    ]
    assert stale.headers["etag"] == new_etag
    stored = world.store.get(child)
    assert stored.child.team == "North-East" and stored.child.status == "looked_after"

    # a stale If-Match on a small edit is refused the same way
    patch = world.api.patch(
        f"/api/children/{child}", json={"team": "X"}, headers={**wes, "If-Match": etag}
    )
    assert patch.status_code == 409 and world.store.get(child).child.team == "North-East"


def test_malformed_if_match_is_named(world: World) -> None:
    response = world.api.patch(
        f"/api/children/{world.ids['a']}",
        json={"team": "North"},
        headers={**world.as_user("wendy"), "If-Match": "yesterday"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "If-Match"


def test_concurrent_writes_over_http_lose_nothing(live: LiveServer) -> None:
    """Eight observations posted at once over real HTTP: each is either stored or refused
    with 409; the document holds exactly the ones that were accepted."""
    world = live.world
    child = world.ids["b"]
    tie = next(t.id for t in world.store.get(child).ties if child in t.between and t.ended is None)
    before = len(world.store.get(child).observations)
    headers = world.write_as("walt", child)  # all eight name the same version

    def post(n: int) -> int:
        with httpx.Client(base_url=live.url, timeout=30) as client:
            return client.post(
                f"/api/children/{child}/observations",
                headers=headers,
                json={"tie": tie, "on": "2025-06-01", "by": "worker", "contact": n % 5},
            ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(post, range(8)))
    assert set(codes) <= {201, 409}
    assert 201 in codes
    after = world.store.get(child).observations
    assert len(after) == before + codes.count(201)
