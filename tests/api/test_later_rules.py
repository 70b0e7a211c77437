"""A record stored before a FORMAT.md rule existed, through the API: every read answers
with the record as stored; an edit may keep the value where it is, but not bring a new
one (docs/record.md, "Rules added later")."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from tests.api.conftest import World
from tests.graph.tamper import tamper

READS = ("", "/document", "/ecomap", "/measures", "/measures/history", "/revisions",
         "/export.graphml", "/export.gexf")


@pytest.fixture
def legacy(fresh_world: World) -> tuple[World, str, int]:
    """World a's child with one person's name holding a control character, as written
    before the rule; the child id and that person's position."""
    w = fresh_world
    child = w.ids["a"]
    position, person = next((i, p) for i, p in enumerate(w.docs["a"].people)
                            if p.category == "family")
    tamper(w.store, "UPDATE people SET name = :name WHERE id = :id AND rev_to = OPEN",
           "MATCH (p:PersonRow {id: $id}) WHERE p.rev_to IS NULL SET p.name = $name",
           id=person.id, name=person.name + "\x07")
    return w, child, position


def test_every_read_of_the_record_answers_with_it_as_stored(
        legacy: tuple[World, str, int]) -> None:
    w, child, position = legacy
    for path in READS:
        answer = w.api.get(f"/api/children/{child}{path}", headers=w.as_user("wendy"))
        assert answer.status_code == 200, (path, answer.text)
        if path.startswith("/export"):  # still well-formed XML
            ElementTree.fromstring(answer.content)
    document = w.api.get(f"/api/children/{child}/document", headers=w.as_user("wendy")).json()
    assert document["people"][position]["name"].endswith("\x07")


def test_an_edit_may_keep_the_value_but_not_bring_a_new_one(
        legacy: tuple[World, str, int]) -> None:
    """Edits to anything else save, the value staying as stored; a new or changed value
    must meet today's rules, and the refusal names the field."""
    w, child, position = legacy
    document = w.api.get(f"/api/children/{child}/document", headers=w.as_user("wendy")).json()
    person = document["people"][position]
    name = person["name"]

    kept = w.api.put(f"/api/children/{child}/document", json=document,
                     headers={**w.write_as("wendy", child), "X-Reason": "no change"})
    assert kept.status_code == 200, kept.text
    tie = next(t["id"] for t in document["ties"] if person["id"] in t["between"])
    rated = w.api.post("/api/me/observations", headers=w.link_write("link", child),
                       json={"tie": tie, "closeness": 3, "trusted": True})
    assert rated.status_code == 201, rated.text
    role = w.api.patch(f"/api/people/{person['id']}", json={"role": "grandparent"},
                       headers=w.person_write("wendy", person["id"]))
    assert role.status_code == 200, role.text
    assert w.store.get(child).people[position].name == name

    document = w.api.get(f"/api/children/{child}/document", headers=w.as_user("wendy")).json()
    document["people"][position]["name"] = "Nan\x07"
    brought = w.api.put(f"/api/children/{child}/document", json=document,
                        headers=w.write_as("wendy", child))
    assert brought.status_code == 422, brought.text
    assert [d["field"] for d in brought.json()["error"]["details"]] == [
        f"people[{position}].name"]
    renamed = w.api.patch(f"/api/people/{person['id']}", json={"name": "Nan\x07"},
                          headers=w.person_write("wendy", person["id"]))
    assert renamed.status_code == 422, renamed.text
    assert [d["field"] for d in renamed.json()["error"]["details"]] == ["name"]

    fixed = w.api.patch(f"/api/people/{person['id']}", json={"name": name[:-1]},
                        headers=w.person_write("wendy", person["id"]))
    assert fixed.status_code == 200, fixed.text
    assert w.store.get(child).people[position].name == name[:-1]
