"""Disclosure control holds: nothing a leader may see recovers a withheld figure.

A leader can ask for the authority, a team, a status, or a team and a status, on any
date, and compare any of those answers with any other. Every figure is a count over
the children behind it (a rate times its ``n``; a median's ``n``), so whatever adding
and subtracting shown figures can reveal is the linear span of the shown scopes over
the table's cells. These tests collect every scope's answer exactly as a leader gets it
and assert, by exact linear algebra over the cells, that no withheld figure (and no
group of fewer than the minimum children, requestable or not) lies in that span - so
no sum or difference of shown figures recovers it. They also replay the attack of
issue 12 (nested scopes down to one child) and check what the figures route sends.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import numpy as np
import pytest

from ecomap.dashboard import base_flags, leader_measures
from ecomap.disclosure import NONE, Table, queryable, suppressed_keys
from ecomap.measures.cohort import CohortValues, cohort_values, scope_rows
from ecomap.measures.figures import FIGURE_BASE, FIGURE_NAMES, CohortMeasures
from ecomap.measures.settings import DEFAULT_SETTINGS
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize

MINIMUM = 5
DATES = [date(2023, 12, 31), date(2024, 6, 30), date(2025, 6, 30), date(2025, 12, 31)]


def few(child: str, team: str, status: str, trusted: bool) -> EcomapDocument:
    """A child in a small corner of the table (so small cells exist on every date)."""
    return EcomapDocument.model_validate({
        "format": "ecomap/1",
        "child": {"id": child, "name": "A child"},
        "people": [{"id": f"{child}-p", "name": "An adult", "category": "family"}],
        "ties": [{"id": f"{child}-t", "between": [child, f"{child}-p"],
                  "started": "2020-01-01"}],
        "observations": [{"tie": f"{child}-t", "on": "2023-06-01", "by": "child",
                          "closeness": 3, "trusted": trusted}],
        "episodes": [{"kind": "status", "status": status, "start": "2023-01-01"},
                     {"kind": "team", "team": team, "start": "2023-01-01"}],
    })


@pytest.fixture(scope="module")
def tables() -> CohortTables:
    docs = list(synthesize(300, 12))
    docs += [few("x-1", "South", "care_leaver", True),  # one care leaver in South
             few("x-2", "Fostering", "looked_after", False),  # a team of two
             few("x-3", "Fostering", "looked_after", True)]
    return CohortTables.from_documents(docs)


def answers(values: CohortValues, at: date) -> dict[tuple[str | None, str | None],
                                                     CohortMeasures]:
    """Every scope an authority leader (or any team leader) can request, as they see it."""
    opened = scope_rows(values)
    teams = sorted({t for t in values.team[opened] if t is not None})
    statuses = sorted({s for s in values.status[opened] if s is not None})
    return {
        (team, status): leader_measures(values, at, DEFAULT_SETTINGS, MINIMUM,
                                        team=team, status=status)
        for team in (None, *teams) for status in (None, *statuses)
    }


def exact_rank(rows: list[list[Fraction]]) -> int:
    """The rank of a matrix of fractions (Gaussian elimination, no rounding)."""
    matrix = [row[:] for row in rows]
    rank, width = 0, len(matrix[0]) if matrix else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][col] != 0:
                factor = matrix[r][col] / matrix[rank][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def in_span(shown: list[list[Fraction]], target: list[Fraction]) -> bool:
    return exact_rank([*shown, target]) == exact_rank(shown) if shown else not any(target)


def cells_of(values: CohortValues) -> list[tuple[str, str]]:
    opened = scope_rows(values)
    return [(t if t is not None else NONE, s if s is not None else NONE)
            for t, s in zip(values.team[opened], values.status[opened], strict=True)]


@pytest.mark.parametrize("at", DATES)
def test_no_withheld_figure_lies_in_the_span_of_shown_ones(tables: CohortTables,
                                                           at: date) -> None:
    values = cohort_values(tables, at, DEFAULT_SETTINGS)
    seen = answers(values, at)
    cells = cells_of(values)
    table = Table.of(cells)
    flags = base_flags(values)
    opened = scope_rows(values)
    withheld_somewhere = 0
    for name in FIGURE_NAMES:
        base = flags[FIGURE_BASE[name]][opened]
        n_cell = {c: 0 for c in table.cells}
        for cell, flag in zip(cells, base, strict=True):
            n_cell[cell] += int(flag)

        def vector(key: tuple[str | None, str | None]) -> list[Fraction]:
            return [Fraction(int(x)) for x in table.vector(key)]

        shown = [vector(k) for k, m in seen.items() if not m.figure(name).suppressed]
        for key, measures in seen.items():
            figure = measures.figure(name)
            n = sum(n_cell[c] for c in table.cells if c in {table.cells[i] for i in
                                                          table.members(key)})
            if figure.suppressed:
                withheld_somewhere += 1
                assert not in_span(shown, vector(key)), (name, key)
            else:
                assert figure.n == n, (name, key)  # the n shown is the true n
        # no group of fewer than the minimum children - a cell, or a part of the table a
        # leader cannot request (no team, no status) - is recoverable either
        for key in table.keys:
            n = sum(n_cell[table.cells[i]] for i in table.members(key))
            if 0 < n < MINIMUM:
                assert not in_span(shown, vector(key)), (name, key, n)
    assert withheld_somewhere > 0  # the table does have small corners to protect


@pytest.mark.parametrize("at", DATES)
def test_every_pair_of_scopes_differs_by_none_or_enough_children(tables: CohortTables,
                                                                 at: date) -> None:
    values = cohort_values(tables, at, DEFAULT_SETTINGS)
    seen = answers(values, at)
    cells = cells_of(values)
    table = Table.of(cells)
    members = {key: set(table.members(key)) for key in seen}
    flags = base_flags(values)
    opened = scope_rows(values)
    for name in FIGURE_NAMES:
        base = flags[FIGURE_BASE[name]][opened]
        counts = np.zeros(len(table.cells), dtype=np.int64)
        for cell, flag in zip(cells, base, strict=True):
            counts[table.cells.index(cell)] += int(flag)
        shown = [k for k, m in seen.items() if not m.figure(name).suppressed]
        for a in shown:
            for b in shown:
                if a != b and members[b] < members[a]:
                    left = int(counts[sorted(members[a] - members[b])].sum())
                    assert left == 0 or left >= MINIMUM, (name, a, b, left)


def test_the_subtraction_attack_of_issue_12_recovers_nothing(tables: CohortTables) -> None:
    # South's care leaver is the only one: "South" minus South's other statuses would be
    # that child's exact answer, if all of them were shown.
    at = date(2025, 12, 31)
    values = cohort_values(tables, at, DEFAULT_SETTINGS)
    seen = answers(values, at)
    alone = seen[("South", "care_leaver")]
    assert alone.children == 1
    assert all(f.suppressed or f.n == 0 for f in alone.figures().values())
    for name in FIGURE_NAMES:
        south = seen[("South", None)].figure(name)
        parts = [seen[("South", s)].figure(name) for s in
                 ("early_help", "child_in_need", "child_protection", "looked_after")
                 if ("South", s) in seen]
        if south.suppressed or south.n == 0:
            continue
        others_shown = [p for p in parts if not p.suppressed]
        hidden_n = south.n - sum(p.n or 0 for p in others_shown)
        # what subtraction leaves is never the one child alone
        assert hidden_n == 0 or hidden_n >= MINIMUM, (name, hidden_n)
    # and a team of two shows counts only
    fostering = seen[("Fostering", None)]
    assert fostering.children == 2
    assert all(f.suppressed or f.n == 0 for f in fostering.figures().values())


def test_suppression_is_one_decision_for_every_asker(tables: CohortTables) -> None:
    # a team leader's view of their team equals the authority leader's view of it
    at = date(2025, 6, 30)
    values = cohort_values(tables, at, DEFAULT_SETTINGS)
    authority = answers(values, at)
    for (team, status), measures in authority.items():
        again = leader_measures(values, at, DEFAULT_SETTINGS, MINIMUM, team=team,
                                status=status)
        assert again == measures
    n_by_cell: dict[tuple[str, str], int] = {}
    for cell in cells_of(values):
        n_by_cell[cell] = n_by_cell.get(cell, 0) + 1
    decided = suppressed_keys(n_by_cell, MINIMUM)
    assert all(queryable(k) for k in decided)
    assert all(authority[k].trust_answered_rate.suppressed == (k in decided)
               for k in authority)


def test_random_tables_are_protected() -> None:
    rng = np.random.default_rng(12)
    for _ in range(60):
        teams = ["A", "B", "C", NONE][: rng.integers(1, 5)]
        statuses = ["s1", "s2", "s3", NONE][: rng.integers(1, 5)]
        n_by_cell = {(t, s): int(rng.choice([0, 1, 2, 3, 4, 6, 9, 20]))
                     for t in teams for s in statuses}
        n_by_cell = {c: n for c, n in n_by_cell.items() if n > 0} or {("A", "s1"): 1}
        decided = suppressed_keys(n_by_cell, MINIMUM)
        table = Table.of(n_by_cell)
        counts = np.array([n_by_cell[c] for c in table.cells])
        shown = [[Fraction(int(x)) for x in table.vector(k)] for k in table.keys
                 if queryable(k) and k not in decided]
        for key in table.keys:
            n = int(counts @ table.vector(key))
            target = [Fraction(int(x)) for x in table.vector(key)]
            if key in decided or 0 < n < MINIMUM:
                assert not in_span(shown, target), (n_by_cell, key)

