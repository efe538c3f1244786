"""Exact position accounting for a long-only spot position (average-cost method).

Semantics:
- A buy adds ``qty`` and ``qty * price`` of cost. A sell of ``q`` removes the proportional
  cost ``cost * q / qty``; selling the whole position removes *all* remaining cost, so over a
  round trip the removed costs sum exactly to the entry cost.
- Fees are booked as realised P&L when paid (entry fees too): a fill's ``realised`` is
  ``q * price - removed_cost - fee`` for a sell and ``-fee`` for a buy. Hence, exactly,
  ``realised_pnl == exit_proceeds - entry_cost - fees`` once the position is closed, and the
  sum of fills' ``realised`` equals the sum of positions' ``realised_pnl``.
- Rounding: only divisions round (proportional cost, average prices), to 12 decimal places,
  half-even. Products and sums are exact (computed at 50 significant digits).
- Fees are in the quote currency (Kraken's default); a fee in the base currency must be
  converted by the broker first.
- Selling more than the position holds raises :class:`LedgerError` (spot is long-only).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from trading.execution.ledger_types import LedgerError

__all__ = ["Book", "QUANTUM", "buy", "sell", "ratio"]

QUANTUM = Decimal("1e-12")
_PREC = 50
ZERO = Decimal(0)


@dataclass(frozen=True)
class Book:
    qty: Decimal = ZERO
    cost: Decimal = ZERO
    entry_qty: Decimal = ZERO
    entry_cost: Decimal = ZERO
    exit_qty: Decimal = ZERO
    exit_proceeds: Decimal = ZERO
    realised: Decimal = ZERO
    fees: Decimal = ZERO

    @property
    def avg_entry(self) -> Decimal:
        """Average cost of what is held (of everything bought, once closed)."""
        if self.qty > 0:
            return ratio(self.cost, self.qty)
        return ratio(self.entry_cost, self.entry_qty) if self.entry_qty > 0 else ZERO


def ratio(a: Decimal, b: Decimal) -> Decimal:
    """``a / b`` rounded half-even to :data:`QUANTUM`."""
    with localcontext() as ctx:
        ctx.prec = _PREC
        return (a / b).quantize(QUANTUM, rounding=ROUND_HALF_EVEN)


def buy(book: Book, qty: Decimal, value: Decimal, fee: Decimal) -> tuple[Book, Decimal]:
    """The book after a buy fill costing ``value`` (quote), and its realised P&L (``-fee``)."""
    with localcontext() as ctx:
        ctx.prec = _PREC
        new = replace(book, qty=book.qty + qty, cost=book.cost + value,
                      entry_qty=book.entry_qty + qty, entry_cost=book.entry_cost + value,
                      realised=book.realised - fee, fees=book.fees + fee)
        return new, -fee


def sell(book: Book, qty: Decimal, proceeds: Decimal, fee: Decimal,
         pair: str = "") -> tuple[Book, Decimal]:
    """The book after a sell fill bringing ``proceeds`` (quote), and its realised P&L net of
    its fee."""
    if qty > book.qty:
        raise LedgerError(f"sell of {qty} {pair} exceeds the position of {book.qty} "
                          "(spot is long-only)")
    with localcontext() as ctx:
        ctx.prec = _PREC
        removed = book.cost if qty == book.qty else ratio(book.cost * qty, book.qty)
        realised = proceeds - removed - fee
        new = replace(book, qty=book.qty - qty, cost=book.cost - removed,
                      exit_qty=book.exit_qty + qty, exit_proceeds=book.exit_proceeds + proceeds,
                      realised=book.realised + realised, fees=book.fees + fee)
        return new, realised
