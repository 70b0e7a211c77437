"""A stale snapshot patched for the children that changed is, column for column, the
snapshot of the new state read whole: random old and new cohorts (people's ids with
quotes, backslashes, commas and non-ASCII letters), any set of changed children that
holds every child that differs. Mirrors ecomap/measures/columns_patch.py."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomap.measures.columns_file import (
    COHORT_ARRAYS,
    PLAN_ARRAYS,
    SnapshotUnreadable,
    cohort_columns,
    cohort_from_snapshot,
    cohort_snapshot,
    decode,
    plans_from_snapshot,
    plans_snapshot,
)
from ecomap.measures.columns_patch import MIN_CHANGED, patch_cohort, patch_plans, runs
from ecomap.measures.packed import PackedRow, pack, tables_from_packed
from ecomap.measures.packed_plans import pack_plans, plan_tables_from_columns
from ecomap.measures.plans_cohort import PlanTables
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from tests.graph.test_plans_packed import MEETING, with_meetings

KEY = {"revision": 9, "at_us": 1_700_000_000_000_000, "packed": 2, "schema": 9}
KIDS = ["c-1", "c-2", "c-3", "c-4", "c-é", "c-z"]
PEOPLE = ["p-a", 'p"q', "p\\", 'p\\"', "pé", 'p,"', "p-😀"]
# a child's record: absent, or (people, first tie ended and episodes, meetings)
_KEPT = st.tuples(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=3), st.booleans(),
                  st.lists(MEETING, max_size=2))
RECORD = st.one_of(st.none(), _KEPT, _KEPT)
STATE = st.fixed_dictionaries({kid: RECORD for kid in KIDS})
# what a few writes change: some children's records (None: closed or erased)
WRITES = st.dictionaries(st.sampled_from(KIDS), RECORD, max_size=3)


def _docs(state: dict[str, Any]) -> list[EcomapDocument]:
    return [with_meetings(kid, list(record[0]), record[1], record[2])
            for kid, record in sorted(state.items()) if record is not None]


def _cohort(docs: list[EcomapDocument]) -> CohortTables:
    """As a store reads them: each child's packed row, in id order."""
    return tables_from_packed(PackedRow.of(d.child.id, d.child.team, d.child.status, pack(d))
                              for d in docs)


def _plans(docs: list[EcomapDocument]) -> PlanTables:
    packed = [pack_plans(d) for d in docs]
    return plan_tables_from_columns([d.child.id for d in docs], [p.meetings for p in packed],
                                    [p.commitments for p in packed],
                                    [p.progress for p in packed])


def _assert_same_columns(got: Any, want: Any, arrays: tuple[str, ...]) -> None:
    for name in arrays:
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert list(got.child_ids) == list(want.child_ids)


@settings(max_examples=25, deadline=None)
@given(old=STATE, writes=st.lists(WRITES, min_size=1, max_size=2),
       also=st.sets(st.sampled_from(KIDS), max_size=2))
def test_a_patched_snapshot_is_the_new_states_snapshot(old: dict[str, Any],
                                                       writes: list[dict[str, Any]],
                                                       also: set[str]) -> None:
    """Patched after each of one or two writes (the second patch reads the members'
    lengths the first one kept); ``also``: children listed though unchanged (a write of
    the same record)."""
    state = old
    stale = decode(b"".join(cohort_snapshot(_cohort(_docs(state)), {}).chunks()), "cohort")
    stale_plans = decode(b"".join(plans_snapshot(_plans(_docs(state)), {}).chunks()), "plans")
    for write in writes:
        state = {**state, **write}
        changed = sorted(set(write) | also)
        fresh = [d for d in _docs(state) if d.child.id in changed]
        data = b"".join(patch_cohort(stale, _cohort(fresh), changed, KEY).chunks())
        plans_data = b"".join(patch_plans(stale_plans, _plans(fresh), changed, KEY).chunks())
        stale, stale_plans = decode(data, "cohort"), decode(plans_data, "plans")

    patched, whole = cohort_from_snapshot(data, KEY), _cohort(_docs(state))
    _assert_same_columns(patched, whole, COHORT_ARRAYS)
    for name in ("team", "status", "ep_value"):
        assert getattr(patched, name).tolist() == getattr(whole, name).tolist(), name
    assert decode(data, "cohort")[1] == cohort_columns(whole)[1]  # numbered the same
    kept, made = patched.value_codes, whole.value_codes  # the file's, and worked out
    for field in ("names", "team", "status", "episode"):
        assert getattr(kept, field).tolist() == getattr(made, field).tolist(), field
    assert patched.members.json == whole.members.json  # the ids' text: the same numbering
    assert patched.tie_member.tolist() == whole.tie_member.tolist()
    _assert_same_columns(plans_from_snapshot(plans_data, KEY), _plans(_docs(state)),
                         PLAN_ARRAYS)


