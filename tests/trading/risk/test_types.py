"""Input values: one-line errors for bad input, lock persistence, building from an intent."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from trading.risk.types import (
    ClosedTrade,
    EntryRequest,
    LockKind,
    OpenPosition,
    Portfolio,
    RiskLock,
)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"side": "buy"}, "side"),
    ({"price": 0.0}, "price"),
    ({"price": float("inf")}, "price"),
    ({"atr": -1.0}, "atr"),
    ({"atr": float("nan")}, "atr"),
    ({"stop_hint": float("nan")}, "stop_hint"),
])
def test_bad_entry_requests(kwargs: dict[str, object], match: str) -> None:
    base: dict[str, object] = {"pair": "BTC/USD", "side": "long", "price": 100.0,
                               "atr": 1.0, "ts": 0.0}
    with pytest.raises(ValueError, match=match) as info:
        EntryRequest(**(base | kwargs))  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


def test_from_intent() -> None:
    intent = SimpleNamespace(id="abc", pair="BTC/USD", side="long", price=100.0, stop=96.0,
                             atr=2.0, strategies=["trend", "momentum"], ts=5.0)
    req = EntryRequest.from_intent(intent, now=7.0)
    assert req == EntryRequest("BTC/USD", "long", 100.0, 2.0, 7.0, 96.0,
                               ("trend", "momentum"), "abc")


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"equity": -1.0}, "equity"),
    ({"peak_equity": float("nan")}, "peak_equity"),
    ({"cash": -5.0}, "cash"),
    ({"unrealised": float("inf")}, "unrealised"),
    ({"positions": {"BTC/USD": OpenPosition("ETH/USD", 1.0, 1.0)}}, "wrong pair"),
])
def test_bad_portfolios(kwargs: dict[str, object], match: str) -> None:
    base: dict[str, object] = {"equity": 1.0, "peak_equity": 1.0, "day_start_equity": 1.0}
    with pytest.raises(ValueError, match=match):
        Portfolio(**(base | kwargs))  # type: ignore[arg-type]


def test_closed_trade_must_be_finite() -> None:
    with pytest.raises(ValueError, match="r_multiple"):
        ClosedTrade(float("nan"))


def test_lock_activity_and_scope() -> None:
    lock = RiskLock(LockKind.COOLDOWN, "BTC/USD", 100.0, "cooling")
    assert lock.active(99.9) and not lock.active(100.0)
    assert lock.applies_to("BTC/USD") and not lock.applies_to("ETH/USD")
    forever = RiskLock(LockKind.PAUSE, "*", None, "paused")
    assert forever.active(1e12) and forever.applies_to("ETH/USD")
    assert RiskLock.from_dict(forever.to_dict()) == forever


def test_bad_locks() -> None:
    with pytest.raises(ValueError, match="missing until_ts, reason"):
        RiskLock.from_dict({"kind": "pause", "scope": "*"})
    with pytest.raises(ValueError, match="kind"):
        RiskLock("", "*", None, "x")


def test_exposure_uses_mark_else_entry() -> None:
    assert OpenPosition("BTC/USD", 0.5, 100.0).exposure == 50.0
    assert OpenPosition("BTC/USD", 0.5, 100.0, mark=120.0).exposure == 60.0
