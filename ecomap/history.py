"""What changed between two versions of a child's record, in plain words.

A revision's list of changes (docs/record.md) is the difference between the child's
document before it and after it, said the way a worker would say it: "added Gran",
"closeness of Jo 2 → 3", "ended tie with Sam: moved_placement". Pure: the API's revisions
listing, the CLI's ``ecomap history`` and the editor's History panel all show these
sentences.

People are named by their name (the reader is someone allowed to read the record);
note text is never repeated, only that a note changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ecomap.history_meetings import meeting_changes
from ecomap.model import Child, EcomapDocument, Episode, Observation, Person, Tie

ARROW = "→"

#: Observation ratings in the order they are mentioned, and how each is named.
_RATINGS: tuple[tuple[str, str], ...] = (
    ("closeness", "closeness"),
    ("contact", "contact"),
    ("support.emotional", "emotional support"),
    ("support.practical", "practical support"),
    ("support.informational", "informational support"),
    ("critical", "criticism"),
    ("direction", "direction"),
    ("trusted", "trust"),
)
_PERSON_FIELDS: tuple[tuple[str, str], ...] = (
    ("category", "category"),
    ("role", "role"),
    ("adult", "adult"),
    ("paid", "paid"),
)
_CHILD_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("birth_date", "birth date"),
    ("status", "status"),
    ("team", "team"),
)


def _say(value: object) -> str:
    """A value as a reader sees it.

    >>> _say(None), _say(True), _say(date(2024, 1, 2)), _say("moved_placement")
    ('none', 'yes', '2024-01-02', 'moved_placement')
    """
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _from_to(old: object, new: object) -> str:
    return f"{_say(old)} {ARROW} {_say(new)}"


class _Names:
    """Who an id is, preferring the newer document's name."""

    def __init__(self, before: EcomapDocument | None, after: EcomapDocument) -> None:
        self._child = after.child.id
        self._names: dict[str, str] = {}
        for doc in (before, after):
            if doc is not None:
                self._names.update({p.id: p.name for p in doc.people})

    def person(self, person_id: str) -> str:
        return self._names.get(person_id, person_id)

    def tie(self, tie: Tie) -> str:
        """``tie with Gran`` for a tie to the child, ``tie between Gran and Sam`` else."""
        a, b = tie.between
        if self._child in (a, b):
            return f"tie with {self.person(b if a == self._child else a)}"
        return f"tie between {self.person(a)} and {self.person(b)}"

    def member(self, tie_id: str, ties: Mapping[str, Tie]) -> str:
        """Whom an observation of ``tie_id`` is about: the person at the far end of a
        tie to the child, or both people of a tie between two people."""
        tie = ties.get(tie_id)
        if tie is None:
            return tie_id
        a, b = tie.between
        if self._child in (a, b):
            return self.person(b if a == self._child else a)
        return f"{self.person(a)} and {self.person(b)}"


def _child_changes(before: Child, after: Child) -> list[str]:
    out = []
    for field, label in _CHILD_FIELDS:
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            out.append(f"{label} of the child {_from_to(old, new)}")
    return out


def _person_changes(before: Person, after: Person) -> list[str]:
    out = []
    if before.name != after.name:
        out.append(f"renamed {before.name} {ARROW} {after.name}")
    for field, label in _PERSON_FIELDS:
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            out.append(f"{label} of {after.name} {_from_to(old, new)}")
    return out


def _tie_changes(before: Tie, after: Tie, names: _Names) -> list[str]:
    what = names.tie(after)
    out = []
    if before.started != after.started:
        out.append(f"start of {what} {_from_to(before.started, after.started)}")
    if before.ended is None and after.ended is not None:
        why = f": {after.end_reason}" if after.end_reason else ""
        out.append(f"ended {what}{why} ({after.ended.isoformat()})")
    elif before.ended is not None and after.ended is None:
        out.append(f"{what} no longer ended (was {before.ended.isoformat()})")
    else:
        if before.ended != after.ended:
            out.append(f"end of {what} {_from_to(before.ended, after.ended)}")
        if before.end_reason != after.end_reason:
            out.append(f"why {what} ended {_from_to(before.end_reason, after.end_reason)}")
    if set(before.between) != set(after.between):
        out.append(f"{names.tie(before)} now links {names.tie(after).removeprefix('tie ')}")
    return out


