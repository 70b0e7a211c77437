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
    parser.add_argument("--store", help="instead: a stored synthetic authority, checked per "
                        "child (with --jsonl, the file it was imported from)")
    parser.add_argument("--jsonl", help="the JSON Lines file of --store")
    parser.add_argument("--cohort", action="store_true",
                        help="also compare cohort measures through an in-memory store")
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
    if opts.store:
        dates = [AT.replace(year=2025), date(2025, 6, 30), date(2024, 12, 31)]
        print(json.dumps(per_child_synthetic(opts.store, opts.jsonl, dates), indent=1))
        return
    cohort = _cohort_check(opts.seed, opts.docs) if opts.cohort else None
    print(json.dumps({"checked": checked, "mismatches": dict(counts), "examples": examples,
                      "cohort": cohort}, indent=1, default=str))


def per_child_synthetic(db: str, jsonl: str, dates: list[date]) -> dict[str, Any]:
    """Per-child cohort values of a stored synthetic authority (``store.cohort_tables``)
    against naive, child by child: the vectorised path checked one child at a time."""
    from bench.agreement import compare_cohort
    from ecomap.measures.cohort import cohort_measures
    from graph import open_store

    store = open_store("embedded", path=db)
    tables = store.cohort_tables()
    store.close()
    found: dict[str, Any] = {"checked": 0, "diffs": []}
    for raw in naive.load_jsonl(jsonl):
        graph = naive.build_graph(raw)
        for when in dates:
            found["checked"] += 1
            got = cohort_measures(tables, when, child_ids=[raw["child"]["id"]])
            for d in compare_cohort(got, naive.cohort_measures([graph], when)):
                if len(found["diffs"]) < 50:
                    found["diffs"].append({"child": raw["child"]["id"],
                                           "at": when.isoformat(), **d})
    return found


def _cohort_check(seed: int, docs: int, per_child: int = 1000) -> dict[str, Any]:
    """The same documents through a real (in-memory) embedded store: cohort measures on
    ``store.cohort_tables()`` and on ``CohortTables.from_documents`` against naive."""
    from bench.agreement import compare_cohort
    from ecomap.format import parse_document
    from ecomap.measures.cohort import CohortTables, cohort_measures
    from graph import open_store

    rng = random.Random(seed)
    raws = [random_document(rng, index) for index in range(docs)]
    store = open_store("embedded", path=":memory:")
    outcome = store.replace_many((parse_document(r, source=str(i)) for i, r in enumerate(raws)),
                                 actor="import:fuzz")
    stored = set(outcome.imported)
    kept = [r for r in raws if r["child"]["id"] in stored]
    from_store = store.cohort_tables()
    from_docs = CohortTables.from_documents(store.iter_documents())
    store.close()
    found: dict[str, Any] = {"children": len(kept), "rejected": len(outcome.rejected),
                             "dates": 0, "diffs": []}
    found["per_child_checked"] = 0
    for when in (AT, AT - timedelta(days=365), BASE + timedelta(days=100), BASE):
        expected = naive.cohort_measures(kept, when)
        found["dates"] += 1
        for name, tables in (("store.cohort_tables", from_store), ("from_documents", from_docs)):
            for d in compare_cohort(cohort_measures(tables, when), expected):
                found["diffs"].append({"path": name, "at": when.isoformat(), **d})
        # one child at a time: the vectorised path against naive, child by child
        for raw in kept[:per_child]:
            cid = raw["child"]["id"]
            alone = naive.cohort_measures([raw], when)
            for name, tables in (("store.cohort_tables", from_store),):
                found["per_child_checked"] += 1
                for d in compare_cohort(cohort_measures(tables, when, child_ids=[cid]), alone):
                    if len(found["diffs"]) < 50:
                        found["diffs"].append({"path": name, "child": cid,
                                               "at": when.isoformat(), **d})
    return found


if __name__ == "__main__":
    main()
