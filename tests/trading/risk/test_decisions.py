"""Decisions serialise to JSON-ready dicts; only ``enter`` is an approval."""
from __future__ import annotations

from decimal import Decimal

import orjson
import pytest

from trading.risk.decisions import ACTIONS, EntryDecision, ExitDecision
from trading.risk.types import RiskLock


def test_entry_decision_to_dict() -> None:
    lock = RiskLock("daily_loss", "*", 10.0, "daily loss")
    d = EntryDecision("enter", "BTC/USD", Decimal("0.00000010"), Decimal("50000.1"),
                      Decimal("49000.0"), ("ok",), kelly=0.4, risk_fraction=0.01,
                      ror=1e-5, drawdown_scale=1.0, locks=(lock,), intent_id="i1")
    body = orjson.loads(orjson.dumps(d.to_dict()))
    assert body["qty"] == "0.00000010"              # never "1.0E-7"
    assert (body["approved"], body["price"], body["stop"]) == (True, "50000.1", "49000.0")
    assert body["locks"] == [lock.to_dict()]


def test_only_enter_is_approved() -> None:
    assert ACTIONS == ("enter", "reject", "close")
    for action in ("reject", "close"):
        d = EntryDecision(action, "BTC/USD", Decimal(0), None, None, ("why",))
        assert not d.approved
        assert d.to_dict()["price"] is None


def test_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="action 'short'"):
        EntryDecision("short", "BTC/USD", Decimal(0), None, None, ())


def test_exit_decision_is_approved() -> None:
    assert ExitDecision("BTC/USD", 0.5, ()).to_dict() == {
        "pair": "BTC/USD", "qty": 0.5, "reasons": [], "approved": True}
