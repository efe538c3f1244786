"""Intent and order writes of the ledger (a mixin of :class:`~.ledger.Ledger`).

Semantics:
- ``record_intent`` is the executor's "never act twice on one intent id" gate: the first call
  for an id returns True, every later one (also after a restart) returns False.
- ``record_order_pending`` records an order as ``pending`` *before* it is sent. Replaying the
  same client order id with the same order is a no-op; with a different order it is an error.
- ``update_order`` follows :mod:`.states`: a legal edge is applied; the same state again, or a
  *stale* report (an earlier stage than the current one, e.g. ``open`` after ``filled``),
  changes no state (it may still fill in a missing txid/reason); any other edge is an error.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import AbstractContextManager
from decimal import Decimal

from trading.execution.ledger_types import (
    LedgerError,
    NewOrder,
    Number,
    check_ts,
    dec_str,
    strategies_json,
    to_decimal,
)
from trading.execution.states import (
    ORDER_KINDS,
    ORDER_STATES,
    PURPOSES,
    SIDES,
    IllegalTransition,
    OrderState,
    is_stale,
    transition,
)

__all__ = ["OrderWrites"]

logger = logging.getLogger(__name__)

_NEEDS_LIMIT = ("limit", "stop-loss-limit")
_NEEDS_TRIGGER = ("stop-loss", "stop-loss-limit")


def _order_values(o: NewOrder) -> dict[str, object]:
    """The order's column values; one-line :class:`LedgerError` on bad input."""
    who = f"order {o.cl_ord_id!r}"
    if not o.cl_ord_id or not isinstance(o.cl_ord_id, str):
        raise LedgerError(f"{who}: cl_ord_id must be a non-empty string")
    for name, value, allowed in (("side", o.side, SIDES), ("kind", o.kind, ORDER_KINDS),
                                 ("purpose", o.purpose, PURPOSES)):
        if value not in allowed:
            raise LedgerError(f"{who}: {name} {value!r} is not one of {allowed}")
    if not o.pair:
        raise LedgerError(f"{who}: pair is empty")
    if (o.limit_price is None) == (o.kind in _NEEDS_LIMIT):
        raise LedgerError(f"{who}: limit_price is required for {_NEEDS_LIMIT} orders only")
    if (o.trigger_price is None) == (o.kind in _NEEDS_TRIGGER):
        raise LedgerError(f"{who}: trigger_price is required for {_NEEDS_TRIGGER} orders only")

    def opt(value: Number | None, what: str) -> str | None:
        if value is None:
            return None
        return dec_str(to_decimal(value, f"{who} {what}", positive=True))

    return {
        "cl_ord_id": o.cl_ord_id, "intent_id": o.intent_id, "pair": o.pair, "side": o.side,
        "kind": o.kind, "purpose": o.purpose,
        "qty": dec_str(to_decimal(o.qty, f"{who} qty", positive=True)),
        "limit_price": opt(o.limit_price, "limit_price"),
        "trigger_price": opt(o.trigger_price, "trigger_price"), "stop": opt(o.stop, "stop"),
        "atr": None if o.atr is None else float(o.atr),
        "strategies": strategies_json(o.strategies), "state": OrderState.PENDING,
        "created_ts": check_ts(o.ts, f"{who} ts"), "updated_ts": o.ts,
    }


def _same_order(row: sqlite3.Row, values: dict[str, object]) -> bool:
    keys = ("intent_id", "pair", "side", "kind", "purpose")
    return (all(row[k] == values[k] for k in keys)
            and Decimal(row["qty"]) == Decimal(str(values["qty"])))


class OrderWrites:
    """Needs ``_tx()`` (one write transaction) and ``_ts(ts)`` from the concrete ledger."""

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    def _ts(self, ts: int | None) -> int:  # pragma: no cover
        raise NotImplementedError

    def record_intent(self, intent_id: str, ts: int | None = None,
                      outcome: str = "received") -> bool:
        """True the first time ``intent_id`` is seen, False ever after."""
        if not intent_id or not isinstance(intent_id, str):
            raise LedgerError(f"intent id must be a non-empty string, got {intent_id!r}")
        with self._tx() as conn:
            cur = conn.execute("INSERT OR IGNORE INTO intents_seen (intent_id, ts, outcome) "
                               "VALUES (?, ?, ?)", (intent_id, self._ts(ts), outcome))
            return cur.rowcount == 1

    def set_intent_outcome(self, intent_id: str, outcome: str) -> None:
        """E.g. ``rejected: max open positions``, ``expired``."""
        with self._tx() as conn:
            cur = conn.execute("UPDATE intents_seen SET outcome = ? WHERE intent_id = ?",
                               (outcome, intent_id))
            if cur.rowcount == 0:
                raise LedgerError(f"intent {intent_id!r} was never recorded")

    def record_order_pending(self, order: NewOrder) -> bool:
        """Record ``order`` as pending (before sending it); False if already recorded."""
        values = _order_values(order)
        with self._tx() as conn:
            row = conn.execute("SELECT * FROM orders WHERE cl_ord_id = ?",
                               (order.cl_ord_id,)).fetchone()
            if row is not None:
                if _same_order(row, values):
                    return False
                raise LedgerError(f"cl_ord_id {order.cl_ord_id!r} is already used by a "
                                  "different order")
            cols = ", ".join(values)
            conn.execute(f"INSERT INTO orders ({cols}) VALUES ({', '.join('?' * len(values))})",
                         tuple(values.values()))
            if order.intent_id is not None:
                conn.execute("INSERT INTO intents_seen (intent_id, ts, outcome) VALUES (?, ?, ?) "
                             "ON CONFLICT (intent_id) DO UPDATE SET outcome = excluded.outcome",
                             (order.intent_id, order.ts, f"ordered {order.cl_ord_id}"))
            return True

    def update_order(self, cl_ord_id: str, new_state: str, txid: str | None = None,
                     reason: str | None = None, ts: int | None = None) -> bool:
        """Move the order to ``new_state``; True if its state changed (see module doc)."""
        if new_state not in ORDER_STATES:
            raise LedgerError(f"order {cl_ord_id!r}: unknown state {new_state!r}")
        with self._tx() as conn:
            row = conn.execute("SELECT * FROM orders WHERE cl_ord_id = ?",
                               (cl_ord_id,)).fetchone()
            if row is None:
                raise LedgerError(f"order {cl_ord_id!r} is not in the ledger")
            if txid is not None and row["txid"] not in (None, txid):
                raise LedgerError(f"order {cl_ord_id!r} already has txid {row['txid']}, "
                                  f"not {txid}")
            changed = self._edge(row, new_state)
            state = new_state if changed else row["state"]
            new_reason = reason if reason is not None and (changed or row["reason"] is None) \
                else row["reason"]
            new_txid = row["txid"] or txid
            if (state, new_reason, new_txid) != (row["state"], row["reason"], row["txid"]):
                conn.execute("UPDATE orders SET state = ?, txid = ?, reason = ?, updated_ts = ? "
                             "WHERE id = ?", (state, new_txid, new_reason, self._ts(ts),
                                              row["id"]))
            return changed

    @staticmethod
    def _edge(row: sqlite3.Row, new_state: str) -> bool:
        current = row["state"]
        if new_state == current:
            return False
        if is_stale(current, new_state):
            logger.info("order %s: stale %s after %s ignored", row["cl_ord_id"], new_state,
                        current)
            return False
        try:
            transition(current, new_state)
        except IllegalTransition as e:
            raise LedgerError(f"order {row['cl_ord_id']!r}: {e}") from None
        return True
