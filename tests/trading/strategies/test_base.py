"""The common interface: window shape, warm-up, read-only input, Bars and its memo."""
from __future__ import annotations

import numpy as np
import pytest

from config.schema import Strategies
from tests.trading.strategies.builders import regime_walk
from trading.strategies import Bars, Strategy, build_strategies
from trading.strategies.signal import Side

ALL = build_strategies(Strategies())
IDS = [s.name for s in ALL]


@pytest.mark.parametrize("strategy", ALL, ids=IDS)
def test_fewer_than_min_bars_is_warming_up(strategy: Strategy) -> None:
    bars = regime_walk(strategy.min_bars - 1, seed=1)
    sig = strategy.evaluate(bars)
    assert sig.side == Side.FLAT
    assert sig.reasons == (f"warming up ({len(bars)}/{strategy.min_bars} bars)",)
    assert sig.bar_ts == bars[-1, 0]
    assert sig.strategy == strategy.name


@pytest.mark.parametrize("strategy", ALL, ids=IDS)
def test_empty_window_is_warming_up(strategy: Strategy) -> None:
    sig = strategy.evaluate(np.empty((0, 6)))
    assert sig.reasons == (f"warming up (0/{strategy.min_bars} bars)",)
    assert sig.bar_ts == 0.0


@pytest.mark.parametrize("strategy", ALL, ids=IDS)
def test_min_bars_is_enough_for_every_indicator(strategy: Strategy) -> None:
    """From ``min_bars`` on no indicator a strategy reads is still NaN, whatever branch."""
    for seed in range(300):
        n = strategy.min_bars + seed % 3
        sig = strategy.evaluate(regime_walk(n, seed))
        assert "warming up" not in sig.reasons[0]
        assert "nan" not in " ".join(sig.reasons).lower(), sig


@pytest.mark.parametrize("strategy", ALL, ids=IDS)
def test_read_only_window_is_not_written(strategy: Strategy) -> None:
    bars = regime_walk(300, seed=2)
    before = bars.copy()
    bars.flags.writeable = False
    strategy.evaluate(bars)
    assert np.array_equal(bars, before)


@pytest.mark.parametrize("shape", [(10,), (10, 5), (10, 7), (2, 10, 6)])
def test_window_of_the_wrong_shape_is_refused(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=r"\(n, 6\)"):
        ALL[0].evaluate(np.zeros(shape))


def test_bars_are_read_only_columns() -> None:
    window = regime_walk(50, seed=3)
    b = Bars.of(window)
    assert b.n == 50 and b.bar_ts == window[-1, 0]
    for i, col in enumerate((b.ts, b.open, b.high, b.low, b.close, b.volume)):
        assert not col.flags.writeable
        assert np.array_equal(col, window[:, i])
    assert window.flags.writeable  # the caller's array is left as it was


def test_bars_memo_computes_shared_indicators_once() -> None:
    b = Bars.of(regime_walk(100, seed=4))
    assert b.rsi(14) is b.rsi(14)
    assert b.atr() is b.atr(14)
    assert b.rsi(7) is not b.rsi(14)


@pytest.mark.parametrize("strategy", ALL, ids=IDS)
def test_evaluate_takes_an_array_or_bars(strategy: Strategy) -> None:
    window = regime_walk(200, seed=5)
    assert strategy.evaluate(window) == strategy.evaluate(Bars.of(window))
