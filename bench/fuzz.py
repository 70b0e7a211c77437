"""Engine against naive on small random documents built to hit the edges of MEASURES.md.

``python -m bench.fuzz --docs 2000 --seed 1`` draws documents whose dates crowd a
few days (ties ending on the measured date, observations on the same day from both
sides, placements starting on window edges, unknown starts, missing ratings) and
prints every disagreement between ``ecomap.measures.child_measures`` and
:mod:`bench.naive`, grouped by measure.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from bench import naive
from bench.agreement import compare_child

BASE = date(2024, 1, 1)
AT = date(2024, 12, 31)
CATEGORIES = ("family", "carer", "friend", "community", "volunteer", "professional")
BYS = ("child", "worker", "carer", "family", "other")


def _day(rng: random.Random) -> date:
    # crowd the edges: the window start, the measured date, and 90 days after a move
    anchors = [AT - timedelta(days=365), AT, BASE + timedelta(days=100), BASE - timedelta(days=400)]
    return rng.choice(anchors) + timedelta(days=rng.randint(-3, 3))


def random_document(rng: random.Random, index: int) -> dict[str, Any]:
    """One small valid ``ecomap/1`` document with crowded dates."""
    child = f"c{index}"
    people = []
    for p in range(rng.randint(0, 7)):
        person: dict[str, Any] = {"id": f"p{index}-{p}", "name": "P",
                                  "category": rng.choice(CATEGORIES)}
        if rng.random() < 0.3:
            person["role"] = "social_worker"
        if rng.random() < 0.2:
            person["adult"] = rng.random() < 0.5
        if rng.random() < 0.2:
            person["paid"] = rng.random() < 0.5
        people.append(person)
    ids = [p["id"] for p in people]
    ties: list[dict[str, Any]] = []
    for t, pid in enumerate(ids + rng.sample(ids, min(len(ids), rng.randint(0, 2)))):
        started = None if rng.random() < 0.15 else _day(rng)
        ended = None
        if rng.random() < 0.4:
            ended = _day(rng)
            if started is not None and ended < started:
                started, ended = ended, started
        ties.append({"id": f"t{index}-{t}", "between": [child, pid] if rng.random() < 0.8
                     else [pid, child], "started": started and started.isoformat(),
                     "ended": ended and ended.isoformat()})
    for t in range(rng.randint(0, 4) if len(ids) > 1 else 0):
        a, b = rng.sample(ids, 2)
        ties.append({"id": f"t{index}-x{t}", "between": [a, b],
                     "started": _day(rng).isoformat(), "ended": None})
    observations = []
    for tie in ties:
        if child not in tie["between"]:
            continue
        for _ in range(rng.randint(0, 4)):
            on = _day(rng)
            if tie["started"] and on < date.fromisoformat(tie["started"]):
                on = date.fromisoformat(tie["started"])
            obs: dict[str, Any] = {"tie": tie["id"], "on": on.isoformat(), "by": rng.choice(BYS)}
            for key, values in (("closeness", [1, 2, 3]), ("contact", [0, 1, 2, 3, 4]),
                                ("critical", [1, 2, 3]),
                                ("direction", ["both", "to_child", "from_child"]),
                                ("trusted", [True, False])):
                if rng.random() < 0.7:
                    obs[key] = rng.choice(values)
            if rng.random() < 0.7:
                obs["support"] = {k: rng.randint(1, 3) for k in
                                  ("emotional", "practical", "informational") if rng.random() < 0.7}
            observations.append(obs)
    episodes = []
    for _ in range(rng.randint(0, 3)):
        start = _day(rng)
        end = None if rng.random() < 0.5 else start + timedelta(days=rng.randint(0, 200))
        episodes.append({"kind": "placement", "start": start.isoformat(),
                         "end": end and end.isoformat()})
    return {"format": "ecomap/1", "child": {"id": child, "name": "C"}, "people": people,
            "ties": ties, "observations": observations, "episodes": episodes}


def main() -> None:
    from ecomap.format import parse_document
    from ecomap.measures import child_measures

    parser = argparse.ArgumentParser(prog="python -m bench.fuzz")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=3, help="examples per measure")
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    counts: Counter[str] = Counter()
    examples: dict[str, list[Any]] = {}
    checked = 0
    for index in range(opts.docs):
        raw = random_document(rng, index)
        doc = parse_document(raw, source=f"fuzz {index}")
        for when in (AT, AT - timedelta(days=365), BASE + timedelta(days=100)):
            for perspective in ("combined", "child", "worker"):
                checked += 1
                for d in compare_child(child_measures(doc, when, perspective=perspective),
                                       naive.child_measures(raw, when, perspective)):
                    key = d["path"].split("[")[0] if not d["path"].startswith("ties[") else \
                        "ties." + d["path"].rsplit(".", 1)[-1]
                    counts[key] += 1
                    if len(examples.setdefault(key, [])) < opts.show:
                        examples[key].append({"doc": index, "at": when.isoformat(),
                                              "perspective": perspective, **d})
    print(json.dumps({"checked": checked, "mismatches": dict(counts), "examples": examples},
                     indent=1, default=str))


if __name__ == "__main__":
    main()
