"""Data and cases for the indicator tests: market-like bars and every indicator beside its
TA-Lib counterpart (TA-Lib is the test oracle, a test-only dependency).

The data are generated here: geometric random walks with clustered volatility, price
gaps, flat stretches and zero-volume bars, at ordinary, tiny (1e-6) and huge (1e7) price
scales, plus constant series.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy.signal import lfilter

import trading.indicators as ti

talib = pytest.importorskip("talib")

Bars = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
RTOL = 1e-6


def real_bars(n: int, seed: int, scale: float = 100.0, flat: bool = True) -> Bars:
    """OHLCV that looks like a market: volatility clusters, gaps, flat stretches, idle bars.

    Most bars open exactly at the previous close (as 24/7 crypto bars do), which is what
    makes TA-Lib's +-80 engulfing (a coinciding body edge) common.
    """
    rng = np.random.default_rng(seed)
    vol = 0.006 * np.exp(np.clip(np.cumsum(rng.normal(0.0, 0.06, n)), -2.5, 2.5))
    ret = rng.standard_t(4, n) * vol
    jumps = rng.random(n) < 0.002
    ret[jumps] += rng.normal(0.0, 0.15, jumps.sum())  # gaps
    close = scale * np.exp(lfilter([1.0], [1.0, -0.9995], ret))  # a slowly mean-reverting walk
    open_ = np.r_[close[0], close[:-1]]
    gapped = rng.random(n) < 0.15
    open_[gapped] *= 1.0 + rng.normal(0.0, 0.5, gapped.sum()) * vol[gapped]
    high = np.maximum(open_, close) * (1.0 + rng.exponential(1.0, n) * vol)
    low = np.minimum(open_, close) * (1.0 - rng.exponential(1.0, n) * vol)
    volume = rng.exponential(10.0, n) * (rng.random(n) > 0.08)
    if flat:
        for start in range(n // 7, n - 400, max(n // 5, 1)):
            stop = start + int(rng.integers(40, 400))
            level = close[start - 1]
            for column in (open_, high, low, close):
                column[start:stop] = level
            volume[start:stop] = 0.0
    return open_, high, low, close, volume


def gappy_bars(n: int, seed: int) -> Bars:
    """Large jumps (+-20%) every few dozen bars, with gaps between one close and the next open."""
    o, h, lo, c, v = real_bars(n, seed, flat=False)
    rng = np.random.default_rng(seed + 1000)
    jumps = np.where(rng.random(n) < 0.03, rng.normal(0.0, 0.2, n), 0.0)
    factor = np.exp(np.cumsum(jumps))
    return o * factor, h * factor, lo * factor, c * factor, v


def constant_bars(n: int) -> Bars:
    flat = np.full(n, 42.5)
    return flat, flat.copy(), flat.copy(), flat.copy(), np.zeros(n)


DATASETS: dict[str, Callable[[], Bars]] = {
    "walk-1": lambda: real_bars(20_000, 1),
    "walk-2": lambda: real_bars(25_000, 2),
    "walk-3-no-flats": lambda: real_bars(20_000, 3, flat=False),
    "tiny-1e-6": lambda: real_bars(20_000, 4, scale=1e-6),
    "huge-1e7": lambda: real_bars(20_000, 5, scale=1e7),
    "gaps": lambda: gappy_bars(20_000, 6),
    "constant": lambda: constant_bars(3_000),
}
_cache: dict[str, Bars] = {}


def bars(name: str) -> Bars:
    if name not in _cache:
        _cache[name] = DATASETS[name]()
    return _cache[name]


def assert_agrees(ours: Any, ref: Any, what: str) -> None:
    """Same NaN positions; within 1e-6 relative (1e-6 absolute below 1) elsewhere."""
    ours, ref = np.asarray(ours), np.asarray(ref)
    assert ours.shape == ref.shape, what
    assert ours.dtype == np.float64, what
    nan = np.isnan(ref)
    assert np.array_equal(np.isnan(ours), nan), f"{what}: NaN positions differ"
    diff = np.abs(ours[~nan] - ref[~nan])
    limit = RTOL * np.maximum(1.0, np.abs(ref[~nan]))
    bad = np.flatnonzero(diff > limit)
    assert bad.size == 0, (
        f"{what}: {bad.size} values differ, first at {np.flatnonzero(~nan)[bad[0]]}: "
        f"ours {ours[~nan][bad[0]]!r} vs TA-Lib {ref[~nan][bad[0]]!r}"
    )


# (name, ours, TA-Lib), each taking (open, high, low, close, volume); tuples compared per item.
FLOAT_CASES: list[tuple[str, Callable[..., Any], Callable[..., Any]]] = [
    ("sma", lambda o, h, lo, c, v: ti.sma(c), lambda o, h, lo, c, v: talib.SMA(c)),
    ("sma-5", lambda o, h, lo, c, v: ti.sma(c, 5), lambda o, h, lo, c, v: talib.SMA(c, 5)),
    ("ema", lambda o, h, lo, c, v: ti.ema(c), lambda o, h, lo, c, v: talib.EMA(c)),
    ("ema-2", lambda o, h, lo, c, v: ti.ema(c, 2), lambda o, h, lo, c, v: talib.EMA(c, 2)),
    ("ema-200", lambda o, h, lo, c, v: ti.ema(c, 200), lambda o, h, lo, c, v: talib.EMA(c, 200)),
    ("rsi", lambda o, h, lo, c, v: ti.rsi(c), lambda o, h, lo, c, v: talib.RSI(c)),
    ("rsi-2", lambda o, h, lo, c, v: ti.rsi(c, 2), lambda o, h, lo, c, v: talib.RSI(c, 2)),
    ("atr", lambda o, h, lo, c, v: ti.atr(h, lo, c), lambda o, h, lo, c, v: talib.ATR(h, lo, c)),
    ("atr-5", lambda o, h, lo, c, v: ti.atr(h, lo, c, 5),
     lambda o, h, lo, c, v: talib.ATR(h, lo, c, 5)),
    ("atr-1", lambda o, h, lo, c, v: ti.atr(h, lo, c, 1),
     lambda o, h, lo, c, v: talib.ATR(h, lo, c, 1)),
    ("sma-1-ema-1", lambda o, h, lo, c, v: (ti.sma(c, 1), ti.ema(c, 1)),
     lambda o, h, lo, c, v: (talib.SMA(c, 1), talib.EMA(c, 1))),
    ("plus_di", lambda o, h, lo, c, v: ti.plus_di(h, lo, c),
     lambda o, h, lo, c, v: talib.PLUS_DI(h, lo, c)),
    ("minus_di", lambda o, h, lo, c, v: ti.minus_di(h, lo, c),
     lambda o, h, lo, c, v: talib.MINUS_DI(h, lo, c)),
    ("adx", lambda o, h, lo, c, v: ti.adx(h, lo, c), lambda o, h, lo, c, v: talib.ADX(h, lo, c)),
    ("adx-7", lambda o, h, lo, c, v: ti.adx(h, lo, c, 7),
     lambda o, h, lo, c, v: talib.ADX(h, lo, c, 7)),
    ("di-28", lambda o, h, lo, c, v: (ti.plus_di(h, lo, c, 28), ti.minus_di(h, lo, c, 28)),
     lambda o, h, lo, c, v: (talib.PLUS_DI(h, lo, c, 28), talib.MINUS_DI(h, lo, c, 28))),
    ("bbands", lambda o, h, lo, c, v: ti.bbands(c),
     lambda o, h, lo, c, v: talib.BBANDS(c, 20, 2.0, 2.0)),
    ("bbands-5-1.5", lambda o, h, lo, c, v: ti.bbands(c, 5, 1.5),
     lambda o, h, lo, c, v: talib.BBANDS(c, 5, 1.5, 1.5)),
    ("macd", lambda o, h, lo, c, v: ti.macd(c), lambda o, h, lo, c, v: talib.MACD(c)),
    ("macd-5-35-5", lambda o, h, lo, c, v: ti.macd(c, 5, 35, 5),
     lambda o, h, lo, c, v: talib.MACD(c, 5, 35, 5)),
    ("macd-swapped", lambda o, h, lo, c, v: ti.macd(c, 26, 12, 9),
     lambda o, h, lo, c, v: talib.MACD(c, 26, 12, 9)),
    ("stoch", lambda o, h, lo, c, v: ti.stoch(h, lo, c),
     lambda o, h, lo, c, v: talib.STOCH(h, lo, c)),
    ("stoch-14-3-5", lambda o, h, lo, c, v: ti.stoch(h, lo, c, 14, 3, 5),
     lambda o, h, lo, c, v: talib.STOCH(h, lo, c, 14, 3, 0, 5, 0)),
    ("obv", lambda o, h, lo, c, v: ti.obv(c, v), lambda o, h, lo, c, v: talib.OBV(c, v)),
]
CANDLES = [
    ("engulfing", ti.cdl_engulfing, talib.CDLENGULFING),
    ("hammer", ti.cdl_hammer, talib.CDLHAMMER),
    ("shooting_star", ti.cdl_shooting_star, talib.CDLSHOOTINGSTAR),
    ("doji", ti.cdl_doji, talib.CDLDOJI),
]


def pairs(ours: Any, ref: Any) -> list[tuple[Any, Any]]:
    if isinstance(ref, (tuple, list)):
        assert isinstance(ours, tuple) and len(ours) == len(ref)
        return list(zip(ours, ref))
    return [(ours, ref)]
