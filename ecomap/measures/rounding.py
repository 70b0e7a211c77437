"""The one rounding rule of every reported number: half to even, float noise removed.

Reported ratios have 3 decimals and strengths 1. Binary floats cannot hold most
decimals exactly (``0.1235`` is stored as ``0.12349999…``), so a plain round would
decide halves by representation noise. The rule here first snaps the scaled value
to the nearest millionth of the last kept digit, then rounds half to even. The
scalar and the array forms are one function, so the per-child and the cohort
paths agree to the bit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_SNAP = 1e6


def round_array(values: NDArray[np.float64], places: int) -> NDArray[np.float64]:
    """Round every value half to even at ``places`` decimals, ignoring float noise.

    Examples
    --------
    >>> round_array(np.array([0.1235, 0.1245, 12.25, 0.1 + 0.2]), 3).tolist()
    [0.124, 0.124, 12.25, 0.3]
    """
    scale = 10.0**places
    scaled = np.asarray(values, dtype=np.float64) * scale
    snapped = np.rint(scaled * _SNAP) / _SNAP
    # adding 0.0 turns a negative zero into zero
    result: NDArray[np.float64] = np.rint(snapped) / scale + 0.0
    return result


def round_half_even(value: float, places: int) -> float:
    """Round one number by the rule of :func:`round_array`.

    Examples
    --------
    >>> round_half_even(12.25, 1), round_half_even(12.35, 1), round_half_even(2 / 3, 3)
    (12.2, 12.4, 0.667)
    """
    return float(round_array(np.array([value], dtype=np.float64), places)[0])


def ratio(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator`` rounded to 3 decimals; None when the divisor is 0.

    Examples
    --------
    >>> ratio(2, 3), ratio(1, 0)
    (0.667, None)
    """
    if denominator == 0:
        return None
    return round_half_even(numerator / denominator, 3)
