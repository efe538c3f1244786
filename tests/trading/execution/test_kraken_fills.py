"""Kraken order/trade records -> Fills and order states (pure functions)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from trading.execution.kraken_fills import fills_for, order_state
from trading.execution.ledger_types import Fill
from trading.execution.states import OrderState

D = Decimal
# Shaped like Kraken's TradesHistory entries (docs example, fee in the quote currency).
TRADES: dict[str, dict[str, Any]] = {
    "THVRQM-33VKH-UCI7BS": {"ordertxid": "OQCLML-BW3P3-BUCMWZ", "pair": "XXBTZUSD",
                            "time": 1688667796.8802, "type": "buy", "ordertype": "market",
                            "price": "30010.00000", "cost": "600.20000", "fee": "1.56052",
                            "vol": "0.02000000"},
    "TCWJEG-FL4SZ-3FKGH6": {"ordertxid": "OQCLML-BW3P3-BUCMWZ", "pair": "XXBTZUSD",
                            "time": 1688667769.6396, "type": "buy", "ordertype": "market",
                            "price": "30010.10000", "cost": "300.10100", "fee": "0.78026",
                            "vol": "0.01000000"},
    "TBAD": {"time": 1.0, "type": "buy", "price": "NaN", "vol": "1", "fee": "0"},
}


def record(status: str, vol: str = "0.03", vol_exec: str = "0.03", **kw: Any) -> dict[str, Any]:
    return {"status": status, "vol": vol, "vol_exec": vol_exec, **kw}


def test_fills_are_exact_sorted_by_time_and_skip_the_unreadable() -> None:
    fills = fills_for("cl-1", "BTC/USD", ["THVRQM-33VKH-UCI7BS", "TCWJEG-FL4SZ-3FKGH6", "TBAD",
                                          "TMISSING"], TRADES)
    assert fills == (
        Fill("TCWJEG-FL4SZ-3FKGH6", "BTC/USD", "buy", D("0.01"), D("30010.1"), D("0.78026"),
             1688667769640, "cl-1", cost=D("300.101")),
        Fill("THVRQM-33VKH-UCI7BS", "BTC/USD", "buy", D("0.02"), D("30010"), D("1.56052"),
             1688667796880, "cl-1", cost=D("600.2")),
    )


@pytest.mark.parametrize(("rec", "filled", "expected"), [
    (record("closed"), "0.03", (OrderState.FILLED, None)),
    (record("pending", vol_exec="0"), "0", (OrderState.OPEN, None)),
    (record("open", vol_exec="0.01"), "0.01", (OrderState.PARTIALLY_FILLED, None)),
    (record("canceled", vol_exec="0", reason="User requested"), "0",
     (OrderState.CANCELLED, "User requested")),
    (record("expired", vol_exec="0.01"), "0.01",
     (OrderState.CANCELLED, "expired after 0.01 of 0.03")),
    (record("closed", vol_exec="0.02", reason="Market price protection"), "0.02",
     (OrderState.CANCELLED, "Market price protection")),
])
def test_order_states(rec: dict[str, Any], filled: str, expected: tuple[str, str | None]) -> None:
    fills = (Fill("T1", "BTC/USD", "buy", D(filled), D("1"), D("0"), 1),) if D(filled) else ()
    assert order_state(rec, fills) == expected


def test_a_final_state_needs_every_fill() -> None:
    one = (Fill("T1", "BTC/USD", "buy", D("0.01"), D("1"), D("0"), 1),)
    state, reason = order_state(record("closed"), one)
    assert state == OrderState.PARTIALLY_FILLED and reason is not None and "0.01 of 0.03" in reason
    state, reason = order_state(record("closed"), ())
    assert state == OrderState.OPEN and reason is not None
    state, reason = order_state({"status": "closed"}, ())
    assert state == OrderState.OPEN and reason is not None and "vol_exec" in reason
