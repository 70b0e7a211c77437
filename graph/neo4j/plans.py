"""The plans' columns kept packed beside each child in the Neo4j store (docs/meetings.md,
"The stores"): one ``PlansPacked`` node per current child (``child``, ``meetings``,
``commitments``, ``progress``: the columns of
:func:`ecomap.measures.packed_plans.pack_plans` as base64 text, as the cohort's are,
docs/scale.md), merged in the transaction that writes the child and in the one that
repacks the children of a person whose details changed; erase deletes it. The current
state's plan tables are one whole-label read (:func:`read_packed_plans`).
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from collections.abc import Sequence
from typing import TYPE_CHECKING

from graph.neo4j import cypher
from graph.neo4j.rows import Row

if TYPE_CHECKING:
    from ecomap.measures.plans_cohort import PlanTables
    from ecomap.model import EcomapDocument
    from graph.neo4j.tx import ReadTx


def plans_row(doc: EcomapDocument) -> Row:
    """The ``PlansPacked`` node's properties for ``doc``."""
    from ecomap.measures.packed_plans import pack_plans  # numpy: loaded when first needed

    packed = pack_plans(doc)
    return {"child": doc.child.id, "meetings": b64encode(packed.meetings).decode("ascii"),
            "commitments": b64encode(packed.commitments).decode("ascii"),
            "progress": b64encode(packed.progress).decode("ascii")}


def read_packed_plans(tx: ReadTx, r: int, include_closed: bool,
                      ids: Sequence[str] | None = None) -> PlanTables | None:
    """The current state's plan tables (the latest revision ``r``) in id order, read in
    one transaction; None if a current child has no packed columns yet."""
    from ecomap.measures.packed_plans import PackedPlans, plan_tables_from_packed

    wanted = None if ids is None else set(ids)
    children = {str(row["id"]): bool(row.get("closed"))
                for row in tx.run(cypher.COHORT_CHILDREN, r=r)}
    packed = {str(row["child"]): row for row in tx.run(cypher.ALL_PLANS_PACKED)}
    if not children.keys() <= packed.keys():
        return None
    return plan_tables_from_packed([
        (cid, PackedPlans(b64decode(packed[cid]["meetings"]),
                          b64decode(packed[cid]["commitments"]),
                          b64decode(packed[cid]["progress"])))
        for cid, closed in sorted(children.items())
        if (include_closed or not closed) and (wanted is None or cid in wanted)])


__all__ = ["plans_row", "read_packed_plans"]
