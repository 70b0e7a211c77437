"""Domain errors: a broken rule (Breach) and a refused document (DocumentInvalid)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Breach:
    """One broken rule: where (a JSON path such as ``ties[2].ended``) and what.

    >>> Breach("ties[2].ended", "is before started")
    Breach(path='ties[2].ended', message='is before started')
    """

    path: str
    message: str


class DocumentInvalid(ValueError):
    """An ``ecomap/1`` document that breaks the format's rules; every breach is listed.

    ``source`` names the document: the child id when it could be read, otherwise
    where it came from (``line 3`` of a JSON Lines file, a file name). ``location``
    is where it came from, whatever ``source`` became.

    >>> err = DocumentInvalid("c-ava", [Breach("ties[0].ended", "is before started")])
    >>> str(err)
    'document c-ava is invalid: ties[0].ended: is before started'
    """

    def __init__(
        self, source: str, breaches: Sequence[Breach], *, location: str | None = None
    ) -> None:
        self.source = source
        self.breaches = list(breaches)
        self.location = location if location is not None else source
        shown = "; ".join(f"{b.path}: {b.message}" for b in self.breaches[:5])
        more = len(self.breaches) - 5
        if more > 0:
            shown += f"; and {more} more"
        super().__init__(f"document {source} is invalid: {shown}")

    def __reduce__(self) -> tuple[object, ...]:
        # Keeps the error picklable (multiprocessing, pytest-xdist) despite keyword args.
        return (_rebuild, (self.source, self.breaches, self.location))


def _rebuild(source: str, breaches: list[Breach], location: str) -> DocumentInvalid:
    return DocumentInvalid(source, breaches, location=location)
