"""Mean reversion: Bollinger band touch + RSI extreme, on constructed series."""
from __future__ import annotations

import numpy as np
import pytest

from config.schema import MeanReversion
from tests.trading.strategies import oracle
from tests.trading.strategies.builders import candles, mirror, path
from trading.strategies.base import price
from trading.strategies.mean_reversion import MeanReversionStrategy
from trading.strategies.signal import Side

STRATEGY = MeanReversionStrategy(MeanReversion())
RANGE = [(5, 1.0), (5, -1.0)] * 6
QUIET = [(3, 0.3), (3, -0.3)] * 8


def range_then_drop() -> np.ndarray:
    """A 1% range, then two bars down 1.2% in all: the low pierces the lower band, RSI < 30."""
    return candles(path(*RANGE, (2, -1.2), noise=0.001))


def test_lower_band_touch_with_oversold_rsi_goes_long() -> None:
    bars = range_then_drop()
    _, _, lower = oracle.bbands(bars)
    rsi, atr = oracle.rsi(bars)[-1], oracle.atr(bars)[-1]
    low, close = bars[-1, 3], bars[-1, 4]
    assert low <= lower[-1] and rsi <= 30

    sig = STRATEGY.evaluate(bars)

    assert sig.side == Side.LONG
    assert sig.reasons == (
        f"low {price(low)} touched the lower Bollinger(20, 2) band {price(lower[-1])}",
        f"RSI {rsi:.1f} <= 30 (oversold)")
    assert sig.strength == pytest.approx(oracle.grade(30 - rsi, 15), abs=1e-3)
    assert 0.5 < sig.strength < 1.0
    assert sig.stop == pytest.approx(close - 2 * atr)
    assert sig.stop < close


def test_upper_band_touch_with_overbought_rsi_goes_short() -> None:
    bars = mirror(range_then_drop())
    upper, _, _ = oracle.bbands(bars)
    rsi, high, close = oracle.rsi(bars)[-1], bars[-1, 2], bars[-1, 4]

    sig = STRATEGY.evaluate(bars)

    assert sig.side == Side.SHORT
    assert sig.reasons == (
        f"high {price(high)} touched the upper Bollinger(20, 2) band {price(upper[-1])}",
        f"RSI {rsi:.1f} >= 70 (overbought)")
    assert sig.stop > close


def test_band_touch_without_rsi_extreme_is_flat_and_says_rsi() -> None:
    bars = candles(path(*QUIET, (1, -0.5), noise=0.0003))  # a squeeze: narrow bands
    _, _, lower = oracle.bbands(bars)
    rsi, low = oracle.rsi(bars)[-1], bars[-1, 3]
    assert low <= lower[-1] and rsi > 30

    sig = STRATEGY.evaluate(bars)

    assert sig.side == Side.FLAT
    assert sig.reasons == (
        f"low {price(low)} touched the lower Bollinger(20, 2) band {price(lower[-1])}",
        f"RSI {rsi:.1f} > 30 (not oversold)")


def test_oversold_inside_the_bands_is_flat() -> None:
    bars = candles(path(*RANGE, (12, -4), noise=0.001, seed=2))  # a steady slide: wide bands
    upper, _, lower = oracle.bbands(bars)
    assert oracle.rsi(bars)[-1] < 30 and bars[-1, 3] > lower[-1]
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons == (
        f"price inside the Bollinger(20, 2) bands ({price(lower[-1])}..{price(upper[-1])})",)


def test_parameters_come_from_config() -> None:
    bars = candles(path(*QUIET, (1, -0.5), noise=0.0003))
    rsi = oracle.rsi(bars, 10)[-1]
    strategy = MeanReversionStrategy(MeanReversion(bb_period=15, bb_k=1.5, rsi_period=10,
                                                   rsi_low=45.0))
    sig = strategy.evaluate(bars)
    assert sig.side == Side.LONG
    assert sig.reasons[0].startswith("low ") and "Bollinger(15, 1.5)" in sig.reasons[0]
    assert sig.reasons[1] == f"RSI {rsi:.1f} <= 45 (oversold)"
