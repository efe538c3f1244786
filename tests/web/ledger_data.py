"""A small ledger with hand-computed numbers, written through the real ``Ledger`` writer.

- BTC/USD (trend, momentum): the round trip of ``tests/trading/execution/test_ledger_book``:
  buy 0.75 @ avg 102, sell @ 110/108; P&L +4.374 (a win), closed at MIDNIGHT.
- SOL/USD (trend): buy 1 @ 20, sell 1 @ 18, no fees: P&L -2 (a loss), closed 1 h later.
- ETH/USD (breakout): open, buy 2 @ 50 (fee 0.1), stop 45.

So: 2 trades, win rate 0.5, profit factor 4.374 / 2 = 2.187; trend 1 win in 2 trades
(hit rate 0.5), momentum 1 of 1 (1.0), breakout no closed trade (null). Realised P&L net of
every fee: 4.374 - 2 - 0.1 (ETH entry fee) = 2.274.
Equity snapshots 10000 -> 10004.374 -> 10002.374: max drawdown 2 / 10004.374 of the peak.
"""
from __future__ import annotations

from pathlib import Path

from tests.trading.execution.helpers import F1, F2, F3, F4, MIDNIGHT, entry_order, exit_order
from trading.execution.ledger import Fill, Ledger
from trading.execution.ledger_types import NewOrder
from trading.execution.states import OrderState

HOUR = 3_600_000
SOL_CLOSED = MIDNIGHT + HOUR
ETH_OPENED = MIDNIGHT + 2 * HOUR
EQUITY = ((MIDNIGHT - HOUR, 10000.0), (MIDNIGHT, 10004.374), (SOL_CLOSED, 10002.374))


def _market(cl: str, pair: str, side: str, qty: str, purpose: str, ts: int,
            **kw: object) -> NewOrder:
    return NewOrder(cl_ord_id=cl, pair=pair, side=side, kind="market", qty=qty, purpose=purpose,
                    ts=ts, intent_id=cl if purpose == "entry" else None, **kw)  # type: ignore[arg-type]


def _fill(led: Ledger, order: NewOrder, fills: list[Fill]) -> None:
    led.record_order_pending(order)
    led.update_order(order.cl_ord_id, OrderState.OPEN, txid="T" + order.cl_ord_id)
    for f in fills:
        led.apply_fill(f)


def write(path: Path) -> None:
    led = Ledger.open(path, clock=lambda: MIDNIGHT)
    try:
        _fill(led, entry_order("e1"), [F1, F2])
        _fill(led, exit_order(), [F3, F4])
        _fill(led, _market("e3", "SOL/USD", "buy", "1", "entry", SOL_CLOSED - HOUR, stop="15",
                           atr=1.0, strategies=("trend",)),
              [Fill("s1", "SOL/USD", "buy", "1", "20", "0", SOL_CLOSED - HOUR, cl_ord_id="e3")])
        _fill(led, _market("x3", "SOL/USD", "sell", "1", "exit", SOL_CLOSED),
              [Fill("s2", "SOL/USD", "sell", "1", "18", "0", SOL_CLOSED, cl_ord_id="x3")])
        _fill(led, _market("e2", "ETH/USD", "buy", "2", "entry", ETH_OPENED, stop="45", atr=1.5,
                           strategies=("breakout",)),
              [Fill("h1", "ETH/USD", "buy", "2", "50", "0.1", ETH_OPENED, cl_ord_id="e2")])
        for ts, equity in EQUITY:
            led.snapshot_equity(ts, equity, equity, 0.0)
    finally:
        led.close()
