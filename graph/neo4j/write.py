"""The Neo4j store's writes inside one revision: rows closed and created, never changed
in content nor deleted (docs/record.md).

A write reads the current rows of the children and people it touches (under the
Meta lock, so "current" is the latest revision), plans in Python which rows change
(:class:`Plan`, per row: unchanged rows stay), and then runs the plan as a few
batched ``UNWIND`` statements. Planning a document either adds all of its changes to
the plan or raises and adds none, so a batch keeps each document atomic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ecomap.errors import Breach
from ecomap.model import EcomapDocument, Person
from graph.base import DocumentConflict, ErasedCounts, RevisionKind, StoreError, VersionConflict
from graph.neo4j import cypher
from graph.neo4j.cohort import packed_row
from graph.neo4j.plans import plans_row
from graph.neo4j.rows import Row, child_row, content, owned_rows, person_row
from graph.neo4j.tx import WriteTx, fetch, to_us

Tx = WriteTx

@dataclass
class Current:
    """The latest revision's rows of some children and people, read under the lock."""

    versions: dict[str, int] = field(default_factory=dict)  # anchors' versions
    children: dict[str, Row] = field(default_factory=dict)  # current child rows' content
    owned: dict[str, dict[str, dict[int, Row]]] = field(
        default_factory=lambda: {label: {} for label in cypher.OWNED}
    )  # label -> child -> ord -> content
    people: dict[str, Row] = field(default_factory=dict)
    tie_owners: dict[str, str] = field(default_factory=dict)
    meeting_owners: dict[str, str] = field(default_factory=dict)  # meeting/commitment ids


def read_current(tx: Tx, child_ids: Sequence[str], person_ids: Iterable[str] = (),
                 tie_ids: Iterable[str] = (), meeting_ids: Iterable[str] = ()) -> Current:
    """Lock the children's anchors (creating new ones) and read their current rows, the
    named people's and the owners of the named tie ids."""
    ids = list(dict.fromkeys(child_ids))
    current = Current()
    for row in tx.run(cypher.LOCK_CHILDREN, ids=ids):
        current.versions[str(row["id"])] = int(row["version"])
    for row in tx.run(cypher.CURRENT_CHILDREN, ids=ids):
        current.children[str(row["row"]["id"])] = content(row["row"])
    for label in cypher.OWNED:
        for row in tx.run(cypher.current_owned(label), ids=ids):
            found = content(row["row"])
            current.owned[label].setdefault(found["child"], {})[int(found["ord"])] = found
    members = {str(m["person"]) for rows in current.owned["MemberRow"].values()
               for m in rows.values()}
    for row in tx.run(cypher.CURRENT_PEOPLE, ids=sorted({*person_ids, *members})):
        current.people[str(row["row"]["id"])] = content(row["row"])
    ties = sorted(set(tie_ids))
    if ties:
        for row in tx.run(cypher.TIE_OWNERS, ties=ties):
            current.tie_owners[str(row["id"])] = str(row["child"])
    meetings = sorted(set(meeting_ids))
    if meetings:
        for query in (cypher.MEETING_OWNERS, cypher.COMMITMENT_OWNERS):
            for row in tx.run(query, ids=meetings):
                current.meeting_owners[str(row["id"])] = str(row["child"])
    return current


