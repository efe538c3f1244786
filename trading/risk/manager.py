"""RiskManager: decides whether and how much to enter, and moves stops. Pure domain.

It holds no state between calls: the executor passes a :class:`Portfolio` snapshot (from
its ledger) and persists what comes back (new locks, stop states). Semantics:

- :meth:`RiskManager.evaluate_entry` -> :class:`EntryDecision`:
  * a **short** request never opens a short (spot only): on a pair held long it answers
    ``close`` (an exit, never blocked); otherwise ``reject``.
  * a **long** is rejected, with every reason listed, by: an active stored lock (global or
    this pair), the daily loss limit (which also returns a new lock to persist), the pair's
    cooldown, one position per pair, ``max_open_positions``, a zero equity, no usable stop,
    the risk budget (:mod:`.budget`: Kelly, cap, drawdown, risk of ruin), or Kraken's
    minimums after rounding (:mod:`.precision`). Otherwise ``enter`` with
    ``qty = risk_fraction x equity / (entry - stop)`` (capped by free cash when known),
    the entry and stop rounded up to the tick, qty rounded down to the lot.
- Kelly uses the last ``kelly_window`` closed trades of the request's strategy mix (same set
  of strategies; all trades when the request names none).
- :meth:`check_exit` always approves: rules block entries, never exits.
- :meth:`update_stop` trails / moves to breakeven (:mod:`.stops`); stops only tighten.
- Risk of ruin counts losing ``ruin_level`` of equity as ruin (default ``drawdown_halt``).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from config.schema import Risk
from trading.risk.budget import RiskBudget, risk_budget
from trading.risk.decisions import CLOSE, ENTER, REJECT, EntryDecision, ExitDecision, RiskSnapshot
from trading.risk.limits import (
    active_locks,
    cooldown_lock,
    daily_loss_lock,
    position_reasons,
)
from trading.risk.precision import (
    PairRules,
    minimum_reasons,
    round_price,
    round_qty,
    to_decimal,
)
from trading.risk.sizing import position_qty
from trading.risk.snapshot import build_snapshot
from trading.risk.stops import TRAIL, Stop, initial_stop
from trading.risk.text import pct
from trading.risk.types import SHORT, EntryRequest, Portfolio, RiskLock

logger = logging.getLogger(__name__)

DEFAULT_KELLY_WINDOW = 100


@dataclass(frozen=True, slots=True)
class StopUpdate:
    stop: Stop
    transition: str | None     # stops.TRAIL, stops.BREAKEVEN, or None (not moved)
    reason: str                # "" when not moved


@dataclass(frozen=True, slots=True)
class _Order:
    qty: Decimal
    price: Decimal
    stop: Decimal | None
    blocks: tuple[str, ...]
    notes: tuple[str, ...]
    risk: float = 0.0          # fraction of equity lost at the stop with this exact qty


class RiskManager:
    def __init__(self, cfg: Risk, *, kelly_window: int = DEFAULT_KELLY_WINDOW,
                 ruin_level: float | None = None) -> None:
        if kelly_window < 1:
            raise ValueError(f"kelly_window {kelly_window!r} must be at least 1")
        level = cfg.drawdown_halt if ruin_level is None else ruin_level
        if not 0.0 < level <= 1.0:
            raise ValueError(f"ruin_level {level!r} must be in (0, 1]")
        self.cfg = cfg
        self.kelly_window = kelly_window
        self.ruin_level = level

    # -- entries ------------------------------------------------------------------------
    def evaluate_entry(self, request: EntryRequest, portfolio: Portfolio,
                       rules: PairRules) -> EntryDecision:
        """Decide on ``request`` at ``request.ts`` (see the module docstring)."""
        if request.side == SHORT:
            return self._short(request, portfolio)
        locks = self.new_locks(portfolio, request.ts)
        blocks = self._gates(request, portfolio, locks)
        budget = self.budget(portfolio, request.strategies)
        blocks.extend(budget.blocks)
        order = self._order(request, portfolio, rules, budget.fraction)
        blocks.extend(order.blocks)
        action = REJECT if blocks else ENTER
        reasons = tuple(blocks) + budget.notes + order.notes
        decision = EntryDecision(
            action=action, pair=request.pair, qty=order.qty if action == ENTER else Decimal(0),
            price=order.price, stop=order.stop, reasons=reasons,
            kelly=budget.estimate.kelly,
            risk_fraction=order.risk if action == ENTER else budget.fraction, ror=budget.ror,
            drawdown_scale=budget.drawdown_scale, locks=locks, intent_id=request.intent_id)
        logger.info("entry %s %s: %s", request.pair, action, "; ".join(reasons))
        return decision

    def budget(self, portfolio: Portfolio, strategies: Sequence[str] = ()) -> RiskBudget:
        """The risk budget for a new entry by ``strategies`` (all trades when empty)."""
        return risk_budget(self.trades_for(portfolio, strategies), self.cfg,
                           portfolio.equity, portfolio.peak_equity, self.ruin_level)

    def trades_for(self, portfolio: Portfolio, strategies: Sequence[str]) -> list[float]:
        """R-multiples of the last ``kelly_window`` closed trades of this strategy mix."""
        mix = frozenset(strategies)
        results = [t.r_multiple for t in portfolio.closed_trades
                   if not mix or frozenset(t.strategies) == mix]
        return results[-self.kelly_window:]

    def new_locks(self, portfolio: Portfolio, ts: float) -> tuple[RiskLock, ...]:
        """Locks that must be created now (the executor persists them); call on any update."""
        lock = daily_loss_lock(portfolio, self.cfg.max_daily_loss, ts)
        return () if lock is None else (lock,)

    def _gates(self, request: EntryRequest, portfolio: Portfolio,
               new: tuple[RiskLock, ...]) -> list[str]:
        pair, ts = request.pair, request.ts
        blocks = [lock.reason for lock in active_locks(portfolio.locks + new, ts, pair)]
        cooldown = cooldown_lock(pair, portfolio.last_exit_ts.get(pair), ts,
                                 self.cfg.cooldown_minutes)
        if cooldown is not None:
            blocks.append(cooldown.reason)
        blocks.extend(position_reasons(portfolio, pair, self.cfg.max_open_positions))
        if portfolio.equity <= 0.0:
            blocks.append(f"equity {portfolio.equity:.2f}: nothing to risk")
        return blocks

    def _order(self, request: EntryRequest, portfolio: Portfolio, rules: PairRules,
               fraction: float) -> _Order:
        price = round_price(request.price, rules, up=True)
        raw_stop = initial_stop(request.price, request.atr, self.cfg.stop_atr_multiple,
                                request.stop_hint)
        if raw_stop is None:
            why = (f"no usable stop: ATR {request.atr:g} and no suggested stop below entry "
                   f"{request.price:g}")
            return _Order(Decimal(0), price, None, (why,), ())
        stop = round_price(raw_stop, rules, up=True)
        if stop >= price:
            why = f"stop {format(stop, 'f')} rounds up to the entry {format(price, 'f')}"
            return _Order(Decimal(0), price, stop, (why,), ())
        if fraction <= 0.0:
            return _Order(Decimal(0), price, stop, (), ())
        risk = Decimal(f"{fraction:.12g}")
        equity = to_decimal(portfolio.equity)
        qty = position_qty(risk, equity, price, stop)
        notes = [f"risk {pct(fraction, 2)} of equity {portfolio.equity:.2f} over stop "
                 f"distance {format(price - stop, 'f')}"]
        if portfolio.cash is not None and qty * price > to_decimal(portfolio.cash):
            qty = to_decimal(portfolio.cash) / price
            notes.append(f"qty capped by free cash {portfolio.cash:.2f}")
        qty = round_qty(qty, rules.lot_decimals)
        blocks = tuple(minimum_reasons(qty, price, rules, request.pair))
        actual = float(qty * (price - stop) / equity)
        return _Order(qty, price, stop, blocks, tuple(notes), actual)

    def _short(self, request: EntryRequest, portfolio: Portfolio) -> EntryDecision:
        held = portfolio.positions.get(request.pair)
        if held is None:
            why = f"short signal on {request.pair}: spot only, a short position is never opened"
            return EntryDecision(REJECT, request.pair, Decimal(0), None, None, (why,),
                                 intent_id=request.intent_id)
        why = f"short signal on {request.pair} while long: close the long (spot only)"
        return EntryDecision(CLOSE, request.pair, to_decimal(held.qty), None, None, (why,),
                             intent_id=request.intent_id)

    # -- exits and stops ----------------------------------------------------------------
    def check_exit(self, pair: str, portfolio: Portfolio, ts: float,
                   why: str = "") -> ExitDecision:
        """Always approved: no lock, limit or pause ever blocks closing a position."""
        held = portfolio.positions.get(pair)
        reasons = [why] if why else []
        blocking = active_locks(portfolio.locks, ts, pair)
        if blocking:
            kinds = ", ".join(sorted({lock.kind for lock in blocking}))
            reasons.append(f"exit allowed: risk rules block entries only (active: {kinds})")
        return ExitDecision(pair, None if held is None else held.qty, tuple(reasons))

    def open_stop(self, entry: float, stop: float) -> Stop:
        """The stop state of a long filled at ``entry`` (use the decision's ``stop``)."""
        return Stop.open(entry, stop)

    def update_stop(self, stop: Stop, price: float, atr: float) -> StopUpdate:
        """Trail / breakeven after a new ``price`` with the current ``atr``; never loosens."""
        new, move = stop.update(price, atr, self.cfg.trail_atr_multiple,
                                self.cfg.breakeven_at_r)
        if move is None:
            return StopUpdate(new, None, "")
        if move == TRAIL:
            how = (f"high {new.high:g} - {self.cfg.trail_atr_multiple:g} x ATR {atr:g}")
        else:
            how = (f"high {new.high:g} is >= {self.cfg.breakeven_at_r:g}R above entry "
                   f"{stop.entry:g}")
        return StopUpdate(new, move, f"{move}: stop {stop.price:g} -> {new.price:g} ({how})")

    def stop_order_price(self, stop: Stop, rules: PairRules) -> Decimal:
        """The stop price for the exchange: rounded up to the tick (tighter, never looser)."""
        return round_price(stop.price, rules, up=True)

    # -- dashboard ----------------------------------------------------------------------
    def snapshot(self, portfolio: Portfolio, ts: float) -> RiskSnapshot:
        """The risk state for the dashboard at ``ts`` (Kelly over all recent trades)."""
        return build_snapshot(self.cfg, self.budget(portfolio), portfolio, ts,
                              self.new_locks(portfolio, ts))
