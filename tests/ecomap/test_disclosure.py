"""ecomap/disclosure.py's cell numbering: each child's (team, status) cell counted by
codes, by names, with few or very many teams, is what counting the pairs gives."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from ecomap.disclosure import NONE, CellCounter


@pytest.mark.parametrize("teams", [3, 6000])  # few cells: counted; very many: sorted
def test_cells_count_what_the_pairs_give(teams: int) -> None:
    rng = np.random.default_rng(teams)
    n = 2000
    team = [None if i % 7 == 0 else f"team {rng.integers(teams)}" for i in range(n)]
    status = [None if i % 11 == 0 else f"status {rng.integers(4)}" for i in range(n)]
    flags = rng.random(n) < 0.6
    want = Counter((t or NONE, s or NONE) for t, s, f in zip(team, status, flags, strict=True)
                   if f)
    cells = CellCounter(np.array(team, dtype=object), np.array(status, dtype=object))
    got = {cell: k for cell, k in cells.counts(flags).items() if k}
    assert got == dict(want)
    names = np.array([*dict.fromkeys(v for v in team + status if v is not None), None],
                     dtype=object)
    index = {v: i for i, v in enumerate(names.tolist()[:-1])}
    codes = CellCounter.of_codes(np.array([index.get(t, -1) for t in team]),
                                 np.array([index.get(s, -1) for s in status]), names)
    assert {c: k for c, k in codes.counts(flags).items() if k} == dict(want)
    assert len(codes.cells) == len(cells.cells)
