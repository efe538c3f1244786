"""Expected values for the strategy tests, from TA-Lib (a test-only dependency)."""
from __future__ import annotations

import numpy as np
import talib


def _cols(bars: np.ndarray) -> tuple[np.ndarray, ...]:
    return tuple(np.ascontiguousarray(bars[:, i]) for i in range(1, 6))


def rsi(bars: np.ndarray, n: int = 14) -> np.ndarray:
    return talib.RSI(_cols(bars)[3], n)


def atr(bars: np.ndarray, n: int = 14) -> np.ndarray:
    _, h, lo, c, _ = _cols(bars)
    return talib.ATR(h, lo, c, n)


def adx(bars: np.ndarray, n: int = 14) -> np.ndarray:
    _, h, lo, c, _ = _cols(bars)
    return talib.ADX(h, lo, c, n)


def bbands(bars: np.ndarray, n: int = 20, k: float = 2.0) -> tuple[np.ndarray, ...]:
    return talib.BBANDS(_cols(bars)[3], n, k, k)


def ema_crosses(bars: np.ndarray, fast: int, slow: int) -> list[tuple[int, str]]:
    """(bar index, "up"/"down") of every EMA(fast)/EMA(slow) crossover."""
    c = _cols(bars)[3]
    d = talib.EMA(c, fast) - talib.EMA(c, slow)
    return [(t, "up" if d[t] > 0 else "down") for t in range(slow, len(c))
            if (d[t - 1] <= 0 < d[t]) or (d[t - 1] >= 0 > d[t])]


def grade(excess: float, span: float) -> float:
    """The documented strength mapping: 0.5 at the threshold, 1.0 at ``span`` beyond."""
    return 0.5 + 0.5 * min(max(excess / span, 0.0), 1.0)


def swing_high(high: np.ndarray, lookback: int, wing: int) -> float | None:
    """Highest high among the ``lookback`` bars before the last that no bar within ``wing``
    either side exceeds (a plain loop, independent of the strategy's vectorised one)."""
    t = len(high) - 1
    best = None
    for i in range(t - lookback, t - wing):
        if all(high[i] >= high[j] for j in range(i - wing, i + wing + 1)):
            best = high[i] if best is None else max(best, high[i])
    return best
