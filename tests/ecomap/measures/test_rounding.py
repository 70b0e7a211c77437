"""The one rounding rule: half to even on the written decimal, float noise ignored."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ecomap.measures.rounding import ratio, round_array, round_half_even


def test_halves_go_to_the_even_digit() -> None:
    assert round_half_even(12.25, 1) == 12.2
    assert round_half_even(12.35, 1) == 12.4  # 12.35 is stored as 12.3499999...
    assert round_half_even(0.1235, 3) == 0.124
    assert round_half_even(0.0625, 3) == 0.062
    assert round_half_even(2.675, 2) == 2.68  # plain round() gives 2.67 here


def test_float_noise_is_ignored() -> None:
    assert round_half_even(0.1 + 0.2, 3) == 0.3
    assert round_half_even(100 * 0.7125, 1) == 71.2  # 71.25 exactly, half to even


def test_no_negative_zero() -> None:
    assert str(round_half_even(-0.0, 1)) == "0.0"


def test_ratio() -> None:
    assert ratio(1, 3) == 0.333
    assert ratio(2, 3) == 0.667
    assert ratio(0, 5) == 0.0
    assert ratio(3, 0) is None


@given(st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), max_size=20))
def test_array_and_scalar_agree(values: list[float]) -> None:
    arr = round_array(np.array(values, dtype=np.float64), 1).tolist()
    assert arr == [round_half_even(v, 1) for v in values]
