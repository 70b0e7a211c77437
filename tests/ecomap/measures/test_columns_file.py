"""A cohort's (and its plans') columns as one buffer and back: the same tables, views of
the buffer, and anything that is not a whole snapshot of this format refused. Mirrors
ecomap/measures/columns_file.py."""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomap.measures.columns_file import (
    ALIGN,
    MAGIC,
    SnapshotUnreadable,
    cohort_from_snapshot,
    cohort_snapshot,
    decode,
    plans_from_snapshot,
    plans_snapshot,
)
from ecomap.measures.packed import PackedRow, pack, tables_from_packed
from ecomap.measures.plans_cohort import PlanTables
from ecomap.measures.tables import CohortTables
from tests.ecomap.measures.test_packed_plans import assert_same_plans
from tests.graph.test_contract import assert_same_cohort

KEY = {"revision": 7, "at_us": 1_700_000_000_000_000, "packed": 2}


def _bytes(encoded: Any) -> bytes:
    data = b"".join(encoded.chunks())
    assert len(data) == encoded.size
    return data


def _packed_tables(docs: list[Any]) -> CohortTables:
    return tables_from_packed([PackedRow.of(d.child.id, d.child.team, d.child.status, pack(d))
                               for d in sorted(docs, key=lambda d: d.child.id)])


def test_a_cohort_comes_back_whole_with_its_members_still_undecoded(synthetic: Any) -> None:
    docs = sorted(synthetic(30, seed=5), key=lambda d: d.child.id)
    tables = _packed_tables(docs)
    data = _bytes(cohort_snapshot(tables, KEY))
    back = cohort_from_snapshot(data, KEY)
    assert back.members.json is not None  # kept as the ids' text, numbered on first use
    assert_same_cohort(back, CohortTables.from_documents(docs))
    assert back.tie_member.tolist() == tables.tie_member.tolist()
    # the columns are views of the buffer, not copies
    assert back.obs_code.base is not None and not back.obs_code.flags.owndata


def test_the_texts_come_back_already_numbered(synthetic: Any) -> None:
    """The file keeps teams, statuses and episode values coded; the tables read back
    carry those codes (no pass over the values), and they read back as the values."""
    tables = _packed_tables(synthetic(30, seed=5))
    back = cohort_from_snapshot(_bytes(cohort_snapshot(tables, KEY)), KEY)
    assert "value_codes" in back.__dict__  # given, not yet worked out
    kept = back.value_codes
    for column, codes in ((back.team, kept.team), (back.status, kept.status),
                          (back.ep_value, kept.episode)):
        assert kept.names[codes].tolist() == column.tolist()
    assert len(set(kept.names.tolist())) == len(kept.names) > 3
    assert kept.names.tolist() == tables.value_codes.names.tolist()


def test_members_already_numbered_are_kept_as_codes(synthetic: Any) -> None:
    docs = synthetic(12, seed=9)
    tables = CohortTables.from_documents(docs)
    back = cohort_from_snapshot(_bytes(cohort_snapshot(tables, KEY)))
    assert back.members.json is None
    assert_same_cohort(back, tables)


def test_no_children_round_trip() -> None:
    back = cohort_from_snapshot(_bytes(cohort_snapshot(tables_from_packed([]), {})))
    assert back.n_children == 0 and len(back.tie_child) == 0 and back.n_people == 0


def test_plans_come_back_whole(synthetic: Any) -> None:
    from tests.graph.test_plans_packed import with_meetings

    docs = [with_meetings(f"c{i}", ["p", "q"][: i % 3], i % 2 == 0,
                          [(i % 12 + 1, i % 8, [([0], 3, ["done"])])]) for i in range(6)]
    tables = PlanTables.from_documents(docs)
    back = plans_from_snapshot(_bytes(plans_snapshot(tables, KEY)), KEY)
    assert_same_plans(back, tables)


def test_another_states_key_is_refused(synthetic: Any) -> None:
    data = _bytes(cohort_snapshot(CohortTables.from_documents(synthetic(3)), KEY))
    with pytest.raises(SnapshotUnreadable, match="another state"):
        cohort_from_snapshot(data, {**KEY, "revision": 8})
    with pytest.raises(SnapshotUnreadable, match="not a plans snapshot"):
        plans_from_snapshot(data, KEY)


def _header(data: bytes) -> tuple[dict[str, Any], int]:
    length = struct.unpack_from("<Q", data, len(MAGIC))[0]
    return json.loads(data[16:16 + length]), length


def _with_header(data: bytes, header: dict[str, Any], length: int) -> bytes:
    """``data`` with another header, its columns moved to where the new one puts them."""
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    old_start, new_start = (-(-(16 + n) // ALIGN) * ALIGN for n in (length, len(text)))
    head = MAGIC + struct.pack("<Q", len(text)) + text
    return head.ljust(new_start, b"\0") + data[old_start:]


@pytest.mark.parametrize("damage", ["format", "length", "offset", "dtype", "missing"])
def test_a_damaged_header_is_refused(synthetic: Any, damage: str) -> None:
    data = _bytes(cohort_snapshot(CohortTables.from_documents(synthetic(4)), KEY))
    header, length = _header(data)
    assert cohort_from_snapshot(_with_header(data, header, length), KEY).n_children == 4
    columns = header["columns"]
    if damage == "format":
        header["format"] = 0
    elif damage == "length":
        columns[0][2] = 10**9
    elif damage == "offset":
        columns[0][3] = -64
    elif damage == "dtype":
        columns[0][1] = "|O"
    else:
        header["columns"] = [c for c in columns if c[0] != "obs_code"]
    with pytest.raises(SnapshotUnreadable):
        cohort_from_snapshot(_with_header(data, header, length), KEY)


def test_columns_of_disagreeing_lengths_are_refused(synthetic: Any) -> None:
    data = _bytes(cohort_snapshot(CohortTables.from_documents(synthetic(4)), KEY))
    header, length = _header(data)
    for column in header["columns"]:
        if column[0] == "tie_end":
            column[2] -= 1
    with pytest.raises(SnapshotUnreadable, match="tie_end"):
        cohort_from_snapshot(_with_header(data, header, length), KEY)


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(0, 400), junk=st.binary(max_size=64))
def test_truncated_or_foreign_bytes_are_refused_not_misread(cut: int, junk: bytes) -> None:
    tables = CohortTables.from_documents([])
    data = _bytes(cohort_snapshot(tables, KEY))
    for broken in (data[:cut] if cut < len(data) else data[:-1], junk, MAGIC + junk):
        with pytest.raises(SnapshotUnreadable):
            cohort_from_snapshot(broken, KEY)


def test_only_integer_columns_are_written() -> None:
    from ecomap.measures.columns_file import encode

    with pytest.raises(TypeError, match="text"):
        encode("cohort", {}, {"text": np.array(["a"], dtype=object)}, {})
    assert decode(_bytes(encode("cohort", {}, {"a": np.zeros((0,), np.int8)}, {})),
                  "cohort")[2]["a"].tolist() == []
