"""Plans and participation: engine against naive on a synthetic authority with meetings.

``python -m bench.plans_agreement --children 10000 --seed 1`` synthesises the children
with meetings (``ecomap synth --meetings``), then compares on each date:

- every child's ``plans`` block (``ecomap.measures.plans.plans_measures`` with the
  trusted adults of the engine's snapshot, combined and the child's perspective) with
  :mod:`bench.naive_plans` (with the naive baseline's own trusted adults);
- the cohort additions on the vectorised path (``PlanTables`` built from the documents,
 ) with the naive cohort additions;

and prints a JSON summary: children, meetings, commitments, mismatches (must be 0) and
the seconds each side took. Figures are reported, never asserted as timings.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from typing import Any

from bench import naive, naive_plans
from ecomap.format import document_to_jsonable
from ecomap.measures.effective import View
from ecomap.measures.plans import plans_measures
from ecomap.measures.plans_cohort import PlanTables, plan_additions
from ecomap.measures.settings import DEFAULT_SETTINGS
from ecomap.measures.snapshot import DocumentIndex
from ecomap.synth import synthesize

DATES = (date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31))


def run(children: int, seed: int) -> dict[str, Any]:
    docs = list(synthesize(children, seed, meetings=True))
    raw = [document_to_jsonable(d) for d in docs]
    out: dict[str, Any] = {
        "children": children, "seed": seed,
        "with_meetings": sum(bool(d.meetings) for d in docs),
        "meetings": sum(len(d.meetings) for d in docs),
        "commitments": sum(len(m.plan) for d in docs for m in d.meetings),
        "dates": [d.isoformat() for d in DATES], "per_child_mismatches": 0,
        "cohort_mismatches": 0, "seconds": {"engine_per_child": 0.0, "naive_per_child": 0.0,
                                            "tables_build": 0.0, "cohort_vectorised": 0.0,
                                            "naive_cohort": 0.0},
    }
    seconds = out["seconds"]
    examples: list[dict[str, Any]] = []
    for at in DATES:
        views: tuple[View, ...] = ("combined", "child")
        for view in views:
            started = time.perf_counter()
            engine = [
                plans_measures(d, at, view, 365, DocumentIndex(d).snapshot(
                    at, view, DEFAULT_SETTINGS).trusted_adults())
                for d in docs
            ]
            seconds["engine_per_child"] += time.perf_counter() - started
            started = time.perf_counter()
            expected = [
                naive_plans.plans(r, at, view, 365,
                                  naive.trusted_adults(naive.build_graph(r), at, view))
                for r in raw
            ]
            seconds["naive_per_child"] += time.perf_counter() - started
            for doc, got, want in zip(docs, engine, expected, strict=True):
                if got != want:
                    out["per_child_mismatches"] += 1
                    if len(examples) < 5:
                        examples.append({"child": doc.child.id, "at": at.isoformat(),
                                         "view": view, "engine": got, "naive": want})
    started = time.perf_counter()
    tables = PlanTables.from_documents(docs)
    seconds["tables_build"] = time.perf_counter() - started
    for at in DATES:
        started = time.perf_counter()
        got_cohort = plan_additions(tables, at)
        seconds["cohort_vectorised"] += time.perf_counter() - started
        started = time.perf_counter()
        want_cohort = naive_plans.cohort_plans(raw, at)
        seconds["naive_cohort"] += time.perf_counter() - started
        if got_cohort != want_cohort:
            out["cohort_mismatches"] += 1
            examples.append({"at": at.isoformat(), "engine": got_cohort, "naive": want_cohort})
        out.setdefault("cohort", {})[at.isoformat()] = got_cohort
    out["examples"] = examples
    out["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=None, help="also write the JSON summary here")
    args = parser.parse_args()
    result = run(args.children, args.seed)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fp:
            fp.write(text + "\n")


if __name__ == "__main__":
    main()
