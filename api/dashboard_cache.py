"""The dashboard's cache: the store's tables, each date's per-child values and each
finished answer, keyed by the store's revision (every write bumps it), so a repeat view
is a lookup and never stale.

Each part is an :class:`Lru` that computes a missing key once however many threads ask
for it at the same time: the first asker computes it, the others wait for that answer
(or its exception) instead of repeating seconds of work. A request that arrives while the
app's start-up warm-up (:func:`api.dashboard.warm`) is computing the same dashboard waits
for it; one that needs only some of the same dates shares those.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ecomap.dashboard import Dashboard
    from ecomap.measures.cohort import CohortValues
    from ecomap.measures.plans_cohort import PlanTables
    from ecomap.measures.tables import CohortTables

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """A thread-safe least-recently-used map of at most ``size`` keys whose missing keys
    are computed once, by the first caller that asks, while the others wait.

    >>> lru: Lru[str, int] = Lru(2)
    >>> lru.get("a", lambda: 1), lru.get("a", lambda: 2)
    (1, 1)
    >>> lru.get_many(["a", "b", "c"], lambda missing: [ord(k) for k in missing])
    [1, 98, 99]
    >>> lru.has("a"), lru.has("c")  # two kept: the least recently used went
    (False, True)
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._data: OrderedDict[K, V] = OrderedDict()
        self._making: dict[K, Future[V]] = {}

    def __len__(self) -> int:
        """How many keys are kept."""
        with self._lock:
            return len(self._data)

    def has(self, key: K) -> bool:
        """Whether ``key`` is kept (without making it the most recently used)."""
        with self._lock:
            return key in self._data

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value of ``key``: kept, or being made by another caller (wait for it), or
        made now by ``make()``. An exception from ``make`` reaches every caller waiting
        for that key, and nothing is kept, so the next call tries again."""
        return self.get_many([key], lambda missing: [make()])[0]

    def get_many(self, keys: Sequence[K], make: Callable[[list[K]], Sequence[V]]) -> list[V]:
        """The values of ``keys`` (in order): those kept, those another caller is making
        (waited for), and the rest made together by one call ``make(missing)``, which
        returns their values in the order of ``missing``."""
        found: dict[K, V] = {}
        waiting: dict[K, Future[V]] = {}
        mine: dict[K, Future[V]] = {}
        with self._lock:
            for key in keys:
                if key in found or key in waiting or key in mine:
                    continue
                if key in self._data:
                    self._data.move_to_end(key)
                    found[key] = self._data[key]
                elif key in self._making:
                    waiting[key] = self._making[key]
                else:
                    mine[key] = self._making[key] = Future()
        if mine:
            self._make(list(mine), mine, make)
            found.update((key, future.result()) for key, future in mine.items())
        # Our own keys are done before we wait: whoever makes what we wait for is never
        # waiting for us, so callers cannot deadlock.
        found.update((key, future.result()) for key, future in waiting.items())
        return [found[key] for key in keys]

    def _make(self, missing: list[K], futures: dict[K, Future[V]],
              make: Callable[[list[K]], Sequence[V]]) -> None:
        try:
            made = list(make(missing))
            if len(made) != len(missing):
                raise ValueError(f"made {len(made)} values for {len(missing)} keys")
        except BaseException as exc:
            with self._lock:
                for key in missing:
                    del self._making[key]
            for future in futures.values():
                future.set_exception(exc)
            # the exception was handed to the waiters, and it is raised again here by
            # future.result() in get_many
            return
        with self._lock:
            for key, value in zip(missing, made, strict=True):
                del self._making[key]
                self._data[key] = value
                self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        for key, value in zip(missing, made, strict=True):
            futures[key].set_result(value)


class DashboardCache:
    """Tables and plan tables by revision; per-child values by (revision, date, measure
    settings as JSON); answers by everything that shapes them (:func:`api.dashboard.dashboard`).
    """

    def __init__(self) -> None:
        self.tables: Lru[int, CohortTables] = Lru(2)
        self.plans: Lru[int, PlanTables] = Lru(2)
        self.values: Lru[tuple[int, date, str], CohortValues] = Lru(64)
        self.answers: Lru[tuple[Any, ...], Dashboard] = Lru(64)


__all__ = ["DashboardCache", "Lru"]
