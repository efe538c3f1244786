"""LedgerView over a real ledger file written by a writer handle (as the executor would).

Hand-computed scenario (fees included, average cost): on 2024-03-09
- BTC/USD buy 0.5 @ 100 fee 0.2, sell 0.5 @ 110 fee 0.11: P&L = 55 - 50 - 0.2 - 0.11 = 4.69
- ETH/USD buy 1 @ 20 fee 0.02, sell 1 @ 19 fee 0.019: P&L = 19 - 20 - 0.02 - 0.019 = -1.039
On 2024-03-03 (6 days earlier, inside the 7 days): SOL/USD buy 2 @ 10 fee 0, sell @ 11 fee 0: +2
On 2024-03-01 (outside the 7 days): SOL/USD buy 1 @ 10, sell @ 9: -1
Open: LINK/USD 3 @ 15 (fee 0), stop 14.
So today 4.69 - 1.039 = 3.651 (2 trades), week 5.651, total 4.651, 2 wins of 4 trades.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from trading.execution.ledger import Fill, Ledger
from trading.execution.ledger_types import NewOrder
from web.telegram.ledger_view import LedgerView


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


NOW = ms("2024-03-09T18:00:00") / 1000


def trade(led: Ledger, n: int, pair: str, qty: str, buy: str, sell: str, fees: tuple[str, str],
          day: str) -> None:
    t = ms(f"{day}T10:00:00")
    led.record_order_pending(NewOrder(f"e{n}", pair, "buy", "market", qty, "entry", t, stop="1"))
    led.apply_fill(Fill(f"f{n}a", pair, "buy", qty, buy, fees[0], t, cl_ord_id=f"e{n}"))
    led.record_order_pending(NewOrder(f"x{n}", pair, "sell", "market", qty, "exit", t + 60_000))
    led.apply_fill(Fill(f"f{n}b", pair, "sell", qty, sell, fees[1], t + 60_000,
                        cl_ord_id=f"x{n}"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "bot.db"
    led = Ledger.open(path, clock=lambda: ms("2024-03-09T12:00:00"))
    try:
        trade(led, 1, "BTC/USD", "0.5", "100", "110", ("0.2", "0.11"), "2024-03-09")
        trade(led, 2, "ETH/USD", "1", "20", "19", ("0.02", "0.019"), "2024-03-09")
        trade(led, 3, "SOL/USD", "2", "10", "11", ("0", "0"), "2024-03-03")
        trade(led, 4, "SOL/USD", "1", "10", "9", ("0", "0"), "2024-03-01")
        t = ms("2024-03-09T11:00:00")
        led.record_order_pending(NewOrder("e5", "LINK/USD", "buy", "market", "3", "entry", t,
                                          stop="14"))
        led.apply_fill(Fill("f5", "LINK/USD", "buy", "3", "15", "0", t, cl_ord_id="e5"))
    finally:
        led.close()
    return path


def test_pnl_today_week_total_win_rate(db: Path) -> None:
    s = LedgerView(db, wall_clock=lambda: NOW).pnl()
    assert s is not None
    assert s.today == Decimal("3.651") and s.today_trades == 2
    assert s.week == Decimal("5.651") and s.total == Decimal("4.651")
    assert (s.trades, s.wins, s.win_rate) == (4, 2, 0.5)


def test_positions_with_the_callers_price(db: Path) -> None:
    view = LedgerView(db, wall_clock=lambda: NOW)
    [p] = view.positions(lambda pair: {"LINK/USD": 16.5}.get(pair))
    assert (p.pair, p.qty, p.entry, p.stop) == ("LINK/USD", 3, 15, 14)
    assert p.current == 16.5 and p.pnl == pytest.approx(4.5) and p.pnl_pct == pytest.approx(0.1)
    [q] = view.positions(lambda pair: None)
    assert q.current is None and q.pnl is None


def test_last_trades_newest_first(db: Path) -> None:
    got = LedgerView(db).trades(3)
    assert [t.pair for t in got] == ["ETH/USD", "BTC/USD", "SOL/USD"]
    assert got[0].pnl == Decimal("-1.039")


def test_a_missing_ledger_is_empty_not_an_error(tmp_path: Path) -> None:
    view = LedgerView(tmp_path / "bot.db")
    assert view.pnl() is None and view.positions(lambda p: 1.0) == [] and view.trades(10) == []
    assert not (tmp_path / "bot.db").exists()  # reading never creates it
