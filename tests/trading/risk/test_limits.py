"""Daily loss lock (across UTC midnight and restarts), cooldown, position caps, stored locks."""
from __future__ import annotations

import orjson

from tests.trading.risk.helpers import utc
from trading.risk.limits import (
    active_locks,
    cooldown_lock,
    cooldown_locks,
    daily_loss,
    daily_loss_lock,
    position_reasons,
)
from trading.risk.types import GLOBAL, LockKind, OpenPosition, Portfolio, RiskLock

DAY1 = utc(2026, 11, 25)
MIDNIGHT = utc(2026, 11, 26)


def losing_day(realised: float = -300.0, unrealised: float = -210.0,
               locks: tuple[RiskLock, ...] = (), day_start_ts: float | None = DAY1) -> Portfolio:
    return Portfolio(equity=10_000.0 + realised + unrealised, peak_equity=10_000.0,
                     day_start_equity=10_000.0, day_pnl_realised=realised,
                     unrealised=unrealised, locks=locks, day_start_ts=day_start_ts)


def test_daily_loss_is_realised_plus_unrealised() -> None:
    # (300 + 210) / 10000 = 5.1%
    assert daily_loss(losing_day(), utc(2026, 11, 25, 23, 59)) == 0.051
    assert daily_loss(losing_day(realised=150.0, unrealised=50.0), DAY1 + 60) == 0.0   # a gain


def test_limit_reached_makes_a_lock_until_next_utc_midnight() -> None:
    lock = daily_loss_lock(losing_day(), 0.05, utc(2026, 11, 25, 23, 59))
    assert lock == RiskLock(
        LockKind.DAILY_LOSS, GLOBAL, MIDNIGHT,
        "daily loss 5.1% >= limit 5.0%: entries stop until 2026-11-26 00:00 UTC")


def test_exactly_at_the_limit_locks_and_below_does_not() -> None:
    # 500 / 10000 = 5.0% exactly
    assert daily_loss_lock(losing_day(-500.0, 0.0), 0.05, DAY1 + 3600) is not None
    assert daily_loss_lock(losing_day(-499.0, 0.0), 0.05, DAY1 + 3600) is None


def test_an_active_lock_is_not_duplicated() -> None:
    first = daily_loss_lock(losing_day(), 0.05, DAY1 + 3600)
    assert first is not None
    assert daily_loss_lock(losing_day(locks=(first,)), 0.05, DAY1 + 7200) is None


def test_lock_survives_a_restart_and_ends_at_midnight() -> None:
    lock = daily_loss_lock(losing_day(), 0.05, utc(2026, 11, 25, 23, 59))
    assert lock is not None
    stored = orjson.dumps(lock.to_dict())                     # the executor's ledger row
    back = RiskLock.from_dict(orjson.loads(stored))
    assert back == lock
    assert active_locks((back,), utc(2026, 11, 25, 23, 59, 59)) == (back,)
    assert active_locks((back,), MIDNIGHT) == ()
    assert active_locks((back,), MIDNIGHT + 1) == ()


def test_yesterdays_figures_never_lock_today() -> None:
    # At 00:00:30 the executor has not rolled the day: the figures are from day 1.
    stale = losing_day(day_start_ts=DAY1)
    assert daily_loss(stale, MIDNIGHT + 30) == 0.0
    assert daily_loss_lock(stale, 0.05, MIDNIGHT + 30) is None


def test_without_day_start_ts_the_day_of_ts_is_used() -> None:
    lock = daily_loss_lock(losing_day(day_start_ts=None), 0.05, utc(2026, 11, 25, 12))
    assert lock is not None and lock.until_ts == MIDNIGHT


def test_active_locks_by_scope() -> None:
    pause = RiskLock(LockKind.PAUSE, GLOBAL, None, "paused by operator")
    eth = RiskLock("manual", "ETH/USD", DAY1 + 100, "ETH halted")
    old = RiskLock(LockKind.DAILY_LOSS, GLOBAL, DAY1, "yesterday")
    locks = (pause, eth, old)
    assert active_locks(locks, DAY1 + 50, "ETH/USD") == (pause, eth)
    assert active_locks(locks, DAY1 + 50, "BTC/USD") == (pause,)
    assert active_locks(locks, DAY1 + 50) == (pause,)               # global only
    assert active_locks(locks, DAY1 + 100, "ETH/USD") == (pause,)   # until_ts is exclusive


def test_cooldown_after_an_exit() -> None:
    exit_ts = utc(2026, 11, 25, 12, 0)
    lock = cooldown_lock("BTC/USD", exit_ts, exit_ts + 600, 30.0)
    assert lock == RiskLock(
        LockKind.COOLDOWN, "BTC/USD", exit_ts + 1800,
        "cooldown BTC/USD: exited 10.0 min ago < 30 min: entries stop until "
        "2026-11-25 12:30 UTC")
    assert cooldown_lock("BTC/USD", exit_ts, exit_ts + 1800, 30.0) is None   # 30 min: over
    assert cooldown_lock("BTC/USD", None, exit_ts, 30.0) is None             # never exited
    assert cooldown_lock("BTC/USD", exit_ts, exit_ts + 1, 0.0) is None       # disabled


def test_cooldown_locks_of_every_pair() -> None:
    now = DAY1 + 10_000
    pf = Portfolio(1.0, 1.0, 1.0, last_exit_ts={"SOL/USD": now - 60, "BTC/USD": now - 3600})
    assert [lock.scope for lock in cooldown_locks(pf, now, 30.0)] == ["SOL/USD"]


def test_position_caps() -> None:
    held = {p: OpenPosition(p, 1.0, 10.0) for p in ("ETH/USD", "SOL/USD", "XRP/USD")}
    pf = Portfolio(1.0, 1.0, 1.0, positions=held)
    assert position_reasons(pf, "BTC/USD", 3) == ["3 open positions >= max 3"]
    assert position_reasons(pf, "BTC/USD", 4) == []
    assert position_reasons(pf, "ETH/USD", 4) == ["already holding ETH/USD: one position per pair"]
