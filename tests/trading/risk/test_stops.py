"""Stops: initial ATR stop, trailing, breakeven, named transitions; they only ever tighten."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trading.risk.stops import BREAKEVEN, TRAIL, Stop, StopPhase, initial_stop

K, TRAIL_K, BE_R = 2.0, 2.0, 1.0


def test_initial_stop_from_atr() -> None:
    assert initial_stop(100.0, 2.0, K) == 96.0                 # 100 - 2 x 2
    assert initial_stop(100.0, 2.0, K, hint=99.0) == 96.0      # the ATR stop wins
    assert initial_stop(100.0, 0.0, K, hint=97.5) == 97.5      # no ATR: the suggestion
    assert initial_stop(100.0, 0.0, K, hint=101.0) is None     # hint above entry: unusable
    assert initial_stop(100.0, 0.0, K) is None
    assert initial_stop(100.0, 60.0, K) is None                # stop would be <= 0


def test_trail_then_breakeven_then_trail() -> None:
    stop = Stop.open(100.0, 96.0)                 # 1R = 4
    assert (stop.phase, stop.risk) == (StopPhase.INITIAL, 4.0)
    # high 102: trail 102 - 2 x 2 = 98 > 96
    stop, move = stop.update(102.0, 2.0, TRAIL_K, BE_R)
    assert (stop.price, stop.phase, move) == (98.0, StopPhase.TRAILING, TRAIL)
    # high 104 = entry + 1R: breakeven 100 ties the trail 104 - 4 = 100 -> named breakeven
    stop, move = stop.update(104.0, 2.0, TRAIL_K, BE_R)
    assert (stop.price, stop.phase, move) == (100.0, StopPhase.BREAKEVEN, BREAKEVEN)
    # a pull-back moves nothing and keeps the high
    stop, move = stop.update(101.0, 2.0, TRAIL_K, BE_R)
    assert (stop.price, stop.high, move) == (100.0, 104.0, None)
    # high 107: trail 107 - 4 = 103
    stop, move = stop.update(107.0, 2.0, TRAIL_K, BE_R)
    assert (stop.price, stop.phase, move) == (103.0, StopPhase.TRAILING, TRAIL)


def test_breakeven_before_the_trail_reaches_entry() -> None:
    stop = Stop.open(100.0, 96.0)
    # trail 3 ATR: high 104 -> trail 98 < entry; profit 4 = 1R -> breakeven to 100
    stop, move = stop.update(104.0, 2.0, 3.0, BE_R)
    assert (stop.price, stop.phase, move) == (100.0, StopPhase.BREAKEVEN, BREAKEVEN)


def test_breakeven_at_two_r() -> None:
    stop = Stop.open(100.0, 96.0)
    stop, move = stop.update(107.9, 4.0, 3.0, 2.0)   # 7.9 < 2R = 8; trail 107.9-12 < 96
    assert (stop.price, move) == (96.0, None)
    stop, move = stop.update(108.0, 4.0, 3.0, 2.0)   # 8 = 2R
    assert (stop.price, move) == (100.0, BREAKEVEN)


def test_wider_atr_never_loosens() -> None:
    stop, _ = Stop.open(100.0, 96.0).update(106.0, 2.0, TRAIL_K, BE_R)   # 106 - 4 = 102
    stop, move = stop.update(106.0, 10.0, TRAIL_K, BE_R)                # 106 - 20 = 86
    assert (stop.price, move) == (102.0, None)


def test_hit() -> None:
    stop = Stop.open(100.0, 96.0)
    assert stop.hit(96.0) and stop.hit(90.0) and not stop.hit(96.01)


def test_round_trip_and_bad_state() -> None:
    stop, _ = Stop.open(100.0, 96.0).update(104.0, 2.0, TRAIL_K, BE_R)
    assert Stop.from_dict(stop.to_dict()) == stop
    with pytest.raises(ValueError, match="missing or bad field"):
        Stop.from_dict({"entry": 1.0})
    with pytest.raises(ValueError, match="not below entry"):
        Stop.open(100.0, 100.0)
    with pytest.raises(ValueError, match="below its initial"):
        Stop(100.0, 96.0, 95.0, 100.0)
    with pytest.raises(ValueError, match="price"):
        Stop.open(100.0, 96.0).update(float("nan"), 2.0, TRAIL_K, BE_R)


paths = st.lists(st.tuples(st.floats(1.0, 1000.0), st.floats(0.0, 50.0)),
                 min_size=1, max_size=60)


@given(entry=st.floats(10.0, 500.0), atr=st.floats(0.01, 20.0), path=paths,
       trail_k=st.floats(0.5, 5.0), be_r=st.floats(0.1, 5.0))
def test_stop_never_loosens(entry: float, atr: float, path: list[tuple[float, float]],
                            trail_k: float, be_r: float) -> None:
    start = initial_stop(entry, atr, K)
    if start is None:
        return
    stop = Stop.open(entry, start)
    prices = [stop.price]
    for price, bar_atr in path:
        stop, move = stop.update(price, bar_atr, trail_k, be_r)
        assert stop.price >= prices[-1]                          # non-decreasing
        assert (move is None) == (stop.price == prices[-1])      # a move is always named
        assert stop.price <= max(stop.high, entry)               # never above what was seen
        prices.append(stop.price)
    if stop.price > start:
        assert stop.phase != StopPhase.INITIAL
