"""The synthetic local authority: deterministic, valid, plausible, and made-up names only."""

from __future__ import annotations

import io
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from ecomap.format import dump_document, parse_document, validate_document, write_jsonl
from ecomap.model import STATUSES, EcomapDocument, Person
from ecomap.names import ADULT_GIVEN_NAMES, GIVEN_NAMES, SURNAMES
from ecomap.synth import synthesize, write_synthetic_jsonl
from ecomap.synth_workforce import TEAMS

AS_AT = date(2025, 12, 31)
YEAR_AGO = AS_AT - timedelta(days=365)


@pytest.fixture(scope="module")
def cohort() -> list[EcomapDocument]:
    """1,200 children (about 12 units of the workforce) from one seed."""
    return list(synthesize(1200, seed=20251231))


def _child_ties(doc: EcomapDocument) -> list[tuple[str, date | None, date | None, str | None]]:
    """(member, started, ended, end_reason) of each tie that touches the child."""
    out: list[tuple[str, date | None, date | None, str | None]] = []
    for tie in doc.ties:
        a, b = tie.between
        if doc.child.id in (a, b):
            out.append((b if a == doc.child.id else a, tie.started, tie.ended, tie.end_reason))
    return out


def _people(doc: EcomapDocument) -> dict[str, Person]:
    return {p.id: p for p in doc.people}


# ---------------------------------------------------------------------- determinism


def test_same_seed_same_documents() -> None:
    assert list(synthesize(30, seed=4)) == list(synthesize(30, seed=4))


def test_other_seed_or_authority_other_documents() -> None:
    base = list(synthesize(10, seed=4))
    assert base != list(synthesize(10, seed=5))
    other = list(synthesize(10, seed=4, authority="Brackwater"))
    assert [d.child.id[:4] for d in other] == ["bra-"] * 10
    assert [d.child.name for d in other] != [d.child.name for d in base]


def test_a_child_does_not_depend_on_how_many_are_made() -> None:
    assert list(synthesize(150, seed=9))[:20] == list(synthesize(20, seed=9))


def test_zero_children_and_negative() -> None:
    assert list(synthesize(0, seed=1)) == []
    with pytest.raises(ValueError, match="children"):
        list(synthesize(-1, seed=1))


# ---------------------------------------------------------------------- validity


def test_every_document_passes_the_format(cohort: list[EcomapDocument]) -> None:
    for doc in cohort:
        assert validate_document(doc) == [], doc.child.id
        assert parse_document(dump_document(doc), source=doc.child.id) == doc


def test_fast_writer_is_byte_identical_to_write_jsonl() -> None:
    fast, canonical = io.StringIO(), io.StringIO()
    assert write_synthetic_jsonl(fast, 60, seed=3) == 60
    write_jsonl(synthesize(60, seed=3), canonical)
    assert fast.getvalue() == canonical.getvalue()


def test_history_ends_on_as_at() -> None:
    as_at = date(2024, 6, 30)
    docs = list(synthesize(60, seed=2, as_at=as_at))
    on = [o.on for d in docs for o in d.observations]
    assert max(on) <= as_at
    assert min(on) >= as_at - timedelta(days=3 * 366)
    starts = [t.started for d in docs for t in d.ties if t.started is not None]
    assert max(starts) <= as_at


def test_ids_are_unique_across_the_cohort(cohort: list[EcomapDocument]) -> None:
    child_ids = [d.child.id for d in cohort]
    tie_ids = [t.id for d in cohort for t in d.ties]
    assert len(set(child_ids)) == len(child_ids)
    assert len(set(tie_ids)) == len(tie_ids)


# ---------------------------------------------------------------------- plausibility


def test_network_sizes(cohort: list[EcomapDocument]) -> None:
    sizes = [len(d.people) for d in cohort]
    assert min(sizes) >= 7
    assert max(sizes) <= 40
    usual = sum(7 <= s <= 26 for s in sizes) / len(sizes)
    assert usual >= 0.95
    assert any(s > 26 for s in sizes)  # family finding makes a few large networks
    assert 12 <= statistics.mean(sizes) <= 20


def test_statuses_and_teams(cohort: list[EcomapDocument]) -> None:
    statuses = Counter(d.child.status for d in cohort)
    assert set(statuses) == set(STATUSES)
    share = {s: n / len(cohort) for s, n in statuses.items()}
    assert 0.25 <= share["looked_after"] <= 0.45
    assert 0.15 <= share["child_in_need"] <= 0.40
    for status in ("child_protection", "early_help", "care_leaver"):
        assert 0.04 <= share[status] <= 0.25, status
    assert {d.child.team for d in cohort} <= set(TEAMS)
    assert all(d.child.status == "care_leaver" for d in cohort if d.child.team == "Leaving Care")


def test_every_category_appears_in_plausible_proportions(cohort: list[EcomapDocument]) -> None:
    categories = Counter(p.category for d in cohort for p in d.people)
    total = sum(categories.values())
    share = {c: n / total for c, n in categories.items()}
    assert share["family"] > share["friend"] > share["community"] > share["volunteer"] > 0
    assert 0.15 <= share["professional"] <= 0.40
    assert 0.02 <= share["carer"] <= 0.15


def test_people_attributes_follow_their_category(cohort: list[EcomapDocument]) -> None:
    for doc in cohort:
        for p in doc.people:
            if p.category == "friend":
                assert not p.adult
            if p.category in ("professional", "carer"):
                assert p.paid
            else:
                assert not p.paid


