"""The plain-words changes between two versions of a child's document."""

from __future__ import annotations

from typing import Any

from ecomap.history import changes, created
from ecomap.model import EcomapDocument

CHILD = {"id": "c-ava", "name": "Ava", "status": "looked_after", "team": "North"}
GRAN = {"id": "p-gran", "name": "Maureen", "category": "family", "role": "grandparent"}
SAM = {"id": "sw-17", "name": "Sam", "category": "professional", "role": "social_worker"}
JO = {"id": "p-jo", "name": "Jo", "category": "friend"}
T_GRAN = {"id": "t1", "between": ["c-ava", "p-gran"], "started": "2012-04-01"}
T_SAM = {"id": "t2", "between": ["c-ava", "sw-17"], "started": "2023-09-01"}
T_JO = {"id": "t3", "between": ["c-ava", "p-jo"]}
T_GRAN_SAM = {"id": "t4", "between": ["p-gran", "sw-17"]}
RATE_JO = {"tie": "t3", "on": "2024-01-10", "by": "child", "closeness": 2, "contact": 3}


def doc(**parts: Any) -> EcomapDocument:
    return EcomapDocument.model_validate(
        {"format": "ecomap/1", "child": parts.pop("child", CHILD), **parts}
    )


BASE = doc(people=[GRAN, SAM, JO], ties=[T_GRAN, T_SAM, T_JO], observations=[RATE_JO])


def test_equal_documents_have_no_changes() -> None:
    assert changes(BASE, doc(**BASE.model_dump(mode="json", exclude={"format"}))) == []


def test_first_revision_is_the_creation_with_its_size() -> None:
    assert changes(None, BASE) == [created(BASE)]
    assert created(BASE) == "created the record (3 people, 3 ties, 1 ratings, 0 episodes)"


def test_people_added_renamed_recategorised_and_removed() -> None:
    after = doc(
        people=[{**GRAN, "name": "Mo", "category": "carer"}, SAM, {**JO, "adult": True}],
        ties=[T_GRAN, T_SAM, T_JO],
        observations=[RATE_JO],
    )
    assert changes(BASE, after) == [
        "renamed Maureen → Mo",
        "category of Mo family → carer",
        "paid of Mo no → yes",  # a carer is paid unless the document says otherwise
        "adult of Jo no → yes",
    ]
    fewer = doc(people=[GRAN, JO], ties=[T_GRAN, T_JO], observations=[RATE_JO])
    assert changes(BASE, fewer) == ["removed tie with Sam", "removed Sam"]
    assert changes(fewer, BASE) == ["added Sam", "added tie with Sam from 2023-09-01"]


def test_tie_ended_reopened_and_between_two_people() -> None:
    ended = {**T_SAM, "ended": "2024-06-30", "end_reason": "moved_placement"}
    after = doc(
        people=[GRAN, SAM, JO], ties=[T_GRAN, ended, T_JO, T_GRAN_SAM], observations=[RATE_JO]
    )
    assert changes(BASE, after) == [
        "ended tie with Sam: moved_placement (2024-06-30)",
        "added tie between Maureen and Sam",
    ]
    assert changes(after, BASE) == [
        "tie with Sam no longer ended (was 2024-06-30)",
        "removed tie between Maureen and Sam",
    ]


def test_corrected_rating_names_the_person_and_both_values() -> None:
    after = doc(
        people=[GRAN, SAM, JO],
        ties=[T_GRAN, T_SAM, T_JO],
        observations=[{**RATE_JO, "closeness": 3, "note": "private words"}],
    )
    said = changes(BASE, after)
    assert said == [
        "closeness of Jo 2 → 3 (2024-01-10, the child's view)",
        "added the note on Jo (2024-01-10, the child's view)",
    ]
    assert not any("private" in line for line in said)


def test_new_rating_is_compared_with_the_same_sides_previous_one() -> None:
    later = {"tie": "t3", "on": "2024-04-01", "by": "child", "closeness": 3, "contact": 3}
    worker = {"tie": "t3", "on": "2024-04-02", "by": "worker", "trusted": True}
    after = doc(
        people=[GRAN, SAM, JO],
        ties=[T_GRAN, T_SAM, T_JO],
        observations=[RATE_JO, later, worker],
    )
    assert changes(BASE, after) == [
        "closeness of Jo 2 → 3 (2024-04-01, the child's view)",
        "rated Jo (2024-04-02, the worker's view): trust yes",
    ]
    again = doc(
        people=[GRAN, SAM, JO],
        ties=[T_GRAN, T_SAM, T_JO],
        observations=[RATE_JO, {**RATE_JO, "on": "2024-05-01"}],
    )
    assert changes(BASE, again) == ["rated Jo again, unchanged (2024-05-01, the child's view)"]
    assert changes(again, BASE) == ["removed a rating of Jo (2024-05-01, the child's view)"]


def test_two_ratings_on_one_day_stay_apart() -> None:
    twice = doc(
        people=[GRAN, SAM, JO],
        ties=[T_GRAN, T_SAM, T_JO],
        observations=[RATE_JO, {**RATE_JO, "closeness": 1}],
    )
    assert changes(BASE, twice) == ["closeness of Jo 2 → 1 (2024-01-10, the child's view)"]


def test_child_fields_and_episodes() -> None:
    before = doc(episodes=[{"kind": "placement", "start": "2023-09-01"}])
    after = doc(
        child={**CHILD, "status": "care_leaver"},
        episodes=[
            {"kind": "placement", "start": "2023-09-01", "end": "2024-09-01"},
            {"kind": "placement", "start": "2024-09-01", "reason": "moved_placement"},
        ],
    )
    assert changes(before, after) == [
        "status of the child looked_after → care_leaver",
        "end of placement from 2023-09-01 none → 2024-09-01",
        "added placement from 2024-09-01 (moved_placement)",
    ]
    assert changes(after, before)[-1] == "removed placement from 2024-09-01"