@dataclass
class Plan:
    """Everything one revision writes, gathered before any of it is written."""

    retire_children: list[Row] = field(default_factory=list)  # {id}
    create_children: list[Row] = field(default_factory=list)
    retire_owned: dict[str, list[Row]] = field(
        default_factory=lambda: {label: [] for label in cypher.OWNED}
    )  # {child, ord}
    create_owned: dict[str, list[Row]] = field(
        default_factory=lambda: {label: [] for label in cypher.OWNED}
    )
    people: dict[str, Row] = field(default_factory=dict)  # person rows to create
    retire_people: set[str] = field(default_factory=set)
    changed_people: set[str] = field(default_factory=set)
    left: set[str] = field(default_factory=set)  # people a membership of was closed
    tie_owners: dict[str, str | None] = field(default_factory=dict)  # moved in this plan
    meeting_owners: dict[str, str | None] = field(default_factory=dict)  # likewise
    listed: dict[str, int | None] = field(default_factory=dict)  # child -> version (None: +1)
    packed: dict[str, Row] = field(default_factory=dict)  # child -> packed cohort columns
    plans: dict[str, Row] = field(default_factory=dict)  # child -> packed plan columns

    def person(self, current: Current, person_id: str) -> Row | None:
        """A person's latest content, this plan's changes included."""
        return self.people.get(person_id) or current.people.get(person_id)


def check_version(current: Current, child_id: str, expected: int | None) -> int | None:
    """The child's current version (None without a current record), checked against
    ``expected`` (``0``: must not exist)."""
    version = current.versions.get(child_id) if child_id in current.children else None
    if expected is not None and expected != (version or 0):
        raise VersionConflict(child_id, expected, version)
    return version


def plan_child_row(plan: Plan, current: Current, child_id: str, row: Row) -> None:
    """Make ``row`` the child's current row (a new row only if it differs)."""
    if current.children.get(child_id) == row:
        return
    if child_id in current.children:
        plan.retire_children.append({"id": child_id})
    plan.create_children.append(row)


def plan_document(plan: Plan, current: Current, doc: EcomapDocument, *,
                  update_people: bool, closed: bool | None = None,
                  version: int | None = None) -> None:
    """Add ``doc`` as its child's whole record to ``plan``, or raise
    :class:`DocumentConflict` and add nothing. ``closed`` None keeps the record's flag;
    ``version`` (replay) is the version to list the child at."""
    cid = doc.child.id
    breaches: list[Breach] = []
    people: dict[str, Row] = {}
    changed: set[str] = set()
    for index, person in enumerate(doc.people):
        new = person_row(person)
        old = plan.person(current, person.id)
        if old is None or old == new:
            if old is None:
                people[person.id] = new
            continue
        if not update_people:
            differing = sorted(k for k in {*old, *new} if old.get(k) != new.get(k))
            breaches.append(Breach(
                f"people[{index}]",
                f"person {person.id!r} is already recorded with other details "
                f"({', '.join(differing)}); a child's record may link them but not change "
                "them: change a shared person's details with the person edit"))
        people[person.id] = new
        changed.add(person.id)
    owned = owned_rows(doc)
    for index, tie in enumerate(doc.ties):
        owner = plan.tie_owners[tie.id] if tie.id in plan.tie_owners else (
            current.tie_owners.get(tie.id))
        if owner is not None and owner != cid:
            breaches.append(Breach(
                f"ties[{index}].id",
                f"tie id {tie.id!r} already belongs to another child's network"))
    breaches += _meeting_breaches(plan, current, doc)
    if breaches:
        raise DocumentConflict(cid, breaches)
    # Accepted: from here on only the plan changes.
    for pid, row in people.items():
        if pid in current.people and pid not in plan.people:
            plan.retire_people.add(pid)
        plan.people[pid] = row
    plan.changed_people |= changed
    was_closed = bool(current.children.get(cid, {}).get("closed"))
    plan_child_row(plan, current, cid, child_row(doc, was_closed if closed is None else closed))
    for label, rows in owned.items():
        stored = current.owned[label].get(cid, {})
        gone = [o for o, row in stored.items() if o >= len(rows) or rows[o] != row]
        plan.retire_owned[label].extend({"child": cid, "ord": o} for o in gone)
        plan.create_owned[label].extend(row for o, row in enumerate(rows) if stored.get(o) != row)
        if label == "MemberRow":
            plan.left.update(stored[o]["person"] for o in gone)
        if label == "TieRow":
            plan.tie_owners.update({stored[o]["id"]: None for o in gone})
            plan.tie_owners.update({row["id"]: cid for row in rows})
        if label in cypher.MEETING_LABELS and label != "ProgressRow":
            plan.meeting_owners.update({stored[o]["id"]: None for o in gone})
            plan.meeting_owners.update({row["id"]: cid for row in rows})
    plan.listed[cid] = version
    plan.packed[cid] = packed_row(doc)
    plan.plans[cid] = plans_row(doc)


