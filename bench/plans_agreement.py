"""Plans and participation: engine against naive through a real store (bench/PLANS.md).

``python -m bench.plans_agreement --children 10000 --seed 1`` makes (or reuses, in
``bench/data/``) a synthetic authority with meetings (``ecomap synth --meetings``) and
its embedded store (``ecomap import``), opens the store and, on each date, compares

- the vectorised path from the store (``store.plan_tables()``, the packed columns the
  dashboard reads): every child's ``meetings``, ``commitments_kept_rate``,
  ``network_commitment_share`` and ``child_views_conveyed``, the cohort additions and
  the holders chart, against :mod:`bench.naive_plans` on the stored documents;
- every child's whole ``plans`` block from the engine (``ecomap.measures.plans``, with
  the engine's trusted adults) on the stored documents, from the combined and the
  child's perspective, against the naive baseline (with its own trusted adults);

and checks that ``store.plan_tables()`` equals ``PlanTables.from_documents`` of the
stored documents column by column. Prints (and with ``--out`` writes) a JSON summary:
counts, mismatches (must be 0), seconds and the load average. Figures are reported,
never asserted as timings.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from bench import naive, naive_plans, stats
from ecomap.format import document_to_jsonable
from ecomap.measures.effective import View
from ecomap.measures.plans import plans_measures
from ecomap.measures.plans_cohort import PlanTables, holders_chart, plan_additions, plan_values
from ecomap.measures.settings import DEFAULT_SETTINGS
from ecomap.measures.snapshot import DocumentIndex
from graph.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
DATES = (date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31))
VALUES = ("meetings", "commitments_kept_rate", "network_commitment_share",
          "child_views_conveyed")


def _ecomap(*args: str) -> None:
    """``ecomap ARGS`` from this checkout; exits with its error if it fails."""
    done = subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                          cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode:
        raise SystemExit(done.stderr)


def store_for(children: int, seed: int) -> tuple[Path, dict[str, float]]:
    """The synthetic store with meetings (made once, then reused), and the seconds its
    synth and import took when made here."""
    jsonl = DATA / f"synth-meetings-{children}-seed{seed}.jsonl"
    db = DATA / f"store-meetings-{children}-seed{seed}.db"
    made: dict[str, float] = {}
    DATA.mkdir(parents=True, exist_ok=True)
    if not jsonl.exists():
        started = time.perf_counter()
        _ecomap("synth", "--children", str(children), "--seed", str(seed), "--meetings",
                "--out", str(jsonl))
        made["synth_s"] = round(time.perf_counter() - started, 3)
    if not db.exists():
        started = time.perf_counter()
        _ecomap("import", "--store", str(db), str(jsonl))
        made["import_s"] = round(time.perf_counter() - started, 3)
    return db, made


def _same_tables(got: PlanTables, expected: PlanTables) -> bool:
    return got.child_ids == expected.child_ids and all(
        getattr(got, f.name).dtype == getattr(expected, f.name).dtype
        and getattr(got, f.name).tolist() == getattr(expected, f.name).tolist()
        for f in fields(PlanTables) if f.name != "child_ids")


def _value(array: Any, i: int, name: str) -> Any:
    """The vectorised path's value for child ``i`` as the per-child block writes it."""
    value = array[i].item()
    if name == "meetings":
        return value
    if name == "child_views_conveyed":
        return None if value < 0 else bool(value)
    return None if value != value else value  # NaN: no value


