"""``trading.indicators`` against TA-Lib (the test oracle) on long and awkward series.

Agreement means: NaN exactly where TA-Lib has NaN, and ``|ours - TA-Lib| <= 1e-6 *
max(1, |TA-Lib|)`` elsewhere; candle patterns must be identical. The data (``cases``):
geometric random walks with clustered volatility, price gaps, flat stretches and
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

import trading.indicators as ti
from config import REPO_ROOT
from tests.trading.indicators.cases import (
    CANDLES,
    DATASETS,
    FLOAT_CASES,
    assert_agrees,
    bars,
    constant_bars,
    real_bars,
    talib,
)
from tests.trading.indicators.cases import pairs as _pairs


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
        ti.sma(window[None])  # 3-D (2-D is a stack of series: see tests/.../indicators)
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