def _meeting_breaches(plan: Plan, current: Current, doc: EcomapDocument) -> list[Breach]:
    """Meeting and commitment ids that another child's current record already holds."""
    cid = doc.child.id
    items = [(f"meetings[{i}].id", "meeting", m.id) for i, m in enumerate(doc.meetings)]
    items += [(f"meetings[{i}].plan[{j}].id", "commitment", k.id)
              for i, m in enumerate(doc.meetings) for j, k in enumerate(m.plan)]
    out = []
    for path, what, item in items:
        owner = plan.meeting_owners[item] if item in plan.meeting_owners else (
            current.meeting_owners.get(item))
        if owner is not None and owner != cid:
            out.append(Breach(path, f"{what} id {item!r} already belongs to another child's "
                                    "record"))
    return out


def plan_person(plan: Plan, current: Current, person: Person) -> None:
    """Change a current person's details (a new row only if they differ)."""
    new = person_row(person)
    if current.people.get(person.id) != new:
        plan.retire_people.add(person.id)
        plan.people[person.id] = new
        plan.changed_people.add(person.id)  # their children are repacked


def execute(tx: Tx, plan: Plan, current: Current, rev: int) -> dict[str, int]:
    """Write ``plan`` as revision ``rev`` (already created); return each listed child's
    new version."""
    stamp = {"rev_from": rev}
    tx.batched(cypher.RETIRE_CHILDREN, plan.retire_children, rev=rev)
    tx.batched(cypher.create_rows("ChildRow"), [{**r, **stamp} for r in plan.create_children])
    tx.batched(cypher.RETIRE_PEOPLE, [{"id": pid} for pid in sorted(plan.retire_people)], rev=rev)
    tx.batched(cypher.create_rows("PersonRow"), [{**r, **stamp} for r in plan.people.values()])
    for label in cypher.OWNED:
        tx.batched(cypher.retire_owned(label), plan.retire_owned[label], rev=rev)
        tx.batched(cypher.create_rows(label), [{**r, **stamp} for r in plan.create_owned[label]])
    if plan.left:  # people now in no child's current network are closed too
        still = {str(r["person"]) for r in tx.run(cypher.PERSON_CHILDREN, ids=sorted(plan.left))}
        orphans = sorted(plan.left - still)
        tx.batched(cypher.RETIRE_PEOPLE, [{"id": pid} for pid in orphans], rev=rev)
    listed = dict(plan.listed)
    packed = list(plan.packed.values())
    plans = list(plan.plans.values())
    if plan.changed_people:  # every child whose current network has a changed person
        sharing = {str(row["child"]) for row in tx.run(
            cypher.PERSON_CHILDREN, ids=sorted(plan.changed_people))}
        for cid in sharing:
            listed.setdefault(cid, None)
        repack = sorted(sharing - plan.packed.keys())  # the person is packed with each tie
        if repack:
            fetched = fetch(tx, repack, rev)
            docs = [fetched.document(cid) for cid in repack if cid in fetched.children]
            packed += [packed_row(doc) for doc in docs]
            plans += [plans_row(doc) for doc in docs]  # a holder's paid or category
    tx.batched(cypher.SET_PACKED, packed)
    tx.batched(cypher.SET_PLANS_PACKED, plans)
    missing = [cid for cid, v in listed.items() if v is None and cid not in current.versions]
    for row in tx.run(cypher.LOCK_CHILDREN, ids=missing) if missing else []:
        current.versions[str(row["id"])] = int(row["version"])
    versions = {cid: current.versions[cid] + 1 if v is None else v for cid, v in listed.items()}
    tx.batched(cypher.LIST_CHILDREN, [{"id": c, "version": v} for c, v in sorted(versions.items())],
               number=rev)
    return versions


