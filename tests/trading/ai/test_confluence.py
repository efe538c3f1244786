"""Confluence: thresholds, ties, weights, disabled strategies, performance multipliers."""
from __future__ import annotations

import pytest

from trading.ai.confluence import Record, adjusted_weights, confluence, multiplier
from trading.strategies.signal import Signal

NAMES = ("trend", "mean_reversion", "momentum", "breakout", "reversal")
EQUAL = {n: 1.0 for n in NAMES}


def sig(name: str, side: str, strength: float = 1.0) -> Signal:
    if side == "flat":
        return Signal.flat(name, ("nothing",), 60.0)
    stop = 90.0 if side == "long" else 110.0
    return Signal(name, side, strength, stop, ("why",), 60.0)


def five(*sides: str) -> list[Signal]:
    return [sig(n, s) for n, s in zip(NAMES, sides, strict=True)]


def test_three_of_five_long_reaches_threshold_three() -> None:
    c = confluence(five("long", "flat", "long", "long", "flat"), EQUAL, 3)
    assert c.reached and c.side == "long"
    assert c.agree == ("trend", "momentum", "breakout") and c.oppose == ()
    assert c.score == pytest.approx(3 / 5)
    assert c.describe() == "3/5 long (trend, momentum, breakout)"


def test_two_of_five_is_below_threshold_three() -> None:
    c = confluence(five("long", "flat", "long", "flat", "flat"), EQUAL, 3)
    assert c.side == "long" and not c.reached


def test_threshold_is_exact_boundary() -> None:
    signals = five("short", "short", "flat", "flat", "short")
    assert confluence(signals, EQUAL, 3).reached
    assert not confluence(signals, EQUAL, 4).reached


def test_tie_of_equal_votes_has_no_side() -> None:
    c = confluence(five("long", "short", "long", "short", "flat"), EQUAL, 2)
    assert c.side == "flat" and not c.reached
    assert c.describe() == "0/5 agree (no side)"


def test_all_flat_has_no_side() -> None:
    assert confluence(five(*["flat"] * 5), EQUAL, 1).side == "flat"


def test_weights_break_a_count_tie_and_name_the_opposition() -> None:
    weights = EQUAL | {"trend": 2.0}
    c = confluence(five("long", "short", "long", "short", "flat"), weights, 2)
    assert c.side == "long" and c.reached
    assert c.oppose == ("mean_reversion", "breakout")
    assert c.describe() == "2/5 long (trend, momentum), 2 short (mean_reversion, breakout)"
    assert c.score == pytest.approx(3.0 / 6.0)


def test_strength_weighs_the_vote() -> None:
    signals = [sig("trend", "long", 0.5), sig("momentum", "short", 1.0)]
    assert confluence(signals, EQUAL, 1).side == "short"


def test_zero_weight_strategy_does_not_count() -> None:
    weights = EQUAL | {"breakout": 0.0}
    c = confluence(five("long", "flat", "long", "long", "flat"), weights, 3)
    assert c.counted == 4 and c.agree == ("trend", "momentum") and not c.reached


def test_disabled_strategies_are_absent_and_not_counted() -> None:
    signals = [sig("trend", "long"), sig("momentum", "long")]   # three disabled
    c = confluence(signals, EQUAL, 2)
    assert c.counted == 2 and c.reached and c.score == pytest.approx(1.0)


def test_unknown_strategy_name_is_ignored() -> None:
    c = confluence([sig("astrology", "long"), sig("trend", "long")], EQUAL, 2)
    assert c.agree == ("trend",) and not c.reached


def test_multiplier_hand_computed() -> None:
    assert multiplier(None) == 1.0
    assert multiplier(Record(0, 0)) == 1.0
    assert multiplier(Record(10, 8)) == pytest.approx(2 * 13 / 20)     # 1.3
    assert multiplier(Record(10, 2)) == pytest.approx(2 * 7 / 20)      # 0.7
    assert multiplier(Record(1000, 1000)) == 1.5                        # capped
    assert multiplier(Record(1000, 0)) == 0.5


def test_adjusted_weights_change_the_vote() -> None:
    weights = adjusted_weights(EQUAL, {"trend": Record(40, 36), "momentum": Record(40, 4)})
    assert weights["trend"] == 1.5                      # 2 x 41 / 50 = 1.64, clipped
    assert adjusted_weights(EQUAL, {"trend": Record(10, 7)})["trend"] == pytest.approx(1.2)
    assert weights["momentum"] == 0.5                   # 2 x 9 / 50 = 0.36, clipped
    assert weights["breakout"] == 1.0
    c = confluence([sig("trend", "long"), sig("momentum", "short")], weights, 1)
    assert c.side == "long"
