"""The Neo4j store upgrades a graph of the layout before revisions in place
(graph/neo4j/migrate.py): its current state becomes revision 1 by ``migration``."""

from __future__ import annotations

import threading

import pytest

from ecomap.model import EcomapDocument
from graph.neo4j.migrate import MIGRATION_ACTOR
from graph.neo4j.store import Neo4jStore
from tests.graph.bolt_raw import Target, count, raw

pytestmark = pytest.mark.bolt


@pytest.fixture
def target(bolt_target: Target) -> Target:
    """The test server's database (and NEO4J_URI's when set), wiped: tests/conftest.py."""
    return bolt_target


OLD_LAYOUT = """
CREATE (:Meta {id: 'store', revision: 7})
CREATE (c1:Child {id: 'c1', name: 'Child c1', team: 'North', status: 'looked_after',
                  birth_date: date('2012-03-04'), version: 3})
CREATE (c2:Child {id: 'c2', name: 'Child c2', version: 1})
CREATE (sw:Person {id: 'sw', name: 'Sam', category: 'professional', role: 'social_worker',
                   adult: true, paid: true})
CREATE (gran:Person {id: 'gran', name: 'Gran', category: 'family', adult: true, paid: false})
CREATE (c1)-[:KNOWS {ord: 0}]->(gran)
CREATE (c1)-[:KNOWS {ord: 1}]->(sw)
CREATE (c2)-[:KNOWS {ord: 0}]->(sw)
CREATE (t1:Tie {id: 't1', child: 'c1', ord: 0, a: 'c1', b: 'gran', member: 'gran',
                started: date('2020-01-01'), observation_count: 1,
                observations: $observations})
CREATE (t1)-[:END {side: 0}]->(c1)
CREATE (t1)-[:END {side: 1}]->(gran)
CREATE (t2:Tie {id: 't2', child: 'c1', ord: 1, a: 'sw', b: 'c1', member: 'sw',
                observation_count: 0})
CREATE (t3:Tie {id: 't3', child: 'c2', ord: 0, a: 'c2', b: 'sw', member: 'sw',
                ended: date('2023-05-01'), end_reason: 'worker_changed', observation_count: 0})
CREATE (:Episode {child: 'c1', ord: 0, kind: 'placement', start_date: date('2021-01-01')})
"""


def _old_documents() -> dict[str, EcomapDocument]:
    return {
        "c1": EcomapDocument.model_validate({
            "format": "ecomap/1",
            "child": {"id": "c1", "name": "Child c1", "birth_date": "2012-03-04",
                      "status": "looked_after", "team": "North"},
            "people": [
                {"id": "gran", "name": "Gran", "category": "family"},
                {"id": "sw", "name": "Sam", "category": "professional",
                 "role": "social_worker", "paid": True},
            ],
            "ties": [{"id": "t1", "between": ["c1", "gran"], "started": "2020-01-01"},
                     {"id": "t2", "between": ["sw", "c1"]}],
            "observations": [{"tie": "t1", "on": "2024-01-10", "by": "child", "closeness": 3}],
            "episodes": [{"kind": "placement", "start": "2021-01-01"}],
        }),
        "c2": EcomapDocument.model_validate({
            "format": "ecomap/1",
            "child": {"id": "c2", "name": "Child c2"},
            "people": [{"id": "sw", "name": "Sam", "category": "professional",
                        "role": "social_worker", "paid": True}],
            "ties": [{"id": "t3", "between": ["c2", "sw"], "ended": "2023-05-01",
                      "end_reason": "worker_changed"}],
        }),
    }


def test_an_old_store_becomes_revision_1_by_migration_once(target: Target) -> None:
    raw(target, OLD_LAYOUT,
         observations='[{"ord":0,"tie":"t1","on":"2024-01-10","by":"child","closeness":3}]')
    errors: list[BaseException] = []

    def start_up() -> None:
        try:
            Neo4jStore(**target).close()
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    openers = [threading.Thread(target=start_up) for _ in range(3)]
    for opener in openers:  # several processes starting at once
        opener.start()
    for opener in openers:
        opener.join()
    assert errors == []
    with Neo4jStore(**target) as store:
        assert store.revision() == 1
        assert list(store.iter_documents()) == list(_old_documents().values())
        assert (store.version("c1"), store.version("c2")) == (3, 1)  # ETags survive
        [rev] = store.revisions()
        assert (rev.actor, rev.kind, rev.children) == (MIGRATION_ACTOR, "migration", ("c1", "c2"))
        assert store.history("c1") == [rev]
        assert store.replace(_old_documents()["c2"], actor="u-test", expected_version=1) == 2
    assert count(target, "MATCH (n) WHERE n:Tie OR n:Person OR n:Episode "
                          "RETURN count(n) AS n") == 0
    with Neo4jStore(**target) as again:  # and never again
        assert [r.number for r in again.revisions()] == [1, 2]
