"""Plans and participation: hand-worked fixtures, engine against naive, cohort path.

The fixtures (fixtures/meetings/) are worked by hand in the comments below; the
random documents check the engine (ecomap.measures.plans, and the vectorised
ecomap.measures.plans_cohort) against the naive baseline (bench/naive_plans.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import naive, naive_plans
from ecomap.format import document_to_jsonable, parse_document, read_documents
from ecomap.measures import child_measures
from ecomap.measures.plans import plans_measures
from ecomap.measures.plans_cohort import PlanTables, plan_additions, plan_values
from ecomap.model import EcomapDocument

MEETINGS = Path(__file__).resolve().parents[3] / "fixtures" / "meetings"


def load(name: str) -> EcomapDocument:
    [doc] = list(read_documents(MEETINGS / f"{name}.json"))
    assert isinstance(doc, EcomapDocument), doc
    return doc


@pytest.fixture(scope="module")
def fgc() -> EcomapDocument:
    return load("family-group-conference")


@pytest.fixture(scope="module")
def lac() -> EcomapDocument:
    return load("looked-after-reviews")


def test_family_group_conference_on_30_september(fgc: EcomapDocument) -> None:
    # k1 gran's tea: done 07-01 (due 06-30, kept); k2 Pat's school walks: not_done
    # (due 05-31, not kept); k3 referral: done (due 04-30, kept); k4 diary (child, no
    # who) and k5 swimming (gran + Pat, in progress) are open.
    p = child_measures(fgc, date(2025, 9, 30))["plans"]
    assert p == {
        "meetings": 1,
        "last_meeting": {"on": "2025-03-10", "kind": "family_group_conference",
                         "participation": "PN1"},
        "unpaid_attendees": 2,           # gran and Pat came; Sam is paid
        "commitments_open": 2,           # k4, k5
        "commitments_due": 3,            # k1, k2, k3
        "commitments_kept_rate": 0.667,  # k1, k3 of 3
        "network_commitment_share": 1.0,  # k5 of the open ones naming someone
        "trusted_in_plan": 1.0,          # gran and Pat (trusted) both hold k5
        "child_views_conveyed": True,    # PN1
    }


def test_family_group_conference_from_the_childs_side(fgc: EcomapDocument) -> None:
    # only by: child progress counts: k2 is in progress by Ava's word, the rest agreed
    p = child_measures(fgc, date(2025, 9, 30), "child")["plans"]
    assert (p["commitments_open"], p["commitments_kept_rate"]) == (5, 0.0)
    assert p["network_commitment_share"] == 0.75  # k1, k2, k5 of k1, k2, k3, k5


def test_family_group_conference_before_it_was_held(fgc: EcomapDocument) -> None:
    p = child_measures(fgc, date(2025, 3, 9))["plans"]
    assert p["meetings"] == 0 and p["last_meeting"] is None
    assert p["unpaid_attendees"] is None and p["child_views_conveyed"] is None
    assert (p["commitments_open"], p["commitments_due"], p["commitments_kept_rate"]) == (0, 0, None)
    assert p["trusted_in_plan"] == 0.0  # two trusted adults, neither holds anything yet


def test_family_group_conference_mid_plan(fgc: EcomapDocument) -> None:
    # 05-25: k1 in progress, k2 in progress (Ava 05-20), k3 done, k4 agreed, k5 agreed
    p = plans_measures(fgc, date(2025, 5, 25), trusted={"p-fgc-gran"})
    assert (p["commitments_open"], p["commitments_due"], p["commitments_kept_rate"]) == (4, 1, 1.0)
    assert p["network_commitment_share"] == 1.0  # k1, k2, k5 of k1, k2, k5
    assert p["trusted_in_plan"] == 1.0


@pytest.mark.parametrize(("at", "meetings", "last", "conveyed", "kept"), [
    (date(2023, 6, 30), 2, "PN2", True, None),    # 01-27 PN4, 04-21 PN2
    (date(2024, 6, 30), 2, "PN7", False, None),   # 10-20 PN1, 04-19 PN7
    (date(2024, 12, 31), 2, "PN6", True, 0.0),    # 04-19, 10-18 PN6; Kai's contact not kept
    (date(2025, 3, 31), 2, "PN6", True, 0.0),     # 04-19, 10-18; Kai's, Dee's due, not done
    (date(2025, 6, 30), 1, "PN6", True, 0.0),     # 10-18 only; Dee's football due 01-31
])
def test_looked_after_reviews_over_two_years(
    lac: EcomapDocument, at: date, meetings: int, last: str, conveyed: bool, kept: float | None
) -> None:
    p = child_measures(lac, at)["plans"]
    assert p["meetings"] == meetings
    assert p["last_meeting"]["participation"] == last
    assert p["child_views_conveyed"] is conveyed
    assert p["commitments_kept_rate"] == kept
    assert p["unpaid_attendees"] == (1 if last == "PN7" else 0)  # Kai came to the PN7 review


def test_looked_after_commitments_held_by_the_carer_are_services(lac: EcomapDocument) -> None:
    p = child_measures(lac, date(2024, 12, 31))["plans"]
    assert (p["commitments_open"], p["network_commitment_share"]) == (1, 0.0)


def test_cohort_additions_of_the_two_fixtures(fgc: EcomapDocument, lac: EcomapDocument) -> None:
    tables = PlanTables.from_documents([fgc, lac])
    a = plan_additions(tables, date(2025, 9, 30))
    # fgc: 1 meeting in the year, kept 0.667, share 1.0, PN1; lac: the 2024-10-18 review,
    # Dee's football due 01-31 and still agreed: kept 0.0, share 0.0, PN6
    assert a == {
        "meeting_rate": {"value": 1.0, "n": 2},
        "median_commitments_kept_rate": {"value": 0.334, "n": 2},
        "median_network_commitment_share": {"value": 0.5, "n": 2},
        "child_views_conveyed_rate": {"value": 1.0, "n": 2},
    }
    assert plan_additions(tables, date(2025, 12, 31), child_ids=["c-lac-jay"])[
        "meeting_rate"] == {"value": 0.0, "n": 1}  # no review in 2025
    assert plan_additions(tables, date(2025, 9, 30), child_ids=[])["meeting_rate"] == {
        "value": None, "n": 0}


# --------------------------------------------------------------------------- random

PEOPLE = [("g", "family", None), ("f", "friend", None), ("n", "community", None),
          ("v", "volunteer", None), ("s", "professional", None), ("c", "carer", None),
          ("u", "family", True), ("w", "professional", False)]
BASE = date(2024, 6, 1)
DAYS = st.integers(min_value=-400, max_value=400).map(lambda d: BASE + timedelta(days=d))


@st.composite
def documents(draw: st.DrawFn, index: int = 0) -> dict[str, Any]:
    cid = f"c{index}"
    people = []
    for pid, category, paid in draw(st.lists(st.sampled_from(PEOPLE), unique=True)):
        person: dict[str, Any] = {"id": f"{cid}-{pid}", "name": "P", "category": category}
        if paid is not None:
            person["paid"] = paid
        people.append(person)
    ids = [p["id"] for p in people]
    ties, observations = [], []
    for k, pid in enumerate(ids):
        ties.append({"id": f"{cid}-t{k}", "between": [cid, pid], "started": "2020-01-01"})
        if draw(st.booleans()):
            observations.append({"tie": f"{cid}-t{k}", "on": draw(DAYS).isoformat(),
                                 "by": draw(st.sampled_from(["child", "worker"])),
                                 "trusted": draw(st.booleans())})
    meetings = []
    for m in range(draw(st.integers(0, 3))):
        on = draw(DAYS)
        plan = []
        for k in range(draw(st.integers(0, 3))):
            progress, last = [], on
            for _ in range(draw(st.integers(0, 3))):
                last = last + timedelta(days=draw(st.integers(0, 200)))
                entry = {"on": last.isoformat(), "state": draw(st.sampled_from(
                    ["agreed", "in_progress", "done", "not_done", "dropped"]))}
                by = draw(st.sampled_from([None, "child", "worker", "family"]))
                if by is not None:
                    entry["by"] = by
                progress.append(entry)
            due = draw(st.one_of(st.none(), DAYS))
            plan.append({"id": f"{cid}-m{m}-k{k}", "what": "x",
                         "who": draw(st.lists(st.sampled_from(ids), unique=True, max_size=3))
                         if ids else [],
                         "by": due and due.isoformat(), "progress": progress})
        meetings.append({
            "id": f"{cid}-m{m}", "kind": draw(st.sampled_from(
                ["family_group_conference", "looked_after_review", "other"])),
            "on": on.isoformat(),
            "attended": draw(st.lists(st.sampled_from(ids), unique=True)) if ids else [],
            "participation": draw(st.one_of(st.none(), st.sampled_from(
                [f"PN{i}" for i in range(8)]))),
            "plan": plan})
    return {"format": "ecomap/1", "child": {"id": cid, "name": "C"}, "people": people,
            "ties": ties, "observations": observations, "meetings": meetings}


@settings(max_examples=150, deadline=None)
@given(documents(), DAYS, st.sampled_from(["combined", "child", "worker"]),
       st.sampled_from([90, 365]))
def test_engine_equals_naive_on_random_documents(
    raw: dict[str, Any], at: date, perspective: str, window: int
) -> None:
    doc = parse_document(raw)
    got = child_measures(doc, at, perspective, window)  # type: ignore[arg-type]
    expected = naive.child_measures(document_to_jsonable(doc), at, perspective, window)
    assert got["plans"] == expected["plans"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=6, unique=True).flatmap(
    lambda seeds: st.tuples(*[documents(i) for i in range(len(seeds))])), DAYS)
def test_cohort_path_equals_per_child_and_naive(
    raws: tuple[dict[str, Any], ...], at: date
) -> None:
    docs = [parse_document(r) for r in raws]
    values = plan_values(PlanTables.from_documents(docs), at)
    for i, doc in enumerate(docs):
        p = plans_measures(doc, at)
        kept = values.commitments_kept_rate[i]
        share = values.network_commitment_share[i]
        assert values.meetings[i] == p["meetings"]
        assert (None if kept != kept else float(kept)) == p["commitments_kept_rate"]
        assert (None if share != share else float(share)) == p["network_commitment_share"]
        conveyed = values.child_views_conveyed[i]
        assert (None if conveyed < 0 else bool(conveyed)) == p["child_views_conveyed"]
    assert plan_additions(PlanTables.from_documents(docs), at) == naive_plans.cohort_plans(
        [document_to_jsonable(d) for d in docs], at)


def test_engine_and_cohort_path_equal_naive_on_synthetic_meetings() -> None:
    from ecomap.synth import synthesize

    docs = list(synthesize(150, seed=3, meetings=True))
    assert sum(bool(d.meetings) for d in docs) > 50
    raw = [document_to_jsonable(d) for d in docs]
    for at in (date(2024, 12, 31), date(2025, 12, 31)):
        for doc, plain in zip(docs, raw, strict=True):
            for view in ("combined", "child"):
                got = child_measures(doc, at, view)["plans"]  # type: ignore[arg-type]
                assert got == naive.child_measures(plain, at, view)["plans"], doc.child.id
        tables = PlanTables.from_documents(docs)
        assert plan_additions(tables, at) == naive_plans.cohort_plans(raw, at)


def test_holders_chart_of_the_two_fixtures(fgc: EcomapDocument, lac: EcomapDocument) -> None:
    from ecomap.measures.plans_cohort import holders_chart

    tables = PlanTables.from_documents([fgc, lac])
    bars = {b["holder"]: b for b in holders_chart(tables, date(2025, 9, 30))}
    # open on 2025-09-30: fgc k4 (the child), k5 (gran: family + Pat: community);
    # lac k-lac-2 (Dee: carer, still agreed)
    assert {h: b["commitments"] for h, b in bars.items()} == {
        "family": 1, "carer": 1, "friend": 0, "community": 1, "volunteer": 0,
        "professional": 0, "child": 1}
    hidden = {b["holder"]: b["suppressed"] for b in holders_chart(tables, date(2025, 9, 30),
                                                                  min_children=2)}
    assert hidden["family"] and hidden["carer"] and not hidden["friend"]  # 0 children: shown


def test_plan_trend_equals_additions_month_by_month(
    fgc: EcomapDocument, lac: EcomapDocument,
) -> None:
    from ecomap.measures.plans_cohort import plan_trend

    tables = PlanTables.from_documents([fgc, lac])
    trend = plan_trend(tables, date(2025, 9, 30), 3)
    assert [p["at"] for p in trend] == ["2025-07-31", "2025-08-31", "2025-09-30"]
    assert trend[-1] == {"at": "2025-09-30", **plan_additions(tables, date(2025, 9, 30))}
