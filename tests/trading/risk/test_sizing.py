"""Kelly sizing: trade stats, full Kelly at the stop, the prior, qty from the risk fraction.

Every expected number is worked out by hand in the comment next to it.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from trading.risk.sizing import (
    LEDGER,
    PRIOR,
    estimate_kelly,
    kelly_risk_fraction,
    position_qty,
    trade_stats,
)


def test_stats_of_wins_and_losses() -> None:
    stats = trade_stats([2.0, 2.0, 2.0, -1.0, -1.0])
    assert (stats.trades, stats.wins) == (5, 3)
    assert stats.win_rate == pytest.approx(0.6)          # 3 / 5
    assert (stats.avg_win, stats.avg_loss) == (2.0, 1.0)
    assert stats.payoff == 2.0                           # 2 / 1


def test_breakevens_are_dropped() -> None:
    stats = trade_stats([2.0, 0.0, -1.0, 1e-12])
    assert (stats.trades, stats.wins) == (2, 1)


@pytest.mark.parametrize(("results", "expected"), [
    # W=0.6, a=2, b=1: textbook f* = 0.6 - 0.4/2 = 0.4
    ([2.0, 2.0, 2.0, -1.0, -1.0], 0.4),
    # W=0.25, a=3, b=1: 0.25 - 0.75/3 = 0 (no edge)
    ([3.0, -1.0, -1.0, -1.0], 0.0),
    # W=1/3, a=b=1: 1/3 - 2/3 = -1/3
    ([1.0, -1.0, -1.0], -1.0 / 3.0),
    # W=0.6, a=2, b=0.5: R=4, f*=0.6-0.4/4=0.5, risked at the stop f*/b = 1.0
    ([2.0, 2.0, 2.0, -0.5, -0.5], 1.0),
    # W=2/3, a=3, b=2: R=1.5, f*=2/3-(1/3)/1.5=4/9, at the stop 4/9/2 = 2/9
    ([3.0, 3.0, -2.0], 2.0 / 9.0),
    # breakevens ignored: W=0.5, a=2, b=1: 0.5 - 0.5/2 = 0.25
    ([2.0, 0.0, -1.0, 0.0], 0.25),
])
def test_kelly_hand_computed(results: list[float], expected: float) -> None:
    assert kelly_risk_fraction(trade_stats(results)) == pytest.approx(expected)


def test_kelly_extremes() -> None:
    assert kelly_risk_fraction(trade_stats([])) == 0.0
    assert kelly_risk_fraction(trade_stats([1.0, 2.0])) == 1.0       # no losses
    assert kelly_risk_fraction(trade_stats([-1.0, -0.5])) == -1.0    # no wins
    # W=0.1, a=0.1, b=1: 0.1 - 0.9/0.1 = -8.9, clamped
    assert kelly_risk_fraction(trade_stats([0.1] + [-1.0] * 9)) == -1.0


def test_prior_until_min_trades() -> None:
    est = estimate_kelly([2.0, 2.0, 2.0, -1.0, -1.0], kelly_fraction=0.25, min_trades=20,
                         max_risk_per_trade=0.01)
    assert est.source == PRIOR
    assert est.stake == pytest.approx(0.005)        # max_risk_per_trade / 2
    assert est.kelly == pytest.approx(0.4)          # reported, not applied
    assert est.reason == "Kelly prior (5/20 trades): risking 0.50% (half of max 1.00%)"


def test_prior_is_not_blocked_by_early_losses() -> None:
    est = estimate_kelly([-1.0, -1.0, -1.0], kelly_fraction=0.25, min_trades=20,
                         max_risk_per_trade=0.01)
    assert (est.source, est.kelly, est.stake) == (PRIOR, -1.0, 0.005)


def test_no_trades_prior_reports_no_kelly() -> None:
    est = estimate_kelly([], kelly_fraction=0.25, min_trades=20, max_risk_per_trade=0.02)
    assert (est.kelly, est.stake) == (None, 0.01)


def test_quarter_kelly_from_the_ledger() -> None:
    # 12 x +2R, 8 x -1R: W=0.6, R=2, f*=0.6-0.4/2=0.4; quarter = 0.1
    est = estimate_kelly([2.0] * 12 + [-1.0] * 8, kelly_fraction=0.25, min_trades=20,
                         max_risk_per_trade=0.01)
    assert est.source == LEDGER
    assert est.kelly == pytest.approx(0.4)
    assert est.stake == pytest.approx(0.1)
    assert est.reason == ("Kelly 0.4000 (win rate 60.0%, payoff 2.00, 20 trades) x 0.25 "
                          "= 10.00%")


def test_negative_kelly_from_the_ledger_means_no_entry() -> None:
    # 8 x +1R, 12 x -1R: W=0.4, R=1, f*=0.4-0.6=-0.2
    est = estimate_kelly([1.0] * 8 + [-1.0] * 12, kelly_fraction=0.25, min_trades=20,
                         max_risk_per_trade=0.01)
    assert est.kelly == pytest.approx(-0.2)
    assert est.stake == pytest.approx(-0.05)
    assert est.reason == ("Kelly -0.2000 <= 0 (win rate 40.0%, payoff 1.00, 20 trades): "
                          "no edge, no entry")


def test_position_qty_hand_computed() -> None:
    # 0.5% of 10000 = 50 at risk over 1000 per unit -> 0.05
    qty = position_qty(Decimal("0.005"), Decimal("10000"), Decimal("50000"), Decimal("49000"))
    assert qty == Decimal("0.05")
    assert position_qty(Decimal("0.01"), Decimal("100"), Decimal("5"), Decimal("5")) == 0
    assert position_qty(Decimal("0"), Decimal("100"), Decimal("5"), Decimal("4")) == 0
