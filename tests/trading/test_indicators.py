"""``trading.indicators`` against TA-Lib (the test oracle) on long and awkward series.

Agreement means: NaN exactly where TA-Lib has NaN, and ``|ours - TA-Lib| <= 1e-6 *
max(1, |TA-Lib|)`` elsewhere; candle patterns must be identical. The data are generated
here: geometric random walks with clustered volatility, price gaps, flat stretches and
zero-volume bars, at ordinary, tiny (1e-6) and huge (1e7) price scales, plus constant
and too-short series and a few non-default periods.
"""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import lfilter

import trading.indicators as ti
from config import REPO_ROOT

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


def _pairs(ours: Any, ref: Any) -> list[tuple[Any, Any]]:
    if isinstance(ref, (tuple, list)):
        assert isinstance(ours, tuple) and len(ours) == len(ref)
        return list(zip(ours, ref))
    return [(ours, ref)]


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("name,ours,ref", FLOAT_CASES, ids=[c[0] for c in FLOAT_CASES])
def test_matches_talib_on_long_series(name: str, ours: Callable[..., Any],
                                      ref: Callable[..., Any], dataset: str) -> None:
    b = bars(dataset)
    for i, (mine, theirs) in enumerate(_pairs(ours(*b), ref(*b))):
        assert_agrees(mine, theirs, f"{name}[{i}] on {dataset}")


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("name,ours,ref", CANDLES, ids=[c[0] for c in CANDLES])
def test_candles_identical_to_talib(name: str, ours: Callable[..., Any],
                                    ref: Callable[..., Any], dataset: str) -> None:
    o, h, lo, c, _ = bars(dataset)
    mine, theirs = ours(o, h, lo, c), ref(o, h, lo, c)
    assert mine.dtype == np.int32 and mine.shape == theirs.shape
    bad = np.flatnonzero(mine != theirs)
    assert bad.size == 0, f"{name}: {bad.size} bars differ, first {bad[:5]}"


@pytest.mark.parametrize("name,fn,value,least", [
    ("engulfing", ti.cdl_engulfing, 100, 50), ("engulfing", ti.cdl_engulfing, -100, 50),
    ("engulfing", ti.cdl_engulfing, 80, 50), ("engulfing", ti.cdl_engulfing, -80, 50),
    ("hammer", ti.cdl_hammer, 100, 50), ("shooting_star", ti.cdl_shooting_star, -100, 50),
    ("doji", ti.cdl_doji, 100, 50),
])
def test_patterns_occur_often_enough_to_be_tested(name: str, fn: Callable[..., Any],
                                                  value: int, least: int) -> None:
    o, h, lo, c, _ = bars("walk-1")
    assert np.count_nonzero(fn(o, h, lo, c) == value) >= least, f"{name} {value} too rare"


def test_constant_prices_follow_talib_conventions() -> None:
    o, h, lo, c, v = constant_bars(100)
    assert np.all(ti.rsi(c)[14:] == 0.0)  # nothing moved: 0, not 50
    assert np.all(ti.adx(h, lo, c)[27:] == 0.0)
    assert np.all(ti.plus_di(h, lo, c)[14:] == 0.0)
    upper, middle, lower = ti.bbands(c)
    assert np.allclose(upper[19:], 42.5) and np.allclose(lower[19:], 42.5)
    assert np.all(ti.stoch(h, lo, c)[0][8:] == 0.0)
    assert np.all(ti.cdl_doji(o, h, lo, c)[10:] == 100)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 5, 9, 10, 11, 12, 13, 14, 15, 19, 20, 27, 28,
                                  29, 30, 33, 34, 35])
def test_short_inputs_match_talib(size: int) -> None:
    o, h, lo, c, v = (x[:size].copy() for x in real_bars(60, 7, flat=False))
    for name, ours, ref in FLOAT_CASES:
        for i, (mine, theirs) in enumerate(_pairs(ours(o, h, lo, c, v), ref(o, h, lo, c, v))):
            assert_agrees(mine, theirs, f"{name}[{i}] at length {size}")
    for name, ours, ref in CANDLES:
        assert np.array_equal(ours(o, h, lo, c), ref(o, h, lo, c)), f"{name} at {size}"


