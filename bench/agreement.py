"""Engine against naive: a structural diff of two MEASURES.md results, with rounding noted.

A difference no larger than one unit in the last reported place (0.1 for strengths,
0.001 for ratios) is flagged ``rounding_only`` — usually a half-way value rounded
differently after floating-point sums in another order. Anything else is a finding.
"""

from __future__ import annotations

from datetime import date
from typing import Any

ONE_DECIMAL = {
    "strength", "mean_strength", "network_strength", "continuity",
    "median_network_strength", "median_continuity", "tenure_median_days",
}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _unit(path: str) -> float:
    last = path.rsplit(".", 1)[-1].split("[")[0]
    return 0.1 if last in ONE_DECIMAL else 0.001


def diff(got: Any, expected: Any, path: str = "") -> list[dict[str, Any]]:
    """Differences between the engine's value and the naive one, as ``{path, engine, naive}``.

    >>> diff({"a": 1, "b": [1, 2]}, {"a": 1.0, "b": [1, 3]})
    [{'path': 'b[1]', 'engine': 2, 'naive': 3, 'rounding_only': False}]
    >>> diff({"strength": 50.1}, {"strength": 50.0})[0]["rounding_only"]
    True
    """
    got, expected = _plain(got), _plain(expected)
    if isinstance(got, dict) and isinstance(expected, dict):
        found = []
        for key in sorted(set(got) | set(expected), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in got or key not in expected:
                found.append({"path": where, "engine": got.get(key, "<missing>"),
                              "naive": expected.get(key, "<missing>"), "rounding_only": False})
            else:
                found.extend(diff(got[key], expected[key], where))
        return found
    if isinstance(got, list) and isinstance(expected, list):
        if len(got) != len(expected):
            return [{"path": f"{path}.length", "engine": len(got), "naive": len(expected),
                     "rounding_only": False}]
        found = []
        for index, (a, b) in enumerate(zip(got, expected, strict=True)):
            found.extend(diff(a, b, f"{path}[{index}]"))
        return found
    numbers = (int, float)
    if (isinstance(got, numbers) and isinstance(expected, numbers)
            and not isinstance(got, bool) and not isinstance(expected, bool)):
        if got == expected:
            return []
        close = abs(got - expected) <= _unit(path) + 1e-9
        return [{"path": path, "engine": got, "naive": expected, "rounding_only": close}]
    if got != expected or type(got) is bool is not type(expected):
        return [{"path": path, "engine": got, "naive": expected, "rounding_only": False}]
    return []


def compare_child(got: dict[str, Any], expected: dict[str, Any]) -> list[dict[str, Any]]:
    """Diff one child's measures; ties are matched by member, their order checked apart.

    Fields the engine reports on a tie beyond those MEASURES.md names (e.g. the tie id)
    are not compared.
    """
    got = dict(got)
    expected = dict(expected)
    got_ties = got.pop("ties", [])
    expected_ties = expected.pop("ties", [])
    found = diff(got, expected)
    engine_by_member = {t.get("member"): t for t in got_ties}
    naive_by_member = {t.get("member"): t for t in expected_ties}
    for member in sorted(set(engine_by_member) | set(naive_by_member), key=str):
        if member not in engine_by_member or member not in naive_by_member:
            found.append({"path": f"ties[{member}]", "engine": member in engine_by_member,
                          "naive": member in naive_by_member, "rounding_only": False})
            continue
        ours = naive_by_member[member]
        theirs = {k: v for k, v in engine_by_member[member].items() if k in ours}
        found.extend(diff(theirs, ours, f"ties[{member}]"))
    engine_order = [t.get("member") for t in got_ties]
    naive_order = [t.get("member") for t in expected_ties]
    if not found and engine_order != naive_order:
        found.append({"path": "ties.order", "engine": engine_order, "naive": naive_order,
                      "rounding_only": False})
    return found


def compare_cohort(got: Any, expected: dict[str, Any]) -> list[dict[str, Any]]:
    """Diff two cohort results on the MEASURES.md cohort names (each figure's value and
    ``n``), ``at`` and ``children``; the engine's may be its typed result."""
    from ecomap.measures.figures import FIGURE_NAMES

    if hasattr(got, "model_dump"):
        got = got.model_dump(mode="json")
    names = ("at", "children", *FIGURE_NAMES)
    return diff({k: got.get(k, "<missing>") for k in names},
                {k: expected.get(k, "<missing>") for k in names})
