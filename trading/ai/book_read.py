"""BookRead: the book analyzer's result for one pair at one snapshot.

Dependency-free (stdlib and :mod:`trading.ai.book_findings` only).

Semantics:

- ``imbalance`` is THE imbalance, ``depth.imbalance``: (bid qty - ask qty) / (bid qty + ask
  qty) over the top ``depth.levels`` levels, in ``[-1, 1]``, 0 for an empty book.
- ``mid`` and ``spread`` are NaN when a side is empty (``mid > 0`` is then False).
- ``whales`` and ``voids`` are this snapshot's, bids first, each side best level first.
- ``spoofs`` are the spoofs *detected* in the last ``spoof_memory_seconds`` (the analyzer's),
  newest first: a spoof is only visible once, at the snapshot where its wall disappears, and
  a reader that looks a second later must still see it. ``new_spoofs`` are this snapshot's.
- ``error`` is None for a usable read. A malformed snapshot (NaN, qty <= 0, unsorted,
  crossed, older than the previous one, ...) gives a read with a one-line ``error`` and
  nothing else: imbalance 0, no findings, and ``confirms`` is always False.
- ``confirms("long", t)`` is ``imbalance >= +t``; ``confirms("short", t)`` is
  ``imbalance <= -t`` (sides as :class:`trading.strategies.signal.Side`); never for
  ``"flat"``, a skipped read or an empty book (even at ``t = 0``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from trading.ai.book_findings import Depth, Spoof, Void, Whale, fmt, qty_text

LONG, SHORT, FLAT = "long", "short", "flat"  # == trading.strategies.signal.Side (not imported:
# that package pulls in every strategy)

NAN = float("nan")


@dataclass(frozen=True, slots=True)
class BookRead:
    pair: str
    ts: float
    mid: float
    spread: float
    imbalance: float
    depth: Depth
    whales: tuple[Whale, ...] = ()
    voids: tuple[Void, ...] = ()
    spoofs: tuple[Spoof, ...] = ()
    error: str | None = None

    @classmethod
    def skipped(cls, pair: str, ts: float, error: str, levels: int, unit: str = "") -> BookRead:
        """The neutral read of a snapshot that could not be used, saying why."""
        return cls(pair, ts, NAN, NAN, 0.0, Depth(0.0, 0.0, levels, unit), error=error)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def spread_bps(self) -> float:
        """Spread over mid in basis points (NaN when a side is empty)."""
        return self.spread / self.mid * 1e4 if self.mid > 0.0 else NAN

    @property
    def new_spoofs(self) -> tuple[Spoof, ...]:
        """The spoofs detected at this very snapshot."""
        return tuple(s for s in self.spoofs if s.pulled_ts == self.ts)

    def confirms(self, side: str, threshold: float) -> bool:
        """True when the imbalance leans ``side``'s way by at least ``threshold``.

        :raises ValueError: ``side`` is not long, short or flat.
        """
        if side not in (LONG, SHORT, FLAT):
            raise ValueError(f"side {side!r} is not one of ('long', 'short', 'flat')")
        if self.error is not None or side == FLAT or not self.depth.bid_qty + self.depth.ask_qty:
            return False
        return self.imbalance >= threshold if side == LONG else self.imbalance <= -threshold

    @property
    def summary(self) -> str:
        """One line for a thought or a log."""
        head = f"{self.pair} book" if self.pair else "book"
        if self.error is not None:
            return f"{head} skipped: {self.error}"
        parts = [f"imbalance {self.imbalance:+.2f} over {self.depth.levels} levels"]
        if self.mid > 0.0:
            parts.append(f"mid {fmt(self.mid)}, spread {fmt(self.spread, 4)}"
                         f" ({self.spread_bps:.2g} bps)")
        else:
            parts.append("one-sided" if self.depth.bid_qty or self.depth.ask_qty else "empty")
        parts += [_whales(self.whales), _count(len(self.voids), "void"), _spoofs(self.spoofs)]
        return f"{head}: " + ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN as None), for thought events and the API."""
        def num(x: float) -> float | None:
            return None if math.isnan(x) else x
        return {"pair": self.pair, "ts": self.ts, "mid": num(self.mid),
                "spread": num(self.spread), "spread_bps": num(self.spread_bps),
                "imbalance": self.imbalance, "depth": self.depth.to_dict(),
                "whales": [w.to_dict() for w in self.whales],
                "voids": [v.to_dict() for v in self.voids],
                "spoofs": [s.to_dict() for s in self.spoofs],
                "error": self.error, "summary": self.summary}


def _count(n: int, noun: str) -> str:
    return f"{n or 'no'} {noun}{'' if n == 1 else 's'}"


def _whales(whales: tuple[Whale, ...]) -> str:
    if not whales:
        return _count(0, "whale")
    w = max(whales, key=lambda x: x.multiple)
    return (f"{_count(len(whales), 'whale')} (largest {w.side} {qty_text(w.qty, w.unit)}"
            f" at {fmt(w.price)}, {w.multiple:.1f}x)")


def _spoofs(spoofs: tuple[Spoof, ...]) -> str:
    if not spoofs:
        return _count(0, "recent spoof")
    s = spoofs[0]
    return (f"{_count(len(spoofs), 'recent spoof')} (latest {s.side} {qty_text(s.qty, s.unit)}"
            f" at {fmt(s.price)} pulled after {s.lifetime:.1f} s)")


__all__ = ["BookRead"]
