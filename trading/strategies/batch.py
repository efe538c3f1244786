"""Strategies over a batch of windows that end at the same bar close: one indicator call each.

Semantics: ``evaluate_batch(strategies, windows)`` takes ``k`` windows of equal length --
one ``(k, n, 6)`` array, or a sequence of ``(n, 6)`` arrays (window ``i`` = ``windows[i]``,
oldest first, as for :func:`~trading.strategies.evaluate_all`) -- and returns, per window,
exactly the signals :func:`~trading.strategies.evaluate_all` returns for that window
alone. A window of another shape, or of another length than the others, is a one-line
``ValueError``.

How: the indicators the strategies declare in ``prefetch`` (those every evaluation of a
long enough window reads, e.g. trend's two EMAs and the RSI of momentum and reversal) are
computed once for all ``k`` windows, on ``(k, n)`` stacks of the columns they read;
``trading.indicators`` gives row ``i`` of a stack bit for bit the value for window ``i``
alone, and each window's :class:`~trading.strategies.bars.Bars` starts with its rows in
its memo. Everything else -- the per-window decisions, and indicators read only on some
branch (ADX after a crossover, ATR for an active signal's stop, candle patterns after an
RSI extreme) -- runs per window exactly as before, so the signals cannot differ.

``iter_batch`` yields the same lists one window at a time, so a caller can act on the
first window's signals before the last window's are computed.

Caveat: the windows must have the same length (group windows by length, as the scanner
does, or evaluate them one by one with :func:`~trading.strategies.evaluate_all`).
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

import numpy as np

from trading.strategies.bars import INDICATORS, Bars
from trading.strategies.base import Strategy
from trading.strategies.signal import Signal

logger = logging.getLogger(__name__)


def evaluate_batch(strategies: Sequence[Strategy],
                   windows: np.ndarray | Sequence[np.ndarray]) -> list[list[Signal]]:
    """Every strategy's signal at each window's last bar: one list per window, in the
    windows' order, each in the strategies' order. ``windows``: a ``(k, n, 6)`` array, or
    ``k`` ``(n, 6)`` windows (not stacked: only the columns the indicators read are)."""
    return list(iter_batch(strategies, windows))


def iter_batch(strategies: Sequence[Strategy],
               windows: np.ndarray | Sequence[np.ndarray]) -> Iterator[list[Signal]]:
    """:func:`evaluate_batch` one window at a time: the checks and the shared indicators
    right away, each window's signals when they are asked for (so that a caller can pass
    on the first window's before the last one's are computed)."""
    if isinstance(windows, np.ndarray) and (windows.ndim != 3 or windows.shape[-1] != 6):
        raise ValueError(f"windows must be (k, n, 6) [ts, o, h, l, c, v], got {windows.shape}")
    bars = [Bars.of(w) for w in windows]
    if len({b.n for b in bars}) > 1:
        raise ValueError(f"windows must have one length, got {sorted({b.n for b in bars})}")
    keys = dict.fromkeys(key for s in strategies for key in s.prefetch)  # ordered, unique
    columns: dict[str, np.ndarray] = {}
    for name, period in keys if bars else ():
        reads, fn = INDICATORS[name]
        for c in reads:
            if c not in columns:  # (k, n): each column stacked once
                columns[c] = np.stack([getattr(b, c) for b in bars])
        for b, row in zip(bars, fn(*(columns[c] for c in reads), period)):
            b.memo[(name, period)] = row
    return ([s.evaluate(b) for s in strategies] for b in bars)