def _ratings(obs: Observation | None) -> dict[str, Any]:
    """The ratings of an observation, flat (``support.emotional``); {} for None."""
    if obs is None:
        return {}
    flat: dict[str, Any] = {}
    for field, _ in _RATINGS:
        head, _, tail = field.partition(".")
        value = getattr(obs, head)
        if tail:
            value = getattr(value, tail) if value is not None else None
        flat[field] = value
    return flat


def _view(obs: Observation) -> str:
    return f"{obs.on.isoformat()}, the {obs.by}'s view"


def _rating_changes(
    old: Observation | None, new: Observation, who: str, *, correction: bool
) -> list[str]:
    """One sentence per rating that differs from ``old`` (a corrected observation, or the
    same side's previous rating of the tie); a first rating lists what it says."""
    was, now = _ratings(old), _ratings(new)
    if old is None:
        given = [f"{label} {_say(now[f])}" for f, label in _RATINGS if now[f] is not None]
        said = ": " + ", ".join(given) if given else ""
        out = [f"rated {who} ({_view(new)}){said}"]
    else:
        out = [
            f"{label} of {who} {_from_to(was[f], now[f])} ({_view(new)})"
            for f, label in _RATINGS
            if was[f] != now[f]
        ]
        if not out and not correction:
            out = [f"rated {who} again, unchanged ({_view(new)})"]
    if old is not None and (old.note or None) != (new.note or None):
        out.append(f"{'changed' if old.note else 'added'} the note on {who} ({_view(new)})")
    elif old is None and new.note:
        out.append(f"added a note on {who} ({_view(new)})")
    return out


def _keyed(items: Iterable[Any], key: Any) -> dict[tuple[Any, ...], Any]:
    """Items keyed by ``key(item)`` plus their occurrence among equal keys, so that two
    observations of one tie on one day from one side stay apart (order is kept)."""
    seen: dict[tuple[Any, ...], int] = defaultdict(int)
    out: dict[tuple[Any, ...], Any] = {}
    for item in items:
        k = key(item)
        out[(*k, seen[k])] = item
        seen[k] += 1
    return out


def _obs_key(obs: Observation) -> tuple[str, date, str]:
    return (obs.tie, obs.on, obs.by)


def _previous(obs: Observation, doc: EcomapDocument) -> Observation | None:
    """The same side's latest rating of the same tie before ``obs`` in the document."""
    best: Observation | None = None
    for other in doc.observations:
        if other is obs:
            break
        same_side = other.tie == obs.tie and other.by == obs.by
        if same_side and other.on <= obs.on and (best is None or other.on >= best.on):
            best = other
    return best


def _observation_changes(
    before: EcomapDocument, after: EcomapDocument, names: _Names
) -> list[str]:
    ties = {t.id: t for t in (*before.ties, *after.ties)}
    old, new = _keyed(before.observations, _obs_key), _keyed(after.observations, _obs_key)
    out: list[str] = []
    for key, obs in new.items():
        who = names.member(obs.tie, ties)
        if key in old:
            if old[key] != obs:
                out += _rating_changes(old[key], obs, who, correction=True)
        else:
            out += _rating_changes(_previous(obs, after), obs, who, correction=False)
    for key, obs in old.items():
        if key not in new:
            out.append(f"removed a rating of {names.member(obs.tie, ties)} ({_view(obs)})")
    return out


def _episode_label(ep: Episode) -> str:
    fields = ep.model_dump(exclude={"kind", "start", "end", "reason"}, exclude_none=True)
    what = " ".join([ep.kind, *(str(v) for v in fields.values())])
    return f"{what} from {ep.start.isoformat()}"


