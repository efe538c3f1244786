"""RiskManager end to end, with hand-computed sizes.

BTC/USD rules: pair_decimals 1, tick 0.1, lot_decimals 8, ordermin 0.0001, costmin 0.5.
Default config: quarter-Kelly, max risk 1%, prior 0.5%, stop 2 ATR, halt 25%.
Entry 50000 with ATR 500 -> stop 49000, 1000 of risk per BTC.
"""
from __future__ import annotations

import math
from decimal import Decimal

import pytest

from config.schema import Risk
from tests.trading.risk.helpers import pair_info, utc
from trading.exchange.symbols import PairInfo
from trading.risk.manager import RiskManager
from trading.risk.stops import BREAKEVEN, TRAIL, Stop
from trading.risk.types import (
    ClosedTrade,
    EntryRequest,
    LockKind,
    OpenPosition,
    Portfolio,
    RiskLock,
)

NOW = utc(2026, 11, 25, 12, 0)
MIX = ("trend", "momentum", "breakout")
GOOD = [2.0] * 12 + [-1.0] * 8          # W 0.6, R 2, Kelly 0.4


def book(*results: float, mix: tuple[str, ...] = MIX) -> tuple[ClosedTrade, ...]:
    return tuple(ClosedTrade(r, mix) for r in results)


def portfolio(equity: float = 10_000.0, **kw: object) -> Portfolio:
    base: dict[str, object] = {"equity": equity, "peak_equity": equity,
                               "day_start_equity": equity}
    return Portfolio(**(base | kw))  # type: ignore[arg-type]


def request(pair: str = "BTC/USD", side: str = "long", price: float = 50_000.0,
            atr: float = 500.0, ts: float = NOW, **kw: object) -> EntryRequest:
    return EntryRequest(pair, side, price, atr, ts, strategies=MIX, **kw)  # type: ignore[arg-type]


@pytest.fixture
def rm(cfg: Risk) -> RiskManager:
    return RiskManager(cfg)


def test_prior_entry(rm: RiskManager, btc: PairInfo) -> None:
    d = rm.evaluate_entry(request(), portfolio(), btc)
    # 0.5% of 10000 = 50 over 1000 per BTC -> 0.05 BTC
    assert d.approved and d.action == "enter"
    assert (d.qty, d.price, d.stop) == (Decimal("0.05"), Decimal("50000.0"), Decimal("49000.0"))
    assert (d.risk_fraction, d.kelly, d.ror, d.drawdown_scale) == (0.005, None, None, 1.0)
    assert d.reasons[0] == "Kelly prior (0/20 trades): risking 0.50% (half of max 1.00%)"


def test_ledger_entry_capped(rm: RiskManager, btc: PairInfo) -> None:
    d = rm.evaluate_entry(request(), portfolio(closed_trades=book(*GOOD)), btc)
    # quarter-Kelly 0.1 capped at 1%: 100 over 1000 -> 0.1 BTC
    assert d.approved
    assert d.qty == Decimal("0.1")
    assert d.kelly == pytest.approx(0.4)
    assert d.risk_fraction == 0.01
    assert d.ror is not None and d.ror < 1e-8


def test_only_the_same_strategy_mix_counts(rm: RiskManager, btc: PairInfo) -> None:
    other = book(*GOOD, mix=("trend", "reversal"))
    d = rm.evaluate_entry(request(), portfolio(closed_trades=other), btc)
    assert d.qty == Decimal("0.05")          # still the prior
    reordered = book(*GOOD, mix=("breakout", "trend", "momentum"))
    d = rm.evaluate_entry(request(), portfolio(closed_trades=reordered), btc)
    assert d.qty == Decimal("0.1")           # same set of strategies, any order


