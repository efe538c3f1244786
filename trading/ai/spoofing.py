"""Spoof detection: whales near the touch pulled within ``spoof_seconds`` without trading.

There is no trade feed here, only book snapshots, so "pulled" versus "traded" rests on
one fact of a price-time-priority book: a resting bid at price P can only fill once P is
the best bid (every better bid consumed) or a seller crosses below it -- either way the best
bid reaches P. Likewise for an ask and the best ask. So, for a tracked wall at P:

- **touched**: in some snapshot while tracked, its side's best price reached P (best bid
  <= P for a bid wall, best ask >= P for an ask wall; an empty side counts as reached). It
  may have traded, so it is never called a spoof, whatever happens to it later.
- **pulled**: in some snapshot it is gone -- no level at P, or less than
  :data:`PULL_FRACTION` of the largest qty seen there (a level away from the touch only
  shrinks by cancels) -- and it was never touched.
- **near the touch**: in at least one snapshot that showed it as a whale, it was within the
  top ``near_levels`` levels of its side or within ``near_bps`` of the mid (the reference
  price, see :mod:`trading.ai.book_metrics`). The "or" covers both dense books (BTC: 25
  levels span a few bps) and sparse ones (the first levels are tens of bps apart).

A **spoof** is a wall that was near the touch and was pulled with an observed lifetime
(first snapshot without it - first snapshot with it) <= ``spoof_seconds``.

Per tracked wall, keyed by (side, price), the states and their only transitions::

    (new whale at an untracked price)   -> SEEN
    SEEN -> TRADED    touched
    SEEN -> SPOOFED   pulled, near, lifetime <= spoof_seconds   (reported as a Spoof)
    SEEN -> PULLED    pulled, but never near or lifetime > spoof_seconds (snapshot gap)
    SEEN -> STAYED    still there more than spoof_seconds after it appeared
    SEEN -> LOST      gone, but its price is now beyond the deepest level shown (the
                      price moved away; nothing can be said)
    any  -> forgotten once its level holds less than PULL_FRACTION of its largest size
            and is not a whale in the snapshot

So a settled wall (TRADED, STAYED, SPOOFED, PULLED) stays in the table while most of it, or
a whale-sized rest of it, is still there -- the rest of a halved wall is not tracked again
as a new one, nor is a standing wall re-tracked when one snapshot's median jumps -- and a
new wall placed later at the same price is tracked afresh. Memory is bounded: only levels
present in the snapshot are kept (at most both sides' depth, and :data:`MAX_TRACKED`), plus
the last :data:`MAX_RECENT` spoofs.

Caveats: a wall placed at the touch (joining or improving the best price) is touched from
the start, so it is never called a spoof -- without trades, its disappearance cannot be told
from a fill. A sweep that reaches a wall, eats it and bounces back between two snapshots
looks like a pull (the read rate bounds this). Lifetimes are only as fine as the snapshot
interval.
"""
from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from trading.ai.book_checks import Ladder
from trading.ai.book_findings import Spoof, Whale

logger = logging.getLogger(__name__)

PULL_FRACTION: Final = 0.5
MAX_TRACKED: Final = 128
MAX_RECENT: Final = 32


class WallState:
    SEEN = "seen"  # tracking: appeared less than spoof_seconds ago, never touched
    TRADED = "traded"  # the touch reached it: may have traded, never a spoof
    STAYED = "stayed"  # outlived spoof_seconds
    SPOOFED = "spoofed"  # pulled from near the touch within spoof_seconds
    PULLED = "pulled"  # pulled, but far from the touch or late
    LOST = "lost"  # out of view (price moved away); no verdict


