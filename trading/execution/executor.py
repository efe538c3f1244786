"""Executor: intents in, risk-checked orders out, positions and stops kept -- the money loop.

Semantics:

- ``start()`` reconciles every non-final order with the exchange before anything else;
  ``ready`` stays False (intents are refused) until nothing is left unresolved.
- ``on_intent(body)``: a malformed intent, an unknown pair, an expired one (``expires``
  passed) or one whose id was seen before is dropped with a logged reason and no order.
  While paused or killed new entries are refused. The risk manager decides the rest:
  ``enter`` -> a market buy whose ``cl_ord_id`` is the intent id (its notional capped at
  ``CASH_HEADROOM`` of free cash, for fees and slippage, and at 1/``max_open_positions`` of
  equity, so one tight stop cannot put everything in one coin); ``close`` (a short
  signal on a pair held long) -> a market sell of the position; ``reject`` -> nothing.
- ``on_price(pair, price)`` manages the pair's stop (trail / breakeven, never looser) and
  sells the position when the price is at or below it. Rules block entries, never exits.
- Commands (``pause``, ``resume``, ``close_all``, ``kill``, ``status``, ``audit``) are
  audited in the ledger with their source. ``kill`` closes every position, cancels open
  orders and stays paused until ``resume``. Paused/killed survive restarts (ledger flags).
- Everything that happens is published (``order``, ``fill``, ``position``, ``risk``,
  ``thought``, ``alert``) through the injected ``publish`` -- this module knows no bus.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from trading.ai.intent import Intent
from trading.exchange.symbols import PairMap
from trading.execution import portfolio
from trading.execution.broker import Broker, OrderResult
from trading.execution.executor_events import Events
from trading.execution.ledger import Ledger
from trading.execution.ledger_types import NewOrder, Position
from trading.execution.orders import OrderDesk
from trading.execution.stops import StopBook
from trading.risk.manager import RiskManager
from trading.risk.types import ClosedTrade, EntryRequest, Portfolio

logger = logging.getLogger(__name__)
PAUSED, KILLED = "paused", "killed"
CASH_HEADROOM = 0.98


class Executor:
    def __init__(self, ledger: Ledger, broker: Broker, risk: RiskManager, pairs: PairMap,
                 quote: str, marks: portfolio.Marks, events: Events, mode: str,
                 clock: Callable[[], float] = time.time) -> None:
        self.ledger, self.broker, self.risk, self.pairs = ledger, broker, risk, pairs
        self.quote, self.marks, self.events, self.mode, self.clock = (
            quote, marks, events, mode, clock)
        self.desk = OrderDesk(ledger, broker, lambda: int(self.clock() * 1000))
        self.stops = StopBook(ledger, risk)
        self.started = clock()
        self.ready = False
        self.last_intent_ts: float | None = None
        self._closed: tuple[ClosedTrade, ...] | None = None   # cleared whenever we trade

    # -- state ------------------------------------------------------------------------------
    def flag(self, name: str) -> bool:
        return self.ledger.get_flag(name) == "1"

    def cash(self) -> float:
        return float(self.broker.balances().get(self.quote, 0))

    def portfolio(self) -> Portfolio:
        if self._closed is None:
            self._closed = portfolio.closed_trades(self.ledger)
        return portfolio.build(self.ledger, self.cash(), self.marks, self.clock(), self._closed)

    def start(self) -> list[str]:
        """Reconcile non-final orders; the ones still unresolved (then retry later)."""
        left = self.desk.reconcile()
        self.ready = not left
        if self.ready:
            self.events.thought(None, f"executor ready ({self.broker.name} broker, "
                                f"{len(self.ledger.open_positions())} open positions)")
        return left

    # -- intents ----------------------------------------------------------------------------
    def on_intent(self, body: Mapping[str, Any]) -> str:
        """Handle one intent event body; returns the outcome in words (also logged)."""
        now = self.clock()
        try:
            intent = Intent.from_dict(dict(body))
        except ValueError as err:
            return self._drop(None, f"bad intent rejected: {err}")
        if intent.pair not in self.pairs:
            return self._drop(None, f"intent {intent.id} rejected: unknown pair {intent.pair}")
        if intent.expired(now):
            return self._drop(None, f"intent {intent.id} for {intent.pair} expired "
                              f"{now - intent.expires:.1f} s ago: dropped")
        if not self.ledger.record_intent(intent.id, int(now * 1000)):
            return "duplicate"
        self.last_intent_ts = now
        outcome = self._decide(intent, now)
        self.ledger.set_intent_outcome(intent.id, outcome[:200])
        return outcome

    def _drop(self, intent_id: str | None, why: str) -> str:
        logger.warning("%s", why)
        self.events.thought(None, why)
        return why

    def _decide(self, intent: Intent, now: float) -> str:
        if not self.ready or self.flag(PAUSED) or self.flag(KILLED):
            why = "not ready" if not self.ready else "paused"
            return self._say(intent.pair, f"{intent.pair}: intent {intent.side} skipped: {why}")
        pf = self.portfolio()
        cap = min((pf.cash or 0.0) * CASH_HEADROOM, pf.equity / self.risk.cfg.max_open_positions)
        pf = replace(pf, cash=max(0.0, cap))
        decision = self.risk.evaluate_entry(EntryRequest.from_intent(intent, now), pf,
                                            self.pairs.get(intent.pair))
        for lock in decision.locks:
            self.ledger.add_lock(lock.kind, lock.scope, _ms(lock.until_ts), lock.reason)
        text = "; ".join(decision.reasons)
        if decision.action == "close":
            self.close_position(intent.pair, "short signal: " + text)
            return self._say(intent.pair, f"{intent.pair}: closing the long ({text})")
        if not decision.approved:
            return self._say(intent.pair, f"{intent.pair}: {intent.side} rejected: {text}")
        order = NewOrder(intent.id, intent.pair, "buy", "market", decision.qty, "entry",
                         int(now * 1000), intent_id=intent.id, stop=decision.stop,
                         atr=intent.atr, strategies=intent.strategies)
        self._send(order)
        return self._say(intent.pair, f"{intent.pair}: buy {decision.qty} ({text})")

    def _say(self, pair: str | None, text: str) -> str:
        logger.info("%s", text)
        self.events.thought(pair, text)
        return text

    # -- orders -----------------------------------------------------------------------------
    def _send(self, order: NewOrder) -> OrderResult | None:
        self.events.order(order, "pending")
        self._closed = None
        result = self.desk.submit(order)
        if result is None:
            return None
        self.events.result(order, result)
        self._after(order, result)
        return result

    def _after(self, order: NewOrder, result: OrderResult) -> None:
        position = self.ledger.position(order.pair)
        if order.side == "buy" and position is not None and result.fills:
            try:
                self.stops.open(position, float(order.stop) if order.stop else 0.0)
            except ValueError as err:
                self.close_position(order.pair, f"filled at or below its stop: {err}")
                return
        if position is None:
            self.stops.forget(order.pair)
        self.events.position(order.pair, position, self.marks(order.pair))

    def close_position(self, pair: str, why: str) -> OrderResult | None:
        position = self.ledger.position(pair)
        if position is None:
            return None
        exit_ = self.risk.check_exit(pair, self.portfolio(), self.clock(), why)
        order = NewOrder(str(uuid.uuid4()), pair, "sell", "market", position.qty,
                         "stop" if why.startswith("stop") else "exit",
                         int(self.clock() * 1000))
        logger.info("closing %s: %s (%s)", pair, why, "; ".join(exit_.reasons))
        self.events.thought(pair, f"{pair}: selling {position.qty} -- {why}")
        return self._send(order)

    # -- prices and stops -------------------------------------------------------------------
    def on_price(self, pair: str, price: float) -> None:
        position = self.ledger.position(pair)
        if position is None:
            return
        event = self.stops.on_price(position, price, position.atr or 0.0)
        if event is None:
            return
        if event.moved:
            self.events.stop_moved(pair, event)
        if event.hit:
            self.close_position(pair, f"stop {event.stop.price:.8g} hit at {price:.8g}")

    def open_positions(self) -> list[Position]:
        return self.ledger.open_positions()


def _ms(ts: float | None) -> int | None:
    return None if ts is None else int(ts * 1000)