def _episode_changes(before: EcomapDocument, after: EcomapDocument) -> list[str]:
    def key(ep: Episode) -> tuple[str, date]:
        return (ep.kind, ep.start)

    old, new = _keyed(before.episodes, key), _keyed(after.episodes, key)
    out: list[str] = []
    for k, ep in new.items():
        if k not in old:
            end = f" to {ep.end.isoformat()}" if ep.end else ""
            why = f" ({ep.reason})" if ep.reason else ""
            out.append(f"added {_episode_label(ep)}{end}{why}")
            continue
        was, now = old[k].model_dump(exclude={"kind", "start"}), ep.model_dump(
            exclude={"kind", "start"}
        )
        for field, value in now.items():
            if was.get(field) != value:
                out.append(f"{field} of {_episode_label(ep)} {_from_to(was.get(field), value)}")
    out += [f"removed {_episode_label(ep)}" for k, ep in old.items() if k not in new]
    return out


def created(doc: EcomapDocument) -> str:
    """The one sentence for a record's first revision.

    >>> from ecomap.model import EcomapDocument
    >>> created(EcomapDocument.model_validate(
    ...     {"format": "ecomap/1", "child": {"id": "c", "name": "Ava"}}))
    'created the record (0 people, 0 ties, 0 ratings, 0 episodes)'
    """
    n_people = len(doc.people)
    return (
        f"created the record ({n_people} {'person' if n_people == 1 else 'people'}, "
        f"{len(doc.ties)} ties, {len(doc.observations)} ratings, {len(doc.episodes)} episodes)"
    )


def changes(before: EcomapDocument | None, after: EcomapDocument) -> list[str]:
    """What changed from ``before`` to ``after`` (two versions of one child's document),
    one plain sentence per change; ``before=None`` is the record's creation.

    People come first (added, changed), then ties, ratings, periods, and what was
    removed. An observation that keeps its tie, date and side but changes a rating is a
    correction; a new observation is compared with the same side's previous rating of the
    tie. Equal documents give ``[]``.

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> def doc(people, ties, obs=()):
    ...     return EcomapDocument.model_validate({
    ...         "format": "ecomap/1", "child": {"id": "c-ava", "name": "Ava"},
    ...         "people": people, "ties": ties, "observations": list(obs)})
    >>> jo = {"id": "p-jo", "name": "Jo", "category": "friend"}
    >>> sam = {"id": "sw", "name": "Sam", "category": "professional"}
    >>> gran = {"id": "p-gran", "name": "Gran", "category": "family"}
    >>> t_jo = {"id": "t1", "between": ["c-ava", "p-jo"]}
    >>> t_sam = {"id": "t2", "between": ["c-ava", "sw"], "started": "2023-09-01"}
    >>> rate = {"tie": "t1", "on": "2024-01-10", "by": "child", "closeness": 2}
    >>> v1 = doc([jo, sam], [t_jo, t_sam], [rate])
    >>> v2 = doc([jo, sam, gran], [t_jo, {**t_sam, "ended": "2024-06-30",
    ...          "end_reason": "moved_placement"}], [{**rate, "closeness": 3}])
    >>> for line in changes(v1, v2): print(line)
    added Gran
    ended tie with Sam: moved_placement (2024-06-30)
    closeness of Jo 2 → 3 (2024-01-10, the child's view)
    >>> changes(v2, v2)
    []
    """
    if before is None:
        return [created(after)]
    names = _Names(before, after)
    out = _child_changes(before.child, after.child)
    old_people = {p.id: p for p in before.people}
    new_people = {p.id: p for p in after.people}
    out += [f"added {p.name}" for p in after.people if p.id not in old_people]
    for p in after.people:
        if p.id in old_people and old_people[p.id] != p:
            out += _person_changes(old_people[p.id], p)
    old_ties = {t.id: t for t in before.ties}
    new_ties = {t.id: t for t in after.ties}
    for t in after.ties:
        if t.id not in old_ties:
            since = f" from {t.started.isoformat()}" if t.started else ""
            out.append(f"added {names.tie(t)}{since}")
            if t.ended is not None:
                why = f": {t.end_reason}" if t.end_reason else ""
                out.append(f"ended {names.tie(t)}{why} ({t.ended.isoformat()})")
        elif old_ties[t.id] != t:
            out += _tie_changes(old_ties[t.id], t, names)
    out += _observation_changes(before, after, names)
    out += _episode_changes(before, after)
    out += meeting_changes(before, after, names.person)
    out += [f"removed {names.tie(t)}" for t in before.ties if t.id not in new_ties]
    out += [f"removed {p.name}" for p in before.people if p.id not in new_people]
    return out
