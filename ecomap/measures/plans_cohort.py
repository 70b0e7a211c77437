"""The cohort additions of "Plans and participation", vectorised over many children.

``PlanTables`` holds every child's meetings, commitments and progress as columns
(numpy arrays, dates as ordinals); :func:`plan_values` gives each child's
``meetings``, ``commitments_kept_rate``, ``network_commitment_share`` and
``child_views_conveyed`` on a date in a few sorts and ``bincount``s (combined
perspective), equal to :func:`ecomap.measures.plans.plans_measures` child by child;
:func:`plan_additions` the cohort figures (MEASURES.md "Cohort additions"), each with
its ``n``. docs/meetings.md, "The measures".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ecomap.measures.plans import VIEWS_CONVEYED
from ecomap.measures.rounding import round_array, round_half_even
from ecomap.model import CATEGORIES, PARTICIPATION_CODES, PROGRESS_STATES, EcomapDocument

__all__ = [
    "GROUP_BIT", "HOLDER_GROUPS", "NO_CODE", "NO_DATE", "STATE_CODE", "PlanTables",
    "PlanValues", "day_key", "holders_chart", "plan_additions", "plan_trend", "plan_values",
]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]

#: A commitment without a ``by`` date.
NO_DATE = np.iinfo(np.int64).max
#: Progress states as codes.
STATE_CODE: dict[str, int] = {name: i for i, name in enumerate(PROGRESS_STATES)}
_DONE = STATE_CODE["done"]
_OPEN = np.array([STATE_CODE["agreed"], STATE_CODE["in_progress"]])
# participation code index -> 1 conveyed, 0 not conveyed, -1 no answer (PN0 or none)
_CONVEYED = np.array([
    -1 if code not in VIEWS_CONVEYED else int(VIEWS_CONVEYED[code])
    for code in PARTICIPATION_CODES
] + [-1], dtype=np.int64)
#: A meeting without a participation code.
NO_CODE = len(PARTICIPATION_CODES)
#: Who can hold a commitment, for the chart: the person categories, then the child.
HOLDER_GROUPS: tuple[str, ...] = (*CATEGORIES, "child")
#: Each holder group's bit in ``holder_groups``.
GROUP_BIT = {group: 1 << i for i, group in enumerate(HOLDER_GROUPS)}


@dataclass(frozen=True)
class PlanTables:
    """Meetings, commitments and progress of many children as columns.

    Meetings are in document order within each child; ``meeting_ord`` is that order.
    A commitment's ``who_unpaid`` says some holder is unpaid; ``has_who`` that it
    names anyone; ``holder_groups`` is a bit per :data:`HOLDER_GROUPS` entry among its
    holders (the child's bit when ``who`` is empty). Progress rows are sorted by
    (commitment, date, list order).
    """

    child_ids: tuple[str, ...]
    meeting_child: I64
    meeting_on: I64
    meeting_ord: I64
    meeting_code: I64
    commitment_child: I64
    commitment_held: I64
    commitment_by: I64
    has_who: B
    who_unpaid: B
    holder_groups: I64
    progress_key: I64
    progress_state: I64

    @property
    def n_children(self) -> int:
        """How many children the tables hold."""
        return len(self.child_ids)

    def indices(self, child_ids: Iterable[str] | None) -> I64:
        """Row numbers of ``child_ids`` (all children when None); unknown ids are skipped."""
        if child_ids is None:
            return np.arange(self.n_children, dtype=np.int64)
        where = {cid: i for i, cid in enumerate(self.child_ids)}
        return np.array([where[c] for c in child_ids if c in where], dtype=np.int64)

    @classmethod
    def from_documents(cls, docs: Sequence[EcomapDocument]) -> PlanTables:
        """Build the columns from documents (the store builds them from its rows).

        >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
        ...     "child": {"id": "c", "name": "C"},
        ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01",
        ...                   "plan": [{"id": "k", "what": "x"}]}]})
        >>> t = PlanTables.from_documents([doc])
        >>> t.n_children, len(t.meeting_on), t.has_who.tolist()
        (1, 1, [False])
        """
        m_child: list[int] = []
        m_on: list[int] = []
        m_ord: list[int] = []
        m_code: list[int] = []
        k_child: list[int] = []
        k_held: list[int] = []
        k_by: list[int] = []
        k_who: list[bool] = []
        k_unpaid: list[bool] = []
        k_groups: list[int] = []
        p_rows: list[tuple[int, int, int, int]] = []
        for c, doc in enumerate(docs):
            paid = {p.id: p.paid for p in doc.people}
            category = {p.id: p.category for p in doc.people}
            for order, m in enumerate(doc.meetings):
                m_child.append(c)
                m_on.append(m.on.toordinal())
                m_ord.append(order)
                m_code.append(
                    NO_CODE if m.participation is None
                    else PARTICIPATION_CODES.index(m.participation)
                )
                for k in m.plan:
                    index = len(k_child)
                    k_child.append(c)
                    k_held.append(m.on.toordinal())
                    k_by.append(NO_DATE if k.by is None else k.by.toordinal())
                    k_who.append(bool(k.who))
                    k_unpaid.append(any(not paid.get(w, True) for w in k.who))
                    bits = 0 if k.who else GROUP_BIT["child"]
                    for w in k.who:
                        bits |= GROUP_BIT.get(category.get(w, ""), 0)
                    k_groups.append(bits)
                    for position, entry in enumerate(k.progress):
                        p_rows.append(
                            (index, entry.on.toordinal(), position, STATE_CODE[entry.state])
                        )
        p_rows.sort()
        return cls(
            child_ids=tuple(doc.child.id for doc in docs),
            meeting_child=np.array(m_child, dtype=np.int64),
            meeting_on=np.array(m_on, dtype=np.int64),
            meeting_ord=np.array(m_ord, dtype=np.int64),
            meeting_code=np.array(m_code, dtype=np.int64),
            commitment_child=np.array(k_child, dtype=np.int64),
            commitment_held=np.array(k_held, dtype=np.int64),
            commitment_by=np.array(k_by, dtype=np.int64),
            has_who=np.array(k_who, dtype=bool),
            who_unpaid=np.array(k_unpaid, dtype=bool),
            holder_groups=np.array(k_groups, dtype=np.int64),
            progress_key=np.array([day_key(r[0], r[1]) for r in p_rows], dtype=np.int64),
            progress_state=np.array([r[3] for r in p_rows], dtype=np.int64),
        )


def day_key(commitment: int | I64, day: int | I64) -> Any:
    """One sortable number per (commitment, date): ordinals stay below 2**20."""
    return commitment * (1 << 20) + day


def _states(tables: PlanTables, t: int) -> I64:
    """Each commitment's state on day ``t``: its latest progress on or before t (the
    later in the list on one date), else ``agreed``; one ``searchsorted`` for all."""
    k = np.arange(len(tables.commitment_child), dtype=np.int64)
    state = np.full(len(k), STATE_CODE["agreed"], dtype=np.int64)
    if len(tables.progress_key):
        at_or_before = np.searchsorted(tables.progress_key, day_key(k, t), side="right") - 1
        found = at_or_before >= 0
        found[found] = (tables.progress_key[at_or_before[found]] >> 20) == k[found]
        state[found] = tables.progress_state[at_or_before[found]]
    return state


@dataclass(frozen=True)
class PlanValues:
    """Per-child values behind the cohort additions (NaN / -1 where a child has none)."""

    meetings: I64
    commitments_kept_rate: F64
    network_commitment_share: F64
    child_views_conveyed: I64


def _rate(top: I64, bottom: I64) -> F64:
    with np.errstate(invalid="ignore", divide="ignore"):
        result: F64 = np.where(
            bottom > 0, round_array(top / np.maximum(bottom, 1), 3), np.nan
        )
    return result


def plan_values(tables: PlanTables, at: date, *, window_days: int = 365) -> PlanValues:
    """Each child's plan values on ``at``, as the per-child path (combined perspective).

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "g", "name": "G", "category": "family"}],
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01",
    ...         "participation": "PN7", "plan": [
    ...         {"id": "k", "what": "x", "who": ["g"], "by": "2024-02-01",
    ...          "progress": [{"on": "2024-02-01", "state": "done"}]}]}]})
    >>> v = plan_values(PlanTables.from_documents([doc]), date(2024, 3, 1))
    >>> v.meetings.tolist(), v.commitments_kept_rate.tolist(), v.child_views_conveyed.tolist()
    ([1], [1.0], [0])
    >>> v.network_commitment_share.tolist()
    [nan]
    """
    n = tables.n_children
    t, t0 = at.toordinal(), (at - timedelta(days=window_days)).toordinal()

    in_window = (tables.meeting_on > t0) & (tables.meeting_on <= t)
    meetings = np.bincount(tables.meeting_child[in_window], minlength=n).astype(np.int64)

    held = tables.meeting_on <= t
    conveyed = np.full(n, -1, dtype=np.int64)
    if held.any():
        rows = np.flatnonzero(held)
        order = np.lexsort((tables.meeting_ord[rows], tables.meeting_on[rows],
                            tables.meeting_child[rows]))
        rows = rows[order]
        child = tables.meeting_child[rows]
        last = np.flatnonzero(np.append(child[1:] != child[:-1], True))
        conveyed[child[last]] = _CONVEYED[tables.meeting_code[rows[last]]]

    state = _states(tables, t)
    made = tables.commitment_held <= t
    due = made & (tables.commitment_by > t0) & (tables.commitment_by <= t)
    kept = due & (state == _DONE)
    opened = made & np.isin(state, _OPEN) & tables.has_who
    by_network = opened & tables.who_unpaid
    child = tables.commitment_child

    def count(mask: B) -> I64:
        counts: I64 = np.bincount(child[mask], minlength=n).astype(np.int64)
        return counts

    return PlanValues(
        meetings=meetings,
        commitments_kept_rate=_rate(count(kept), count(due)),
        network_commitment_share=_rate(count(by_network), count(opened)),
        child_views_conveyed=conveyed,
    )


def _median(values: F64) -> dict[str, Any]:
    present = values[~np.isnan(values)]
    value = None if len(present) == 0 else round_half_even(float(np.median(present)), 3)
    return {"value": value, "n": len(present)}


def plan_additions(
    tables: PlanTables,
    at: date,
    *,
    window_days: int = 365,
    child_ids: Iterable[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """The cohort additions on ``at`` over the children in scope, each ``{value, n}``.

    ``meeting_rate`` is over every child in scope; the medians over children with a
    value; ``child_views_conveyed_rate`` over children whose ``child_views_conveyed``
    is not null. A value is null when its ``n`` is 0.

    >>> docs = [EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": f"c{i}", "name": "C"},
    ...     "meetings": [{"id": f"m{i}", "kind": "looked_after_review", "on": "2024-01-01",
    ...                   "participation": code}]}) for i, code in enumerate(["PN1", "PN0"])]
    >>> a = plan_additions(PlanTables.from_documents(docs), date(2024, 6, 30))
    >>> a["meeting_rate"], a["child_views_conveyed_rate"]
    ({'value': 1.0, 'n': 2}, {'value': 1.0, 'n': 1})
    """
    values = plan_values(tables, at, window_days=window_days)
    rows = tables.indices(child_ids)
    n = len(rows)
    conveyed = values.child_views_conveyed[rows]
    answered = conveyed >= 0
    return {
        "meeting_rate": {
            "value": None if n == 0 else round_half_even(
                float((values.meetings[rows] >= 1).sum()) / n, 3),
            "n": n,
        },
        "median_commitments_kept_rate": _median(values.commitments_kept_rate[rows]),
        "median_network_commitment_share": _median(values.network_commitment_share[rows]),
        "child_views_conveyed_rate": {
            "value": None if not answered.any() else round_half_even(
                float((conveyed[answered] == 1).sum()) / int(answered.sum()), 3),
            "n": int(answered.sum()),
        },
    }


def _open_commitments(tables: PlanTables, at: date) -> B:
    """Which commitments are open on ``at`` (combined perspective)."""
    t = at.toordinal()
    opened: B = (tables.commitment_held <= t) & np.isin(_states(tables, t), _OPEN)
    return opened


def holders_chart(
    tables: PlanTables,
    at: date,
    *,
    child_ids: Iterable[str] | None = None,
    rows: I64 | None = None,
    min_children: int = 1,
) -> list[dict[str, Any]]:
    """Open commitments on ``at`` by who holds them, one bar per :data:`HOLDER_GROUPS`,
    over ``child_ids`` or the children at ``rows`` of the tables (all when neither).

    Each bar: ``holder``, ``commitments`` (open commitments with at least one holder of
    that group; a commitment held by family and a professional counts in both),
    ``children`` (how many children they belong to) and ``suppressed``: a bar drawn
    from fewer than ``min_children`` children shows no count (the small-numbers rule).

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "g", "name": "G", "category": "family"}],
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01", "plan": [
    ...         {"id": "k1", "what": "x", "who": ["g"]}, {"id": "k2", "what": "y"}]}]})
    >>> bars = holders_chart(PlanTables.from_documents([doc]), date(2024, 2, 1))
    >>> [(b["holder"], b["commitments"]) for b in bars if b["commitments"]]
    [('family', 1), ('child', 1)]
    >>> holders_chart(PlanTables.from_documents([doc]), date(2024, 2, 1), min_children=5)[0]
    {'holder': 'family', 'commitments': None, 'children': None, 'suppressed': True}
    """
    if rows is None:
        rows = tables.indices(child_ids)
    in_scope = np.zeros(tables.n_children, dtype=bool)
    in_scope[rows] = True
    opened = _open_commitments(tables, at) & in_scope[tables.commitment_child]
    bars = []
    for group in HOLDER_GROUPS:
        held = opened & ((tables.holder_groups & GROUP_BIT[group]) != 0)
        count = int(held.sum())
        children = len(np.unique(tables.commitment_child[held]))
        hidden = 0 < children < min_children
        bars.append({"holder": group, "commitments": None if hidden else count,
                     "children": None if hidden else children, "suppressed": hidden})
    return bars


def plan_trend(
    tables: PlanTables,
    at: date,
    months: int,
    *,
    window_days: int = 365,
    child_ids: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """The cohort additions at each of the last ``months`` month ends, oldest first.

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-02-10"}]})
    >>> [(p["at"], p["meeting_rate"]["value"]) for p in
    ...  plan_trend(PlanTables.from_documents([doc]), date(2024, 2, 29), 2)]
    [('2024-01-31', 0.0), ('2024-02-29', 1.0)]
    """
    from ecomap.measures.cohort import month_ends

    ids = list(child_ids) if child_ids is not None else None
    return [
        {"at": point.isoformat(),
         **plan_additions(tables, point, window_days=window_days, child_ids=ids)}
        for point in month_ends(at, months)
    ]