def run(children: int, seed: int, per_child: bool = True) -> dict[str, Any]:
    db, made = store_for(children, seed)
    seconds: dict[str, float] = {**made}
    load = {"start": stats.loadavg()[0]}
    with EmbeddedStore(db) as store:
        started = time.perf_counter()
        tables = store.plan_tables()
        seconds["store_plan_tables"] = time.perf_counter() - started
        started = time.perf_counter()
        docs = list(store.iter_documents())
        seconds["read_documents"] = time.perf_counter() - started
    started = time.perf_counter()
    from_docs = PlanTables.from_documents(docs)
    seconds["tables_from_documents"] = time.perf_counter() - started
    raw = [document_to_jsonable(d) for d in docs]
    out: dict[str, Any] = {
        "children": len(docs), "seed": seed, "store": str(db.relative_to(ROOT)),
        "with_meetings": sum(bool(d.meetings) for d in docs),
        "meetings": sum(len(d.meetings) for d in docs),
        "commitments": sum(len(m.plan) for d in docs for m in d.meetings),
        "dates": [d.isoformat() for d in DATES],
        "store_tables_equal_documents": _same_tables(tables, from_docs),
        "vectorised_mismatches": 0, "cohort_mismatches": 0, "holders_mismatches": 0,
        "per_child_mismatches": 0 if per_child else None,
    }
    examples: list[dict[str, Any]] = []
    for key in ("vectorised", "naive_values", "naive_cohort", "holders",
                "naive_holders", "engine_per_child", "naive_per_child"):
        seconds[key] = 0.0
    for at in DATES:
        started = time.perf_counter()
        values = plan_values(tables, at)
        cohort = plan_additions(tables, at)
        seconds["vectorised"] += time.perf_counter() - started
        started = time.perf_counter()
        bars = {b["holder"]: (b["commitments"], b["children"]) for b in holders_chart(tables, at)}
        seconds["holders"] += time.perf_counter() - started
        started = time.perf_counter()
        naive_rows = [naive_plans.plans(r, at, "combined", 365, set()) for r in raw]
        seconds["naive_values"] += time.perf_counter() - started
        for i, want in enumerate(naive_rows):
            got = {name: _value(getattr(values, name), i, name) for name in VALUES}
            if got != {name: want[name] for name in VALUES}:
                out["vectorised_mismatches"] += 1
                if len(examples) < 5:
                    examples.append({"child": docs[i].child.id, "at": at.isoformat(),
                                     "vectorised": got, "naive": want})
        started = time.perf_counter()
        want_cohort = naive_plans.cohort_additions(naive_rows)
        seconds["naive_cohort"] += time.perf_counter() - started
        if cohort != want_cohort:
            out["cohort_mismatches"] += 1
            examples.append({"at": at.isoformat(), "engine": cohort, "naive": want_cohort})
        started = time.perf_counter()
        want_bars = naive_plans.holders(raw, at)
        seconds["naive_holders"] += time.perf_counter() - started
        if bars != want_bars:
            out["holders_mismatches"] += 1
            examples.append({"at": at.isoformat(), "holders": bars, "naive": want_bars})
        out.setdefault("cohort", {})[at.isoformat()] = cohort
        out.setdefault("holders", {})[at.isoformat()] = bars
        if per_child:
            _per_child(docs, raw, at, out, seconds, examples)
    load["end"] = stats.loadavg()[0]
    out["examples"] = examples
    out["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    out["load_average"] = load
    return out


def _per_child(docs: list[Any], raw: list[dict[str, Any]], at: date, out: dict[str, Any],
               seconds: dict[str, float], examples: list[dict[str, Any]]) -> None:
    """Every child's whole ``plans`` block, engine against naive, on ``at``."""
    views: tuple[View, ...] = ("combined", "child")
    for view in views:
        started = time.perf_counter()
        engine = [plans_measures(d, at, view, 365, DocumentIndex(d).snapshot(
            at, view, DEFAULT_SETTINGS).trusted_adults()) for d in docs]
        seconds["engine_per_child"] += time.perf_counter() - started
        started = time.perf_counter()
        expected = [naive_plans.plans(r, at, view, 365,
                                      naive.trusted_adults(naive.build_graph(r), at, view))
                    for r in raw]
        seconds["naive_per_child"] += time.perf_counter() - started
        for doc, got, want in zip(docs, engine, expected, strict=True):
            if got != want:
                out["per_child_mismatches"] += 1
                if len(examples) < 5:
                    examples.append({"child": doc.child.id, "at": at.isoformat(),
                                     "view": view, "engine": got, "naive": want})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-per-child", action="store_true",
                        help="skip the per-child engine against naive (the slow part)")
    parser.add_argument("--out", default=None, help="also write the JSON summary here")
    args = parser.parse_args()
    result = run(args.children, args.seed, per_child=not args.no_per_child)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fp:
            fp.write(text + "\n")


if __name__ == "__main__":
    main()
