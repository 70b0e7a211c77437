"""Shared test data: the hand-made fixtures, a seeded synthetic generator, a hypothesis
strategy for valid ecomap/1 documents. All of it synthetic."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from neo4j import GraphDatabase as Neo4jDriver
from playwright.sync_api import Browser, Playwright, sync_playwright

from ecomap.format import parse_document, read_documents
from ecomap.model import CATEGORIES, EcomapDocument
from tests.boltserver import BoltTestServer, clear_database

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

SyntheticFactory = Callable[..., list[EcomapDocument]]
DocumentStrategy = Callable[..., st.SearchStrategy[EcomapDocument]]


@pytest.fixture(scope="session")
def fixture_documents() -> dict[str, EcomapDocument]:
    """The documents of ``fixtures/*.json`` by file stem (e.g. ``foster-care-after-move``)."""
    out: dict[str, EcomapDocument] = {}
    for path in sorted(FIXTURES.glob("*.json")):
        [doc] = list(read_documents(path))
        assert isinstance(doc, EcomapDocument), doc
        out[path.stem] = doc
    return out


def _synthetic(count: int, seed: int = 0, *, prefix: str = "s", start: int = 0,
               ties: int = 12, observations_per_tie: int = 3,
               workers: int = 20) -> list[EcomapDocument]:
    """``count`` plausible documents, deterministic in ``seed``; social workers are shared
    from a pool of ``workers`` so people recur across children (a caseload)."""
    rng = random.Random(seed)
    docs = []
    for n in range(start, start + count):
        cid = f"c-{prefix}{n:06d}"
        people: list[dict[str, Any]] = []
        tie_rows: list[dict[str, Any]] = []
        obs: list[dict[str, Any]] = []
        sw = f"sw-{prefix}{rng.randrange(workers):03d}"
        people.append({"id": sw, "name": f"Worker {sw}", "category": "professional",
                       "role": "social_worker"})
        for k in range(1, ties):
            people.append({"id": f"{cid}-p{k}", "name": f"Person {k}",
                           "category": rng.choice(CATEGORIES)})
        for k, p in enumerate(people):
            started = date(2019, 1, 1) + timedelta(days=rng.randrange(1500))
            tie: dict[str, Any] = {"id": f"{cid}-t{k}", "between": [cid, p["id"]],
                                   "started": started.isoformat()}
            if rng.random() < 0.2:
                tie["ended"] = (started + timedelta(days=rng.randrange(1, 600))).isoformat()
                tie["end_reason"] = rng.choice(["moved_placement", "by_choice", "other"])
            tie_rows.append(tie)
            for q in range(observations_per_tie):
                obs.append({
                    "tie": tie["id"], "on": (started + timedelta(days=91 * q)).isoformat(),
                    "by": rng.choice(["child", "worker", "carer"]),
                    "closeness": rng.randint(1, 3), "contact": rng.randint(0, 4),
                    "support": {"emotional": rng.randint(1, 3), "practical": rng.randint(1, 3)},
                    "critical": rng.randint(1, 3),
                    "direction": rng.choice(["both", "to_child", "from_child"]),
                    "trusted": rng.random() < 0.4,
                })
        tie_rows.append({"id": f"{cid}-pp", "between": [people[1]["id"], people[2]["id"]]})
        docs.append(parse_document({
            "format": "ecomap/1",
            "child": {"id": cid, "name": f"Child {n}", "status": rng.choice(
                ["looked_after", "child_in_need"]), "team": rng.choice(["North", "South"])},
            "people": people, "ties": tie_rows, "observations": obs,
            "episodes": [{"kind": "placement", "start": "2020-01-01", "end": "2022-05-01"},
                         {"kind": "placement", "start": "2022-05-01"}],
        }, source=cid))
    return docs


@pytest.fixture(scope="session")
def synthetic() -> SyntheticFactory:
    """``synthetic(count, seed=0, *, prefix="s", ...)``: seeded synthetic documents."""
    return _synthetic


# ---------------------------------------------------------------------------- hypothesis

_ids = st.text(alphabet="abcxyz019-_é", min_size=1, max_size=6)
# any unicode but control characters (FORMAT.md), line separators included
_text = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=12)
_note = st.text(st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n"),
                max_size=20)
_slugs = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_dates = st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 12, 31))


@st.composite
def _document(draw: st.DrawFn, child_id: str | None = None) -> EcomapDocument:
    cid = child_id if child_id is not None else "c-" + draw(_ids)
    person_ids = draw(st.lists(_ids, max_size=6, unique=True))
    people = []
    for pid in person_ids:
        person: dict[str, Any] = {"id": f"{cid}/{pid}", "name": draw(_text),
                                  "category": draw(st.sampled_from(CATEGORIES))}
        for key in ("adult", "paid"):
            if draw(st.booleans()):
                person[key] = draw(st.booleans())
        if draw(st.booleans()):
            person["role"] = draw(_slugs)
        people.append(person)
    ends = [cid] + [p["id"] for p in people]
    ties = []
    if len(ends) >= 2:
        for k in range(draw(st.integers(0, 8))):
            a, b = draw(st.lists(st.sampled_from(ends), min_size=2, max_size=2, unique=True))
            tie: dict[str, Any] = {"id": f"{cid}/t{k}", "between": [a, b]}
            started = draw(st.none() | _dates)
            tie["started"] = started
            if draw(st.booleans()):
                tie["ended"] = started + timedelta(days=draw(st.integers(0, 900))) if started \
                    else draw(_dates)
                tie["end_reason"] = draw(st.none() | st.sampled_from(
                    ["moved_placement", "worker_changed", "by_choice", "death", "safeguarding",
                     "other"]))
            ties.append(tie)
    observations = []
    for _ in range(draw(st.integers(0, 10)) if ties else 0):
        tie = draw(st.sampled_from(ties))
        on = tie["started"] + timedelta(days=draw(st.integers(0, 900))) if tie["started"] \
            else draw(_dates)
        ob: dict[str, Any] = {"tie": tie["id"], "on": on,
                              "by": draw(st.sampled_from(["child", "worker", "carer", "family",
                                                          "other"]))}
        optional = {
            "closeness": st.integers(1, 3), "contact": st.integers(0, 4),
            "critical": st.integers(1, 3),
            "direction": st.sampled_from(["both", "to_child", "from_child"]),
            "trusted": st.booleans(), "note": _note,
            "support": st.fixed_dictionaries({}, optional={
                "emotional": st.integers(1, 3), "practical": st.integers(1, 3),
                "informational": st.integers(1, 3)}),
        }
        for key, values in optional.items():
            if draw(st.booleans()):
                ob[key] = draw(values)
        observations.append(ob)
    episodes = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(_dates)
        episodes.append({
            "kind": draw(st.sampled_from(["placement", "school"])), "start": start,
            "end": draw(st.none() | st.just(start + timedelta(days=draw(st.integers(0, 700))))),
            "reason": draw(st.none() | _slugs)})
    child: dict[str, Any] = {"id": cid, "name": draw(_text)}
    if draw(st.booleans()):
        child["birth_date"] = draw(st.dates(min_value=date(2000, 1, 1),
                                            max_value=date(2025, 1, 1)))
        child["status"] = draw(st.sampled_from(
            ["early_help", "child_in_need", "child_protection", "looked_after", "care_leaver"]))
        child["team"] = draw(st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=8))
    return parse_document({"format": "ecomap/1", "child": child, "people": people,
                           "ties": ties, "observations": observations, "episodes": episodes})


@pytest.fixture(scope="session")
def valid_documents() -> DocumentStrategy:
    """``valid_documents(child_id=None)``: a hypothesis strategy for valid documents."""
    return _document


# ---------------------------------------------------------------------------- Bolt servers
# The Neo4j store's tests, the Bolt rows of the contract suite and the API suite's
# Neo4j run share one ArcadeDB Bolt server, started once per session on loopback.
# With NEO4J_URI set they also run against that Neo4j, which they wipe between tests:
# point it at an empty test database (a database holding data is refused unless
# ECOMAP_TEST_NEO4J_WIPE=1).

BOLT_TARGETS = ["arcadedb", "neo4j"] if os.environ.get("NEO4J_URI") else ["arcadedb"]


@pytest.fixture(scope="session")
def bolt_server() -> Iterator[BoltTestServer]:
    """ArcadeDB's Bolt server (``tests.boltserver``), started once for the session and
    shared with code that reaches it through ``BoltTestServer.shared()``."""
    server = BoltTestServer.shared()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_server() -> dict[str, Any]:
    """Connection settings of the Neo4j that ``NEO4J_URI`` names, checked to be disposable."""
    target: dict[str, Any] = {
        "uri": os.environ["NEO4J_URI"],
        "user": os.environ.get("NEO4J_USER", "neo4j"),
        "password": os.environ.get("NEO4J_PASSWORD", ""),
        "database": os.environ.get("NEO4J_DATABASE") or None,
    }
    if os.environ.get("ECOMAP_TEST_NEO4J_WIPE") != "1":
        with Neo4jDriver.driver(target["uri"], auth=(target["user"], target["password"])) as d:
            held = d.execute_query("MATCH (n) RETURN count(n) AS n", database_=target["database"])
        if held.records[0]["n"]:
            pytest.fail("NEO4J_URI names a database holding data and the tests wipe it: use an "
                        "empty test database or set ECOMAP_TEST_NEO4J_WIPE=1")
    return target


@pytest.fixture
def arcadedb_target(bolt_server: BoltTestServer) -> dict[str, Any]:
    """Connection settings (uri, user, password, database) of the session's test
    server, its database wiped."""
    target: dict[str, Any] = {"uri": bolt_server.uri, "user": bolt_server.user,
                              "password": bolt_server.password,
                              "database": bolt_server.database}
    clear_database(**target)
    return target


@pytest.fixture
def neo4j_target(neo4j_server: dict[str, Any]) -> dict[str, Any]:
    """Connection settings of the NEO4J_URI database, wiped."""
    clear_database(**neo4j_server)
    return dict(neo4j_server)


@pytest.fixture(params=BOLT_TARGETS)
def bolt_target(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Each Bolt database in turn (the test server; NEO4J_URI's too when set), wiped."""
    target: dict[str, Any] = request.getfixturevalue(f"{request.param}_target")
    return target

# One Chromium for the whole session: the browser suites (tests/web, tests/security) share
# it, since two sync Playwright instances cannot run in one thread at once.
CHROMIUM = os.environ.get("ECOMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking"]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()
