"""Strategy: the one interface every strategy implements, and the helpers they share.

Semantics:

- ``evaluate(bars)`` takes an ``(n, 6)`` float64 window ``[ts, open, high, low, close,
  volume]``, oldest first, whose last row is the bar that just closed, and returns a
  :class:`Signal` for that bar. It reads nothing but the window and keeps no state between
  calls, so a signal is a pure function of its window: it cannot see the future, and the
  same window always yields the same signal (``tests/.../test_lookahead.py`` checks both).
- With fewer than ``min_bars`` rows a strategy returns a flat "warming up (k/min bars)".
- Strategies read the window through :class:`~trading.strategies.bars.Bars` (columns plus
  a per-window memo of the indicators several of them share). ``prefetch`` names the memo
  indicators (``(name, period)``) every evaluation of a window of ``min_bars`` rows or
  more reads: a batch of windows computes those for all of them at once
  (:mod:`~trading.strategies.batch`); anything read only on some branch stays per window.
- Stops: ``atr_stop`` suggests close -/+ ``STOP_ATR`` x ATR(14); strengths use ``grade``.

Caveat: recursive indicators (EMA, RSI, ATR, ADX) are seeded at the window's first bar
(TA-Lib's "unstable period"), so a signal depends on the window's length as well as on its
bars. The scanner's 500-bar windows are long enough for the seed's weight to be ~1e-8;
``min_bars`` is only what makes the values defined, not converged.
"""
from __future__ import annotations

import logging
import math
from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

from trading.strategies.bars import Bars, Key
from trading.strategies.signal import Side, Signal

logger = logging.getLogger(__name__)

#: ATRs between the close and a suggested stop (not in config yet; ``risk.stop_atr_multiple``
#: is the risk manager's own).
STOP_ATR = 2.0


class Strategy(ABC):
    """One strategy; concrete classes set ``name`` and, from their config, ``min_bars``."""

    name: ClassVar[str]
    min_bars: int
    prefetch: tuple[Key, ...] = ()

    def evaluate(self, bars: np.ndarray | Bars) -> Signal:
        """The signal at the window's last bar (see the module docstring)."""
        b = bars if isinstance(bars, Bars) else Bars.of(bars)
        if b.n < self.min_bars:
            return self.flat(b, f"warming up ({b.n}/{self.min_bars} bars)")
        return self._evaluate(b)

    @abstractmethod
    def _evaluate(self, b: Bars) -> Signal:
        """The signal for a window of at least ``min_bars`` rows."""

    def flat(self, b: Bars, *reasons: str) -> Signal:
        return Signal.flat(self.name, reasons, b.bar_ts)

    def signal(self, b: Bars, side: str, strength: float, stop: float | None,
               reasons: tuple[str, ...]) -> Signal:
        return Signal(self.name, side, round(strength, 3), stop, reasons, b.bar_ts)

    def atr_stop(self, b: Bars, side: str) -> float | None:
        """close -/+ ``STOP_ATR`` x ATR for a long/short; None while ATR is undefined."""
        atr = float(b.atr()[-1])
        if not math.isfinite(atr):
            return None
        close = float(b.close[-1])
        return close - STOP_ATR * atr if side == Side.LONG else close + STOP_ATR * atr


def grade(excess: float, span: float) -> float:
    """Strength of a signal that cleared its threshold by ``excess``: 0.5 at the threshold,
    rising linearly to 1.0 at ``span`` beyond it."""
    return 0.5 + 0.5 * min(max(excess / span, 0.0), 1.0)


def volume_ratio(volume: np.ndarray, period: int) -> float:
    """Last bar's volume over the mean of the ``period`` bars before it (NaN if that is 0)."""
    tail = volume[-period - 1:].tolist()  # plain floats: far cheaper than NumPy on 20 values
    mean = math.fsum(tail[:-1]) / period
    return tail[-1] / mean if mean > 0.0 else math.nan


def volume_burst(volume: np.ndarray, period: int, burst: float) -> tuple[float, str]:
    """(ratio, reason) for the last bar's volume against the ``period`` bars before it."""
    ratio = volume_ratio(volume, period)
    if math.isnan(ratio):
        return ratio, f"no volume in the {period} bars before"
    verdict = ">=" if ratio >= burst else "<"
    return ratio, f"volume {ratio:.2f}x the {period}-bar average {verdict} {burst:g}x"


def price(x: float) -> str:
    """A price for a reasons text: six significant digits."""
    return f"{x:.6g}"
