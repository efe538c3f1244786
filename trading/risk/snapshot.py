"""The dashboard's view of risk: drawdown, daily loss used, Kelly, risk of ruin, locks.

Semantics: ``entries_allowed`` says whether a new entry on a pair that is neither held nor
cooling down could pass the global rules now (global locks, the daily loss limit, the open
position cap, zero equity and the risk budget); ``reasons`` lists what blocks it. ``locks``
are all locks active at ``ts``: stored ones, a daily-loss lock that would be created now,
and each pair's derived cooldown. Kelly and risk of ruin are over all recent closed trades
(the per-mix numbers appear on each entry decision).
"""
from __future__ import annotations

import logging

from config.schema import Risk
from trading.risk.budget import RiskBudget
from trading.risk.decisions import RiskSnapshot
from trading.risk.limits import active_locks, cooldown_locks, daily_loss, position_reasons
from trading.risk.types import Portfolio, RiskLock

logger = logging.getLogger(__name__)


def build_snapshot(cfg: Risk, budget: RiskBudget, portfolio: Portfolio, ts: float,
                   new_locks: tuple[RiskLock, ...] = ()) -> RiskSnapshot:
    stored = tuple(lock for lock in portfolio.locks + new_locks if lock.active(ts))
    locks = stored + cooldown_locks(portfolio, ts, cfg.cooldown_minutes)
    reasons = [lock.reason for lock in active_locks(stored, ts)]
    reasons.extend(position_reasons(portfolio, None, cfg.max_open_positions))
    if portfolio.equity <= 0.0:
        reasons.append(f"equity {portfolio.equity:.2f}: nothing to risk")
    reasons.extend(budget.blocks)
    exposure = sum(p.exposure for p in portfolio.positions.values())
    equity = portfolio.equity
    return RiskSnapshot(
        ts=ts, equity=equity, peak_equity=max(portfolio.peak_equity, equity),
        drawdown=budget.drawdown, drawdown_scale=budget.drawdown_scale,
        daily_loss=daily_loss(portfolio, ts), daily_loss_limit=cfg.max_daily_loss,
        kelly=budget.estimate.kelly, kelly_source=budget.estimate.source,
        stake=budget.fraction, risk_of_ruin=budget.ror, locks=locks,
        open_positions=len(portfolio.positions), max_open_positions=cfg.max_open_positions,
        exposure=exposure, exposure_fraction=exposure / equity if equity > 0.0 else 0.0,
        entries_allowed=not reasons, reasons=tuple(reasons))
