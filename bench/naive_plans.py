"""Naive baseline for "Plans and participation" (MEASURES.md), over plain JSON dicts.

Shares no code with ``ecomap.measures.plans``: it reads the ``meetings`` of an
``ecomap/1`` document as given (dates as strings), applies FORMAT.md's defaults
itself and writes each measure as a plain loop. Readings where MEASURES.md leaves
a choice are the engine's (docs/meetings.md): ``unpaid_attendees`` counts distinct
people and is null only without a last meeting; a commitment is due only once its
meeting has been held; on one date the later meeting (progress entry) in the list wins.
"""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

Doc = dict[str, Any]

CONVEYED = {"PN1", "PN2", "PN3", "PN5", "PN6"}
NOT_CONVEYED = {"PN4", "PN7"}


def _d(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _share(top: int, bottom: int) -> float | None:
    if bottom == 0:
        return None
    exact = Decimal(top) / Decimal(bottom)
    return float(exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_EVEN))


def _paid(person: Doc) -> bool:
    if person.get("paid") is not None:
        return bool(person["paid"])
    return person["category"] in ("professional", "carer")


def state_on(meeting: Doc, commitment: Doc, t: date, perspective: str) -> str | None:
    """The state on t: the last qualifying entry dated on or before t, else ``agreed``.

    >>> state_on({"on": "2024-01-01"}, {"progress": [{"on": "2024-02-01", "state": "done"}]},
    ...          date(2024, 2, 1), "combined")
    'done'
    """
    if _d(meeting["on"]) > t:  # type: ignore[operator]
        return None
    entries = [
        (index, entry) for index, entry in enumerate(commitment.get("progress", []))
        if _d(entry["on"]) <= t  # type: ignore[operator]
        and (perspective != "child" or entry.get("by") == "child")
    ]
    if not entries:
        return "agreed"
    entries.sort(key=lambda pair: (pair[1]["on"], pair[0]))
    return str(entries[-1][1]["state"])


def plans(doc: Doc, t: date, perspective: str, window_days: int,
          trusted: set[str]) -> dict[str, Any]:
    """The ``plans`` block of one child on t.

    >>> plans({"people": [], "meetings": []}, date(2024, 1, 1), "combined", 365, set())["meetings"]
    0
    """
    t0 = t - timedelta(days=window_days)
    people = {p["id"]: p for p in doc.get("people", [])}
    meetings = doc.get("meetings", [])
    held = [(index, m) for index, m in enumerate(meetings) if _d(m["on"]) <= t]  # type: ignore[operator]
    last = max(held, key=lambda pair: (pair[1]["on"], pair[0]))[1] if held else None
    in_window = [m for m in meetings if t0 < _d(m["on"]) <= t]  # type: ignore[operator]

    open_list: list[Doc] = []
    due = kept = 0
    for m in meetings:
        for k in m.get("plan", []):
            state = state_on(m, k, t, perspective)
            if state is None:
                continue
            if k.get("by") is not None and t0 < _d(k["by"]) <= t:  # type: ignore[operator]
                due += 1
                if state == "done":
                    kept += 1
            if state in ("agreed", "in_progress"):
                open_list.append(k)
    with_who = [k for k in open_list if k.get("who")]
    by_network = [k for k in with_who if any(not _paid(people[w]) for w in k["who"])]
    holding = {w for k in open_list for w in k.get("who", [])}

    conveyed: bool | None = None
    if last is not None and last.get("participation") in CONVEYED:
        conveyed = True
    elif last is not None and last.get("participation") in NOT_CONVEYED:
        conveyed = False
    return {
        "meetings": len(in_window),
        "last_meeting": None if last is None else {
            "on": last["on"], "kind": last["kind"], "participation": last.get("participation")},
        "unpaid_attendees": None if last is None else len(
            {a for a in last.get("attended", []) if not _paid(people[a])}),
        "commitments_open": len(open_list),
        "commitments_due": due,
        "commitments_kept_rate": _share(kept, due),
        "network_commitment_share": _share(len(by_network), len(with_who)),
        "trusted_in_plan": _share(len(trusted & holding), len(trusted)),
        "child_views_conveyed": conveyed,
    }


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    exact = Decimal(str(statistics.median(present)))
    return float(exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_EVEN))


def cohort_additions(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The cohort additions from each child's ``plans`` block, each with its ``n``.

    >>> cohort_additions([{"meetings": 1, "commitments_kept_rate": 0.5,
    ...     "network_commitment_share": None, "child_views_conveyed": True}])["meeting_rate"]
    {'value': 1.0, 'n': 1}
    """
    kept = [r["commitments_kept_rate"] for r in rows]
    share = [r["network_commitment_share"] for r in rows]
    views = [r["child_views_conveyed"] for r in rows if r["child_views_conveyed"] is not None]
    return {
        "meeting_rate": {"value": _share(sum(1 for r in rows if r["meetings"] >= 1), len(rows)),
                         "n": len(rows)},
        "median_commitments_kept_rate": {"value": _median(kept),
                                         "n": sum(v is not None for v in kept)},
        "median_network_commitment_share": {"value": _median(share),
                                            "n": sum(v is not None for v in share)},
        "child_views_conveyed_rate": {"value": _share(sum(views), len(views)), "n": len(views)},
    }


def cohort_plans(docs: list[Doc], at: date, window_days: int = 365) -> dict[str, Any]:
    """The cohort additions on ``at`` (combined perspective) over ``docs``.

    Trusted adults do not enter the additions, so none are computed.

    >>> cohort_plans([{"meetings": []}], date(2024, 1, 1))["meeting_rate"]
    {'value': 0.0, 'n': 1}
    """
    return cohort_additions([plans(doc, at, "combined", window_days, set()) for doc in docs])


HOLDERS = ("family", "carer", "friend", "community", "volunteer", "professional", "child")


def holders(docs: list[Doc], at: date) -> dict[str, tuple[int, int]]:
    """Open commitments on ``at`` (combined perspective) by who holds them: for each
    group, (commitments with a holder of that group, children they belong to); a
    commitment with no ``who`` is the child's.

    >>> holders([{"people": [{"id": "g", "category": "family"}], "meetings": [
    ...     {"on": "2024-01-01", "plan": [{"who": ["g"]}, {"who": []}]}]}],
    ...     date(2024, 2, 1))["family"]
    (1, 1)
    """
    commitments = dict.fromkeys(HOLDERS, 0)
    children: dict[str, set[int]] = {group: set() for group in HOLDERS}
    for index, doc in enumerate(docs):
        category = {p["id"]: p["category"] for p in doc.get("people", [])}
        for m in doc.get("meetings", []):
            for k in m.get("plan", []):
                if state_on(m, k, at, "combined") not in ("agreed", "in_progress"):
                    continue
                for group in {category[w] for w in k.get("who", [])} or {"child"}:
                    commitments[group] += 1
                    children[group].add(index)
    return {group: (commitments[group], len(children[group])) for group in HOLDERS}
