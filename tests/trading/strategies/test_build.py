"""build_strategies, evaluate_all and summarize."""
from __future__ import annotations

import pytest

from config import load_config
from config.schema import Strategies
from tests.trading.strategies.builders import regime_walk
from trading.strategies import build_strategies, evaluate_all, summarize
from trading.strategies.signal import Side, Signal

ORDER = ["trend", "mean_reversion", "momentum", "breakout", "reversal"]


def config(**env: str) -> Strategies:
    overrides = {f"BOT__STRATEGIES__{k.upper()}": v for k, v in env.items()}
    return load_config({"BOT_ENV_FILE": "/nonexistent/.env", **overrides}).strategies


def test_all_five_are_built_in_a_fixed_order() -> None:
    assert [s.name for s in build_strategies(config())] == ORDER


def test_disabled_strategies_are_left_out() -> None:
    cfg = config(trend__enabled="false", reversal__enabled="false")
    assert [s.name for s in build_strategies(cfg)] == ["mean_reversion", "momentum", "breakout"]


def test_all_disabled_gives_no_strategies_and_no_signals() -> None:
    cfg = config(**{f"{name}__enabled": "false" for name in ORDER})
    strategies = build_strategies(cfg)
    assert strategies == []
    assert evaluate_all(strategies, regime_walk(100, seed=1)) == []
    assert summarize("BTC/USD", []) == "BTC/USD: no strategies enabled"


def test_parameters_reach_the_strategies() -> None:
    trend = build_strategies(config(trend__fast="5", trend__slow="40"))[0]
    assert trend.cfg.fast == 5 and trend.cfg.slow == 40  # type: ignore[attr-defined]
    assert trend.min_bars == 41


def test_evaluate_all_matches_each_strategy_alone() -> None:
    """The shared indicator memo changes nothing: same signals as one strategy at a time."""
    strategies = build_strategies(config())
    bars = regime_walk(800, seed=3)
    for t in range(40, 800, 7):
        window = bars[max(0, t - 499):t + 1]
        assert evaluate_all(strategies, window) == [s.evaluate(window) for s in strategies]


def sig(name: str, side: str) -> Signal:
    if side == Side.FLAT:
        return Signal.flat(name, ("x",), 0.0)
    return Signal(name, side, 0.5, 1.0, ("x",), 0.0)


def test_summarize_counts_sides_and_names_the_active() -> None:
    signals = [sig("trend", Side.LONG), sig("mean_reversion", Side.SHORT),
               sig("momentum", Side.FLAT), sig("breakout", Side.LONG),
               sig("reversal", Side.FLAT)]
    assert summarize("BTC/USD", signals) == (
        "BTC/USD: 2/5 long (trend, breakout), 1 short (mean_reversion), 2 flat")


@pytest.mark.parametrize(("sides", "text"), [
    ([Side.FLAT] * 5, "ETH/USD: 0/5 long, 0 short, 5 flat"),
    ([Side.SHORT, Side.FLAT], "ETH/USD: 0/2 long, 1 short (s0), 1 flat"),
])
def test_summarize_without_longs(sides: list[str], text: str) -> None:
    assert summarize("ETH/USD", [sig(f"s{i}", s) for i, s in enumerate(sides)]) == text