@dataclass(slots=True)
class Wall:
    """One tracked wall; ``qty``/``multiple`` the largest seen, ``level``/``distance_bps``
    the closest to the touch seen."""

    side: str
    price: float
    appeared_ts: float
    qty: float
    multiple: float
    level: int
    distance_bps: float
    ref: str
    unit: str
    near: bool
    state: str = WallState.SEEN

    def sight(self, w: Whale, near: bool) -> None:
        self.qty = max(self.qty, w.qty)
        self.multiple = max(self.multiple, w.multiple)
        self.level = min(self.level, w.level)
        self.distance_bps = min(self.distance_bps, w.distance_bps)
        self.near = self.near or near

    def spoof(self, ts: float) -> Spoof:
        return Spoof(self.side, self.price, self.qty, self.multiple, self.level,
                     self.distance_bps, self.appeared_ts, ts, self.ref, self.unit)


class SpoofDetector:
    """Per-pair wall tracker; feed it every validated snapshot in time order."""

    def __init__(self, spoof_seconds: float, near_levels: int = 5, near_bps: float = 10.0,
                 memory_seconds: float = 60.0) -> None:
        self.spoof_seconds = spoof_seconds
        self.near_levels = near_levels
        self.near_bps = near_bps
        self.memory_seconds = memory_seconds
        self.walls: dict[tuple[str, float], Wall] = {}
        self._recent: deque[Spoof] = deque(maxlen=MAX_RECENT)

    def is_near(self, w: Whale) -> bool:
        return w.level < self.near_levels or w.distance_bps <= self.near_bps

    def update(self, ts: float, lad: Ladder, whales: Iterable[Whale]) -> tuple[Spoof, ...]:
        """Advance every tracked wall to snapshot ``ts``, track new whales; the new spoofs."""
        seen = {(w.side, w.price): w for w in whales}
        found = []
        for key, wall in list(self.walls.items()):
            qty = lad.qty_at(wall.side, wall.price)
            whale = seen.get(key)
            if wall.state == WallState.SEEN:
                self._step(wall, ts, lad, qty, whale)
                if wall.state == WallState.SPOOFED:
                    found.append(wall.spoof(ts))
            if whale is None and qty < PULL_FRACTION * wall.qty:  # any -> forgotten
                del self.walls[key]
        for key, w in seen.items():
            if key not in self.walls and len(self.walls) < MAX_TRACKED:  # new -> SEEN
                self.walls[key] = Wall(w.side, w.price, ts, w.qty, w.multiple, w.level,
                                       w.distance_bps, w.ref, w.unit, self.is_near(w))
        for s in found:
            logger.debug("%s", s.text)
        self._recent.extend(found)
        return tuple(found)

    def _step(self, wall: Wall, ts: float, lad: Ladder, qty: float, now: Whale | None) -> None:
        """The transitions out of SEEN (see the module docstring)."""
        age = ts - wall.appeared_ts
        if lad.touched(wall.side, wall.price):
            wall.state = WallState.TRADED  # SEEN -> TRADED
        elif qty < PULL_FRACTION * wall.qty:
            if lad.beyond_view(wall.side, wall.price):
                wall.state = WallState.LOST  # SEEN -> LOST
            elif wall.near and age <= self.spoof_seconds:
                wall.state = WallState.SPOOFED  # SEEN -> SPOOFED
            else:
                wall.state = WallState.PULLED  # SEEN -> PULLED
        elif age > self.spoof_seconds:
            wall.state = WallState.STAYED  # SEEN -> STAYED
        elif now is not None:
            wall.sight(now, self.is_near(now))  # SEEN -> SEEN
        else:
            wall.qty = max(wall.qty, qty)  # SEEN -> SEEN (no longer whale-sized, still there)

    def recent(self, ts: float) -> tuple[Spoof, ...]:
        """Spoofs detected within ``memory_seconds`` before ``ts``, newest first."""
        while self._recent and ts - self._recent[0].pulled_ts > self.memory_seconds:
            self._recent.popleft()
        return tuple(reversed(self._recent))


__all__ = ["MAX_RECENT", "MAX_TRACKED", "PULL_FRACTION", "SpoofDetector", "Wall", "WallState"]
