"""Synthetic meetings and plans for one child's record (used by :mod:`ecomap.synth`).

Plausible, not real: family group conferences for some children in need and on
protection plans (and family network meetings in early help), six-monthly
looked-after reviews (the first within a month of entering care, the second three
months later) with a spread of participation codes by age, initial and review
protection conferences; plans whose commitments are held by family, friends,
community members, volunteers and professionals (or by the child), and progress
recorded by the worker, the family or the child, some kept and some not.

Drawn from its own ``Random`` (seeded by authority, seed and child), so adding
meetings changes nothing else in a child's record.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random
from typing import Any

__all__ = ["PARTICIPATION_WEIGHTS", "synth_meetings"]

# How children aged 4+ took part in reviews: most attend and speak for themselves or
# share their views another way; a minority are not heard (illustrative weights).
PARTICIPATION_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("PN1", 0.42), ("PN2", 0.08), ("PN3", 0.04), ("PN4", 0.06),
    ("PN5", 0.08), ("PN6", 0.22), ("PN7", 0.10),
)
_FGC_CHANCE = {"child_in_need": 0.30, "child_protection": 0.55, "early_help": 0.15}

_WHAT: dict[str, tuple[str, ...]] = {
    "family": (
        "Tea at {name}'s every Sunday", "{name} picks me up from school on Fridays",
        "{name} has me to stay one weekend a month", "{name} phones me every week",
        "{name} comes to parents' evening",
    ),
    "friend": ("{name} and I go to the youth club together", "{name} walks to school with me"),
    "community": ("{name} takes me to football training", "{name} keeps a key for emergencies",
                  "{name} helps me with my bike"),
    "volunteer": ("{name} meets me every fortnight", "{name} helps me find a weekend club"),
    "carer": ("{name} helps me keep in touch with my brother",
              "{name} takes me to swimming on Saturdays"),
    "professional": ("{name} sorts out a referral to CAMHS", "{name} arranges family time",
                     "{name} checks in with school every half term",
                     "{name} finds me a mentor"),
}
_CHILD_WHAT = ("I keep my feelings diary", "I tell someone when I feel unsafe",
               "I go to homework club on Wednesdays")


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _present(record: dict[str, Any], on: date) -> list[dict[str, Any]]:
    """The people whose child tie is active on ``on``, in document order."""
    child = record["child"]["id"]
    active: set[str] = set()
    for tie in record["ties"]:
        if child not in tie["between"]:
            continue
        started, ended = _day(tie.get("started")), _day(tie.get("ended"))
        if (started is None or started <= on) and (ended is None or ended > on):
            active.update(p for p in tie["between"] if p != child)
    return [p for p in record["people"] if p["id"] in active]


def _participation(rng: Random, age_years: float) -> str:
    if age_years < 4:
        return "PN0"
    codes = [code for code, _ in PARTICIPATION_WEIGHTS]
    return rng.choices(codes, [weight for _, weight in PARTICIPATION_WEIGHTS])[0]


def _progress(rng: Random, on: date, by: date, as_at: date, age_years: float
              ) -> list[dict[str, Any]]:
    """Dated states up to ``as_at``: some in progress, then kept or not."""
    out: list[dict[str, Any]] = []
    middle = on + (by - on) / 2
    if middle <= as_at and rng.random() < 0.6:
        out.append({"on": middle.isoformat(), "state": "in_progress",
                    "by": rng.choice(("worker", "family", "carer"))})
    if age_years >= 8 and middle + timedelta(days=7) <= as_at and rng.random() < 0.3:
        out.append({"on": (middle + timedelta(days=7)).isoformat(),
                    "state": rng.choice(("in_progress", "in_progress", "not_done")),
                    "by": "child"})
    end = by + timedelta(days=rng.randint(-10, 20))
    if end <= as_at and end >= on and rng.random() < 0.85:
        state = rng.choices(("done", "not_done", "dropped"), (0.62, 0.28, 0.10))[0]
        out.append({"on": end.isoformat(), "state": state, "by": "worker"})
    out.sort(key=lambda e: e["on"])
    return out


def _plan(rng: Random, prefix: str, on: date, people: list[dict[str, Any]], size: int,
          as_at: date, age_years: float) -> list[dict[str, Any]]:
    plan: list[dict[str, Any]] = []
    for k in range(size):
        if people and rng.random() < 0.88:
            holders = rng.sample(people, 2 if len(people) > 1 and rng.random() < 0.15 else 1)
            lead = holders[0]
            what = rng.choice(_WHAT[lead["category"]]).format(name=lead["name"].split()[0])
            who = [p["id"] for p in holders]
        else:
            what, who = rng.choice(_CHILD_WHAT), []
        by = on + timedelta(days=rng.choice((28, 42, 56, 91, 120, 182)))
        commitment: dict[str, Any] = {"id": f"{prefix}-k{k}", "what": what, "who": who}
        if rng.random() < 0.9:
            commitment["by"] = by.isoformat()
        commitment["progress"] = _progress(rng, on, by, as_at, age_years)
        plan.append(commitment)
    return plan


def _meeting(rng: Random, record: dict[str, Any], number: int, kind: str, on: date,
             as_at: date, *, plan_size: int, network: bool) -> dict[str, Any]:
    birth = _day(record["child"].get("birth_date")) or on
    age = (on - birth).days / 365.25
    present = _present(record, on)
    unpaid = [p for p in present if p["category"] in ("family", "friend", "community",
                                                       "volunteer")]
    paid = [p for p in present if p not in unpaid]
    pool = (unpaid + paid[:2]) if network else (paid + unpaid[:1])
    invited = [p["id"] for p in pool if rng.random() < 0.9]
    attended = [p for p in invited if rng.random() < 0.8]
    holders = [p for p in pool if p["id"] in attended] or pool
    prefix = f"{record['child']['id']}-m{number:02d}"
    meeting: dict[str, Any] = {"id": prefix, "kind": kind, "on": on.isoformat(),
                               "invited": invited, "attended": attended,
                               "participation": _participation(rng, age)}
    meeting["plan"] = _plan(rng, prefix, on, holders, plan_size, as_at, age)
    return meeting


def synth_meetings(record: dict[str, Any], rng: Random, opened: date, as_at: date
                   ) -> list[dict[str, Any]]:
    """Plausible meetings for a built record (status, people and ties already there).

    >>> from ecomap.synth import child_record
    >>> rec = child_record(1, seed=7, meetings=True)
    >>> ms = synth_meetings(rec, Random(1), date(2024, 1, 1), date(2025, 12, 31))
    >>> all(m["on"] <= "2025-12-31" for m in ms)
    True
    """
    status = record["child"].get("status")
    out: list[dict[str, Any]] = []

    def add(kind: str, on: date, *, plan_size: int, network: bool) -> None:
        if on <= as_at:
            out.append(_meeting(rng, record, len(out), kind, on, as_at,
                                plan_size=plan_size, network=network))

    if status in ("looked_after", "care_leaver"):
        birth = _day(record["child"].get("birth_date"))
        until = as_at
        if status == "care_leaver" and birth is not None:  # reviews stop at 18
            until = min(as_at, birth.replace(year=birth.year + 18) if not (
                birth.month == 2 and birth.day == 29) else date(birth.year + 18, 3, 1))
        on = opened + timedelta(days=20)
        step = 91
        while on <= until and len(out) < 8:
            if on >= as_at - timedelta(days=1095):
                add("looked_after_review", on, plan_size=rng.randint(1, 3), network=False)
            on += timedelta(days=step)
            step = 182
        if rng.random() < 0.1:
            add("lifelong_links", opened + timedelta(days=rng.randint(120, 600)),
                plan_size=rng.randint(2, 4), network=True)
    elif status == "child_protection":
        add("protection_conference", opened + timedelta(days=15), plan_size=rng.randint(2, 4),
            network=False)
        add("protection_conference", opened + timedelta(days=105), plan_size=rng.randint(1, 3),
            network=False)
    if status in _FGC_CHANCE and rng.random() < _FGC_CHANCE[status]:
        kind = "family_network_meeting" if status == "early_help" else "family_group_conference"
        add(kind, opened + timedelta(days=rng.randint(20, 150)), plan_size=rng.randint(3, 6),
            network=True)
    out.sort(key=lambda m: m["on"])
    for number, m in enumerate(out):  # ids in date order
        old = m["id"]
        m["id"] = f"{record['child']['id']}-m{number:02d}"
        for k in m["plan"]:
            k["id"] = k["id"].replace(old, m["id"], 1)
    return out
