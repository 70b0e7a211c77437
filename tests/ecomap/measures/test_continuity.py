"""Continuity by hand on the foster-care fixture, and the window's edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ecomap.measures import child_measures
from ecomap.model import EcomapDocument

MakeDoc = Callable[..., EcomapDocument]
T = date(2024, 12, 31)


def test_foster_care_continuity_by_hand(mia: EcomapDocument) -> None:
    c = child_measures(mia, T)["continuity"]
    # t0 = 2024-12-31 - 365 days = 2024-01-01 (2024 is a leap year).
    # M(t0) = gran, mum, harris, okafor, kai, patel; M(t) = gran, mum, begum, lind, osei, zoe
    assert (c["retained"], c["lost"], c["gained"]) == (2, 4, 4)
    assert c["retention"] == 0.333  # 2 / 6
    # trusted adults on t0 (combined): gran only (harris and okafor: the child said no);
    # gran is still one on t -> 1 / 1
    assert c["trusted_retention"] == 1.0
    # strengths on t0 from the 2023-03-10 observations (D from days known on 2024-01-01):
    #  gran   C1 F.5 S4/6 R1        -> .3+.1+.16667+.1                          = 66.7
    #  mum    C.5 F.25 K1           -> .15+.05-.25 < 0                          =  0.0
    #  harris C.5 F1 S4/6 R.5 K.5 D671/1826.25 -> .15+.2+.16667+.05+.05511-.125 = 49.7
    #  okafor C0 F.25 S2/6 R.5 D671/1826.25    -> .05+.08333+.05+.05511         = 23.8
    #  kai    C1 F.75 S1/6 R1 D847/1826.25     -> .3+.15+.04167+.1+.06957       = 66.1
    #  patel  C.5 F.75 S3/6 R.5 D483/1826.25   -> .15+.15+.125+.05+.03967       = 51.5
    # kept (gran, mum) 66.7 of 257.8 -> 100 * 667 / 2578 = 25.87
    assert c["continuity"] == 25.9
    # okafor (to 2024-05-31) and lind (from 2024-06-01) both worked in the window
    assert c["social_workers"] == 2
    # [2022-03-01, 2024-02-12) and [2024-02-12, ...) both overlap (2024-01-01, 2024-12-31]
    assert c["placements"] == 2
    # the move on 2024-02-12: M(2024-02-11) = gran mum harris okafor kai patel;
    # M(2024-05-12) = gran mum begum okafor osei zoe -> 3 / 6
    assert c["moves"] == [{"on": "2024-02-12", "retention": 0.5}]


def test_window_is_settable(mia: EcomapDocument) -> None:
    c = child_measures(mia, T, window_days=30)["continuity"]
    # t0 = 2024-12-01: the same six members on both dates; no move, one placement, one worker
    assert (c["retained"], c["lost"], c["gained"], c["retention"]) == (6, 0, 0, 1.0)
    assert (c["social_workers"], c["placements"], c["moves"]) == (1, 1, [])
    assert child_measures(mia, T, window_days=30)["window_days"] == 30


def _one_tie(make_doc: MakeDoc, **tie: Any) -> EcomapDocument:
    return make_doc(
        [{"id": "p", "category": "family"}], [{"id": "t", "between": ["c", "p"], **tie}]
    )


def test_leap_year_window(make_doc: MakeDoc) -> None:
    # t = 2024-03-01, w = 365 -> t0 = 2023-03-02 (the window holds 2024-02-29)
    at = date(2024, 3, 1)
    ended_before = _one_tie(make_doc, ended="2023-03-02")  # last day 2023-03-01: not in M(t0)
    ended_after = _one_tie(make_doc, ended="2023-03-03")  # active on t0, gone by t
    assert child_measures(ended_before, at)["continuity"]["lost"] == 0
    assert child_measures(ended_after, at)["continuity"]["lost"] == 1
    # t = 2025-03-01 -> t0 = 2024-03-01 (365 days back, across 2024-02-29? no: after it)
    assert (
        child_measures(_one_tie(make_doc, started="2024-03-01"), date(2025, 3, 1))["continuity"][
            "retained"
        ]
        == 1
    )
    assert (
        child_measures(_one_tie(make_doc, started="2024-03-02"), date(2025, 3, 1))["continuity"][
            "gained"
        ]
        == 1
    )


def _workers(make_doc: MakeDoc, ties: list[dict[str, Any]]) -> EcomapDocument:
    ids = [next(x for x in t["between"] if x != "c") for t in ties]
    people = [{"id": i, "category": "professional", "role": "social_worker"} for i in ids]
    unique = list({p["id"]: p for p in people}.values())
    return make_doc(unique, ties)


def test_social_workers_in_the_window(make_doc: MakeDoc) -> None:
    at = date(2024, 12, 31)  # t0 = 2024-01-01
    doc = _workers(
        make_doc,
        [
            {"id": "t1", "between": ["c", "sw1"], "ended": "2024-01-02"},  # last day t0: out
            {"id": "t2", "between": ["c", "sw2"], "ended": "2024-01-03"},  # 2024-01-02: in
            {"id": "t3", "between": ["c", "sw3"], "started": "2024-12-31"},  # starts on t: in
            {"id": "t4", "between": ["c", "sw4"], "started": "2025-01-01"},  # after t: out
            {"id": "t5", "between": ["c", "sw2"], "started": "2024-06-01"},  # sw2 again: once
            {"id": "t6", "between": ["sw5", "c"]},  # child second, unknown start: in
        ],
    )
    assert child_measures(doc, at)["continuity"]["social_workers"] == 3


def test_placements_and_moves(make_doc: MakeDoc) -> None:
    at = date(2024, 12, 31)  # t0 = 2024-01-01
    doc = make_doc(
        [
            {"id": "a", "category": "family"},
            {"id": "f1", "category": "carer"},
            {"id": "f2", "category": "carer"},
        ],
        [
            {"id": "ta", "between": ["c", "a"]},
            {"id": "t1", "between": ["c", "f1"], "ended": "2024-03-01"},
            {"id": "t2", "between": ["c", "f2"], "started": "2024-03-01"},
        ],
        episodes=[
            {"kind": "placement", "start": "2023-01-01", "end": "2024-01-02"},  # last day t0
            {"kind": "placement", "start": "2024-01-02", "end": "2024-03-01"},  # a move
            {"kind": "placement", "start": "2024-03-01", "end": None},  # another move
            {"kind": "school", "start": "2024-03-01"},  # not a placement
        ],
    )
    c = child_measures(doc, at)["continuity"]
    assert c["placements"] == 2
    # move on 2024-01-02: M(2024-01-01) = a, f1; M(2024-04-01) = a, f2 -> 1 / 2
    # move on 2024-03-01: M(2024-02-29) = a, f1; M(2024-05-30) = a, f2 -> 1 / 2
    assert c["moves"] == [
        {"on": "2024-01-02", "retention": 0.5},
        {"on": "2024-03-01", "retention": 0.5},
    ]


def test_first_placement_is_not_a_move_and_empty_before_is_null(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [{"id": "f1", "category": "carer"}],
        [{"id": "t1", "between": ["c", "f1"], "started": "2024-08-01"}],
        episodes=[
            {"kind": "placement", "start": "2024-09-01", "end": None},
            {"kind": "placement", "start": "2024-06-01", "end": "2024-09-01"},
        ],
    )
    c = child_measures(doc, date(2024, 12, 31))["continuity"]
    # the earliest (2024-06-01) is the first even though listed second; before the
    # 2024-09-01 move M(2024-08-31) = f1 -> f1 still there on 2024-11-30
    assert c["moves"] == [{"on": "2024-09-01", "retention": 1.0}]
    nobody = make_doc(
        episodes=[
            {"kind": "placement", "start": "2024-06-01", "end": "2024-09-01"},
            {"kind": "placement", "start": "2024-09-01"},
        ]
    )
    assert child_measures(nobody, date(2024, 12, 31))["continuity"]["moves"] == [
        {"on": "2024-09-01", "retention": None}
    ]


def test_continuity_of_strength(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [{"id": "a", "category": "family"}, {"id": "b", "category": "family"}],
        [
            {"id": "ta", "between": ["c", "a"]},
            {"id": "tb", "between": ["c", "b"], "ended": "2024-06-01"},
        ],
        # on t0 = 2024-01-01: a closeness 3 -> 30.0; b contact 4 -> 20.0
        [
            {"tie": "ta", "on": "2023-06-01", "by": "child", "closeness": 3},
            {"tie": "tb", "on": "2023-06-01", "by": "child", "contact": 4},
        ],
    )
    c = child_measures(doc, date(2024, 12, 31))["continuity"]
    assert c["continuity"] == 60.0  # 100 * 30 / (30 + 20)
    unrated = make_doc([{"id": "a", "category": "family"}], [{"id": "ta", "between": ["c", "a"]}])
    assert child_measures(unrated, date(2024, 12, 31))["continuity"]["continuity"] is None
