"""The drawable ecomap of a child on a date, the difference between two dates, and the
document as it was known on a date — pure functions built on :mod:`ecomap.measures`."""

from __future__ import annotations

from datetime import date
from typing import Any

from ecomap.compare_meetings import commitment_changes, meetings_compared
from ecomap.measures.effective import View, effective_observation, observations_by_tie
from ecomap.measures.settings import MeasureSettings
from ecomap.measures.strength import tie_measures
from ecomap.meetings import meetings_as_at, meetings_without_notes
from ecomap.model import EcomapDocument, Observation, Person, Tie

#: The ring a member is drawn on: closeness 3 innermost, unrated outermost.
RINGS: dict[int | None, int] = {3: 1, 2: 2, 1: 3, None: 4}
_COMPARED = ("line", "arrows", "strength", "trusted", "closeness", "ring", "category")


def _person_fields(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "category": person.category,
        "role": person.role,
        "adult": person.adult,
        "paid": person.paid,
    }


def _tie_row(
    tie: Tie, other: Person, observation: Observation | None, at: date, settings: MeasureSettings
) -> dict[str, Any]:
    measured = tie_measures(tie, other, observation, at, settings=settings)
    closeness = observation.closeness if observation is not None else None
    return {
        "tie": tie.id,
        "started": tie.started.isoformat() if tie.started else None,
        "line": measured["line"],
        "arrows": measured["arrows"],
        "strength": measured["strength"],
        "components": measured["components"],
        "trusted": measured["trusted"],
        "closeness": closeness,
        "ring": RINGS.get(closeness, 4),
        "observed_on": observation.on.isoformat() if observation is not None else None,
        "observed_by": observation.by if observation is not None else None,
    }


def _strongest_first(row: dict[str, Any]) -> tuple[float, str]:
    strength = row["strength"]
    return (-(strength if strength is not None else -1.0), row["id"])


def ecomap_view(
    doc: EcomapDocument,
    at: date,
    perspective: View = "combined",
    *,
    settings: MeasureSettings | None = None,
) -> dict[str, Any]:
    """The child's ecomap on ``at``, ready to draw: each member with their category,
    line, arrows, strength and components, trusted flag and closeness ring, plus the
    person-person ties active among the members. No observation notes.

    Members are listed strongest first, then by id (the order of the measures' ``ties``).

    Examples
    --------
    >>> from ecomap.model import Child
    >>> doc = EcomapDocument(format="ecomap/1", child=Child(id="c", name="C"),
    ...     people=[Person(id="p", name="P", category="family")],
    ...     ties=[Tie(id="t", between=("c", "p"), started=date(2020, 1, 1))],
    ...     observations=[Observation(tie="t", on=date(2024, 1, 1), by="child",
    ...                               closeness=3, direction="both", trusted=True)])
    >>> m = ecomap_view(doc, date(2024, 6, 1))["members"][0]
    >>> m["id"], m["line"], m["arrows"], m["ring"], m["trusted"]
    ('p', 'strong', 'both', 1, True)
    """
    s = settings or MeasureSettings()
    child_id = doc.child.id
    people = {p.id: p for p in doc.people}
    by_tie = observations_by_tie(doc.observations)
    members: list[dict[str, Any]] = []
    member_ids: set[str] = set()
    others: list[Tie] = []
    for tie in doc.ties:
        if not tie.active_on(at):
            continue
        if child_id not in tie.between:
            others.append(tie)
            continue
        other_id = tie.between[1] if tie.between[0] == child_id else tie.between[0]
        person = people.get(other_id)
        if person is None:
            continue
        observation = effective_observation(by_tie.get(tie.id, []), at, perspective)
        members.append({**_person_fields(person), **_tie_row(tie, person, observation, at, s)})
        member_ids.add(person.id)
    members.sort(key=_strongest_first)
    links: list[dict[str, Any]] = []
    for tie in others:
        a, b = tie.between
        if a not in member_ids or b not in member_ids:
            continue
        observation = effective_observation(by_tie.get(tie.id, []), at, perspective)
        row = _tie_row(tie, people[b], observation, at, s)
        links.append({"between": [a, b], **row})
    links.sort(key=lambda row: row["tie"])
    child = doc.child
    return {
        "child": {
            "id": child.id,
            "name": child.name,
            "status": child.status,
            "team": child.team,
            "birth_date": child.birth_date.isoformat() if child.birth_date else None,
        },
        "at": at.isoformat(),
        "perspective": perspective,
        "members": members,
        "links": links,
    }


def _ended(doc: EcomapDocument, tie_id: str) -> dict[str, Any]:
    for tie in doc.ties:
        if tie.id == tie_id:
            return {
                "ended": tie.ended.isoformat() if tie.ended else None,
                "end_reason": tie.end_reason,
            }
    return {"ended": None, "end_reason": None}


