"""Order-book analyzer: what the scorer pays per snapshot per pair (``BookAnalyzer.update``).

The stream is a synthetic 25-level book (both sides) on a 0.1 grid around 62,200 whose
best bid random-walks a tick at a time, with persistent lognormal level sizes (a few change
per snapshot), empty grid prices (gaps), and walls near the touch that stay for a few
snapshots and are then pulled or traded -- so imbalance, whales, voids and the spoof
tracker all do real work. Snapshots are 0.25 s apart.
Each sample is one ``update`` in this process, warm, including building the ``Book``.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import count

import numpy as np

from bench.common import Row, percentile, time_us
from config import load_config
from shared.books import Book
from trading.ai.book_analyzer import BookAnalyzer

logger = logging.getLogger(__name__)

DEPTH = 25
SNAPSHOTS = 2_000
REPS = 20_000
TICK = 0.1


def _stream(seed: int = 3) -> list[tuple[np.ndarray, np.ndarray]]:
    """``SNAPSHOTS`` (bids, asks) pairs, in order (see the module docstring).

    Sizes live on a fixed price grid and persist between snapshots (a few levels change
    each time), as in a real book; about one grid price in six is empty (gaps).
    """
    rng = np.random.default_rng(seed)
    grid = 4_000  # prices 62,000.0 .. 62,399.9 + index * TICK
    qty = rng.lognormal(0.0, 0.6, grid) * (rng.random(grid) > 1 / 6)
    qty[2_012:2_022] = 0.0  # a wide gap among the asks (filled in as levels change)
    qty[1_985:1_989] = 0.01  # a thin run among the bids
    best = 2_000  # grid index of the best bid
    wall, wall_left = 0, 0
    out = []
    for _ in range(SNAPSHOTS):
        best += int(rng.integers(-1, 2))
        changed = rng.integers(best - 40, best + 40, size=5)
        qty[changed] = rng.lognormal(0.0, 0.6, 5) * (rng.random(5) > 1 / 6)
        if wall_left == 0 and rng.random() < 0.05:
            wall, wall_left = best - int(rng.integers(1, 6)), int(rng.integers(2, 16))
            qty[wall] = 25.0
        elif wall_left:
            wall_left -= 1
            qty[wall] = qty[wall] if wall_left else 1.0  # pulled (or traded if reached)
        bid_idx = np.flatnonzero(qty[:best + 1])[::-1][:DEPTH]
        ask_idx = best + 1 + np.flatnonzero(qty[best + 1:])[:DEPTH]
        out.append((np.column_stack([62_000.0 + bid_idx * TICK, qty[bid_idx]]),
                    np.column_stack([62_000.0 + ask_idx * TICK, qty[ask_idx]])))
    return out


def update_samples(reps: int) -> list[float]:
    """Microseconds per ``update`` over the synthetic stream (ts +0.25 s per call)."""
    analyzer = BookAnalyzer.from_config(load_config({}).ai, pair="BTC/USD")
    analyzer.levels = DEPTH  # the imbalance over all 25 levels (config default is 10)
    stream = _stream()
    ticks = count()

    def one() -> object:
        i = next(ticks)
        bids, asks = stream[i % SNAPSHOTS]
        return analyzer.update(Book(bids, asks, i * 0.25))

    return time_us(one, reps)


def _quiet(reps: int) -> Callable[[], object]:
    analyzer = BookAnalyzer(DEPTH, 5.0, 0.1, 3.0)
    bids = np.column_stack([64_000.0 - TICK * np.arange(DEPTH), np.ones(DEPTH)])
    asks = np.column_stack([64_000.1 + TICK * np.arange(DEPTH), np.ones(DEPTH)])
    book = Book(bids, asks, 1.0)
    return lambda: analyzer.update(book)


def run() -> list[Row]:
    """Analyzer update p50/p99 on the synthetic stream, and p50 on a quiet uniform book."""
    stream = update_samples(REPS)
    quiet = time_us(_quiet(REPS), REPS)
    note = f"{REPS} reps, 25 levels a side, warm, one process"
    return [
        Row("book analyzer update 25 levels p50", percentile(stream, 50), "us", note),
        Row("book analyzer update 25 levels p99", percentile(stream, 99), "us", note),
        Row("book analyzer update quiet book p50", percentile(quiet, 50), "us",
            "uniform book: no whales, voids or walls to track"),
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row.name:45s} {row.value:8.2f} {row.unit}  {row.note}")
