"""One scanner shard: run the enabled strategies on each newly closed bar of its pairs.

Semantics:

- Pairs are sharded by their position in ``trading.pairs``: shard ``i`` of ``n`` owns
  ``pairs[i::n]``. The split is stable for a given config, so a restarted scanner takes
  back exactly the pairs it had and never another shard's.
- ``on_bar(pair)`` scans the pair when its newest closed bar has not been scanned yet, and
  returns the result; ``due()`` lists the owned pairs whose newest bar is unscanned (the
  periodic scan: a safety net for a ``bar`` event the bus lost). Each closed bar is
  therefore scanned at most once, so each yields at most one ``signal`` event.
- A fresh ``Scanner`` treats the bars already in the store as scanned: a scanner that was
  down loses the bar closes it missed and resumes with the next one.

Caveat: a backfill that appends several bars at once is scanned once, at its newest bar.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from shared.bars import BarStore
from trading.strategies import Signal, Strategy, evaluate_all, summarize

logger = logging.getLogger(__name__)


def shard(pairs: Sequence[str], index: int, count: int) -> list[str]:
    """The pairs shard ``index`` of ``count`` owns."""
    if not 0 <= index < count:
        raise ValueError(f"shard index {index} is not in 0..{count - 1}")
    return list(pairs[index::count])


@dataclass(frozen=True)
class Scan:
    pair: str
    bar_ts: float
    count: int
    signals: list[Signal]
    thought: str


class Scanner:
    def __init__(self, store: BarStore, pairs: Sequence[str], strategies: Sequence[Strategy],
                 window: int) -> None:
        self.store = store
        self.pairs = list(pairs)
        self.strategies = list(strategies)
        self.window = window
        self.scanned = {p: store.last_ts(p) for p in self.pairs}

    def due(self) -> list[str]:
        return [p for p in self.pairs if self._unscanned(p)]

    def _unscanned(self, pair: str) -> bool:
        last = self.store.last_ts(pair)
        return last is not None and (self.scanned[pair] is None or last > self.scanned[pair])

    def on_bar(self, pair: str) -> Scan | None:
        if pair not in self.scanned or not self._unscanned(pair):
            return None
        bars = self.store.window(pair, self.window)
        bar_ts = float(bars[-1, 0])
        self.scanned[pair] = bar_ts
        signals = evaluate_all(self.strategies, bars)
        return Scan(pair, bar_ts, self.store.count(pair), signals, summarize(pair, signals))
