"""Kraken's order and trade records -> our :class:`Fill` s and :class:`OrderState` (no I/O).

Semantics:

- :func:`fills_for` makes one :class:`Fill` per Kraken trade of the order: ``fill_id`` = the
  trade id, ``qty`` = ``vol``, ``price``, ``fee`` exact as Kraken prints them (the fee is in
  the quote currency when the order was sent with ``oflags=fciq``), ``ts`` = ``time`` in
  integer ms, ``side`` = ``type``. Sorted by ``(ts, fill_id)``. A trade id without a record,
  or a record that does not parse, is left out (with a warning).
- :func:`order_state` maps Kraken's ``status``: ``pending``/``open`` -> ``open`` or
  ``partially_filled`` (fills so far); ``closed`` with ``vol_exec == vol`` -> ``filled``;
  ``canceled``/``expired`` (and ``closed`` short of ``vol``) -> ``cancelled`` with Kraken's
  ``reason``. A final state is returned only when the fills add up to ``vol_exec``; otherwise
  ``partially_filled`` / ``open`` with a reason saying so, and the caller queries again.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from trading.execution.ledger_types import Fill
from trading.execution.states import OrderState

__all__ = ["fills_for", "order_state"]

logger = logging.getLogger(__name__)

FINAL_STATUSES = ("closed", "canceled", "expired")


def _dec(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _fill(cl_ord_id: str, pair: str, trade_id: str, rec: Mapping[str, Any]) -> Fill | None:
    qty, price, fee = _dec(rec.get("vol")), _dec(rec.get("price")), _dec(rec.get("fee"))
    when, side = _dec(rec.get("time")), rec.get("type")
    if qty is None or price is None or fee is None or when is None or side not in ("buy", "sell"):
        return None
    if qty <= 0 or price <= 0 or fee < 0 or when < 0:
        return None
    cost = _dec(rec.get("cost"))
    return Fill(fill_id=trade_id, pair=pair, side=str(side), qty=qty, price=price, fee=fee,
                ts=int((when * 1000).to_integral_value()), cl_ord_id=cl_ord_id,
                cost=cost if cost is not None and cost > 0 else None)


def fills_for(cl_ord_id: str, pair: str, trade_ids: Iterable[str],
              trades: Mapping[str, Mapping[str, Any]]) -> tuple[Fill, ...]:
    """The order's fills from Kraken's trade records (``TradesHistory`` entries by id)."""
    fills: list[Fill] = []
    for tid in trade_ids:
        rec = trades.get(tid)
        fill = _fill(cl_ord_id, pair, tid, rec) if isinstance(rec, Mapping) else None
        if fill is None:
            logger.warning("order %s: trade %s %s", cl_ord_id, tid,
                           "not found" if rec is None else f"unreadable: {rec!r:.120}")
            continue
        fills.append(fill)
    return tuple(sorted(fills, key=lambda f: (f.ts, f.fill_id)))


def order_state(record: Mapping[str, Any], fills: tuple[Fill, ...]) -> tuple[str, str | None]:
    """``(OrderState, reason or None)`` of Kraken's order ``record`` given the fills found."""
    status = str(record.get("status", ""))
    vol, vol_exec = _dec(record.get("vol")), _dec(record.get("vol_exec"))
    filled = sum((Decimal(f.qty) for f in fills), Decimal(0))
    reason: str | None = None
    if vol is None or vol_exec is None:
        reason = f"order record without vol/vol_exec (status {status!r})"
    elif status in FINAL_STATUSES and filled == vol_exec:
        if status == "closed" and vol_exec >= vol:
            return OrderState.FILLED, None
        why = record.get("reason") or f"{status} after {vol_exec} of {vol}"
        return OrderState.CANCELLED, str(why)
    elif status in FINAL_STATUSES:
        reason = f"{status}: fills found for {filled} of {vol_exec} executed; query again"
    return (OrderState.PARTIALLY_FILLED if filled > 0 else OrderState.OPEN), reason