def ecomap_diff(
    doc: EcomapDocument,
    start: date,
    end: date,
    perspective: View = "combined",
    *,
    settings: MeasureSettings | None = None,
) -> dict[str, Any]:
    """What changed in the child's ecomap between ``start`` and ``end``: members and
    person-person ties gained and lost, and for members kept, each drawn property that
    changed (``line``, ``arrows``, ``strength``, ``trusted``, ``closeness``, ``ring``);
    ``meetings`` held in between and ``commitments`` whose state changed, each in words
    (:mod:`ecomap.compare_meetings`).

    Examples
    --------
    >>> from ecomap.model import Child
    >>> doc = EcomapDocument(format="ecomap/1", child=Child(id="c", name="C"),
    ...     people=[Person(id="p", name="P", category="family"),
    ...             Person(id="q", name="Q", category="friend")],
    ...     ties=[Tie(id="t", between=("c", "p"), started=date(2020, 1, 1),
    ...               ended=date(2024, 3, 1), end_reason="by_choice"),
    ...           Tie(id="u", between=("c", "q"), started=date(2024, 2, 1))])
    >>> d = ecomap_diff(doc, date(2024, 1, 1), date(2024, 6, 1))
    >>> [m["id"] for m in d["gained"]], [(m["id"], m["end_reason"]) for m in d["lost"]]
    (['q'], [('p', 'by_choice')])
    """
    before = ecomap_view(doc, start, perspective, settings=settings)
    after = ecomap_view(doc, end, perspective, settings=settings)
    old = {m["id"]: m for m in before["members"]}
    new = {m["id"]: m for m in after["members"]}
    gained = [new[k] for k in sorted(new.keys() - old.keys())]
    lost = [{**old[k], **_ended(doc, old[k]["tie"])} for k in sorted(old.keys() - new.keys())]
    changed = []
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        changes = [
            {"field": name, "from": a[name], "to": b[name]}
            for name in _COMPARED
            if a[name] != b[name]
        ]
        if changes:
            delta = None
            if a["strength"] is not None and b["strength"] is not None:
                delta = round(b["strength"] - a["strength"], 1)
            changed.append(
                {
                    "id": key,
                    "name": b["name"],
                    "tie": b["tie"],
                    "strength_change": delta,
                    "changes": changes,
                }
            )
    old_links = {row["tie"]: row for row in before["links"]}
    new_links = {row["tie"]: row for row in after["links"]}
    return {
        "child": doc.child.id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "perspective": perspective,
        "gained": gained,
        "lost": lost,
        "changed": changed,
        "unchanged": len(old.keys() & new.keys()) - len(changed),
        "links_gained": [new_links[k] for k in sorted(new_links.keys() - old_links.keys())],
        "links_lost": [
            {**old_links[k], **_ended(doc, k)} for k in sorted(old_links.keys() - new_links.keys())
        ],
        "meetings": meetings_compared(doc, start, end),
        "commitments": commitment_changes(doc, start, end, perspective),
    }


def document_as_at(doc: EcomapDocument, at: date) -> EcomapDocument:
    """The document as it stood on ``at``: ties and episodes begun by then (ends after
    ``at`` not yet known), observations made by then, meetings held by then (with the
    progress made by then), and the people they name.

    Examples
    --------
    >>> from ecomap.model import Child
    >>> doc = EcomapDocument(format="ecomap/1", child=Child(id="c", name="C"),
    ...     people=[Person(id="p", name="P", category="family"),
    ...             Person(id="q", name="Q", category="friend")],
    ...     ties=[Tie(id="t", between=("c", "p"), started=date(2020, 1, 1),
    ...               ended=date(2024, 3, 1), end_reason="by_choice"),
    ...           Tie(id="u", between=("c", "q"), started=date(2024, 2, 1))])
    >>> past = document_as_at(doc, date(2023, 1, 1))
    >>> [(t.id, t.ended) for t in past.ties], [p.id for p in past.people]
    ([('t', None)], ['p'])
    """
    ties = []
    for tie in doc.ties:
        if tie.started is not None and tie.started > at:
            continue
        if tie.ended is not None and tie.ended > at:
            tie = tie.model_copy(update={"ended": None, "end_reason": None})
        ties.append(tie)
    kept_ties = {t.id for t in ties}
    meetings = meetings_as_at(doc.meetings, at)
    named = {pid for t in ties for pid in t.between}
    named.update(pid for m in meetings for pid in (*m.invited, *m.attended))
    named.update(pid for m in meetings for k in m.plan for pid in k.who)
    linked = {pid for t in doc.ties for pid in t.between}
    people = [p for p in doc.people if p.id in named or p.id not in linked]
    episodes = []
    for episode in doc.episodes:
        if episode.start > at:
            continue
        if episode.end is not None and episode.end > at:
            episode = episode.model_copy(update={"end": None})
        episodes.append(episode)
    observations = [o for o in doc.observations if o.on <= at and o.tie in kept_ties]
    return doc.model_copy(
        update={"people": people, "ties": ties, "observations": observations, "episodes": episodes,
                "meetings": meetings}
    )


def without_notes(doc: EcomapDocument) -> EcomapDocument:
    """The document with every observation and meeting note removed (young people's reads).

    Examples
    --------
    >>> from ecomap.model import Child
    >>> doc = EcomapDocument(format="ecomap/1", child=Child(id="c", name="C"),
    ...     observations=[Observation(tie="t", on=date(2024, 1, 1), by="worker", note="x")])
    >>> without_notes(doc).observations[0].note is None
    True
    """
    return doc.model_copy(
        update={"observations": [o.model_copy(update={"note": None}) for o in doc.observations],
                "meetings": meetings_without_notes(doc.meetings)}
    )