def test_accepts_array_likes_and_strided_columns() -> None:
    o, h, lo, c, v = real_bars(600, 8)
    window = np.column_stack([o, h, lo, c, v])  # columns of a row-major window are strided
    cols = [window[:, i] for i in range(5)]
    assert not cols[3].flags.c_contiguous
    assert_agrees(ti.ema(cols[3], 20), talib.EMA(c, 20), "ema strided")
    assert_agrees(ti.adx(*cols[1:4]), talib.ADX(h, lo, c), "adx strided")
    assert_agrees(ti.rsi(c.tolist()), talib.RSI(c), "rsi from a list")
    assert_agrees(ti.sma(np.arange(50)), talib.SMA(np.arange(50.0)), "sma from ints")
    assert np.array_equal(ti.cdl_hammer(*cols[:4]), talib.CDLHAMMER(o, h, lo, c))
    with pytest.raises(ValueError):
        ti.sma(window)
    with pytest.raises(ValueError):
        ti.rsi(c, 1)


def test_shared_intermediates_follow_in_place_changes() -> None:
    """ATR/DI/ADX and hammer/shooting star share a memo: refilling a buffer is a miss."""
    o, h, lo, c, _ = (x.copy() for x in real_bars(800, 9))
    first = ti.adx(h, lo, c)
    assert_agrees(ti.atr(h, lo, c), talib.ATR(h, lo, c), "atr before")
    h *= 1.01  # same objects, new content
    assert_agrees(ti.plus_di(h, lo, c), talib.PLUS_DI(h, lo, c), "plus_di after")
    assert_agrees(ti.atr(h, lo, c), talib.ATR(h, lo, c), "atr after")
    assert not np.allclose(ti.adx(h, lo, c)[27:], first[27:])
    assert np.array_equal(ti.cdl_hammer(o, h, lo, c), talib.CDLHAMMER(o, h, lo, c))
    c[:] = o  # every candle a doji-sized body now
    assert np.array_equal(ti.cdl_shooting_star(o, h, lo, c), talib.CDLSHOOTINGSTAR(o, h, lo, c))
    assert np.array_equal(ti.cdl_doji(o, h, lo, c), talib.CDLDOJI(o, h, lo, c))


def test_outputs_are_fresh_arrays() -> None:
    """Results handed out twice from a shared memo must not alias each other."""
    o, h, lo, c, _ = real_bars(300, 10)
    a = ti.plus_di(h, lo, c)
    a[:] = -1.0
    assert_agrees(ti.plus_di(h, lo, c), talib.PLUS_DI(h, lo, c), "plus_di after caller write")
    hammer = ti.cdl_hammer(o, h, lo, c)
    hammer[:] = 7
    assert np.array_equal(ti.cdl_hammer(o, h, lo, c), talib.CDLHAMMER(o, h, lo, c))


_ohlc = st.lists(
    st.tuples(st.floats(1.0, 2.0), st.floats(1.0, 2.0), st.floats(0.0, 0.3),
              st.floats(0.0, 0.3), st.sampled_from([0.0, 1.0, 2.5])),
    min_size=0, max_size=90,
)


@settings(max_examples=60, deadline=None)
@given(_ohlc)
def test_random_small_series(rows: list[tuple[float, float, float, float, float]]) -> None:
    """Arbitrary short bars (ties and repeats included, values on a coarse grid)."""
    data = np.round(np.array(rows, dtype=np.float64).reshape(-1, 5), 2)
    o, c = data[:, 0], data[:, 1]
    h, lo = np.maximum(o, c) + data[:, 2], np.minimum(o, c) - data[:, 3]
    v = data[:, 4]
    for name, ours, ref in FLOAT_CASES:
        for i, (mine, theirs) in enumerate(_pairs(ours(o, h, lo, c, v), ref(o, h, lo, c, v))):
            assert_agrees(mine, theirs, f"{name}[{i}]")
    for name, ours, ref in CANDLES:
        assert np.array_equal(ours(o, h, lo, c), ref(o, h, lo, c)), name


def test_import_is_light() -> None:
    """Importing (and using) the indicators loads neither TA-Lib nor the scipy.signal package."""
    probe = (
        "import sys, numpy as np, trading.indicators as ti; ti.adx(*[np.linspace(1, 2, 99)] * 3);"
        "print(sorted(m for m in ('talib', 'scipy.signal') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    assert out == "[]"