def test_kelly_window_takes_the_latest_trades(cfg: Risk, btc: PairInfo) -> None:
    trades = book(*([-1.0] * 15 + GOOD))
    # all 35: W = 12/35, f = 12/35 - (23/35)/2 = 1/70; stake 1/4 x 1/70 = 1/280 -> 70 units.
    # W z^3 - z + (1 - W) = (z - 1)(W z^2 + W z - (1 - W)): z = (sqrt(1248) - 12)/24 = 0.97196
    # RoR = z^70 = 13.7% >= 10 x 1%: blocked
    d = RiskManager(cfg).evaluate_entry(request(), portfolio(closed_trades=trades), btc)
    assert not d.approved
    assert d.kelly == pytest.approx(1 / 70)
    assert d.ror == pytest.approx(((math.sqrt(1248) - 12) / 24) ** 70)
    assert d.reasons[0] == "risk of ruin 13.7% >= 10 x limit 1.0% at risk 0.36%: entries stop"
    # the last 20 only: GOOD again
    d = RiskManager(cfg, kelly_window=20).evaluate_entry(
        request(), portfolio(closed_trades=trades), btc)
    assert d.approved and d.qty == Decimal("0.1")


def test_negative_kelly_rejects(rm: RiskManager, btc: PairInfo) -> None:
    d = rm.evaluate_entry(request(), portfolio(closed_trades=book(*([1.0] * 8 + [-1.0] * 12))),
                          btc)
    assert d.action == "reject" and d.qty == 0
    assert d.reasons[0].endswith("no edge, no entry")


def test_drawdown_scaled_entry(rm: RiskManager, btc: PairInfo) -> None:
    pf = portfolio(9_000.0, peak_equity=10_000.0, day_start_equity=9_000.0)
    d = rm.evaluate_entry(request(), pf, btc)
    # 0.5% x 0.6 = 0.3% of 9000 = 27 over 1000 -> 0.027
    assert d.qty == Decimal("0.027")
    assert d.drawdown_scale == pytest.approx(0.6)


def test_rounding_in_the_safe_direction(rm: RiskManager, btc: PairInfo) -> None:
    d = rm.evaluate_entry(request(price=50_000.04, atr=333.33), portfolio(), btc)
    # entry up to 50000.1; stop 50000.04 - 666.66 = 49333.38 up to 49333.4; distance 666.7
    # 50 / 666.7 = 0.0749962501... -> down to 0.07499625
    assert (d.price, d.stop, d.qty) == (Decimal("50000.1"), Decimal("49333.4"),
                                        Decimal("0.07499625"))
    assert d.qty * (d.price - d.stop) <= 50                     # never above the budget
    assert d.risk_fraction == pytest.approx(0.0049999999875)   # 0.07499625 x 666.7 = 49.999999875


def test_atr_zero_falls_back_to_the_suggested_stop(rm: RiskManager, btc: PairInfo) -> None:
    d = rm.evaluate_entry(request(atr=0.0, stop_hint=49_500.0), portfolio(), btc)
    assert (d.stop, d.qty) == (Decimal("49500.0"), Decimal("0.1"))    # 50 / 500
    d = rm.evaluate_entry(request(atr=0.0), portfolio(), btc)
    assert not d.approved
    assert d.reasons[0] == "no usable stop: ATR 0 and no suggested stop below entry 50000"


def test_below_minimums_rejected(rm: RiskManager, btc: PairInfo) -> None:
    # equity 10: 0.05 at risk over 1000 -> 0.00005 BTC < ordermin 0.0001
    d = rm.evaluate_entry(request(), portfolio(10.0), btc)
    assert not d.approved and d.qty == 0
    assert d.reasons[0] == "qty 0.00005000 < ordermin 0.0001 for BTC/USD"
    d = rm.evaluate_entry(request(), portfolio(10.0), pair_info(ordermin="0.00001", costmin="5"))
    assert d.reasons[0] == "cost 2.5 < costmin 5 for BTC/USD"        # 0.00005 x 50000


def test_cash_caps_the_qty(rm: RiskManager, btc: PairInfo) -> None:
    d = rm.evaluate_entry(request(), portfolio(cash=1_000.0), btc)
    assert d.approved and d.qty == Decimal("0.02")          # 1000 / 50000 < 0.05
    assert d.risk_fraction == pytest.approx(0.002)           # 0.02 x 1000 / 10000
    assert "qty capped by free cash 1000.00" in d.reasons


