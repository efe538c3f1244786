"""OrderDesk: every order goes record -> send -> record, and nothing is ever sent twice.

Semantics (the crash-safety contract, see DESIGN.md "Money state and restarts"):

- ``submit(order)`` first records the order as ``pending`` in the ledger (one committed
  transaction), then hands it to the broker, then records what came back: fills first
  (idempotent by the exchange's trade id), then the order's state. A ``cl_ord_id`` that is
  already in the ledger is never sent again: ``submit`` returns None.
- A timeout or ambiguous answer (:class:`OrderOutcomeUnknown`) marks the order ``unknown``
  and queries the exchange by ``cl_ord_id``: found -> its real state and fills; not found ->
  the order never arrived, recorded as ``rejected`` ("never reached the exchange"). If the
  query fails as well the order stays ``unknown`` for ``reconcile`` -- it is not resent.
- ``reconcile()`` (at start, before any new intent) does the same for every non-final
  order in the ledger: a process killed between "recorded" and "sent" leaves a ``pending``
  order the exchange does not know (-> cancelled, "abandoned"); one killed after sending
  finds its order and fills. It returns the cl_ord_ids it could not resolve (retry later).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal

from trading.execution.broker import (
    Broker,
    BrokerError,
    OrderOutcomeUnknown,
    OrderRequest,
    OrderResult,
)
from trading.execution.crashpoints import crash_point
from trading.execution.ledger import Ledger
from trading.execution.ledger_types import NewOrder, Order
from trading.execution.states import OrderState

logger = logging.getLogger(__name__)
NEVER_ARRIVED = "never reached the exchange"


class OrderDesk:
    def __init__(self, ledger: Ledger, broker: Broker, clock_ms: Callable[[], int]) -> None:
        self.ledger, self.broker, self.clock_ms = ledger, broker, clock_ms

    def submit(self, order: NewOrder) -> OrderResult | None:
        """Record, send, record; None if this cl_ord_id was recorded before (not sent)."""
        if not self.ledger.record_order_pending(order):
            logger.warning("order %s already recorded: not sent again", order.cl_ord_id)
            return None
        crash_point("after_record")
        request = OrderRequest(order.cl_ord_id, order.pair, order.side, Decimal(str(order.qty)),
                               order.purpose)
        try:
            result = self.broker.place(request)
        except OrderOutcomeUnknown as err:
            self.ledger.update_order(order.cl_ord_id, OrderState.UNKNOWN, reason=str(err))
            logger.warning("order %s outcome unknown (%s): querying", order.cl_ord_id, err)
            return self.resolve(order.cl_ord_id, OrderState.UNKNOWN)
        crash_point("after_send")
        self.record(result)
        return result

    def record(self, result: OrderResult) -> None:
        """Fills first (idempotent), then the order's state."""
        for fill in result.fills:
            self.ledger.apply_fill(fill)
        self.ledger.update_order(result.cl_ord_id, result.state, txid=result.txid,
                                 reason=result.reason)

    def resolve(self, cl_ord_id: str, state: str) -> OrderResult | None:
        """Ask the exchange about one non-final order and record the answer."""
        try:
            found = self.broker.query(cl_ord_id)
        except (OrderOutcomeUnknown, BrokerError) as err:
            logger.warning("order %s still unresolved: %s", cl_ord_id, err)
            return None
        if found is None:
            final = OrderState.CANCELLED if state == OrderState.PENDING else OrderState.REJECTED
            self.ledger.update_order(cl_ord_id, final, reason=NEVER_ARRIVED)
            return OrderResult(cl_ord_id, final, reason=NEVER_ARRIVED)
        self.record(found)
        return found

    def reconcile(self) -> list[str]:
        """Resolve every non-final order; the cl_ord_ids still unresolved."""
        left = []
        for order in self.ledger.non_final_orders():
            if self.resolve(order.cl_ord_id, order.state) is None:
                left.append(order.cl_ord_id)
            else:
                logger.info("reconciled %s (%s %s)", order.cl_ord_id, order.side, order.pair)
        return left

    def open_orders(self) -> list[Order]:
        return self.ledger.non_final_orders()
