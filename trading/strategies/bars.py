"""Bars: one window split into columns, with a memo of the indicators strategies share.

Semantics: :meth:`Bars.of` takes read-only column views of an ``(n, 6)`` window ``[ts, open,
high, low, close, volume]`` (no copy: nothing can write through them to the caller's array,
and a copy cost more than the strided reads it would save). ``rsi(period)`` and
``atr(period)`` are computed on the first request and memoised, so when
:func:`~trading.strategies.evaluate_all` hands one ``Bars`` to every strategy, the RSI and
ATR they share are computed once per window.

Caveat: the memo belongs to one window; a ``Bars`` is built per window and never reused for
another, which is what keeps the memo from leaking values across bars.
"""
from __future__ import annotations

import logging
from typing import NamedTuple

import numpy as np

from trading import indicators as ta

logger = logging.getLogger(__name__)

#: Period of the ATR behind every suggested stop (not in config yet).
ATR_PERIOD = 14


class Bars(NamedTuple):
    """Column views of one window, plus a memo of indicators computed on it."""

    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    memo: dict[tuple[str, int], np.ndarray]

    @classmethod
    def of(cls, bars: np.ndarray) -> Bars:
        """Read-only column views of an ``(n, 6)`` window (no copy)."""
        a = np.asarray(bars, dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != 6:
            raise ValueError(f"bars must be (n, 6) [ts, o, h, l, c, v], got {a.shape}")
        ro = a.view()
        ro.flags.writeable = False
        return cls(ro[:, 0], ro[:, 1], ro[:, 2], ro[:, 3], ro[:, 4], ro[:, 5], {})

    @property
    def n(self) -> int:
        return len(self.close)

    @property
    def bar_ts(self) -> float:
        """ts of the last (just closed) bar; 0.0 for an empty window."""
        return float(self.ts[-1]) if len(self.ts) else 0.0

    def rsi(self, period: int) -> np.ndarray:
        key = ("rsi", period)
        if key not in self.memo:
            self.memo[key] = ta.rsi(self.close, period)
        return self.memo[key]

    def atr(self, period: int = ATR_PERIOD) -> np.ndarray:
        key = ("atr", period)
        if key not in self.memo:
            self.memo[key] = ta.atr(self.high, self.low, self.close, period)
        return self.memo[key]
