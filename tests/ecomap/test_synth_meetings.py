"""Synthetic meetings: valid, plausible, and nothing else in a record changes."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

import pytest

from ecomap.model import EcomapDocument
from ecomap.synth import synthesize

AS_AT = date(2025, 12, 31)


@pytest.fixture(scope="module")
def docs() -> list[EcomapDocument]:
    return list(synthesize(400, seed=14, meetings=True))


def test_only_meetings_are_added(docs: list[EcomapDocument]) -> None:
    plain = list(synthesize(40, seed=14))
    assert all(not d.meetings for d in plain)
    assert [d.model_copy(update={"meetings": []}) for d in docs[:40]] == plain


def test_looked_after_children_have_six_monthly_reviews(docs: list[EcomapDocument]) -> None:
    looked_after = [d for d in docs if d.child.status == "looked_after"]
    assert looked_after
    for d in looked_after:
        reviews = [m.on for m in d.meetings if m.kind == "looked_after_review"]
        assert reviews, d.child.id
        gaps = {(b - a).days for a, b in itertools.pairwise(reviews)}
        assert gaps <= {91, 182}
        assert AS_AT - reviews[-1] <= timedelta(days=182)


def test_participation_codes_spread_and_under_fours_are_pn0(docs: list[EcomapDocument]) -> None:
    codes: Counter[str] = Counter()
    for d in docs:
        for m in d.meetings:
            assert m.participation is not None
            codes[m.participation] += 1
            assert d.child.birth_date is not None
            under_four = m.on < d.child.birth_date.replace(year=d.child.birth_date.year + 4)
            assert (m.participation == "PN0") == under_four
    assert set(codes) == {f"PN{i}" for i in range(8)}
    assert codes.most_common(1)[0][0] == "PN1"


def test_some_children_in_need_or_on_a_plan_have_a_family_group_conference(
    docs: list[EcomapDocument],
) -> None:
    for status in ("child_in_need", "child_protection"):
        group = [d for d in docs if d.child.status == status]
        with_fgc = [d for d in group if any(m.kind == "family_group_conference"
                                            for m in d.meetings)]
        assert 0 < len(with_fgc) < len(group)


def test_commitments_are_held_by_every_kind_of_person_and_some_are_kept(
    docs: list[EcomapDocument],
) -> None:
    holders: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    sides: Counter[str] = Counter()
    for d in docs:
        category = {p.id: p.category for p in d.people}
        for m in d.meetings:
            for k in m.plan:
                holders.update(category[w] for w in k.who)
                holders["child"] += not k.who
                ends[k.progress[-1].state if k.progress else "agreed"] += 1
                assert all(p.on <= AS_AT for p in k.progress)
                sides.update(p.by or "" for p in k.progress)
    assert {"family", "friend", "community", "volunteer", "professional", "carer",
            "child"} <= set(holders)
    assert ends["done"] > 0 and ends["not_done"] > 0 and ends["agreed"] > 0
    assert {"child", "worker", "family"} <= set(sides)  # the child says whether it happens
