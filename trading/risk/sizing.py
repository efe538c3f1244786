"""Kelly sizing: how much of equity to risk at the stop, from recent closed trades.

Semantics:

- Input is a sequence of closed-trade **R-multiples** (P&L / amount risked at entry).
  Breakeven trades (|r| <= :data:`BREAKEVEN_EPS`) are dropped: they neither win nor lose,
  and dropping them gives exactly the log-optimal stake of the two remaining outcomes.
- W = wins / decisive trades; a = mean win (R); b = mean |loss| (R); payoff R = a / b.
- Kelly (Kelly 1956; Thorp, "The Kelly criterion in blackjack, sports betting and the stock
  market", 2006): f* = W - (1 - W) / R is the fraction of bankroll staked when a loss costs
  the stake. A loss here costs b x (amount risked at the stop), so the full-Kelly fraction to
  *risk at the stop* is f*/b = W/b - (1 - W)/a (the same number when losses average 1R).
  Reported values are clamped to [-1, 1]; no wins gives -1, no losses +1.
- The stake is ``kelly_fraction`` x that (quarter-Kelly by default), later capped by
  ``max_risk_per_trade`` and scaled by drawdown and risk of ruin (see the manager).

**Prior** (fewer than ``kelly_min_trades`` decisive trades): the stake is a fixed
``max_risk_per_trade x PRIOR_SHARE`` (half the cap: 0.5% of equity by default) and the
ledger's Kelly is reported but not applied. Rationale: a few trades cannot show an edge
either way; shrinking towards "no edge" (W=0.5, R=1, f*=0) would block every entry, and
letting an early negative estimate block would freeze the strategy mix for good (no trades,
so no new evidence). Once the minimum is reached a Kelly <= 0 means no entry.

Caveat: with the ledger, a mix whose recent trades show no edge stays blocked until the
window of trades the executor passes changes (e.g. after a retrain or an operator reset).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from trading.risk.text import pct

logger = logging.getLogger(__name__)

BREAKEVEN_EPS = 1e-9
PRIOR_SHARE = 0.5
PRIOR, LEDGER = "prior", "ledger"


@dataclass(frozen=True, slots=True)
class TradeStats:
    trades: int        # decisive trades (breakevens dropped)
    wins: int
    avg_win: float     # a, in R (0 without wins)
    avg_loss: float    # b, in R, positive (0 without losses)

    @property
    def win_rate(self) -> float:
        return self.wins / self.trades if self.trades else 0.0

    @property
    def payoff(self) -> float:
        """R = a / b (inf without losses, 0 without wins)."""
        return self.avg_win / self.avg_loss if self.avg_loss > 0.0 else float("inf")

    def describe(self) -> str:
        return (f"win rate {pct(self.win_rate)}, payoff {self.payoff:.2f}, "
                f"{self.trades} trades")


@dataclass(frozen=True, slots=True)
class KellyEstimate:
    source: str            # PRIOR or LEDGER
    stats: TradeStats
    kelly: float | None    # full-Kelly risk fraction from the trades (None: no trades)
    stake: float           # fraction of equity to risk before caps (<= 0: no edge)
    reason: str


def trade_stats(results: Iterable[float]) -> TradeStats:
    wins = [r for r in results if r > BREAKEVEN_EPS]
    losses = [-r for r in results if r < -BREAKEVEN_EPS]
    return TradeStats(
        trades=len(wins) + len(losses), wins=len(wins),
        avg_win=sum(wins) / len(wins) if wins else 0.0,
        avg_loss=sum(losses) / len(losses) if losses else 0.0)


def kelly_risk_fraction(stats: TradeStats) -> float:
    """Full-Kelly fraction of equity to risk at the stop: W/b - (1-W)/a, clamped to [-1, 1]."""
    if stats.trades == 0:
        return 0.0
    if stats.wins == 0:
        return -1.0
    if stats.wins == stats.trades:
        return 1.0
    w = stats.win_rate
    return max(-1.0, min(1.0, w / stats.avg_loss - (1.0 - w) / stats.avg_win))


def estimate_kelly(results: Iterable[float], *, kelly_fraction: float, min_trades: int,
                   max_risk_per_trade: float) -> KellyEstimate:
    """The stake (fraction of equity at risk) from ``results`` (R-multiples, oldest first)."""
    stats = trade_stats(list(results))
    kelly = kelly_risk_fraction(stats) if stats.trades else None
    if stats.trades < min_trades:
        stake = max_risk_per_trade * PRIOR_SHARE
        reason = (f"Kelly prior ({stats.trades}/{min_trades} trades): risking "
                  f"{pct(stake, 2)} (half of max {pct(max_risk_per_trade, 2)})")
        return KellyEstimate(PRIOR, stats, kelly, stake, reason)
    assert kelly is not None
    stake = kelly_fraction * kelly
    if kelly <= 0.0:
        reason = f"Kelly {kelly:.4f} <= 0 ({stats.describe()}): no edge, no entry"
    else:
        reason = (f"Kelly {kelly:.4f} ({stats.describe()}) x {kelly_fraction:g} = "
                  f"{pct(stake, 2)}")
    return KellyEstimate(LEDGER, stats, kelly, stake, reason)


def position_qty(risk_fraction: Decimal, equity: Decimal, entry: Decimal,
                 stop: Decimal) -> Decimal:
    """qty = risk_fraction x equity / |entry - stop| (unrounded; 0 for a zero distance)."""
    distance = abs(entry - stop)
    if distance == 0 or risk_fraction <= 0 or equity <= 0:
        return Decimal(0)
    return risk_fraction * equity / distance
