"""evaluate_batch: exactly the signals of evaluate_all, window by window, in every scenario.

Equality is exact (``Signal`` compares strength and stop as floats). Scenarios: regime
walks and their mirror images (so every strategy fires both ways) at every bar of the
scanner's 500-bar windows and of warm-up windows, the three no-look-ahead views of
``test_lookahead`` (full series, bar by bar through a mirrored ring, rewritten future)
batched together, the constructed series of the strategy tests, other periods, and
subsets of the strategies.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from config import load_config
from config.schema import Strategies
from tests.trading.strategies import (
    test_breakout,
    test_mean_reversion,
    test_momentum,
    test_reversal,
    test_trend,
)
from tests.trading.strategies.builders import mirror, regime_stream, regime_walk
from tests.trading.strategies.test_lookahead import Ring, window
from trading.strategies import Bars, Strategy, build_strategies, evaluate_all, evaluate_batch
from trading.strategies.bars import INDICATORS
from trading.strategies.signal import Side

ALL = build_strategies(Strategies())
W = 500


def assert_same_as_alone(strategies: list[Strategy], windows: np.ndarray) -> list[list]:
    got = evaluate_batch(strategies, windows)
    assert len(got) == len(windows)
    for i, signals in enumerate(got):
        assert signals == evaluate_all(strategies, windows[i]), i
    return got


@pytest.fixture(scope="module")
def walks() -> np.ndarray:
    """Eight 1200-bar regime walks, four of them mirrored (highs become lows)."""
    out = [regime_walk(1200, seed) for seed in range(4)]
    out += [mirror(w) for w in out]
    return np.stack(out)


def test_every_bar_of_eight_pairs(walks: np.ndarray) -> None:
    sides = {Side.LONG: 0, Side.SHORT: 0}
    for t in range(W - 1, walks.shape[1]):
        for signals in assert_same_as_alone(ALL, walks[:, t - W + 1:t + 1]):
            for s in signals:
                sides[s.side] = sides.get(s.side, 0) + 1
    assert sides[Side.LONG] >= 50 and sides[Side.SHORT] >= 50, sides  # the branches ran


@pytest.mark.parametrize("n", [0, 1, 2, 13, 14, 15, 20, 27, 28, 29, 32, 33, 40, 60, 200])
def test_short_windows_including_warm_up(walks: np.ndarray, n: int) -> None:
    for end in range(n, walks.shape[1], 97):
        assert_same_as_alone(ALL, walks[:, end - n:end])


def test_the_lookahead_views_together() -> None:
    """At each bar, the full-series window, the ring's and the rewritten-future one, plus
    one of another walk, in one batch: all exactly as alone, and the first three equal."""
    full, other = regime_walk(800, 1), regime_walk(800, 9)
    ring = Ring(512)
    rng = np.random.default_rng(7)
    junk = np.array([np.nan, 0.0, -1.0, 1e12, 1e-12])
    for t, row in enumerate(regime_stream(1)):
        if t == 800:
            break
        ring.append(row)
        future = full.copy()
        k = 800 - t - 1
        future[t + 1:] = rng.uniform(-1e6, 1e6, (k, 6)) * rng.choice(junk, (k, 6))
        views = [window(full, t), ring.window(W), window(future, t), window(other, t)]
        got = assert_same_as_alone(ALL, np.stack(views))
        assert got[0] == got[1] == got[2], t


#: The hand-made series of the strategy tests (each ends where its strategy fires).
CONSTRUCTED = [
    test_trend.uptrend_pullback, test_trend.choppy_range, test_breakout.swinging_range,
    test_breakout.breakout_bar, test_mean_reversion.range_then_drop,
    test_momentum.range_then_jump, test_reversal.dump, test_reversal.pump,
    lambda: test_reversal.bullish_engulfing(test_reversal.dump()),
]


def test_constructed_scenarios_batched_at_every_bar() -> None:
    series = [make() for make in CONSTRUCTED]
    series += [mirror(s) for s in series]
    n = min(len(s) for s in series)
    stack = np.stack([s[-n:] for s in series])
    fired = set()
    for end in range(1, n + 1):
        for size in {end, min(end, 32)}:
            for signals in assert_same_as_alone(ALL, stack[:, end - size:end]):
                fired |= {(s.strategy, s.side) for s in signals if s.active}
    assert len(fired) >= 8, fired  # most strategies fired, both ways, inside a batch


def config(**env: str) -> Strategies:
    overrides = {f"BOT__STRATEGIES__{k.upper()}": v for k, v in env.items()}
    return load_config({"BOT_ENV_FILE": "/nonexistent/.env", **overrides}).strategies


@pytest.mark.parametrize("env", [
    {"trend__fast": "5", "trend__slow": "40", "trend__adx_period": "7"},
    {"momentum__rsi_period": "7", "reversal__rsi_period": "21", "mean_reversion__rsi_period": "9"},
    {"trend__enabled": "false", "momentum__enabled": "false"},
    {f"{name}__enabled": "false" for name in
     ("trend", "mean_reversion", "momentum", "breakout", "reversal")},
], ids=["periods", "rsi-periods", "subset", "none"])
def test_other_configs(walks: np.ndarray, env: dict[str, str]) -> None:
    strategies = build_strategies(config(**env))
    for t in range(W - 1, walks.shape[1], 11):
        assert_same_as_alone(strategies, walks[:, t - W + 1:t + 1])


@pytest.mark.parametrize("strategy", ALL, ids=[s.name for s in ALL])
def test_prefetch_is_what_every_evaluation_reads(strategy: Strategy, walks: np.ndarray) -> None:
    """What a batch computes for all windows is read by each of them (none wasted)."""
    for t in range(strategy.min_bars, walks.shape[1], 13):
        b = Bars.of(walks[t % 8, :t])
        strategy.evaluate(b)
        assert set(strategy.prefetch) <= set(b.memo), t


def test_a_batch_computes_each_prefetched_indicator_once(walks: np.ndarray,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int, int]] = []
    for name, (reads, fn) in list(INDICATORS.items()):
        def counted(*args: Any, fn: Any = fn, name: str = name) -> np.ndarray:
            calls.append((name, args[-1], args[0].ndim))
            return fn(*args)
        monkeypatch.setitem(INDICATORS, name, (reads, counted))
    evaluate_batch(ALL, walks[:, :W])
    stacked = [call for call in calls if call[2] == 2]
    assert sorted(stacked) == sorted({(*key, 2) for s in ALL for key in s.prefetch})
    alone = {call[:2] for call in calls if call[2] == 1}  # on some branch, per window
    assert alone and alone.isdisjoint(call[:2] for call in stacked)


def test_a_sequence_of_windows_is_the_same_batch(walks: np.ndarray) -> None:
    stack = walks[:, 300:300 + W]
    assert evaluate_batch(ALL, list(stack)) == evaluate_batch(ALL, stack)
    with pytest.raises(ValueError, match="one length"):
        evaluate_batch(ALL, [stack[0], stack[1, 1:]])


def test_one_window_and_no_windows(walks: np.ndarray) -> None:
    assert_same_as_alone(ALL, walks[:1, :W])
    assert evaluate_batch(ALL, np.empty((0, W, 6))) == []


def test_windows_are_not_written(walks: np.ndarray) -> None:
    stack = walks[:, :W].copy()
    stack.flags.writeable = False
    evaluate_batch(ALL, stack)
    assert np.array_equal(stack, walks[:, :W])


@pytest.mark.parametrize("shape", [(W, 6), (2, W, 5), (2, 3, W, 6)])
def test_windows_of_the_wrong_shape_are_refused(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=r"\(k, n, 6\)"):
        evaluate_batch(ALL, np.zeros(shape))
