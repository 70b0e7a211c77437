"""Packed plan columns (ecomap/measures/packed_plans.py): packing each document and
concatenating gives exactly ``PlanTables.from_documents``, column by column and dtype by
dtype, on random documents with meetings and on the hand-worked fixtures."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomap.format import parse_document
from ecomap.measures.packed_plans import (
    PackedPlans,
    pack_plans,
    pack_plans_checked,
    plan_tables_from_packed,
)
from ecomap.measures.plans_cohort import PlanTables
from tests.ecomap.measures.test_plans import documents, load


def assert_same_plans(got: PlanTables, expected: PlanTables) -> None:
    """Every column equal, with the same dtype (the measures index them as they are)."""
    assert got.child_ids == expected.child_ids
    for column in fields(PlanTables):
        if column.name == "child_ids":
            continue
        a, b = getattr(got, column.name), getattr(expected, column.name)
        assert a.dtype == b.dtype, column.name
        assert a.tolist() == b.tolist(), column.name


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 5).flatmap(
    lambda n: st.tuples(*[documents(i) for i in range(n)])))
def test_packed_equals_the_documents_on_random_documents(raws: tuple[dict[str, Any], ...]
                                                         ) -> None:
    docs = [parse_document(r) for r in raws]
    assert_same_plans(plan_tables_from_packed([(d.child.id, pack_plans(d)) for d in docs]),
                      PlanTables.from_documents(docs))
    for doc in docs:  # the import's raw form (every default filled in) packs the same
        assert pack_plans_checked(doc.model_dump(mode="json")) == pack_plans(doc)


def test_packed_equals_the_documents_on_the_fixtures() -> None:
    docs = [load("family-group-conference"), load("looked-after-reviews")]
    packed = plan_tables_from_packed([(d.child.id, pack_plans(d)) for d in docs])
    assert len(packed.commitment_child) > 4 and len(packed.progress_key) > 4
    assert_same_plans(packed, PlanTables.from_documents(docs))


def test_no_children_and_children_without_meetings() -> None:
    assert_same_plans(plan_tables_from_packed([]), PlanTables.from_documents([]))
    empty = parse_document({"format": "ecomap/1", "child": {"id": "c", "name": "C"}})
    assert pack_plans(empty) == PackedPlans()
    tables = plan_tables_from_packed([("c", PackedPlans())])
    assert tables.child_ids == ("c",) and np.size(tables.meeting_on) == 0
    assert_same_plans(tables, PlanTables.from_documents([empty]))


def test_the_raw_form_packs_as_the_model_on_synthetic_meetings() -> None:
    from ecomap.synth import synthesize

    docs = [d for d in synthesize(40, seed=5, meetings=True) if d.meetings]
    assert len(docs) > 10
    for doc in docs:
        assert pack_plans_checked(doc.model_dump(mode="json")) == pack_plans(doc)