def test_members_lengths_that_do_not_match_their_text_are_refused() -> None:
    docs = _docs({"c-1": (["p-a", "pé"], False, []), "c-2": (["p-a"], False, [])})
    stale = decode(b"".join(cohort_snapshot(_cohort(docs), {}).chunks()), "cohort")
    patched = decode(b"".join(patch_cohort(stale, _cohort(docs[1:]), ["c-2"], KEY).chunks()),
                     "cohort")
    _key, meta, columns = patched
    assert columns["members_len"].tolist() == [len('"p-a", "p\\u00e9",'), len('"p-a",')]
    wrong = {**columns, "members_len": columns["members_len"] + 1}
    with pytest.raises(SnapshotUnreadable, match="lengths"):
        patch_cohort(({}, meta, wrong), _cohort(docs[:1]), ["c-1"], KEY)


def test_too_many_changed_children_are_refused() -> None:
    docs = _docs({kid: ([], False, []) for kid in KIDS})
    stale = decode(b"".join(cohort_snapshot(_cohort(docs), {}).chunks()), "cohort")
    changed = [f"x-{i:05d}" for i in range(MIN_CHANGED + 1)]
    with pytest.raises(SnapshotUnreadable, match="too many"):
        patch_cohort(stale, _cohort([]), changed, KEY)


def test_members_kept_as_codes_are_not_patched() -> None:
    """A snapshot of tables whose members were numbered already (not a store's) holds no
    ids to cut: refused, so the store reads every child."""
    docs = _docs({"c-1": (["p-a"], False, []), "c-2": (["p-a"], False, [])})
    stale = decode(b"".join(cohort_snapshot(CohortTables.from_documents(docs), {}).chunks()),
                   "cohort")
    with pytest.raises(SnapshotUnreadable, match="members"):
        patch_cohort(stale, _cohort(docs[:1]), ["c-1"], KEY)


def test_a_column_of_another_type_is_refused() -> None:
    docs = _docs({"c-1": (["p-a"], True, []), "c-2": (["pé"], False, [])})
    _key, meta, columns = decode(b"".join(cohort_snapshot(_cohort(docs), {}).chunks()),
                                 "cohort")
    other = {**columns, "tie_start": columns["tie_start"].astype(np.int32)}
    with pytest.raises(SnapshotUnreadable, match="tie_start"):
        patch_cohort(({}, meta, other), _cohort(docs[:1]), ["c-1"], KEY)


def test_new_children_must_be_among_the_changed() -> None:
    with pytest.raises(ValueError, match="among the changed"):
        runs(["a", "c"], ["b"], ["b", "d"])


def test_texts_are_numbered_as_a_whole_read_numbers_them() -> None:
    """A child put in before the others with a new team, and the last child of another
    team changed: the file's names are those in use, in order of first appearance (the
    order the dashboard's cells are numbered in), not the stale file's with more added."""
    old = {"c-2": (["p-a"], False, []), "c-3": (["p-a"], True, [])}  # South, North
    new = {**old, "c-1": (["pé"], True, []), "c-3": (["p-a"], False, [])}  # North first
    stale = decode(b"".join(cohort_snapshot(_cohort(_docs(old)), {}).chunks()), "cohort")
    fresh = [d for d in _docs(new) if d.child.id in ("c-1", "c-3")]
    _key, meta, _columns = decode(b"".join(
        patch_cohort(stale, _cohort(fresh), ["c-1", "c-3"], KEY).chunks()), "cohort")
    assert meta["team"] == ["North", "South"] == cohort_columns(_cohort(_docs(new)))[1]["team"]
