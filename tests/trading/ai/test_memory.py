"""Signal memory: recent signals keep counting, fade, and give way to newer ones."""
from __future__ import annotations

import pytest

from trading.ai.memory import SignalMemory
from trading.strategies.signal import Signal


def at(bar: int, side: str = "flat", name: str = "trend", strength: float = 1.0) -> Signal:
    ts = 60.0 * bar
    if side == "flat":
        return Signal.flat(name, ("no cross",), ts)
    return Signal(name, side, strength, 90.0 if side == "long" else 110.0, ("cross",), ts)


def test_active_signal_is_held_and_fades() -> None:
    mem = SignalMemory(bars=3, interval_s=60.0)
    assert mem.update([at(10, "long")]) == [at(10, "long")]
    held = [mem.update([at(b)])[0] for b in (11, 12, 13, 14)]
    assert [h.side for h in held] == ["long", "long", "long", "flat"]
    assert [h.strength for h in held[:3]] == pytest.approx([0.75, 0.5, 0.25])
    assert held[0].reasons == ("held from 1 bar ago", "cross")
    assert held[2].reasons[0] == "held from 3 bars ago" and held[2].bar_ts == 13 * 60.0
    assert held[3].reasons == ("no cross",)


def test_a_newer_signal_replaces_the_old_one() -> None:
    mem = SignalMemory(bars=5, interval_s=60.0)
    mem.update([at(10, "long")])
    assert mem.update([at(11, "short")])[0].side == "short"
    assert mem.update([at(12)])[0].side == "short"


def test_zero_bars_means_same_bar_only() -> None:
    mem = SignalMemory(bars=0, interval_s=60.0)
    mem.update([at(10, "long")])
    assert mem.update([at(11)])[0].side == "flat"


def test_each_strategy_has_its_own_memory() -> None:
    mem = SignalMemory(bars=2, interval_s=60.0)
    mem.update([at(10, "long", "trend"), at(10, "flat", "momentum")])
    out = mem.update([at(11, "flat", "trend"), at(11, "long", "momentum")])
    assert [(s.strategy, s.side) for s in out] == [("trend", "long"), ("momentum", "long")]


def test_an_older_bar_is_never_fed_forward() -> None:
    mem = SignalMemory(bars=3, interval_s=60.0)
    mem.update([at(10, "long")])
    assert mem.update([at(9)])[0].side == "flat"   # out of order: nothing from the "future"


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="signal memory"):
        SignalMemory(bars=-1, interval_s=60.0)
