"""The columnar tables: the vectorised effective observation equals the per-tie one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.measures.effective import effective_observation, observations_by_tie
from ecomap.measures.snapshot import DocumentIndex
from ecomap.measures.tables import (
    ADULT_SIDE,
    CHILD_SIDE,
    NULL_END,
    NULL_START,
    CohortTables,
    ObservationColumns,
    TieColumns,
)
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


def test_from_columns_pairs_segments_and_effective_rows() -> None:
    # child 0: ties 0 and 1 to person 7 (one pair), tie 2 to person 9, no start;
    # child 1: tie 3 to person 7 again (their own pair). Rows given in document order.
    ties = TieColumns(
        child=[0, 0, 0, 1], member=[7, 7, 9, 7],
        start=[date(2024, 1, 1).toordinal(), date(2024, 2, 1).toordinal(), NULL_START,
               date(2023, 1, 1).toordinal()],
        end=[NULL_END, date(2024, 6, 1).toordinal(), NULL_END, NULL_END],
        adult=[True, True, False, True], paid=[False, False, False, True],
        social_worker=[False, False, False, True], category=[0, 0, 2, 5],
    )
    day = [date(2024, 3, 1).toordinal(), date(2024, 2, 1).toordinal(),
           date(2024, 3, 1).toordinal(), date(2024, 3, 1).toordinal(),
           date(2024, 1, 5).toordinal()]
    obs = ObservationColumns(
        tie=[0, 0, 0, 3, 0], side=[CHILD_SIDE, CHILD_SIDE, CHILD_SIDE, ADULT_SIDE, ADULT_SIDE],
        day=day, closeness=[1, 2, 3, 2, 1], contact=[-1, 0, 4, 1, 2],
        emotional=[0, 1, 2, 3, 0], practical=[0] * 5, informational=[0] * 5,
        critical=[0] * 5, direction=[0, 1, 2, 3, 0], trusted=[-1, 0, 1, -1, 1],
    )
    tables = CohortTables.from_columns(["a", "b"], ["North", None], [None, "looked_after"],
                                       ties, obs)
    assert tables.n_children == 2 and tables.n_people == 2
    assert tables.tie_pair.tolist() == [0, 0, 1, 2]
    assert tables.pair_child.tolist() == [0, 0, 1]
    assert tables.tie_start_known.tolist() == [True, True, False, True]
    assert tables.member_social_worker.tolist() == [False, False, False, True]
    # segments (tie, side): tie 0 child has 3 rows by date then document order,
    # tie 0 adult 1, tie 3 adult 1
    assert tables.seg_start.tolist() == [0, 3, 4, 4, 4, 4, 4, 4, 5]
    assert tables.obs_closeness.tolist() == [2, 1, 3, 1, 2]
    assert tables.obs_day.tolist() == [day[1], day[0], day[2], day[4], day[3]]
    eff = tables.effective(date(2024, 3, 1), "combined")
    assert eff.rated.tolist() == [True, False, False, True]
    # of tie 0's two child answers on 2024-03-01, the later in the document counts
    assert int(tables.obs_closeness[eff.row[0]]) == 3 and int(tables.obs_trusted[eff.row[0]]) == 1
    worker = tables.effective(date(2024, 2, 15), "worker")
    assert worker.rated.tolist() == [True, False, False, False]
    assert int(tables.obs_trusted[worker.row[0]]) == 1
    assert tables.active(date(2024, 7, 1)).tolist() == [True, False, True, True]
    assert tables.select(status="looked_after") == ["b"]


def test_from_columns_empty() -> None:
    none: list[int] = []
    tables = CohortTables.from_columns(
        ["a"], [None], [None],
        TieColumns(none, none, none, none, none, none, none, none),
        ObservationColumns(none, none, none, none, none, none, none, none, none, none, none),
    )
    assert tables.n_children == 1 and len(tables.tie_child) == 0
    assert tables.effective(date(2024, 1, 1), "combined").rated.tolist() == []
    assert tables.seg_start.tolist() == [0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), at=st.dates(date(2021, 6, 1), date(2026, 6, 1)))
def test_counts_on_a_date_are_each_segments_observations_up_to_it(
    document_strategy: Any, data: st.DataObject, at: date
) -> None:
    tables = CohortTables.from_documents([data.draw(document_strategy)])
    counts = tables.counts_on(at)
    for segment in range(len(tables.seg_start) - 1):
        days = tables.obs_day[tables.seg_start[segment]:tables.seg_start[segment + 1]]
        assert counts[segment] == int((days <= at.toordinal()).sum())
