"""The authorisation matrix of tests/api (every route x every kind of caller) again, over
real HTTP: the same answers through uvicorn as in-process."""

from __future__ import annotations

from tests.api.test_authorisation import CALLERS, ROUTES, expected, headers_for
from tests.security.conftest import Live


def test_every_route_answers_every_caller_over_real_http(live: Live) -> None:
    wrong = []
    with live.client() as client:
        for route in ROUTES:
            for caller in CALLERS:
                path, extra = route.make(live.world)
                extra = dict(extra)
                headers = {**extra.pop("headers", {}), **headers_for(live.world, caller, route)}
                answer = client.request(route.method, path, headers=headers, **extra)
                client.cookies.clear()
                want = expected(route, caller)
                if answer.status_code != want:
                    wrong.append(f"{route.method} {route.template} as {caller}: "
                                 f"{answer.status_code}, want {want}")
    assert not wrong, "\n".join(wrong)
