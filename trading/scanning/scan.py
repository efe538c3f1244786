"""One scanner shard: run the enabled strategies on each newly closed bar of its pairs.

Semantics:

- Pairs are sharded by their position in ``trading.pairs``: shard ``i`` of ``n`` owns
  ``pairs[i::n]``. The split is stable for a given config, so a restarted scanner takes
  back exactly the pairs it had and never another shard's.
- ``on_bar(pair)`` scans the pair when its newest closed bar has not been scanned yet, and
  returns the result; ``due()`` lists the owned pairs whose newest bar is unscanned (the
  periodic scan: a safety net for a ``bar`` event the bus lost). Each closed bar is
  therefore scanned at most once, so each yields at most one ``signal`` event.
- ``scans(pairs)`` does the same for several pairs at once -- the bar events that were
  waiting together: pairs whose windows have the same length are evaluated together
  (:func:`~trading.strategies.evaluate_batch`: one indicator call for all of them), a pair
  whose window length is its own alone, and the signals are exactly those of one
  ``on_bar`` per pair. It yields each scan as soon as it is computed: grouped by window
  length (the first pair's length first), in the order given within a group -- the order
  given when all windows are full. ``on_bars(pairs)`` is the same as a list.
- A fresh ``Scanner`` treats the bars already in the store as scanned: a scanner that was
  down loses the bar closes it missed and resumes with the next one.

Caveat: a backfill that appends several bars at once is scanned once, at its newest bar.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from shared.bars import BarStore
from trading.strategies import Signal, Strategy, evaluate_all, summarize
from trading.strategies.batch import iter_batch

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
        scans = self.on_bars([pair])
        return scans[0] if scans else None

    def on_bars(self, pairs: Sequence[str]) -> list[Scan]:
        return list(self.scans(pairs))

    def scans(self, pairs: Sequence[str]) -> Iterator[Scan]:
        """Scans of those of ``pairs`` (owned, each once) whose newest bar is unscanned, each
        yielded as soon as computed; the bars are marked scanned right away."""
        due = [p for p in dict.fromkeys(pairs) if p in self.scanned and self._unscanned(p)]
        windows = {p: self.store.window(p, self.window) for p in due}
        for p, bars in windows.items():  # each bar is scanned at most once
            self.scanned[p] = float(bars[-1, 0])
        return (Scan(p, float(windows[p][-1, 0]), self.store.count(p), signals,
                     summarize(p, signals)) for p, signals in self._signals(windows))

    def _signals(self, windows: dict[str, np.ndarray]) -> Iterator[tuple[str, list[Signal]]]:
        """Every pair's signals: windows of one length together, a length of its own alone."""
        by_length: dict[int, list[str]] = {}
        for pair, bars in windows.items():
            by_length.setdefault(len(bars), []).append(pair)
        for group in by_length.values():
            if len(group) == 1:
                yield group[0], evaluate_all(self.strategies, windows[group[0]])
            else:
                yield from zip(group, iter_batch(self.strategies, [windows[p] for p in group]))
