"""Momentum: RSI thrust through a level + volume burst, on constructed series."""
from __future__ import annotations

import numpy as np
import pytest

from config.schema import Momentum
from tests.trading.strategies import oracle
from tests.trading.strategies.builders import candles, mirror, path
from trading.strategies.momentum import MomentumStrategy
from trading.strategies.signal import Side

STRATEGY = MomentumStrategy(Momentum())
RANGE = [(5, 1.0), (5, -1.0)] * 6


def range_then_jump(pct: float = 1.5, last_volume: float = 300.0) -> np.ndarray:
    """A range at volume 100, then one bar up ``pct`` % on ``last_volume``."""
    closes = path(*RANGE, (1, pct), noise=0.001)
    volume = np.full(len(closes), 100.0)
    volume[-1] = last_volume
    return candles(closes, volume=volume)


def test_thrust_on_a_volume_burst_goes_long() -> None:
    bars = range_then_jump()
    before, now = oracle.rsi(bars)[-2:]
    atr, close = oracle.atr(bars)[-1], bars[-1, 4]
    assert before < 60 <= now

    sig = STRATEGY.evaluate(bars)

    assert sig.side == Side.LONG
    assert sig.reasons == (f"RSI thrust {before:.1f} -> {now:.1f} up through 60",
                           "volume 3.00x the 20-bar average >= 2x")
    assert sig.strength == 0.75  # ratio 3 with burst 2: a quarter of the way past 0.5
    assert sig.stop == pytest.approx(close - 2 * atr)
    assert sig.stop < close


def test_thrust_down_on_a_volume_burst_goes_short() -> None:
    bars = mirror(range_then_jump(last_volume=500.0))
    before, now = oracle.rsi(bars)[-2:]

    sig = STRATEGY.evaluate(bars)

    assert sig.side == Side.SHORT
    assert sig.reasons == (f"RSI thrust {before:.1f} -> {now:.1f} down through 40",
                           "volume 5.00x the 20-bar average >= 2x")
    assert sig.strength == 1.0
    assert sig.stop > bars[-1, 4]


def test_thrust_on_ordinary_volume_is_flat_and_says_volume() -> None:
    bars = range_then_jump(last_volume=150.0)
    before, now = oracle.rsi(bars)[-2:]
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons == (f"RSI thrust {before:.1f} -> {now:.1f} up through 60",
                           "volume 1.50x the 20-bar average < 2x")


def test_volume_burst_without_thrust_is_flat() -> None:
    bars = range_then_jump(pct=1.0)
    now = oracle.rsi(bars)[-1]
    assert now < 60
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons == (f"no RSI thrust through 60 or 40 (RSI {now:.1f})",)


def test_thrust_with_no_volume_before_is_flat() -> None:
    bars = range_then_jump()
    bars[:-1, 5] = 0.0
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons[1] == "no volume in the 20 bars before"


def test_parameters_come_from_config() -> None:
    bars = range_then_jump(pct=1.0, last_volume=130.0)
    strategy = MomentumStrategy(Momentum(rsi_period=10, rsi_thrust=55.0, volume_period=5,
                                         volume_burst=1.25))
    before, now = oracle.rsi(bars, 10)[-2:]
    sig = strategy.evaluate(bars)
    assert sig.side == Side.LONG
    assert sig.reasons == (f"RSI thrust {before:.1f} -> {now:.1f} up through 55",
                           "volume 1.30x the 5-bar average >= 1.25x")
