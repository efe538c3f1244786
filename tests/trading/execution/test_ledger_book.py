"""Fills -> positions, trades and daily P&L, with hand-computed numbers.

Scenario (fees in USD): entry order e1 buys 0.75 BTC in two partial fills,
  f1 0.5 @ 100 fee 0.2 and f2 0.25 @ 106 fee 0.1
  -> qty 0.75, cost 50 + 26.5 = 76.5, avg entry 76.5 / 0.75 = 102, fees 0.3, realised -0.3.
Exit in two fills, the second just after midnight UTC:
  f3 0.25 @ 110 fee 0.11: cost removed 76.5 * 0.25 / 0.75 = 25.5, realised 27.5 - 25.5 - 0.11 = 1.89
  f4 0.5  @ 108 fee 0.216: cost removed 51 (the rest), realised 54 - 51 - 0.216 = 2.784
Trade: pnl -0.3 + 1.89 + 2.784 = 4.374 (= proceeds 81.5 - cost 76.5 - fees 0.626),
  exit 81.5 / 0.75 = 108.666666666667, R = 4.374 / ((102 - 96) * 0.75) = 0.972.
Day 1 realised -0.3 + 1.89 = 1.59 (fees 0.41); day 2 realised 2.784 (fees 0.216), 1 trade.
"""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from tests.trading.execution.helpers import (
    DAY1,
    DAY2,
    F1,
    F2,
    F3,
    F4,
    MIDNIGHT,
    db_state,
    entry_order,
    exit_order,
)
from trading.execution.ledger import Fill, Ledger, LedgerError
from trading.execution.states import OrderState


def _enter(led: Ledger) -> None:
    led.record_order_pending(entry_order("e1"))
    led.update_order("e1", OrderState.OPEN, txid="TE1")
    assert led.apply_fill(F1) is True
    assert led.apply_fill(F2) is True


def test_partial_fills_aggregate_into_avg_entry(ledger: Ledger) -> None:
    ledger.record_order_pending(entry_order("e1"))
    ledger.update_order("e1", OrderState.OPEN, txid="TE1")
    ledger.apply_fill(F1)
    o = ledger.order("e1")
    assert (o.state, o.filled_qty) == (OrderState.PARTIALLY_FILLED, D("0.5"))  # type: ignore[union-attr]
    ledger.apply_fill(F2)
    assert ledger.order("e1").state == OrderState.FILLED  # type: ignore[union-attr]
    [p] = ledger.open_positions()
    assert (p.qty, p.cost, p.avg_entry, p.fees, p.realised_pnl) == (
        D("0.75"), D("76.5"), D("102"), D("0.3"), D("-0.3"))
    assert (p.stop, p.initial_stop, p.atr) == (D("96"), D("96"), 2.5)
    assert p.strategies == ("momentum", "trend")


def test_same_fill_twice_is_booked_once(ledger: Ledger) -> None:
    _enter(ledger)
    before = db_state(ledger)
    assert ledger.apply_fill(F2) is False
    assert ledger.apply_fill(Fill("f2", "BTC/USD", "buy", "0.250", "106.0", "0.1", F2.ts)) is False
    assert db_state(ledger) == before
    assert ledger.conn.execute("SELECT COUNT(*) FROM fills").fetchone()[0] == 2


def test_same_fill_id_with_other_values_is_refused(ledger: Ledger) -> None:
    _enter(ledger)
    before = db_state(ledger)
    with pytest.raises(LedgerError, match="fill f2 was already booked with different values"):
        ledger.apply_fill(Fill("f2", "BTC/USD", "buy", "0.3", "106", "0.1", F2.ts))
    assert db_state(ledger) == before


