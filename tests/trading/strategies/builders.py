"""Bar builders for the strategy tests: hand-made scenarios and a regime random walk."""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import numpy as np

STEP_S = 60.0
TS0 = 1_700_000_000.0


def candles(close: np.ndarray, *, open_: np.ndarray | None = None,
            high: np.ndarray | None = None, low: np.ndarray | None = None,
            volume: np.ndarray | float = 100.0, wick: float = 0.001) -> np.ndarray:
    """An ``(n, 6)`` window from closes: open = previous close, wicks ``wick`` x price."""
    close = np.asarray(close, dtype=np.float64)
    n = len(close)
    o = np.r_[close[0], close[:-1]] if open_ is None else np.asarray(open_, dtype=np.float64)
    h = np.maximum(o, close) * (1 + wick) if high is None else np.asarray(high, np.float64)
    lo = np.minimum(o, close) * (1 - wick) if low is None else np.asarray(low, np.float64)
    v = np.broadcast_to(np.asarray(volume, dtype=np.float64), (n,))
    ts = TS0 + STEP_S * np.arange(n)
    return np.column_stack([ts, o, h, lo, close, v])


def path(*legs: tuple[int, float], start: float = 100.0, noise: float = 0.0,
         seed: int = 0) -> np.ndarray:
    """Closes through ``legs`` of (bars, total % change), compounding evenly, plus noise."""
    steps = np.concatenate([np.full(n, (1 + pct / 100) ** (1 / n)) for n, pct in legs])
    closes = start * np.cumprod(steps)
    if noise:
        closes *= 1 + np.random.default_rng(seed).normal(0.0, noise, len(closes))
    return np.r_[start, closes]


def with_last(bars: np.ndarray, **cols: float) -> np.ndarray:
    """A copy of ``bars`` whose last row has the given open/high/low/close/volume."""
    out = bars.copy()
    index = {"open": 1, "high": 2, "low": 3, "close": 4, "volume": 5}
    for name, value in cols.items():
        out[-1, index[name]] = value
    return out


def append(bars: np.ndarray, o: float, h: float, lo: float, c: float, v: float) -> np.ndarray:
    """``bars`` plus one more bar."""
    ts = bars[-1, 0] + STEP_S
    return np.vstack([bars, [ts, o, h, lo, c, v]])


#: Regimes of the random walk: (name, probability, drift per bar).
REGIMES = (("up", 0.3, 0.0015), ("down", 0.3, -0.0015), ("range", 0.3, 0.0),
           ("crash", 0.05, -0.006), ("pump", 0.05, 0.006))


def regime_stream(seed: int) -> Iterator[np.ndarray]:
    """Bars one at a time, as a feed delivers them: trending, ranging and crashing regimes of
    30-120 bars with their own volatility, fat-tailed returns, candle wicks, and volume that
    rises with the size of the move. Each bar depends only on the seed and the bars before."""
    rng = np.random.default_rng(seed)
    odds = [p for _, p, _ in REGIMES]
    close, ts, left, drift, vol = 100.0, TS0, 0, 0.0, 0.0
    while True:
        if left == 0:
            left = int(rng.integers(30, 120))
            drift = REGIMES[int(rng.choice(len(REGIMES), p=odds))][2]
            vol = float(rng.uniform(0.003, 0.012))
        left -= 1
        ret = drift + vol * float(rng.standard_t(4)) / math.sqrt(2)
        o = close * (1 + float(rng.normal(0, 0.0005)))
        c = close * math.exp(ret)
        h = max(o, c) * (1 + abs(float(rng.normal(0, vol * 0.6))))
        lo = min(o, c) * (1 - abs(float(rng.normal(0, vol * 0.6))))
        v = float(rng.lognormal(3.0, 0.35)) * (1 + 2.5 * abs(ret) / vol)
        yield np.array([ts, o, h, lo, c, v])
        close, ts = c, ts + STEP_S


def regime_walk(n: int, seed: int) -> np.ndarray:
    """The first ``n`` bars of :func:`regime_stream` as an ``(n, 6)`` window."""
    rows = list(itertools.islice(regime_stream(seed), n))
    return np.array(rows).reshape(n, 6)


def mirror(bars: np.ndarray, around: float = 200.0) -> np.ndarray:
    """The window reflected in a horizontal line (highs become lows): longs become shorts."""
    out = bars.copy()
    out[:, 1] = around - bars[:, 1]
    out[:, 2] = around - bars[:, 3]
    out[:, 3] = around - bars[:, 2]
    out[:, 4] = around - bars[:, 4]
    return out