def begin_revision(tx: WriteTx, head: Row, *, actor: str, reason: str | None,
                   kind: RevisionKind, restored: int | None = None,
                   number: int | None = None, at: datetime | None = None) -> int:
    """Create the revision after ``head`` (the locked Meta node's values) and return its
    number. Times never go backwards (a clock stepped back gives the previous time)."""
    last = int(head["revision"] or 0)
    number = last + 1 if number is None else number
    if number <= last:
        raise StoreError(f"revision {number} is not after this store's latest ({last})")
    at_us = max(to_us(at or datetime.now(UTC)), int(head["at_us"] or 0))
    props = {"number": number, "at_us": at_us, "actor": actor, "reason": reason,
             "kind": kind, "restored": restored}
    tx.run(cypher.CREATE_REVISION, number=number, at_us=at_us,
           props={k: v for k, v in props.items() if v is not None})
    return number


def erase_rows(tx: WriteTx, child_id: str) -> ErasedCounts:
    """Delete every row of the child, of every revision, and its listings; and the
    people who were in no other child's network at any revision."""
    persons = [str(row["id"]) for row in tx.run(cypher.ALL_PERSONS_OF_CHILD, id=child_id)]
    elsewhere = {str(row["id"]) for row in tx.run(
        cypher.PERSONS_ELSEWHERE, ids=persons, id=child_id)} if persons else set()
    people = sorted(set(persons) - elsewhere)
    ties = tx.run(cypher.COUNT_CHILD_TIES, id=child_id)[0]
    counts = ErasedCounts(
        child_id=child_id,
        revisions=int(tx.run(cypher.COUNT_LISTINGS, id=child_id)[0]["n"]),
        people=len(people),
        ties=int(ties["n"]),
        observations=int(ties["observations"]),
        episodes=int(tx.run(cypher.COUNT_CHILD_EPISODES, id=child_id)[0]["n"]),
    )
    for query in (cypher.ERASE_CHILD_ROWS, cypher.ERASE_MEMBERS, cypher.ERASE_TIES,
                  cypher.ERASE_EPISODES, cypher.ERASE_MEETINGS, cypher.ERASE_COMMITMENTS,
                  cypher.ERASE_PROGRESS, cypher.ERASE_LISTINGS, cypher.ERASE_PACKED,
                  cypher.ERASE_PLANS_PACKED):
        tx.run(query, id=child_id)
    if people:
        tx.run(cypher.ERASE_PEOPLE, ids=people)
    return counts


def erased_json(counts: ErasedCounts) -> str:
    return json.dumps({"child_id": counts.child_id, "revisions": counts.revisions,
                       "people": counts.people, "ties": counts.ties,
                       "observations": counts.observations, "episodes": counts.episodes})


def batches(docs: Iterable[EcomapDocument], size: int) -> Iterator[list[EcomapDocument]]:
    """Slices of at most ``size`` documents in which no child and no tie id repeats,
    so writing a slice at once equals writing its documents one by one."""
    batch: list[EcomapDocument] = []
    seen: set[str] = set()
    for doc in docs:
        keys = {f"c:{doc.child.id}", *(f"t:{tie.id}" for tie in doc.ties)}
        if batch and (len(batch) >= size or not seen.isdisjoint(keys)):
            yield batch
            batch, seen = [], set()
        batch.append(doc)
        seen |= keys
    if batch:
        yield batch


__all__ = [
    "Current",
    "Plan",
    "Tx",
    "batches",
    "begin_revision",
    "check_version",
    "erase_rows",
    "erased_json",
    "execute",
    "plan_child_row",
    "plan_document",
    "plan_person",
    "read_current",
]