def test_shared_professionals_are_the_same_person_everywhere(
    cohort: list[EcomapDocument],
) -> None:
    seen: dict[str, Person] = {}
    documents: Counter[str] = Counter()
    for doc in cohort:
        for p in doc.people:
            assert seen.setdefault(p.id, p) == p, p.id
            documents[p.id] += 1
    shared = {pid for pid, n in documents.items() if n > 1}
    assert shared
    assert all(seen[pid].category == "professional" for pid in shared)
    roles = {seen[pid].role for pid in shared}
    assert {"social_worker", "teacher", "iro"} <= roles


def test_social_worker_caseloads_are_about_sixteen(cohort: list[EcomapDocument]) -> None:
    caseload: Counter[str] = Counter()
    for doc in cohort:
        people = _people(doc)
        for member, started, ended, _ in _child_ties(doc):
            if people[member].role != "social_worker":
                continue
            if (started is None or started <= AS_AT) and (ended is None or ended > AS_AT):
                caseload[member] += 1
    assert 10 <= statistics.median(caseload.values()) <= 22


def test_about_a_quarter_of_looked_after_children_had_three_social_workers(
    cohort: list[EcomapDocument],
) -> None:
    counts = []
    for doc in cohort:
        if doc.child.status != "looked_after":
            continue
        people = _people(doc)
        workers = {
            member
            for member, started, ended, _ in _child_ties(doc)
            if people[member].role == "social_worker"
            and (started is None or started <= AS_AT)
            and (ended is None or ended > YEAR_AGO + timedelta(days=1))
        }
        counts.append(len(workers))
    assert len(counts) > 300
    high = sum(n >= 3 for n in counts) / len(counts)
    assert 0.17 <= high <= 0.35
    assert sum(n >= 2 for n in counts) / len(counts) > high  # most changes are single


def test_moves_and_worker_changes_end_ties(cohort: list[EcomapDocument]) -> None:
    reasons = Counter(r for d in cohort for *_, r in _child_ties(d) if r)
    assert reasons["worker_changed"] > reasons["moved_placement"] > 0
    for doc in cohort:
        moves = {e.start for e in doc.episodes if e.kind == "placement"}
        for member, _, ended, reason in _child_ties(doc):
            if reason == "moved_placement":
                assert ended is not None
                # the day of the move, or the school change a fortnight after it
                assert ended in moves or ended - timedelta(days=14) in moves, (doc.child.id, member)
            if reason == "worker_changed":
                assert _people(doc)[member].category == "professional"


def test_looked_after_children_have_placements(cohort: list[EcomapDocument]) -> None:
    for doc in cohort:
        placements = [e for e in doc.episodes if e.kind == "placement"]
        if doc.child.status == "looked_after":
            assert placements and placements[-1].end is None, doc.child.id
        if doc.child.status in ("child_in_need", "child_protection", "early_help"):
            assert not placements


def test_person_to_person_ties_exist(cohort: list[EcomapDocument]) -> None:
    among_members = [
        t for d in cohort for t in d.ties if d.child.id not in t.between
    ]
    assert len(among_members) > len(cohort)


def test_quarterly_observations_from_worker_and_most_children(
    cohort: list[EcomapDocument],
) -> None:
    with_child_view = sum(any(o.by == "child" for o in d.observations) for d in cohort)
    assert 0.65 <= with_child_view / len(cohort) <= 0.85
    assert all(any(o.by == "worker" for o in d.observations) for d in cohort)
    # a looked-after child known for the whole window is seen by the worker every quarter
    for doc in cohort:
        days = {o.on for o in doc.observations if o.by == "worker"}
        if doc.child.status == "looked_after" and all(
            e.start < AS_AT - timedelta(days=3 * 365) for e in doc.episodes
            if e.kind == "placement" and e.reason == "entered_care"
        ) and any(e.reason == "entered_care" for e in doc.episodes):
            assert len(days) >= 10, doc.child.id


def test_ratings_follow_category(cohort: list[EcomapDocument]) -> None:
    closeness: defaultdict[str, list[int]] = defaultdict(list)
    trusted: Counter[str] = Counter()
    for doc in cohort:
        people = _people(doc)
        member_of = {t.id: t.between[1] for t in doc.ties if t.between[0] == doc.child.id}
        for o in doc.observations:
            person = people[member_of[o.tie]]
            if o.closeness is not None:
                closeness[person.category].append(o.closeness)
            if o.trusted:
                assert person.adult
                trusted[person.role or person.category] += 1
    mean = {c: statistics.mean(v) for c, v in closeness.items()}
    assert mean["family"] > mean["professional"]
    assert mean["carer"] > mean["professional"]
    assert trusted["grandparent"] > trusted["social_worker"] > 0
    critical = [o for d in cohort for o in d.observations if o.critical == 3]
    assert critical


def test_only_made_up_names(cohort: list[EcomapDocument]) -> None:
    given = set(GIVEN_NAMES) | set(ADULT_GIVEN_NAMES)
    surnames = set(SURNAMES)
    names = [d.child.name for d in cohort] + [p.name for d in cohort for p in d.people]
    for name in names:
        first, *rest = name.split(" ")
        assert first in given, name
        assert len(rest) <= 1 and all(r in surnames for r in rest), name
    assert not given & surnames
