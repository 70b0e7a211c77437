"""The columnar tables: the vectorised effective observation equals the per-tie one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.measures.effective import effective_observation, observations_by_tie
from ecomap.measures.snapshot import DocumentIndex
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument


def test_fixture_effective_rows(mia: EcomapDocument) -> None:
    tables = CohortTables.from_documents([mia])
    at = date(2024, 12, 31)
    eff = tables.effective(at, "combined")
    index = DocumentIndex(mia)
    # child ties in document order: gran, mum, harris, begum, okafor, lind, kai, patel,
    # osei, zoe; begum's effective row is the child's second 2024-09-20 answer (closeness 3)
    assert [tie.id for tie, _ in index.child_ties][3] == "t-mia-begum"
    assert bool(eff.rated[3]) and int(tables.obs_closeness[eff.row[3]]) == 3
    assert tables.active(at).tolist() == [
        True,
        True,
        False,
        True,
        False,
        True,
        False,
        False,
        True,
        True,
    ]


def test_select_and_indices(mia: EcomapDocument) -> None:
    tables = CohortTables.from_documents([mia])
    assert tables.select(team="North") == ["c-mia"]
    assert tables.select(team="South") == []
    assert tables.select(status="looked_after") == ["c-mia"]
    with pytest.raises(KeyError, match="c-nobody"):
        tables.indices(["c-nobody"])


def test_empty_tables() -> None:
    tables = CohortTables.from_documents([])
    assert tables.n_children == 0
    assert tables.effective(date(2024, 1, 1), "combined").rated.tolist() == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    at=st.dates(date(2021, 6, 1), date(2026, 6, 1)),
    view=st.sampled_from(["combined", "child", "worker"]),
)
def test_effective_matches_per_tie(
    document_strategy: Any, data: st.DataObject, at: date, view: str
) -> None:
    doc = data.draw(document_strategy)
    tables = CohortTables.from_documents([doc])
    eff = tables.effective(at, view)  # type: ignore[arg-type]
    by_tie = observations_by_tie(doc.observations)
    for row, (tie, _) in enumerate(DocumentIndex(doc).child_ties):
        expected = effective_observation(by_tie.get(tie.id, []), at, view)  # type: ignore[arg-type]
        assert bool(eff.rated[row]) == (expected is not None)
        if expected is not None:
            got_closeness = int(tables.obs_closeness[eff.row[row]])
            got_contact = int(tables.obs_contact[eff.row[row]])
            assert (got_closeness, got_contact) == (
                expected.closeness or 0,
                -1 if expected.contact is None else expected.contact,
            )
