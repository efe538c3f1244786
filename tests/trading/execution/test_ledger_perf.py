"""Performance statistics and trade queries, hand-computed.

Three round trips without fees: +10 (return 0.10), -5 (-0.05), +10 (+0.10) ->
win rate 2/3, profit factor 20 / 5 = 4, per-trade returns mean 0.05, sample stdev
sqrt((0.05^2 + 0.1^2 + 0.05^2) / 2) = sqrt(0.0075), Sharpe 0.05 / sqrt(0.0075) = 1/sqrt(3).
Equity 100, 120, 90, 130, 117 -> max drawdown (120 - 90) / 120 = 0.25, 30 in quote units.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal as D
from pathlib import Path

import pytest

from tests.trading.execution.helpers import T0
from trading.execution.ledger import Fill, Ledger
from trading.execution.ledger_perf import equity_curve
from trading.execution.ledger_types import ClosedResult, to_jsonable

H = 3_600_000


def _round_trip(led: Ledger, n: int, pair: str, qty: str, buy: str, sell: str) -> None:
    led.apply_fill(Fill(f"b{n}", pair, "buy", qty, buy, "0", T0 + n * H))
    led.apply_fill(Fill(f"s{n}", pair, "sell", qty, sell, "0", T0 + n * H + 1000))


@pytest.fixture
def traded(ledger: Ledger) -> Ledger:
    _round_trip(ledger, 1, "BTC/USD", "1", "100", "110")
    _round_trip(ledger, 2, "ETH/USD", "1", "100", "95")
    _round_trip(ledger, 3, "BTC/USD", "2", "50", "55")
    for i, eq in enumerate((100.0, 120.0, 90.0, 130.0, 117.0)):
        ledger.snapshot_equity(T0 + i * 1000, eq, eq, 0.0)
    return ledger


def test_performance_numbers(traded: Ledger, db_path: Path) -> None:
    with Ledger.open_readonly(db_path) as reader:  # usable on the read-only handle
        perf = reader.performance(points=500)
    assert (perf.realised_pnl, perf.closed_pnl, perf.fees) == (D(15), D(15), D(0))
    assert (perf.trades, perf.wins, perf.losses) == (3, 2, 1)
    assert perf.win_rate == pytest.approx(2 / 3)
    assert perf.profit_factor == pytest.approx(4.0)
    assert perf.sharpe == pytest.approx(1 / math.sqrt(3))
    assert (perf.max_drawdown, perf.max_drawdown_abs) == (pytest.approx(0.25), 30.0)
    assert [e for _, e in perf.equity_curve] == [100.0, 120.0, 90.0, 130.0, 117.0]
    json.dumps(to_jsonable(perf))  # the dashboard can serve it as is


def test_empty_ledger_performance(ledger: Ledger) -> None:
    perf = ledger.performance()
    assert (perf.trades, perf.win_rate, perf.profit_factor, perf.sharpe) == (0, None, None, None)
    assert (perf.max_drawdown, perf.equity_curve) == (0.0, [])
    assert (ledger.peak_equity(), ledger.last_exits(), ledger.closed_results(5)) == (None, {}, [])


def test_open_position_partial_exit_counts_in_realised_only(ledger: Ledger) -> None:
    ledger.apply_fill(Fill("b1", "BTC/USD", "buy", "2", "100", "0.5", T0))
    ledger.apply_fill(Fill("s1", "BTC/USD", "sell", "1", "104", "0.5", T0 + 1))
    perf = ledger.performance()
    assert (perf.realised_pnl, perf.closed_pnl, perf.fees, perf.trades) == (D(3), D(0), D(1), 0)


def test_equity_curve_is_downsampled_keeping_first_and_last(ledger: Ledger) -> None:
    with ledger._tx() as conn:  # bulk insert for speed; snapshot_equity is one tx each
        conn.executemany("INSERT INTO equity VALUES (?, ?, 0, 0)",
                         [(T0 + i, float(i)) for i in range(1000)])
    for points in (1, 2, 7, 10, 999, 1000, 5000):
        curve = equity_curve(ledger.conn, points)
        assert 1 <= len(curve) <= min(points, 1000), points
        assert curve[-1] == (T0 + 999, 999.0)
        if points > 1:
            assert curve[0] == (T0, 0.0)
    assert len(equity_curve(ledger.conn, 1000)) == 1000
    assert equity_curve(ledger.conn, 0) == []


def test_trades_query_newest_first_with_filters(traded: Ledger) -> None:
    assert [t.pnl for t in traded.trades()] == [D(10), D(-5), D(10)]
    assert [t.pnl for t in traded.trades(limit=1, offset=1)] == [D(-5)]
    assert [t.pair for t in traded.trades(pair="BTC/USD")] == ["BTC/USD", "BTC/USD"]
    assert [t.pnl for t in traded.trades(since=T0 + 2 * H + 1000)] == [D(10), D(-5)]
    assert [t.return_pct for t in traded.trades()] == pytest.approx([0.1, -0.05, 0.1])


def test_closed_results_are_the_last_n_oldest_first(traded: Ledger) -> None:
    assert traded.closed_results(2) == [
        ClosedResult(-5.0, -0.05, None, "ETH/USD", (), T0 + 2 * H + 1000),
        ClosedResult(10.0, 0.1, None, "BTC/USD", (), T0 + 3 * H + 1000)]
    assert len(traded.closed_results(100)) == 3
    assert traded.closed_results(0) == []


def test_peak_equity_and_last_exits(traded: Ledger) -> None:
    assert traded.peak_equity() == 130.0
    assert traded.last_exits() == {"BTC/USD": T0 + 3 * H + 1000, "ETH/USD": T0 + 2 * H + 1000}
