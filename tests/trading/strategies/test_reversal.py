"""Reversal: extreme RSI + candle pattern, on constructed series."""
from __future__ import annotations

import numpy as np
import pytest

from config.schema import Reversal
from tests.trading.strategies import oracle
from tests.trading.strategies.builders import append, candles, path
from trading.strategies.reversal import ReversalStrategy
from trading.strategies.signal import Side

STRATEGY = ReversalStrategy(Reversal())
RANGE = [(5, 1.0), (5, -1.0)] * 4


def dump() -> np.ndarray:
    """A range, then six red bars down 8% in all: RSI far below 25."""
    return candles(path(*RANGE, (6, -8), noise=0.001))


def pump() -> np.ndarray:
    return candles(path(*RANGE, (6, 8), noise=0.001))


def bullish_engulfing(bars: np.ndarray) -> np.ndarray:
    """A green bar whose body engulfs the last (red) bar's."""
    o, c = bars[-1, 1], bars[-1, 4]
    return append(bars, c * 0.998, o * 1.003, c * 0.996, o * 1.002, 200.0)


def rsi_extreme(bars: np.ndarray, low: bool) -> float:
    last3 = oracle.rsi(bars)[-3:]
    return float(last3.min() if low else last3.max())


def test_bullish_engulfing_after_rsi_dump_goes_long() -> None:
    bars = bullish_engulfing(dump())
    rsi, atr, close = rsi_extreme(bars, low=True), oracle.atr(bars)[-1], bars[-1, 4]

    sig = STRATEGY.evaluate(bars)

    assert sig.side == Side.LONG
    assert sig.reasons == (f"RSI {rsi:.1f} <= 25 (oversold) in the last 3 bars",
                           "bullish engulfing at the last bar")
    assert sig.strength == pytest.approx(oracle.grade(25 - rsi, 15), abs=1e-3)
    assert sig.stop == pytest.approx(close - 2 * atr)
    assert sig.stop < close


def test_hammer_after_rsi_dump_goes_long() -> None:
    bars = dump()
    c = bars[-1, 4]
    bars = append(bars, c * 0.997, c * 0.9985, c * 0.985, c * 0.998, 200.0)
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.LONG
    assert sig.reasons[1] == "hammer at the last bar"


def test_shooting_star_after_rsi_pump_goes_short() -> None:
    bars = pump()
    c = bars[-1, 4]
    bars = append(bars, c * 1.003, c * 1.018, c * 1.0025, c * 1.0045, 200.0)
    rsi = rsi_extreme(bars, low=False)
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.SHORT
    assert sig.reasons == (f"RSI {rsi:.1f} >= 75 (overbought) in the last 3 bars",
                           "shooting star at the last bar")
    assert sig.stop > bars[-1, 4]


def test_bearish_engulfing_after_rsi_pump_goes_short() -> None:
    bars = pump()
    o, c = bars[-1, 1], bars[-1, 4]
    bars = append(bars, c * 1.002, c * 1.004, o * 0.997, o * 0.998, 200.0)
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.SHORT
    assert sig.reasons[1] == "bearish engulfing at the last bar"


def test_dump_without_pattern_is_flat_and_names_the_patterns() -> None:
    bars = dump()
    c = bars[-1, 4]
    bars = append(bars, c, c * 1.001, c * 0.985, c * 0.987, 100.0)  # one more red bar
    rsi = rsi_extreme(bars, low=True)
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons == (f"RSI {rsi:.1f} <= 25 (oversold) in the last 3 bars",
                           "no bullish engulfing or hammer at the last bar")


def test_engulfing_without_rsi_extreme_is_flat() -> None:
    bars = bullish_engulfing(candles(path(*RANGE, (2, -1), noise=0.001)))
    last3 = oracle.rsi(bars)[-3:]
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons == (f"RSI {last3[-1]:.1f} not extreme in the last 3 bars "
                           f"(range {last3.min():.1f}..{last3.max():.1f})",)


def test_parameters_come_from_config() -> None:
    bars = bullish_engulfing(candles(path(*RANGE, (2, -1), noise=0.001)))
    rsi = float(oracle.rsi(bars, 7)[-3:].min())
    sig = ReversalStrategy(Reversal(rsi_period=7, rsi_low=40.0)).evaluate(bars)
    assert sig.side == Side.LONG
    assert sig.reasons == (f"RSI {rsi:.1f} <= 40 (oversold) in the last 3 bars",
                           "bullish engulfing at the last bar")
