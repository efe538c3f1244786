"""Entry limits: the daily loss lock, per-pair cooldown, open-position caps, stored locks.

Semantics (all block *entries* only; exits never pass through here):

- **Daily loss**: loss = -(``day_pnl_realised`` + ``unrealised``) as a fraction of
  ``day_start_equity``. When it reaches ``max_daily_loss`` a :class:`RiskLock`
  (``daily_loss``, scope ``*``) is made that lasts until the end of the UTC day the figures
  belong to (``Portfolio.day_start_ts``, else the day of ``ts``). The executor stores it and
  passes it back, so it survives restarts, and it holds even if the loss recovers later in
  the day. Day figures from a past UTC day (the executor has not rolled the day yet) are not
  counted, so yesterday's loss can never lock today.
- **Cooldown**: after an exit from a pair, entries on that pair wait ``cooldown_minutes``;
  derived from ``Portfolio.last_exit_ts`` (nothing to store), reported as a pair-scoped lock.
- **Positions**: one position per pair; at most ``max_open_positions`` in total.
- **Stored locks**: every active lock whose scope is ``*`` or the pair blocks with its reason.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from trading.risk.text import DAY_SECONDS, pct, utc_day_start, utc_text
from trading.risk.types import GLOBAL, LockKind, Portfolio, RiskLock

logger = logging.getLogger(__name__)

_EPS = 1e-12


def daily_loss(portfolio: Portfolio, ts: float) -> float:
    """Fraction of the day's starting equity lost today (>= 0); 0 for a past day's figures."""
    if figures_day(portfolio, ts) < utc_day_start(ts) or portfolio.day_start_equity <= 0.0:
        return 0.0
    loss = -(portfolio.day_pnl_realised + portfolio.unrealised)
    return max(0.0, loss / portfolio.day_start_equity)


def figures_day(portfolio: Portfolio, ts: float) -> float:
    """The UTC midnight the portfolio's ``day_*`` figures belong to."""
    return utc_day_start(ts if portfolio.day_start_ts is None else portfolio.day_start_ts)


def active_locks(locks: Iterable[RiskLock], ts: float, pair: str | None = None,
                 ) -> tuple[RiskLock, ...]:
    """The locks active at ``ts`` (that apply to ``pair``, or global ones when None)."""
    return tuple(lock for lock in locks if lock.active(ts)
                 and (lock.applies_to(pair) if pair is not None else lock.scope == GLOBAL))


def daily_loss_lock(portfolio: Portfolio, limit: float, ts: float) -> RiskLock | None:
    """A new daily-loss lock when the limit is reached and none is active yet, else None."""
    if any(lock.kind == LockKind.DAILY_LOSS for lock in active_locks(portfolio.locks, ts)):
        return None
    loss = daily_loss(portfolio, ts)
    if loss < limit - _EPS:
        return None
    until = figures_day(portfolio, ts) + DAY_SECONDS
    if until <= ts:
        return None
    reason = (f"daily loss {pct(loss)} >= limit {pct(limit)}: entries stop until "
              f"{utc_text(until)}")
    logger.warning("risk lock: %s", reason)
    return RiskLock(LockKind.DAILY_LOSS, GLOBAL, until, reason)


def cooldown_lock(pair: str, last_exit_ts: float | None, ts: float,
                  minutes: float) -> RiskLock | None:
    """The derived cooldown lock of ``pair`` if its last exit is recent enough, else None."""
    if last_exit_ts is None or minutes <= 0.0:
        return None
    until = last_exit_ts + minutes * 60.0
    if ts >= until:
        return None
    ago = max(0.0, ts - last_exit_ts) / 60.0
    reason = (f"cooldown {pair}: exited {ago:.1f} min ago < {minutes:g} min: entries stop "
              f"until {utc_text(until)}")
    return RiskLock(LockKind.COOLDOWN, pair, until, reason)


def cooldown_locks(portfolio: Portfolio, ts: float, minutes: float) -> tuple[RiskLock, ...]:
    """Every pair's active cooldown (for the snapshot)."""
    locks = (cooldown_lock(pair, exit_ts, ts, minutes)
             for pair, exit_ts in sorted(portfolio.last_exit_ts.items()))
    return tuple(lock for lock in locks if lock is not None)


def position_reasons(portfolio: Portfolio, pair: str | None, max_open: int) -> list[str]:
    """Blocking reasons from the open positions (one per pair, at most ``max_open``)."""
    reasons = []
    if pair is not None and pair in portfolio.positions:
        reasons.append(f"already holding {pair}: one position per pair")
    held = len(portfolio.positions)
    if held >= max_open:
        reasons.append(f"{held} open positions >= max {max_open}")
    return reasons
