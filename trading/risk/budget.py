"""The risk budget of a new entry: the fraction of equity lost if its stop is hit.

Pipeline, in order (each step documented in its module):

1. Kelly stake (:mod:`.sizing`): ``kelly_fraction`` x full Kelly from the recent trades, or the
   prior (half of ``max_risk_per_trade``) until ``kelly_min_trades`` trades exist.
   Kelly <= 0 with the ledger: blocked ("no edge").
2. Cap: ``min(stake, max_risk_per_trade)``.
3. Drawdown (:mod:`.drawdown`): x ``max(0, 1 - drawdown / drawdown_halt)``; 0 blocks.
4. Risk of ruin (:mod:`.ruin`, ledger only -- the prior has no win rate or payoff to judge):
   at the fraction so far, RoR >= ``RUIN_STOP_MULTIPLE`` x ``max_risk_of_ruin`` blocks;
   RoR > ``max_risk_of_ruin`` cuts the fraction to the largest one whose RoR is at the limit.

``fraction`` is 0 whenever a step blocks. ``ror`` is the risk of ruin at the final fraction
(1.0 when the ledger shows no edge; None with the prior or a zero fraction).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from config.schema import Risk
from trading.risk.drawdown import drawdown, drawdown_reason, drawdown_scale
from trading.risk.ruin import RUIN_STOP_MULTIPLE, max_risk_fraction, risk_of_ruin
from trading.risk.sizing import LEDGER, KellyEstimate, TradeStats, estimate_kelly
from trading.risk.text import pct

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RiskBudget:
    estimate: KellyEstimate
    fraction: float            # of equity, lost at the stop (0 when blocked)
    drawdown: float
    drawdown_scale: float
    ror: float | None
    blocks: tuple[str, ...]    # why no entry is possible (empty: sizing allows one)
    notes: tuple[str, ...]     # how the fraction was reached


@dataclass(frozen=True, slots=True)
class _Ruin:
    fraction: float
    ror: float
    block: str | None
    note: str | None


def risk_budget(results: Sequence[float], cfg: Risk, equity: float, peak: float,
                ruin_level: float) -> RiskBudget:
    """The fraction of equity to risk on the next entry given recent trade ``results`` (R)."""
    est = estimate_kelly(results, kelly_fraction=cfg.kelly_fraction,
                         min_trades=cfg.kelly_min_trades,
                         max_risk_per_trade=cfg.max_risk_per_trade)
    blocks: list[str] = []
    notes: list[str] = []
    (blocks if est.stake <= 0.0 else notes).append(est.reason)
    fraction = min(max(est.stake, 0.0), cfg.max_risk_per_trade)
    if est.stake > cfg.max_risk_per_trade:
        notes.append(f"capped at max risk per trade {pct(cfg.max_risk_per_trade, 2)}")
    dd = drawdown(equity, peak)
    scale = drawdown_scale(dd, cfg.drawdown_halt)
    if dd > 0.0:
        (notes if scale > 0.0 else blocks).append(drawdown_reason(dd, cfg.drawdown_halt))
    fraction *= scale
    ror: float | None = 1.0 if est.source == LEDGER and est.stake <= 0.0 else None
    if est.source == LEDGER and fraction > 0.0:
        ruin = _apply_ruin(est.stats, fraction, cfg.max_risk_of_ruin, ruin_level)
        fraction, ror = ruin.fraction, ruin.ror
        if ruin.block:
            blocks.append(ruin.block)
        if ruin.note:
            notes.append(ruin.note)
    if blocks:
        fraction = 0.0
    return RiskBudget(est, fraction, dd, scale, ror, tuple(blocks), tuple(notes))


def _apply_ruin(stats: TradeStats, fraction: float, limit: float,
                ruin_level: float) -> _Ruin:
    w, payoff, loss_r = stats.win_rate, stats.payoff, stats.avg_loss or 1.0
    ror = risk_of_ruin(w, payoff, fraction, ruin_level, loss_r)
    if ror >= RUIN_STOP_MULTIPLE * limit:
        block = (f"risk of ruin {pct(ror)} >= {RUIN_STOP_MULTIPLE:g} x limit {pct(limit)} "
                 f"at risk {pct(fraction, 2)}: entries stop")
        return _Ruin(fraction, ror, block, None)
    if ror <= limit:
        return _Ruin(fraction, ror, None, None)
    cut = min(fraction, max_risk_fraction(w, payoff, limit, ruin_level, loss_r))
    note = (f"risk of ruin {pct(ror)} > limit {pct(limit)} at risk {pct(fraction, 2)}: "
            f"risk cut to {pct(cut, 2)}")
    return _Ruin(cut, risk_of_ruin(w, payoff, cut, ruin_level, loss_r), None, note)
