"""Breakout: close through the recent swing high/low on volume, on constructed series."""
from __future__ import annotations

import numpy as np
import pytest

from config.schema import Breakout
from tests.trading.strategies import oracle
from tests.trading.strategies.builders import append, candles, mirror, path
from trading.strategies.base import price
from trading.strategies.breakout import SWING_WING, BreakoutStrategy
from trading.strategies.signal import Side

STRATEGY = BreakoutStrategy(Breakout())


def swinging_range() -> np.ndarray:
    """A 4% range with clear swing highs (~103.5) and lows, at volume 100."""
    return candles(path(*[(5, 4.0), (5, -4.0)] * 6, noise=0.001))


def breakout_bar(volume: float = 200.0) -> np.ndarray:
    """The range, then a bar closing at 105.5, above every swing high."""
    bars = swinging_range()
    last = bars[-1, 4]
    return append(bars, last, 106.0, last * 0.999, 105.5, volume)


def test_close_above_resistance_on_volume_goes_long() -> None:
    bars = breakout_bar()
    level = oracle.swing_high(bars[:, 2], 20, SWING_WING)
    atr = oracle.atr(bars)[-1]
    assert level is not None and bars[-2, 4] <= level < 105.5

    sig = STRATEGY.evaluate(bars)

    assert sig.side == Side.LONG
    assert sig.reasons == (
        f"close 105.5 broke above resistance {price(level)} (swing of the last 20 bars)",
        "volume 2.00x the 20-bar average >= 1.5x")
    assert sig.strength == pytest.approx(0.5 + 0.5 * (2.0 - 1.5) / 1.5, abs=1e-3)
    assert sig.stop == pytest.approx(level - 0.5 * atr)
    assert sig.stop < level < 105.5


def test_close_below_support_on_volume_goes_short() -> None:
    bars = mirror(breakout_bar(volume=400.0))
    level = -oracle.swing_high(-bars[:, 3], 20, SWING_WING)
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.SHORT
    assert sig.reasons == (
        f"close {price(bars[-1, 4])} broke below support {price(level)} "
        "(swing of the last 20 bars)",
        "volume 4.00x the 20-bar average >= 1.5x")
    assert sig.strength == 1.0
    assert bars[-1, 4] < level < sig.stop


def test_breakout_on_ordinary_volume_is_flat_and_says_volume() -> None:
    bars = breakout_bar(volume=100.0)
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons[0].startswith("close 105.5 broke above resistance")
    assert sig.reasons[1] == "volume 1.00x the 20-bar average < 1.5x"


def test_fires_once_per_level_not_on_the_bars_after() -> None:
    bars = append(breakout_bar(), 105.5, 107.0, 105.0, 106.5, 400.0)
    level = oracle.swing_high(bars[:, 2], 20, SWING_WING)
    sig = STRATEGY.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons == (f"no close through resistance {price(level)} (close 106.5)",)


def test_one_way_run_has_no_swing_level() -> None:
    bars = candles(path((40, 10)))
    sig = STRATEGY.evaluate(bars)
    assert sig.reasons == ("no swing high in the last 20 bars",)


def test_unchanged_close_is_flat() -> None:
    bars = swinging_range()
    bars = append(bars, bars[-1, 4], 110.0, 90.0, bars[-1, 4], 1000.0)
    assert STRATEGY.evaluate(bars).reasons == ("close unchanged: no breakout",)


def test_parameters_come_from_config() -> None:
    bars = breakout_bar(volume=130.0)
    strategy = BreakoutStrategy(Breakout(lookback=8, volume_period=5, volume_burst=1.2))
    level = oracle.swing_high(bars[:, 2], 8, SWING_WING)
    sig = strategy.evaluate(bars)
    assert sig.side == Side.LONG
    assert sig.reasons == (
        f"close 105.5 broke above resistance {price(level)} (swing of the last 8 bars)",
        "volume 1.30x the 5-bar average >= 1.2x")
