"""Schemathesis against the served OpenAPI schema: no 500s, no responses outside the schema.

Runs over real HTTP (uvicorn on loopback), a bounded number of examples per operation.
The positive-data check is left out on purpose: a schema-valid request may still break a
rule the schema cannot say (a tie id that does not exist, a date before the tie began),
and the API rightly answers 422. Path parameters naming a child are pointed at a child
the caller may see, so generated requests reach the handlers rather than stopping at the
allocation check.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from tests.api.conftest import LiveServer


@pytest.fixture(scope="module")
def api_schema(live: LiveServer) -> Any:
    return schemathesis.openapi.from_url(f"{live.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx: Any, value: Any) -> bytes:
    """The import body is JSON Lines text; send generated text as it is."""
    return value.encode("utf-8") if isinstance(value, str) else str(value).encode("utf-8")


ADMIN_PATHS = ("/api/users", "/api/allocations", "/api/audit", "/api/import", "/api/export")


def _headers(live: LiveServer, path: str) -> dict[str, str]:
    world = live.world
    if path.startswith("/api/me/"):
        return world.as_link("link")
    user = "wendy"
    if path.startswith(ADMIN_PATHS):
        user = "ada"
    elif path.startswith("/api/dashboard"):
        user = "lou"
    # a session of its own for each case, so a generated logout ends only that one
    return {"Authorization": f"Bearer {world.fresh_session(user)}"}


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_no_schema_violations(case: Any, live: LiveServer) -> None:
    params = case.path_parameters or {}
    if "child_id" in params and case.method != "DELETE":
        params["child_id"] = live.world.ids["a"]
    excluded = [positive_data_acceptance]
    if case.path == "/api/import":
        # the body is JSON Lines text: any bytes are "a string", so there is no
        # schema-violating body to refuse (bad lines are reported line by line)
        excluded.append(negative_data_rejection)
    case.call_and_validate(
        base_url=live.url, headers=_headers(live, case.path), excluded_checks=excluded
    )
