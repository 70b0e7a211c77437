"""A child's revisions in plain words: what the API, the CLI and the editor show.

The sentences come from :func:`ecomap.history.changes` over the child's record right
after each revision and right after the one before it that listed the child.
"""

from __future__ import annotations

from api.models.revisions import RevisionPublic
from ecomap.history import changes, created
from ecomap.model import EcomapDocument
from graph.base import ChildNotFound, GraphStore, Revision


def _document(store: GraphStore, child_id: str, revision: int) -> EcomapDocument | None:
    try:
        return store.get(child_id, as_recorded=revision)
    except ChildNotFound:
        return None


def _sentences(
    revision: Revision, before: EcomapDocument | None, after: EcomapDocument | None
) -> list[str]:
    if revision.kind == "close":
        return ["closed the record"]
    if revision.kind == "reopen":
        return ["reopened the record"]
    if revision.kind == "erase":
        return ["erased the record"]
    if after is None:
        return []
    said = changes(before, after)
    if revision.kind == "migration" and before is None:
        return [f"history begins: {created(after).removeprefix('created ')}"]
    if revision.kind == "restore":
        back = f"restored the record as at revision {revision.restored}"
        return [back, *said]
    return said


def revision_entries(
    store: GraphStore, child_id: str, *, limit: int = 20, offset: int = 0
) -> tuple[list[RevisionPublic], int]:
    """The child's revisions, newest first (a page of them), and how many there are in
    all; raises :class:`ChildNotFound` for a child with no history."""
    history = store.history(child_id)
    page = history[offset : offset + limit]
    older = history[offset + 1 : offset + limit + 1]
    docs = {r.number: _document(store, child_id, r.number) for r in (*page, *older)}
    entries = []
    for i, revision in enumerate(page):
        previous = history[offset + i + 1].number if offset + i + 1 < len(history) else None
        before = docs[previous] if previous is not None else None
        entries.append(
            RevisionPublic(
                revision=revision.number,
                at=revision.at,
                actor=revision.actor,
                reason=revision.reason,
                kind=revision.kind,
                changes=_sentences(revision, before, docs[revision.number]),
            )
        )
    return entries, len(history)
