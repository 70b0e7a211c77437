"""Synthetic journeys: valid, varied and realistic status and team episodes."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from random import Random

import pytest

from ecomap.episodes import case_on
from ecomap.format import validate_document
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize
from ecomap.synth_journey import journey


@pytest.fixture(scope="module")
def authority() -> list[EcomapDocument]:
    return list(synthesize(300, 5))


def statuses(doc: EcomapDocument) -> list[str]:
    return [e.status or "" for e in doc.episodes if e.kind == "status"]


def test_every_journey_keeps_the_rules_and_ends_where_the_child_is(
    authority: list[EcomapDocument],
) -> None:
    for doc in authority:
        assert validate_document(doc) == [], doc.child.id
        assert statuses(doc)[-1] == doc.child.status
        team = [e for e in doc.episodes if e.kind == "team"]
        assert team[-1].team == doc.child.team and team[-1].end is None
        assert case_on(doc, date(2025, 12, 31)).open


def test_journeys_skip_reverse_close_and_transfer(authority: list[EcomapDocument]) -> None:
    ladder = ["early_help", "child_in_need", "child_protection", "looked_after", "care_leaver"]
    paths = [statuses(doc) for doc in authority]
    steps = [(ladder.index(a), ladder.index(b)) for p in paths for a, b in pairwise(p)]
    assert any(b - a >= 2 for a, b in steps)  # a step skipped
    assert any(b < a for a, b in steps)  # a step reversed
    assert any(p[:1] == ["looked_after"] for p in paths)  # straight into care
    assert any("early_help" in p[p.index("child_in_need"):] for p in paths
               if "child_in_need" in p)  # ping-pong
    closed = [doc for doc in authority
              if any(a.end != b.start for a, b in pairwise(
                  [e for e in doc.episodes if e.kind == "status"]))]
    assert len(closed) > 20  # cases closed and reopened
    moved = [doc for doc in authority
             if len({e.team for e in doc.episodes if e.kind == "team"}) > 1]
    assert len(moved) > 20  # transfers between teams


@pytest.mark.parametrize("seed", range(20))
def test_a_care_leaver_left_care_at_18_into_the_leaving_care_team(seed: int) -> None:
    birth, left = date(2005, 3, 1).toordinal(), date(2023, 3, 1).toordinal()
    episodes = journey(Random(seed), status="care_leaver", team="Leaving Care",
                       opened=date(2019, 6, 1).toordinal(), as_at=date(2025, 12, 31).toordinal(),
                       birth=birth, left=left)
    status = [e for e in episodes if e["kind"] == "status"]
    assert [e["status"] for e in status[-2:]] == ["looked_after", "care_leaver"]
    assert status[-2]["start"] == "2019-06-01" and status[-1]["start"] == "2023-03-01"
    team = [e for e in episodes if e["kind"] == "team"]
    assert team[-1] == {"kind": "team", "start": "2023-03-01", "team": "Leaving Care"}


def test_no_child_is_open_long_before_the_history(authority: list[EcomapDocument]) -> None:
    assert not any(case_on(doc, date(2012, 12, 31)).open for doc in authority)
    counts = [sum(case_on(doc, date(y, 12, 31)).open for doc in authority)
              for y in (2019, 2022, 2025)]
    assert counts[0] < counts[1] < counts[2] == len(authority)
