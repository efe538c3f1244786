"""Trend: EMA crossover confirmed by ADX, on constructed series that must and must not fire."""
from __future__ import annotations

import numpy as np
import pytest

from config.schema import Trend
from tests.trading.strategies import oracle
from tests.trading.strategies.builders import candles, mirror, path
from trading.strategies.signal import Side
from trading.strategies.trend import TrendStrategy

STRATEGY = TrendStrategy(Trend())


def first_cross(bars: np.ndarray, direction: str, fast: int = 12, slow: int = 26) -> int:
    return next(t for t, d in oracle.ema_crosses(bars, fast, slow) if d == direction)


def uptrend_pullback() -> np.ndarray:
    """A strong uptrend, a pullback deep enough for EMA12 to dip below EMA26, then up again."""
    return candles(path((40, 25), (12, -10), (20, 10), noise=0.002, seed=1))


def choppy_range() -> np.ndarray:
    """Sideways chop: the EMAs cross every few bars while ADX stays low."""
    return candles(path(*[(6, 1.5), (6, -1.5)] * 8, noise=0.002))


def test_cross_up_in_an_uptrend_goes_long() -> None:
    bars = uptrend_pullback()
    t = first_cross(bars, "up")
    adx, atr, close = oracle.adx(bars)[t], oracle.atr(bars)[t], bars[t, 4]
    assert adx > 25

    sig = STRATEGY.evaluate(bars[:t + 1])

    assert sig.side == Side.LONG
    assert sig.reasons == ("EMA12 crossed above EMA26", f"ADX {adx:.1f} >= 25 confirms the trend")
    assert sig.strength == pytest.approx(oracle.grade(adx - 25, 25), abs=1e-3)
    assert 0.5 < sig.strength < 1.0
    assert sig.stop == pytest.approx(close - 2 * atr)
    assert sig.stop < close
    assert sig.bar_ts == bars[t, 0]


def test_the_bar_before_the_cross_is_flat() -> None:
    bars = uptrend_pullback()
    t = first_cross(bars, "up")
    sig = STRATEGY.evaluate(bars[:t])
    assert sig.side == Side.FLAT
    assert sig.reasons == ("no EMA12/EMA26 crossover (EMA12 stays below EMA26)",)


def test_cross_down_in_a_downtrend_goes_short() -> None:
    bars = mirror(uptrend_pullback())  # a downtrend, a bounce, then down again
    t = first_cross(bars, "down")
    adx, atr, close = oracle.adx(bars)[t], oracle.atr(bars)[t], bars[t, 4]

    sig = STRATEGY.evaluate(bars[:t + 1])

    assert sig.side == Side.SHORT
    assert sig.reasons == ("EMA12 crossed below EMA26", f"ADX {adx:.1f} >= 25 confirms the trend")
    assert sig.stop == pytest.approx(close + 2 * atr)
    assert sig.stop > close


def test_cross_with_weak_adx_is_flat_and_says_adx() -> None:
    bars = choppy_range()
    crosses = oracle.ema_crosses(bars, 12, 26)
    assert len(crosses) >= 4
    for t, direction in crosses:
        adx = oracle.adx(bars)[t]
        word = "above" if direction == "up" else "below"
        sig = STRATEGY.evaluate(bars[:t + 1])
        assert sig.side == Side.FLAT
        assert sig.strength == 0.0 and sig.stop is None
        assert sig.reasons == (f"EMA12 crossed {word} EMA26", f"ADX {adx:.1f} < 25: trend too weak")


def test_steady_trend_without_cross_is_flat() -> None:
    bars = candles(path((60, 20), noise=0.001))
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons == ("no EMA12/EMA26 crossover (EMA12 stays above EMA26)",)


def test_parameters_come_from_config() -> None:
    bars = choppy_range()
    t = next(t for t, d in oracle.ema_crosses(bars, 5, 10) if d == "up" and t >= 20)
    adx = oracle.adx(bars, 7)[t]
    strategy = TrendStrategy(Trend(fast=5, slow=10, adx_period=7, adx_min=5.0))
    sig = strategy.evaluate(bars[:t + 1])
    assert strategy.min_bars == 15
    assert sig.side == Side.LONG
    assert sig.reasons == ("EMA5 crossed above EMA10", f"ADX {adx:.1f} >= 5 confirms the trend")
