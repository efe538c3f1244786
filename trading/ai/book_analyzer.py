"""BookAnalyzer: one pair's order-book read per snapshot -- imbalance, whales, voids, spoofs.

Semantics:

- Keep one analyzer per pair and feed it every snapshot read for that pair, in time order
  (``update(book) -> BookRead``). Time is the snapshot's ``ts`` only (no clock), so a
  backtest or a test drives it deterministically.
- The imbalance, whales and voids are functions of the snapshot alone
  (:mod:`trading.ai.book_metrics`); spoofs need the history, kept as explicit per-wall
  states in a :class:`~trading.ai.spoofing.SpoofDetector` (bounded memory).
- A snapshot that cannot be used -- malformed (:mod:`trading.ai.book_checks`), a
  non-finite ts, or a ts older than the last one used -- gives
  :meth:`BookRead.skipped <trading.ai.book_read.BookRead.skipped>` with a one-line
  ``error``, and leaves the history untouched. ``update`` does not raise on bad books.
- The same snapshot fed twice (same ts) changes nothing in the history.
- ``near_levels``, ``near_bps`` (what "near the touch" means for spoofs) and
  ``spoof_memory_seconds`` (how long a detected spoof stays in reads) are not config keys.
"""
from __future__ import annotations

import logging
import math
from typing import Final

from config.schema import AI
from shared.books import Book
from trading.ai.book_checks import BadBook, ladder
from trading.ai.book_metrics import depth, find_voids, find_whales, median, reference
from trading.ai.book_read import BookRead
from trading.ai.spoofing import SpoofDetector

logger = logging.getLogger(__name__)

NEAR_LEVELS: Final = 5
NEAR_BPS: Final = 10.0
SPOOF_MEMORY_SECONDS: Final = 60.0


class BookAnalyzer:
    """One pair's order-book analysis; see the module docstring."""

    def __init__(self, levels: int, whale_multiple: float, void_fraction: float,
                 spoof_seconds: float, *, pair: str = "", near_levels: int = NEAR_LEVELS,
                 near_bps: float = NEAR_BPS,
                 spoof_memory_seconds: float = SPOOF_MEMORY_SECONDS) -> None:
        """:raises ValueError: a parameter out of range (one line naming it)."""
        _check("levels", levels, levels >= 1)
        _check("whale_multiple", whale_multiple, whale_multiple > 1.0)
        _check("void_fraction", void_fraction, 0.0 < void_fraction < 1.0)
        _check("spoof_seconds", spoof_seconds, spoof_seconds > 0.0)
        _check("near_levels", near_levels, near_levels >= 0)
        _check("near_bps", near_bps, near_bps >= 0.0)
        _check("spoof_memory_seconds", spoof_memory_seconds, spoof_memory_seconds >= 0.0)
        self.pair = pair
        self.unit = pair.partition("/")[0]
        self.levels = int(levels)
        self.whale_multiple = float(whale_multiple)
        self.void_fraction = float(void_fraction)
        self.spoofs = SpoofDetector(float(spoof_seconds), int(near_levels), float(near_bps),
                                    float(spoof_memory_seconds))
        self.last_ts = -math.inf

    @classmethod
    def from_config(cls, ai: AI, pair: str = "") -> BookAnalyzer:
        """Built from the ``ai`` config section (``book_levels``, ``whale_multiple``,
        ``void_fraction``, ``spoof_seconds``)."""
        return cls(ai.book_levels, ai.whale_multiple, ai.void_fraction, ai.spoof_seconds,
                   pair=pair)

    def update(self, book: Book) -> BookRead:
        """The read of ``book`` (a skipped read with its reason if it cannot be used)."""
        ts = _num(book.ts)
        try:
            lad = ladder(book.bids, book.asks)
            if not math.isfinite(ts):
                raise BadBook(f"ts {book.ts!r} is not a finite number")
            if ts < self.last_ts:
                raise BadBook(f"ts {ts!r} is older than the previous snapshot's {self.last_ts!r}")
        except BadBook as err:
            logger.debug("%s: book skipped: %s", self.pair, err)
            return BookRead.skipped(self.pair, ts, str(err), self.levels, self.unit)
        self.last_ts = ts
        ref = reference(lad)
        dep = depth(lad, self.levels, self.unit)
        med = median(lad.qtys)  # NaN for an empty book: then nothing compares true below
        whales = find_whales(lad, ref, self.whale_multiple, med, self.unit)
        voids = find_voids(lad, ref, self.void_fraction, med, self.unit)
        self.spoofs.update(ts, lad, whales)
        two_sided = len(lad.bids) > 0 and len(lad.asks) > 0
        mid = ref[0] if two_sided else math.nan
        spread = float(lad.asks[0, 0] - lad.bids[0, 0]) if two_sided else math.nan
        return BookRead(self.pair, ts, mid, spread, dep.imbalance, dep, whales, voids,
                        self.spoofs.recent(ts))


def _check(name: str, value: float, ok: bool) -> None:
    if not ok:
        raise ValueError(f"BookAnalyzer {name}={value!r} is out of range")


def _num(ts: object) -> float:
    try:
        return float(ts)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


__all__ = ["NEAR_BPS", "NEAR_LEVELS", "SPOOF_MEMORY_SECONDS", "BookAnalyzer", "BookRead"]
