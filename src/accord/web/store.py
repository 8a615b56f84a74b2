"""The open workspaces, bounded without letting a flood of new ones destroy a user's work.

When the store is full, a new workspace takes the place of the least recently used *untouched*
one (opened but never edited or run: nothing is lost but a copy of the case); failing that, of
a touched one idle for longer than ``idle_s``. If every workspace holds recent work, opening
another is refused (the dashboard answers 429) instead of evicting any of it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class StoreFull(Exception):
    """No workspace can be evicted: every one holds recent edits or results."""


class WorkspaceStore(Generic[T]):
    def __init__(
        self,
        capacity: int,
        *,
        touched: Callable[[T], bool],
        idle_s: float = 86_400.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.capacity = capacity
        self.idle_s = idle_s
        self._touched = touched
        self._clock = clock
        self._items: OrderedDict[str, tuple[T, float]] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: str) -> T | None:
        """The workspace, marked as just used; None if unknown (or evicted)."""
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            self._items[key] = (hit[0], self._clock())
            self._items.move_to_end(key)
            return hit[0]

    def add(self, key: str, item: T) -> None:
        """Keep ``item``; raises StoreFull when the store is full of recent work."""
        with self._lock:
            if len(self._items) >= self.capacity:
                victim = self._victim()
                if victim is None:
                    raise StoreFull(
                        f"the dashboard holds {len(self._items)} workspaces with recent edits or results "
                        f"(at most {self.capacity}); download what you need and restart it, "
                        "or raise accord serve --max-workspaces"
                    )
                del self._items[victim]
            self._items[key] = (item, self._clock())

    def _victim(self) -> str | None:
        now = self._clock()
        idle = None
        for key, (item, used) in self._items.items():  # least recently used first
            if not self._touched(item):
                return key
            if idle is None and now - used > self.idle_s:
                idle = key
        return idle
