"""Fault requests: checked as a whole, applied per key, consumed one at a time."""
from __future__ import annotations

import pytest

from trading.exchange.sim.faults import FaultError, Faults

SYMBOLS = ["BTC/USD", "ETH/USD"]


@pytest.mark.parametrize("body", [
    {"nope": 1}, {"delay_ms": 10, "nope": 1}, {}, [], "x",
    {"drop_ws": False}, {"drop_ws": 1},
    {"corrupt_checksum": "DOGE/USD"},
    {"reject_private": {"count": 3}}, {"reject_private": {"count": -1, "error": "EAPI:x"}},
    {"reject_private": {"count": 1, "error": "no prefix"}},
    {"delay_ms": -5}, {"delay_ms": 1.5}, {"delay_ms": True}, {"drop_addorder_response": "1"},
    {"regime": {}}, {"regime": {"DOGE/USD": "range"}}, {"regime": {"BTC/USD": "moon"}},
    {"regime": "range"},
])
def test_invalid_bodies_raise_and_change_nothing(body: object) -> None:
    faults = Faults()
    before = faults.describe()
    with pytest.raises(FaultError):
        faults.apply(body, SYMBOLS)
    assert faults.describe() == before


def test_faults_apply_and_are_consumed() -> None:
    faults = Faults()
    assert faults.apply({"drop_ws": True}, SYMBOLS) is True
    assert faults.apply({"corrupt_checksum": "BTC/USD", "delay_ms": 1500,
                         "reject_private": {"count": 2, "error": "EAPI:Rate limit exceeded"},
                         "drop_addorder_response": 1}, SYMBOLS) is False
    assert faults.delay_ms == 1500
    assert [faults.take_reject() for _ in range(3)] == [
        "EAPI:Rate limit exceeded", "EAPI:Rate limit exceeded", None]
    assert [faults.take_corrupt("ETH/USD"), faults.take_corrupt("BTC/USD"),
            faults.take_corrupt("BTC/USD")] == [False, True, False]
    assert [faults.take_drop_addorder(), faults.take_drop_addorder()] == [True, False]
    faults.apply({"delay_ms": 0, "drop_addorder_response": True}, SYMBOLS)
    assert faults.delay_ms == 0 and faults.drop_addorder == 1


def test_regime_fault_is_taken_once() -> None:
    faults = Faults()
    faults.apply({"regime": {"BTC/USD": "trend_up", "ETH/USD": "range"}}, SYMBOLS)
    assert faults.take_regimes() == {"BTC/USD": "trend_up", "ETH/USD": "range"}
    assert faults.take_regimes() == {}