def test_close_creates_a_trade_net_of_fees(ledger: Ledger) -> None:
    _enter(ledger)
    ledger.record_order_pending(exit_order())
    ledger.apply_fill(F3)
    [p] = ledger.open_positions()
    assert (p.qty, p.cost, p.avg_entry, p.realised_pnl) == (D("0.5"), D("51"), D("102"),
                                                            D("1.59"))
    assert ledger.order("x1").state == OrderState.PARTIALLY_FILLED  # type: ignore[union-attr]
    ledger.apply_fill(F4)
    assert ledger.open_positions() == []
    assert ledger.order("x1").state == OrderState.FILLED  # type: ignore[union-attr]
    [t] = ledger.trades()
    assert (t.qty, t.entry, t.exit, t.pnl, t.fees) == (
        D("0.75"), D("102"), D("108.666666666667"), D("4.374"), D("0.626"))
    assert t.r_multiple == pytest.approx(0.972)
    assert t.return_pct == pytest.approx(4.374 / 76.5)
    assert (t.opened_ts, t.closed_ts) == (F1.ts, F4.ts)
    assert t.strategies == ("momentum", "trend")
    [c] = ledger.closed_results(5)
    assert (c.r_multiple, c.pair, c.strategies) == (pytest.approx(0.972), "BTC/USD",
                                                    ("momentum", "trend"))
    fills_realised = sum(f.realised for f in ledger.fills(cl_ord_id="e1") +  # type: ignore[misc]
                         ledger.fills(cl_ord_id="x1"))
    assert fills_realised == t.pnl


def test_daily_pnl_is_split_at_utc_midnight(ledger: Ledger) -> None:
    _enter(ledger)
    ledger.apply_fill(F3)
    ledger.apply_fill(F4)
    d1, d2 = ledger.daily(DAY1), ledger.daily(DAY2)
    assert (d1.realised, d1.fees, d1.trades) == (D("1.59"), D("0.41"), 0)
    assert (d2.realised, d2.fees, d2.trades) == (D("2.784"), D("0.216"), 1)
    assert d1.realised + d2.realised == ledger.trades()[0].pnl
    assert ledger.daily("2024-03-11").realised == 0


def test_day_start_equity_is_the_last_snapshot_before_midnight(ledger: Ledger) -> None:
    ledger.snapshot_equity(MIDNIGHT - 7_200_000, 1000.0, 1000.0, 0.0)
    assert ledger.daily(DAY1).start_equity == 1000.0  # first snapshot of a day without history
    ledger.snapshot_equity(MIDNIGHT - 60_000, 1010.5, 900.0, 110.5)
    assert ledger.daily(DAY1).start_equity == 1000.0
    ledger.apply_fill(Fill("g1", "ETH/USD", "buy", "1", "10", "0", MIDNIGHT + 5))
    assert ledger.daily(DAY2).start_equity == 1010.5
    ledger.snapshot_equity(MIDNIGHT + 60_000, 990.0, 880.0, 110.0)
    assert ledger.daily(DAY2).start_equity == 1010.5


def test_sell_larger_than_the_position_changes_nothing(ledger: Ledger) -> None:
    _enter(ledger)
    before = db_state(ledger)
    msg = "sell of 0.76 BTC/USD exceeds the position of 0.75"
    with pytest.raises(LedgerError, match=msg) as e:
        ledger.apply_fill(Fill("f9", "BTC/USD", "sell", "0.76", "110", "0", F2.ts + 1))
    assert "\n" not in str(e.value)
    with pytest.raises(LedgerError, match="no open ETH/USD position"):
        ledger.apply_fill(Fill("f8", "ETH/USD", "sell", "1", "10", "0", F2.ts + 1))
    assert db_state(ledger) == before


@pytest.mark.parametrize(("fill", "msg"), [
    (Fill("b1", "BTC/USD", "buy", "-1", "100", "0", 1), "qty must be > 0"),
    (Fill("b1", "BTC/USD", "buy", "1", "0", "0", 1), "price must be > 0"),
    (Fill("b1", "BTC/USD", "buy", "1", "100", "-0.1", 1), "fee must be >= 0"),
    (Fill("b1", "BTC/USD", "buy", "1", "abc", "0", 1), "price must be a number"),
    (Fill("b1", "BTC/USD", "long", "1", "100", "0", 1), "side buy/sell"),
    (Fill("b1", "BTC/USD", "buy", "1", "100", "0", 1.5), "ts must be integer milliseconds"),
    (Fill("b1", "BTC/USD", "sell", "1", "100", "0", 1, cl_ord_id="e1"), "does not match order"),
])
def test_bad_fills_are_refused(ledger: Ledger, fill: Fill, msg: str) -> None:
    ledger.record_order_pending(entry_order("e1"))
    before = db_state(ledger)
    with pytest.raises(LedgerError, match=msg):
        ledger.apply_fill(fill)
    assert db_state(ledger) == before


