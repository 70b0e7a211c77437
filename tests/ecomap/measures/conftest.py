"""Shared helpers for the measures tests: the hand-checked fixtures and tiny named documents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from ecomap.model import CATEGORIES, STATUSES, SUPPORT_TYPES, EcomapDocument

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def load_fixture(name: str) -> EcomapDocument:
    """One of the hand-checked documents in ``fixtures/``."""
    return EcomapDocument.model_validate_json((FIXTURES / f"{name}.json").read_text())


def build_doc(
    people: list[dict[str, Any]] | None = None,
    ties: list[dict[str, Any]] | None = None,
    observations: list[dict[str, Any]] | None = None,
    episodes: list[dict[str, Any]] | None = None,
    child: str = "c",
    **child_fields: Any,
) -> EcomapDocument:
    """A small document around child ``child`` (names are placeholders); ``child_fields``
    (``status``, ``team``, ...) go on the child."""
    return EcomapDocument.model_validate(
        {
            "format": "ecomap/1",
            "child": {"id": child, "name": "Child", **child_fields},
            "people": [{"name": "Someone", **p} for p in people or []],
            "ties": ties or [],
            "observations": observations or [],
            "episodes": episodes or [],
        }
    )


DocMaker = Callable[..., EcomapDocument]


@pytest.fixture(scope="session")
def make_doc() -> DocMaker:
    """The :func:`build_doc` factory (tests take it as a fixture)."""
    return build_doc


@pytest.fixture(scope="session")
def mia() -> EcomapDocument:
    """Foster care after a placement move (fixtures/foster-care-after-move.json)."""
    return load_fixture("foster-care-after-move")


BASE = date(2022, 1, 1)
SPAN = 4 * 365


def _day(offset: int) -> str:
    return (BASE + timedelta(days=offset)).isoformat()


@st.composite
def documents(draw: st.DrawFn, child: str = "c") -> EcomapDocument:
    """A random, valid document around ``child``: people, ties both ways round, dated
    observations (same-day ones included), person-person ties and placements."""
    n = draw(st.integers(0, 7))
    people: list[dict[str, Any]] = []
    for i in range(n):
        person: dict[str, Any] = {
            "id": f"{child}-p{i}",
            "category": draw(st.sampled_from(CATEGORIES)),
        }
        if draw(st.booleans()):
            person["adult"] = draw(st.booleans())
        if draw(st.booleans()):
            person["paid"] = draw(st.booleans())
        if draw(st.integers(0, 3)) == 0:
            person["role"] = "social_worker"
        people.append(person)
    ties: list[dict[str, Any]] = []
    observations: list[dict[str, Any]] = []
    for i, person in enumerate(people):
        for k in range(draw(st.integers(0, 2))):
            start = draw(st.one_of(st.none(), st.integers(0, SPAN)))
            tie: dict[str, Any] = {
                "id": f"{child}-t{i}-{k}",
                "between": [child, person["id"]] if draw(st.booleans()) else [person["id"], child],
                "started": None if start is None else _day(start),
            }
            if draw(st.booleans()):
                tie["ended"] = _day((start or 0) + draw(st.integers(0, 800)))
            ties.append(tie)
            for _ in range(draw(st.integers(0, 4))):
                obs: dict[str, Any] = {
                    "tie": tie["id"],
                    "on": _day(draw(st.integers(start or 0, SPAN))),
                    "by": draw(st.sampled_from(["child", "worker", "carer", "family", "other"])),
                }
                for name, values in (
                    ("closeness", [1, 2, 3]),
                    ("contact", [0, 1, 2, 3, 4]),
                    ("critical", [1, 2, 3]),
                    ("direction", ["both", "to_child", "from_child"]),
                    ("trusted", [True, False]),
                ):
                    if draw(st.booleans()):
                        obs[name] = draw(st.sampled_from(values))
                if draw(st.booleans()):
                    obs["support"] = {
                        kind: draw(st.integers(1, 3))
                        for kind in SUPPORT_TYPES
                        if draw(st.booleans())
                    }
                observations.append(obs)
    for j in range(draw(st.integers(0, 3)) if n >= 2 else 0):
        a, b = draw(st.sampled_from(people))["id"], draw(st.sampled_from(people))["id"]
        if a != b:
            start = draw(st.one_of(st.none(), st.integers(0, SPAN)))
            ties.append(
                {
                    "id": f"{child}-pp{j}",
                    "between": [a, b],
                    "started": None if start is None else _day(start),
                }
            )
    episodes = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, SPAN))
        end = draw(st.one_of(st.none(), st.integers(start, SPAN + 100)))
        episodes.append(
            {"kind": "placement", "start": _day(start), "end": None if end is None else _day(end)}
        )
    for kind, values in (("status", STATUSES), ("team", ("North", "South", "East"))):
        day = draw(st.integers(-200, SPAN))
        for _ in range(draw(st.integers(0, 4))):  # consecutive or with a gap (closed)
            length = draw(st.one_of(st.none(), st.integers(1, 500)))
            episode = {"kind": kind, kind: draw(st.sampled_from(values)), "start": _day(day)}
            if length is not None:
                episode["end"] = _day(day + length)
            episodes.append(episode)
            if length is None:
                break
            day += length + draw(st.sampled_from([0, 0, 1, 90]))
    fields: dict[str, Any] = {}
    if draw(st.booleans()):
        fields["status"] = draw(st.sampled_from(STATUSES))
    if draw(st.booleans()):
        fields["team"] = draw(st.sampled_from(["North", "South"]))
    for kind in ("status", "team"):  # the current value must agree with the episodes
        dated = [e for e in episodes if e["kind"] == kind]
        if dated:
            fields[kind] = dated[-1][kind]
    episodes = draw(st.permutations(episodes))
    # observations are shuffled across ties but same-day order is what it is
    observations = draw(st.permutations(observations))
    return build_doc(people, ties, list(observations), list(episodes), child=child, **fields)


@pytest.fixture(scope="session")
def document_strategy() -> st.SearchStrategy[EcomapDocument]:
    """Random valid documents (draw with ``data.draw``)."""
    return documents()


@pytest.fixture(scope="session")
def document_factory() -> Callable[..., st.SearchStrategy[EcomapDocument]]:
    """The :func:`documents` strategy builder (``child=`` names the child)."""
    return documents
