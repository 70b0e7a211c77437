"""Meetings in the history's plain words (ecomap.history.changes)."""

from __future__ import annotations

from pathlib import Path

from ecomap.format import document_to_jsonable, parse_document, read_documents
from ecomap.history import changes
from ecomap.meeting_edits import add_progress, correct_meeting, update_commitment
from ecomap.model import EcomapDocument

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "meetings"


def fgc() -> EcomapDocument:
    [doc] = list(read_documents(FIXTURE / "family-group-conference.json"))
    assert isinstance(doc, EcomapDocument)
    return doc


def test_a_meeting_recorded_reads_as_held_committed_and_progress() -> None:
    after = fgc()
    before = after.model_copy(update={"meetings": []})
    lines = changes(before, after)
    assert lines[0] == ("held the family group conference on 2025-03-10 "
                        "(came: Maureen, Pat, Sam Okafor)")
    assert "committed: “Pat walks Ava to school on Tuesdays and Thursdays” (Pat, by 2025-05-31)" \
        in lines
    assert "committed: “I keep my feelings diary” (the child)" in lines
    assert "“Pat walks Ava to school on Tuesdays and Thursdays”: not done " \
        "(2025-06-02, the worker's view)" in lines
    assert not any("Synthetic" in line for line in lines)  # the note is never repeated


def test_corrections_and_progress_are_each_one_sentence() -> None:
    before = fgc()
    data = document_to_jsonable(before)
    correct_meeting(data, "m-fgc-1", {"participation": "PN2", "note": "changed",
                                      "attended": ["p-fgc-gran", "sw-fgc-1", "p-fgc-aunt"]})
    update_commitment(data, "k-fgc-4", {"by": "2025-12-01"})
    add_progress(data, "k-fgc-5", {"on": "2025-10-01", "state": "in_progress", "by": "child"})
    lines = changes(before, parse_document(data))
    assert lines == [
        "how the child took part in the family group conference on 2025-03-10: came and spoke "
        "for themselves → came, and an advocate spoke for them",
        "attended the family group conference on 2025-03-10: added Lou",
        "attended the family group conference on 2025-03-10: removed Pat",
        "changed the note on the family group conference on 2025-03-10",
        "changed “I keep my feelings diary” (the child) → "
        "“I keep my feelings diary” (the child, by 2025-12-01)",
        "“Gran and Pat take me swimming on Saturdays”: in progress (2025-10-01, the child's view)",
    ]


def test_a_removed_meeting_is_said() -> None:
    before = fgc()
    after = before.model_copy(update={"meetings": []})
    assert changes(before, after) == ["removed the family group conference on 2025-03-10"]