def test_daily_loss_lock_across_utc_midnight(rm: RiskManager, btc: PairInfo) -> None:
    day1, midnight = utc(2026, 11, 25), utc(2026, 11, 26)
    losing = portfolio(9_490.0, peak_equity=10_000.0, day_start_equity=10_000.0,
                       day_pnl_realised=-300.0, unrealised=-210.0, day_start_ts=day1)
    d = rm.evaluate_entry(request(ts=utc(2026, 11, 25, 23, 59)), losing, btc)
    why = "daily loss 5.1% >= limit 5.0%: entries stop until 2026-11-26 00:00 UTC"
    assert not d.approved and d.reasons[0] == why
    assert d.locks == (RiskLock(LockKind.DAILY_LOSS, "*", midnight, why),)
    lock = RiskLock.from_dict(d.locks[0].to_dict())               # stored by the executor

    # restart at 23:59:30; the loss recovered to 1%, the stored lock still holds
    after_restart = portfolio(9_900.0, peak_equity=10_000.0, day_start_equity=10_000.0,
                              day_pnl_realised=-100.0, locks=(lock,), day_start_ts=day1)
    d = rm.evaluate_entry(request(ts=utc(2026, 11, 25, 23, 59, 30)), after_restart, btc)
    assert not d.approved and d.reasons[0] == why and d.locks == ()

    # 00:00:00: a new day; the lock (passed back) has expired
    new_day = portfolio(9_490.0, locks=(lock,), day_start_ts=midnight)
    d = rm.evaluate_entry(request(ts=midnight), new_day, btc)
    assert d.approved and d.locks == ()

    # 00:00:30 before the executor rolled the day: yesterday's loss makes no new lock
    stale = portfolio(9_490.0, day_start_equity=10_000.0, day_pnl_realised=-510.0,
                      locks=(lock,), day_start_ts=day1)
    d = rm.evaluate_entry(request(ts=midnight + 30), stale, btc)
    assert d.approved and d.locks == ()


def test_cooldown_per_pair(rm: RiskManager, btc: PairInfo) -> None:
    pf = portfolio(last_exit_ts={"BTC/USD": NOW - 600})
    d = rm.evaluate_entry(request(), pf, btc)
    assert not d.approved
    assert d.reasons[0] == ("cooldown BTC/USD: exited 10.0 min ago < 30 min: entries stop "
                            "until 2026-11-25 12:20 UTC")
    assert rm.evaluate_entry(request(ts=NOW + 1200), pf, btc).approved      # 30 min later
    eth = pair_info("ETH/USD", pair_decimals=2, tick_size="0.01")
    assert rm.evaluate_entry(request("ETH/USD", price=3_000.0, atr=30.0), pf, eth).approved


def test_position_limits(rm: RiskManager, btc: PairInfo) -> None:
    three = {p: OpenPosition(p, 1.0, 10.0) for p in ("ETH/USD", "SOL/USD", "XRP/USD")}
    d = rm.evaluate_entry(request(), portfolio(positions=three), btc)
    assert not d.approved and d.reasons[0] == "3 open positions >= max 3"
    held = {"BTC/USD": OpenPosition("BTC/USD", 0.05, 50_000.0)}
    d = rm.evaluate_entry(request(), portfolio(positions=held), btc)
    assert d.reasons[0] == "already holding BTC/USD: one position per pair"


def test_every_blocking_reason_is_listed(rm: RiskManager, btc: PairInfo) -> None:
    pause = RiskLock(LockKind.PAUSE, "*", None, "paused by operator")
    pf = portfolio(7_500.0, peak_equity=10_000.0, locks=(pause,),
                   last_exit_ts={"BTC/USD": NOW - 60})
    d = rm.evaluate_entry(request(), pf, btc)
    assert d.reasons[:3] == ("paused by operator",
                             "cooldown BTC/USD: exited 1.0 min ago < 30 min: entries stop "
                             "until 2026-11-25 12:29 UTC",
                             "drawdown 25.0% >= halt 25.0%: entries stop")


