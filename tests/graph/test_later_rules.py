"""A record stored before a FORMAT.md rule existed reads back as stored, in every store
(``ecomap.stored``; docs/record.md, "Rules added later"): upgrading loses nothing."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from ecomap.errors import Breach
from ecomap.model import EcomapDocument
from ecomap.stored import later_breaches
from graph.base import GraphStore
from graph.embedded import EmbeddedStore
from tests.graph.tamper import tamper

DOC = EcomapDocument.model_validate({
    "format": "ecomap/1",
    "child": {"id": "c-1", "name": "Ava", "birth_date": "2012-05-01"},
    "people": [{"id": "p-gran", "name": "Gran", "category": "family"}],
    "ties": [{"id": "t-1", "between": ["c-1", "p-gran"], "started": "2015-01-01"}],
    "observations": [{"tie": "t-1", "on": "2024-03-01", "by": "child", "closeness": 3,
                      "note": "tea on Sundays"}],
    "episodes": [{"kind": "placement", "start": "2020-01-01"}],
})


def _gran_named(store: GraphStore, name: str) -> None:
    tamper(store, "UPDATE people SET name = :name WHERE id = 'p-gran' AND rev_to = OPEN",
           "MATCH (p:PersonRow {id: 'p-gran'}) WHERE p.rev_to IS NULL SET p.name = $name",
           name=name)


def _tie_started(store: GraphStore, day: date) -> None:
    tamper(store, "UPDATE ties SET started = :day WHERE id = 't-1' AND rev_to = OPEN",
           "MATCH (t:TieRow {id: 't-1'}) WHERE t.rev_to IS NULL SET t.started = $day",
           day=day.isoformat() if isinstance(store, EmbeddedStore) else day)


def test_a_control_character_stored_before_the_rule_reads_back_as_stored(
        store: GraphStore) -> None:
    store.replace(DOC, actor="t")
    _gran_named(store, "Gran\x07")

    doc = store.get("c-1")

    assert doc.people[0].name == "Gran\x07"
    assert doc.model_dump(exclude={"people"}) == DOC.model_dump(exclude={"people"})
    assert later_breaches(doc) == [Breach("people[0].name", "must not contain control characters")]
    assert [p.name for p in store.people(ids=["p-gran"])] == ["Gran\x07"]
    assert [d.people[0].name for d in store.iter_documents()] == ["Gran\x07"]


def test_a_date_stored_before_the_range_reads_back_as_stored(store: GraphStore) -> None:
    store.replace(DOC, actor="t")
    _tie_started(store, date(1, 1, 1))

    doc = store.get("c-1")

    assert doc.ties[0].started == date(1, 1, 1)
    assert later_breaches(doc) == [
        Breach("ties[0].started", "must be between 1900-01-01 and 2199-12-31")]


def test_a_record_as_stored_can_be_restored(store: GraphStore) -> None:
    """Restoring an earlier revision writes that record as it was, later breaches and all:
    an undo never fails for a rule the record predates."""
    store.replace(DOC, actor="t")
    _tie_started(store, date(1, 1, 1))
    before = store.revision()
    store.replace(DOC, actor="t", reason="date put right")
    assert store.get("c-1").ties[0].started == date(2015, 1, 1)

    store.restore("c-1", before, actor="t", reason="undo")

    assert store.get("c-1").ties[0].started == date(1, 1, 1)


def test_any_other_breach_is_still_a_fault(store: GraphStore) -> None:
    store.replace(DOC, actor="t")
    tamper(store, "UPDATE people SET category = 'aunt' WHERE id = 'p-gran' AND rev_to = OPEN",
           "MATCH (p:PersonRow {id: 'p-gran'}) WHERE p.rev_to IS NULL SET p.category = 'aunt'")

    with pytest.raises(ValidationError, match="category"):
        store.get("c-1")
