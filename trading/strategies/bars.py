"""Bars: one window split into columns, with a memo of the indicators strategies share.

Semantics: :meth:`Bars.of` takes read-only column views of an ``(n, 6)`` window ``[ts, open,
high, low, close, volume]`` (no copy: nothing can write through them to the caller's array,
and a copy cost more than the strided reads it would save). ``indicator(name, period)``
-- ``rsi``, ``atr``, ``ema``, ``adx``, see :data:`INDICATORS` -- is computed on the first
request and memoised, so when :func:`~trading.strategies.evaluate_all` hands one ``Bars``
to every strategy, the RSI and ATR they share are computed once per window.

A batch of windows (:func:`~trading.strategies.batch.evaluate_batch`) computes indicators
for all its windows in one call on ``(windows, bars)`` stacks and hands each window's row
over in ``memo``: ``trading.indicators`` gives row ``i`` of a stack bit for bit the value of
window ``i`` alone, so a memo filled that way yields exactly the same signals.

Caveat: the memo belongs to one window; a ``Bars`` is built per window and never reused for
another, which is what keeps the memo from leaking values across bars.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from trading import indicators as ta

logger = logging.getLogger(__name__)

#: Period of the ATR behind every suggested stop (not in config yet).
ATR_PERIOD = 14

#: The indicators a memo knows: name -> (the columns it reads, fn(*columns, period)), on
#: the columns of one window or on ``(windows, bars)`` stacks of them alike.
INDICATORS: dict[str, tuple[tuple[str, ...], Callable[..., np.ndarray]]] = {
    "rsi": (("close",), ta.rsi),
    "ema": (("close",), ta.ema),
    "atr": (("high", "low", "close"), ta.atr),
    "adx": (("high", "low", "close"), ta.adx),
}
#: A memo key: (indicator name, period).
Key = tuple[str, int]


class Bars(NamedTuple):
    """Column views of one window, plus a memo of indicators computed on it."""

    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    memo: dict[Key, np.ndarray]

    @classmethod
    def of(cls, bars: np.ndarray, memo: dict[Key, np.ndarray] | None = None) -> Bars:
        """Read-only column views of an ``(n, 6)`` window (no copy), with ``memo`` (values
        already computed on exactly this window) or an empty one."""
        a = np.asarray(bars, dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != 6:
            raise ValueError(f"bars must be (n, 6) [ts, o, h, l, c, v], got {a.shape}")
        ro = a.view()
        ro.flags.writeable = False
        return cls(ro[:, 0], ro[:, 1], ro[:, 2], ro[:, 3], ro[:, 4], ro[:, 5],
                   {} if memo is None else memo)

    @property
    def n(self) -> int:
        return len(self.close)

    @property
    def bar_ts(self) -> float:
        """ts of the last (just closed) bar; 0.0 for an empty window."""
        return float(self.ts[-1]) if len(self.ts) else 0.0

    def indicator(self, name: str, period: int) -> np.ndarray:
        """``INDICATORS[name]`` with ``period`` on this window, memoised."""
        key = (name, period)
        value = self.memo.get(key)
        if value is None:
            columns, fn = INDICATORS[name]
            value = self.memo[key] = fn(*(getattr(self, c) for c in columns), period)
        return value

    def rsi(self, period: int) -> np.ndarray:
        return self.indicator("rsi", period)

    def atr(self, period: int = ATR_PERIOD) -> np.ndarray:
        return self.indicator("atr", period)

    def ema(self, period: int) -> np.ndarray:
        return self.indicator("ema", period)

    def adx(self, period: int) -> np.ndarray:
        return self.indicator("adx", period)