def test_late_fill_on_a_cancelled_order_is_still_booked(ledger: Ledger) -> None:
    ledger.record_order_pending(entry_order("e1"))
    ledger.update_order("e1", OrderState.OPEN)
    ledger.update_order("e1", OrderState.CANCELLED, reason="user")
    assert ledger.apply_fill(F1) is True
    o = ledger.order("e1")
    assert (o.state, o.filled_qty) == (OrderState.CANCELLED, D("0.5"))  # type: ignore[union-attr]
    assert ledger.open_positions()[0].qty == D("0.5")


def test_fill_before_the_acknowledgement(ledger: Ledger) -> None:
    ledger.record_order_pending(entry_order("e1", qty="0.5"))
    ledger.apply_fill(F1)  # the WS fill arrived before the REST answer
    assert ledger.order("e1").state == OrderState.FILLED  # type: ignore[union-attr]
    assert ledger.update_order("e1", OrderState.OPEN, txid="TE1") is False
    o = ledger.order("e1")
    assert (o.state, o.txid) == (OrderState.FILLED, "TE1")  # type: ignore[union-attr]


def test_fill_of_an_unknown_order_is_booked_without_a_stop(ledger: Ledger) -> None:
    assert ledger.apply_fill(Fill("m1", "ETH/USD", "buy", "2", "10", "0.01", 5, cl_ord_id="zz"))
    [p] = ledger.open_positions()
    assert (p.pair, p.qty, p.stop) == ("ETH/USD", D("2"), None)


def test_stop_only_tightens(ledger: Ledger) -> None:
    _enter(ledger)
    assert ledger.set_stop("BTC/USD", "97") is True
    assert ledger.set_stop("BTC/USD", 97.0) is False
    with pytest.raises(LedgerError, match="may only tighten: 96.5 is below the current 97"):
        ledger.set_stop("BTC/USD", 96.5)
    p = ledger.position("BTC/USD")
    assert (p.stop, p.initial_stop) == (D("97"), D("96"))  # type: ignore[union-attr]
    with pytest.raises(LedgerError, match="no open ETH/USD position"):
        ledger.set_stop("ETH/USD", 1)


def test_first_stop_on_a_position_without_one_is_also_its_initial_stop(ledger: Ledger) -> None:
    ledger.apply_fill(Fill("m1", "ETH/USD", "buy", "2", "10", "0", 5))
    assert ledger.set_stop("ETH/USD", "9.5") is True
    p = ledger.position("ETH/USD")
    assert (p.stop, p.initial_stop) == (D("9.5"), D("9.5"))  # type: ignore[union-attr]


def test_stops_survive_a_restart(ledger: Ledger, db_path: Path) -> None:
    _enter(ledger)
    ledger.set_stop("BTC/USD", "99")
    ledger.close()
    with Ledger.open_readonly(db_path) as reader:
        assert reader.position("BTC/USD").stop == D("99")  # type: ignore[union-attr]


def test_a_new_position_after_a_close(ledger: Ledger) -> None:
    _enter(ledger)
    ledger.apply_fill(F3)
    ledger.apply_fill(F4)
    ledger.apply_fill(Fill("f5", "BTC/USD", "buy", "1", "100", "0", MIDNIGHT + 10))
    [p] = ledger.open_positions()
    assert (p.qty, p.avg_entry, p.realised_pnl, p.stop) == (D("1"), D("100"), D("0"), None)
    assert len(ledger.trades()) == 1
