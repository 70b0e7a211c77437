"""Random edit sequences for the stores' packed-column contract tests
(test_cohort_packed.py, test_plans_packed.py): writes, closes, reopens, restores,
person edits and erases, each step applied to a store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ecomap.model import EcomapDocument, Person
from graph.base import ChildNotFound, GraphStore, PersonNotFound, RevisionNotFound

ACTOR = "u-worker"
POOL = ["p-a", "p-b", "p-c", "p-d"]
KIDS = ["c-1", "c-2", "c-3"]
DETAILS = [  # what a person edit may change to
    {"category": "family"},
    {"category": "friend"},
    {"category": "professional", "role": "social_worker"},
    {"category": "professional", "role": "teacher", "paid": False},
    {"category": "carer", "adult": False},
]

Step = tuple[Any, ...]


def edit_steps(write: st.SearchStrategy[Step], *,
               max_size: int) -> st.SearchStrategy[list[Step]]:
    """Sequences of steps: ``write`` (a ``("write", child, ...)`` tuple) twice as likely
    as each other edit, person edits twice as likely too."""
    close = st.tuples(st.just("close"), st.sampled_from(KIDS))
    reopen = st.tuples(st.just("reopen"), st.sampled_from(KIDS))
    restore = st.tuples(st.just("restore"), st.sampled_from(KIDS), st.integers(0, 12))
    person = st.tuples(st.just("person"), st.sampled_from(POOL), st.sampled_from(DETAILS))
    erase = st.tuples(st.just("erase"), st.sampled_from(KIDS))
    return st.lists(st.one_of(write, write, close, reopen, restore, person, person, erase),
                    min_size=1, max_size=max_size)


def apply_edit(store: GraphStore, step: Step,
               document: Callable[[Step], EcomapDocument]) -> None:
    """Do ``step`` (a write stores ``document(step)``); a refusal (no such child, person
    or revision) is a step too."""
    kind, target = step[0], step[1]
    try:
        if kind == "write":
            store.replace(document(step), actor=ACTOR, update_people=True)
        elif kind == "close":
            store.close_record(target, actor=ACTOR)
        elif kind == "reopen":
            store.reopen_record(target, actor=ACTOR)
        elif kind == "restore":
            store.restore(target, step[2], actor=ACTOR)
        elif kind == "person":
            store.update_person(Person.model_validate(
                {"id": target, "name": target.upper(), **step[2]}), actor="u-admin")
        else:
            store.erase(target, actor="u-admin", reason="test")
    except (ChildNotFound, PersonNotFound, RevisionNotFound):
        pass
