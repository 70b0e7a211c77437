"""ecomap.measures.packed: one child's packed columns, many concatenated, equal the
documents' tables exactly (no store involved; the stores' own test is
tests/graph/test_cohort_packed.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ecomap.measures.packed import (
    OBSERVATION_DTYPE,
    TIE_DTYPE,
    PackedRow,
    pack,
    person_code,
    tables_from_packed,
)
from ecomap.measures.tables import CohortTables
from ecomap.model import CATEGORIES, EcomapDocument
from tests.graph.test_contract import assert_same_cohort


def _rows(docs: list[EcomapDocument]) -> list[PackedRow]:
    return [PackedRow.of(d.child.id, d.child.team, d.child.status, pack(d))
            for d in sorted(docs, key=lambda d: d.child.id)]


def test_packed_children_concatenate_to_the_documents_tables(synthetic: Any) -> None:
    docs = sorted(synthetic(40, seed=3), key=lambda d: d.child.id)
    tables = tables_from_packed(_rows(docs))
    want = CohortTables.from_documents(docs)
    assert_same_cohort(tables, want)
    assert tables.tie_member.tolist() == want.tie_member.tolist()


def test_no_children_give_empty_tables() -> None:
    tables = tables_from_packed([])
    assert tables.n_children == 0 and tables.n_observations == 0
    assert len(tables.tie_child) == 0


def test_records_are_fixed_width_and_ties_outside_the_child_are_left_out(
        synthetic: Any) -> None:
    doc = synthetic(1, seed=9)[0]
    packed = pack(doc)
    ties = np.frombuffer(packed.ties, TIE_DTYPE)
    obs = np.frombuffer(packed.observations, OBSERVATION_DTYPE)
    child_ties = [t for t in doc.ties if doc.child.id in t.between]
    assert len(ties) == len(child_ties) == len(packed.members.split(","))
    assert len(obs) == sum(1 for o in doc.observations
                           if o.tie in {t.id for t in child_ties})
    assert int(ties["child_obs"].sum() + ties["adult_obs"].sum()) == len(obs)


@pytest.mark.parametrize("category", CATEGORIES)
def test_person_code_keeps_each_detail(category: str) -> None:
    for adult in (False, True):
        for paid in (False, True):
            for role in (None, "social_worker", "teacher"):
                code = person_code(category, role, adult, paid)
                assert (code & 1, code >> 1 & 1, code >> 2 & 1, CATEGORIES[code >> 3]) == (
                    adult, paid, role == "social_worker", category)
