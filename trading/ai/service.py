"""The scorer's work between the stores and the bus, without the process around it.

Semantics:

- ``sample_books(now)`` reads every pair's book from shared memory and feeds it to that
  pair's analyzer (spoof detection needs a history of snapshots, so the caller samples a
  few times a second, not only when a signal arrives). The latest read is kept per pair.
- ``on_signal(pair, body, now)`` handles one ``signal`` event body: it parses the signals
  (a malformed body is rejected with a one-line ``ValueError`` naming what was wrong), reads
  the pair's window ending exactly at the signal's bar from shared memory, and asks the
  scorer for a decision on the signals as the pair's :class:`SignalMemory` holds them
  (``ai.signal_memory_bars``). A window that no longer reaches back to that bar, or a pair the
  stores do not hold, gives None (logged): the bar is not scored twice or from other bars.
- The imbalance the scorer sees is an exponential average of the sampled reads' imbalance
  (half-life ``IMBALANCE_HALF_LIFE`` samples, about 2 s at 4 samples a second): a single
  snapshot's imbalance is noise (a calm book swings +-0.2) and is what a spoofer paints, a
  lasting lean is what confirms a side.
- A book read older than ``BOOK_MAX_AGE_S`` (by its snapshot ts against ``wall``) does not
  confirm anything: the decision sees no book.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from shared.bars import BarStore
from shared.books import BookStore
from trading.ai.book_analyzer import BookAnalyzer, BookRead
from trading.ai.features import WINDOW
from trading.ai.memory import SignalMemory
from trading.ai.scorer import Decision, Scorer
from trading.strategies.signal import Signal

logger = logging.getLogger(__name__)

BOOK_MAX_AGE_S = 10.0
IMBALANCE_HALF_LIFE = 8.0
_ALPHA = 1.0 - 0.5 ** (1.0 / IMBALANCE_HALF_LIFE)


@dataclass(frozen=True, slots=True)
class BookView:
    """What the scorer uses of a pair's book: the averaged imbalance and the latest quote."""

    imbalance: float
    mid: float
    spread: float
_SIGNAL_KEYS = ("strategy", "side", "strength", "stop", "reasons", "bar_ts")


def parse_signals(body: Mapping[str, Any]) -> tuple[float, list[Signal]]:
    """``(bar_ts, signals)`` from a ``signal`` event body; one-line ValueError if malformed."""
    bar_ts, raw = body.get("bar_ts"), body.get("signals")
    if not isinstance(bar_ts, (int, float)) or not math.isfinite(bar_ts):
        raise ValueError(f"signal event: bar_ts {bar_ts!r} is not a finite number")
    if not isinstance(raw, list):
        raise ValueError("signal event: 'signals' is not a list")
    signals = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) != set(_SIGNAL_KEYS):
            raise ValueError(f"signal event: signals[{i}] does not have exactly the keys "
                             f"{', '.join(_SIGNAL_KEYS)}")
        try:
            signals.append(Signal(**{**item, "reasons": tuple(item["reasons"])}))
        except (TypeError, ValueError) as err:
            raise ValueError(f"signal event: signals[{i}]: {err}") from None
    return float(bar_ts), signals


class ScoringService:
    def __init__(self, bars: BarStore, books: BookStore, pairs: Sequence[str], scorer: Scorer,
                 analyzer: Callable[[str], BookAnalyzer], memory: Callable[[], SignalMemory],
                 wall: Callable[[], float]) -> None:
        self.bars, self.books, self.scorer, self.wall = bars, books, scorer, wall
        self.analyzers = {p: analyzer(p) for p in pairs}
        self.memories = {p: memory() for p in pairs}
        self.reads: dict[str, BookRead] = {}
        self.imbalance: dict[str, float] = {}

    def sample_books(self) -> None:
        for pair, analyzer in self.analyzers.items():
            book = self.books.read(pair)
            if book is None:
                continue
            read = self.reads[pair] = analyzer.update(book)
            if read.error is None:
                last = self.imbalance.get(pair, read.imbalance)
                self.imbalance[pair] = last + _ALPHA * (read.imbalance - last)

    def book_view(self, pair: str) -> BookView | None:
        """The pair's book as the scorer sees it; None if there is no fresh, sane read."""
        read = self.reads.get(pair)
        if read is None or read.error is not None or self.wall() - read.ts > BOOK_MAX_AGE_S:
            return None
        return BookView(self.imbalance[pair], read.mid, read.spread)

    def _window(self, pair: str, bar_ts: float) -> np.ndarray | None:
        bars = self.bars.window(pair, min(self.bars.capacity, WINDOW + 8))
        upto = bars[bars[:, 0] <= bar_ts]
        if not len(upto) or upto[-1, 0] != bar_ts:
            return None
        return upto[-WINDOW:]

    def on_signal(self, pair: str, body: Mapping[str, Any]) -> Decision | None:
        bar_ts, signals = parse_signals(body)
        if pair not in self.analyzers:
            logger.warning("signal for %s, which is not a configured pair: ignored", pair)
            return None
        window = self._window(pair, bar_ts)
        if window is None:
            logger.warning("%s: bar %s is no longer in the store: not scored", pair, bar_ts)
            return None
        held = self.memories[pair].update(signals)
        return self.scorer.decide(pair, held, window, self.book_view(pair), self.wall())
