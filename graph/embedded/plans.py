"""The plans' columns kept packed beside each child in the embedded store
(docs/meetings.md, "The stores"): :func:`pack_plans_row` writes them in the caller's
transaction every time the child is written (``write.pack_child``, which repacking after
a person edit calls too); :func:`packed_plan_tables` reads the current state's
:class:`~ecomap.measures.plans_cohort.PlanTables` from them in one scan. What goes in is
:func:`ecomap.measures.packed_plans.pack_plans`'s rule; this module only stores rows and
hands them back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graph.embedded.schema import OPEN

if TYPE_CHECKING:
    from ecomap.measures.packed_plans import PackedPlans
    from ecomap.measures.plans_cohort import PlanTables
    from ecomap.model import EcomapDocument

_PACKED_PLANS = f"""
SELECT c.id, k.meetings, k.commitments, k.progress
FROM children c LEFT JOIN plans_packed k ON k.child_id = c.id
WHERE c.rev_to = {OPEN} {{where}} ORDER BY c.id
"""


def pack_plans_row(conn: sqlite3.Connection, doc: EcomapDocument) -> None:
    """Keep the child's packed plan columns equal to ``doc`` (erase deletes the row)."""
    from ecomap.measures.packed_plans import pack_plans  # numpy: loaded when first needed

    store_plans(conn, doc.child.id, pack_plans(doc))


def store_plans(conn: sqlite3.Connection, child_id: str, packed: PackedPlans) -> None:
    """Store the child's packed plan columns as given (a path that packs without a model
    uses :func:`ecomap.measures.packed_plans.pack_plans_checked`)."""
    conn.execute("INSERT OR REPLACE INTO plans_packed (child_id, meetings, commitments, "
                 "progress) VALUES (?, ?, ?, ?)",
                 (child_id, packed.meetings, packed.commitments, packed.progress))


def packed_plan_tables(conn: sqlite3.Connection, ids: Sequence[str] | None,
                       include_closed: bool = False) -> PlanTables | None:
    """The current state's plan tables of every (or the named) child, in id order, from
    the packed columns; None if a child has none yet (the caller reads documents)."""
    from ecomap.measures.packed_plans import plan_tables_from_columns

    where = "" if include_closed else "AND c.closed = 0"
    params: dict[str, Any] = {}
    if ids is not None:
        where += " AND c.id IN (SELECT value FROM json_each(:ids))"
        params["ids"] = json.dumps(list(ids))
    found = conn.execute(_PACKED_PLANS.format(where=where), params).fetchall()
    if not found:
        return plan_tables_from_columns([], [], [], [])
    ids, meetings, commitments, progress = zip(*found, strict=True)
    if None in meetings:
        return None
    return plan_tables_from_columns(ids, meetings, commitments, progress)


#: The current children without packed plan columns (a store written before they existed).
MISSING_PLANS = f"""SELECT id FROM children c WHERE rev_to = {OPEN} AND NOT EXISTS
    (SELECT 1 FROM plans_packed k WHERE k.child_id = c.id)"""


__all__ = ["MISSING_PLANS", "pack_plans_row", "packed_plan_tables", "store_plans"]