def test_short_never_opens_a_short(rm: RiskManager, btc: PairInfo) -> None:
    d = rm.evaluate_entry(request(side="short"), portfolio(), btc)
    assert d.action == "reject" and d.qty == 0
    assert d.reasons == ("short signal on BTC/USD: spot only, a short position is never opened",)


def test_short_closes_a_held_long_even_while_locked(rm: RiskManager, btc: PairInfo) -> None:
    held = {"BTC/USD": OpenPosition("BTC/USD", 0.05, 50_000.0)}
    locks = (RiskLock(LockKind.DAILY_LOSS, "*", NOW + 3600, "daily loss"),
             RiskLock(LockKind.PAUSE, "*", None, "paused"))
    pf = portfolio(7_000.0, peak_equity=10_000.0, positions=held, locks=locks)
    d = rm.evaluate_entry(request(side="short"), pf, btc)
    assert (d.action, d.qty) == ("close", Decimal("0.05"))


def test_exits_are_always_allowed(rm: RiskManager) -> None:
    locks = (RiskLock(LockKind.DAILY_LOSS, "*", NOW + 3600, "daily loss"),
             RiskLock(LockKind.PAUSE, "*", None, "paused"))
    held = {p: OpenPosition(p, 1.0, 10.0) for p in ("BTC/USD", "SOL/USD", "XRP/USD", "ADA/USD")}
    pf = portfolio(5_000.0, peak_equity=10_000.0, day_start_equity=10_000.0,
                   day_pnl_realised=-5_000.0, positions=held, locks=locks,
                   last_exit_ts={"BTC/USD": NOW})
    ex = rm.check_exit("BTC/USD", pf, NOW, "stop hit")
    assert ex.approved and ex.qty == 1.0
    assert ex.reasons == ("stop hit",
                          "exit allowed: risk rules block entries only (active: daily_loss, "
                          "pause)")
    assert rm.check_exit("DOT/USD", pf, NOW).approved          # nothing recorded: still yes


def test_new_locks_for_the_executor(rm: RiskManager) -> None:
    losing = portfolio(day_pnl_realised=-600.0, day_start_ts=utc(2026, 11, 25))
    (lock,) = rm.new_locks(losing, NOW)
    assert (lock.kind, lock.until_ts) == (LockKind.DAILY_LOSS, utc(2026, 11, 26))
    assert rm.new_locks(portfolio(), NOW) == ()


def test_update_stop_names_the_transition(rm: RiskManager, btc: PairInfo) -> None:
    stop = rm.open_stop(100.0, 96.0)
    up = rm.update_stop(stop, 102.0, 2.0)
    assert (up.stop.price, up.transition) == (98.0, TRAIL)
    assert up.reason == "trail: stop 96 -> 98 (high 102 - 2 x ATR 2)"
    up = rm.update_stop(up.stop, 104.0, 2.0)
    assert (up.stop.price, up.transition) == (100.0, BREAKEVEN)
    assert up.reason == "breakeven: stop 98 -> 100 (high 104 is >= 1R above entry 100)"
    same = rm.update_stop(up.stop, 101.0, 2.0)
    assert (same.transition, same.reason, same.stop.price) == (None, "", 100.0)


def test_stop_order_price_rounds_up(rm: RiskManager, btc: PairInfo) -> None:
    stop = Stop.open(50_000.0, 49_333.38)
    assert rm.stop_order_price(stop, btc) == Decimal("49333.4")


def test_bad_constructor_arguments(cfg: Risk) -> None:
    with pytest.raises(ValueError, match="kelly_window"):
        RiskManager(cfg, kelly_window=0)
    with pytest.raises(ValueError, match="ruin_level"):
        RiskManager(cfg, ruin_level=1.5)
