"""Shared builders for the ledger tests (importable; fixtures live in conftest.py).

The hand-computed scenario behind F1..F4 is worked out in test_ledger_book.py's docstring.
"""
from __future__ import annotations

from trading.execution.ledger import Fill, Ledger
from trading.execution.ledger_types import NewOrder

T0 = 1_710_000_000_000  # 2024-03-09T16:00:00Z, in ms
MIDNIGHT = 1_710_028_800_000  # 2024-03-10T00:00:00Z
DAY1, DAY2 = "2024-03-09", "2024-03-10"
F1 = Fill("f1", "BTC/USD", "buy", "0.5", "100", "0.2", MIDNIGHT - 3_600_000, cl_ord_id="e1")
F2 = Fill("f2", "BTC/USD", "buy", 0.25, 106, 0.1, MIDNIGHT - 3_000_000, cl_ord_id="e1")
F3 = Fill("f3", "BTC/USD", "sell", "0.25", "110", "0.11", MIDNIGHT - 1, cl_ord_id="x1")
F4 = Fill("f4", "BTC/USD", "sell", "0.5", "108", "0.216", MIDNIGHT, cl_ord_id="x1")


def entry_order(cl_ord_id: str = "e1", qty: object = "0.75", **kw: object) -> NewOrder:
    fields: dict[str, object] = dict(cl_ord_id=cl_ord_id, pair="BTC/USD", side="buy",
                                     kind="limit", qty=qty, purpose="entry", ts=T0,
                                     intent_id=cl_ord_id, limit_price="106", stop="96", atr=2.5,
                                     strategies=("trend", "momentum"))
    return NewOrder(**(fields | kw))  # type: ignore[arg-type]


def exit_order() -> NewOrder:
    return NewOrder("x1", "BTC/USD", "sell", "market", "0.75", "exit", MIDNIGHT - 10)


def db_state(led: Ledger) -> tuple[object, ...]:
    """Every row a fill can change."""
    q = led.conn.execute
    return tuple(q(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
                 for t in ("fills", "positions", "orders", "daily_pnl", "trades"))
