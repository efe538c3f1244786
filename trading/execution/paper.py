"""Paper broker: market orders filled against the live order book in shared memory.

Semantics:

- A market **buy** walks the ask levels of the pair's book in the :class:`BookStore` (a sell
  walks the bids), best first, and makes **one Fill per level touched**, at that level's price
  (Kraken too reports one trade per resting order matched). Fill ids are
  ``P-<cl_ord_id>-<i>`` (``i`` = index of the level, from 0): unique and deterministic;
  ``txid`` is ``P-<cl_ord_id>``; every fill carries the same ``ts`` (``clock()`` in ms).
- Fee of a fill = ``taker_fee * qty * price`` in the quote currency, rounded half-even to the
  pair's ``cost_decimals``. A buy costs the quote ``qty * price + fee`` and adds ``qty`` of the
  base; a sell the reverse (``qty * price - fee``). Balances move by exactly what the fills
  say, so the executor can rebuild them from its ledger and hand them to :meth:`restore`.
- Refusals give a ``rejected`` result and change nothing. Kraken's wording where Kraken has
  one: ``EQuery:Unknown asset pair``; ``EGeneral:Invalid arguments:type`` /
  ``...:volume`` (qty not > 0, or more decimals than ``lot_decimals``);
  ``EOrder:Order minimum not met`` (qty < ``ordermin``); ``EOrder:Cost minimum not met``;
  ``EOrder:Insufficient funds`` (buy: the whole order's cost plus fees, the part beyond the
  visible book priced at its last level, against the quote balance; sell: qty against the
  base balance). Our own: ``paper: no order book for P`` (never written / not in the store),
  ``paper: no asks|bids in the P book``, ``paper: order book for P is stale (...)``.
- A book too thin for the qty: the visible levels fill and the rest is cancelled: state
  ``cancelled`` with the fills and a reason (like a Kraken market order stopped by price
  protection: closed as canceled with ``vol_exec < vol``). Apply the fills, then the state.
- ``query``: the result of an order this instance placed, else None (a paper order never
  exists outside this process, so after a restart there is nothing to find). ``cancel``:
  market orders are final at once, so it returns the stored result unchanged (or None).
  ``place`` of an id this instance already placed executes nothing and returns that result.

Caveats: the book holds float64; prices and quantities are taken by their shortest ``repr``
(``65000.1`` -> ``Decimal("65000.1")``). Paper fills do not deplete the book. Stale means
``clock() - book.ts > max_book_age_s`` where ``book.ts`` is the exchange time of the last book
update: a very quiet pair may look stale, and the emulator's accelerated clock runs ahead of
the wall clock (a book "from the future" counts as fresh). Not thread-safe (one executor
thread uses it).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from shared.books import BookStore
from trading.exchange.symbols import PairInfo, PairMap, normalize_asset
from trading.execution.broker import Broker, OrderRequest, OrderResult
from trading.execution.ledger_types import Fill
from trading.execution.states import OrderState

__all__ = ["PaperBroker", "DEFAULT_MAX_BOOK_AGE_S"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BOOK_AGE_S = 30.0
Level = tuple[Decimal, Decimal]     # (price, qty)
Amount = Decimal | int | str | float


class _Refused(Exception):
    """The order is refused; ``str()`` is the reason."""


def _amount(value: Amount) -> Decimal | None:
    """A finite Decimal (a float by its shortest repr), or None."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def walk(levels: list[Level], qty: Decimal) -> tuple[list[Level], Decimal]:
    """``([(price, taken)...], left)``: take ``qty`` from ``levels``, best first."""
    takes: list[Level] = []
    left = qty
    for price, size in levels:
        if left <= 0:
            break
        take = min(size, left)
        takes.append((price, take))
        left -= take
    return takes, left


class PaperBroker(Broker):
    """In-memory exchange over the shared-memory books; see the module docstring."""

    name = "paper"

    def __init__(self, books: BookStore, pairs: PairMap, taker_fee: Amount,
                 start_balances: Mapping[str, Amount] | None = None,
                 clock: Callable[[], float] = time.time,
                 max_book_age_s: float = DEFAULT_MAX_BOOK_AGE_S) -> None:
        fee = _amount(taker_fee)
        if fee is None or not 0 <= fee < 1:
            raise ValueError(f"taker_fee must be a fraction in [0, 1), got {taker_fee!r}")
        if not max_book_age_s > 0:
            raise ValueError(f"max_book_age_s must be > 0, got {max_book_age_s!r}")
        self.books, self.pairs, self.taker_fee = books, pairs, fee
        self.clock, self.max_book_age_s = clock, max_book_age_s
        self._balances: dict[str, Decimal] = {}
        self._results: dict[str, OrderResult] = {}
        self.restore(start_balances or {})

    def restore(self, balances: Mapping[str, Amount]) -> None:
        """Replace every balance (asset codes are normalised: ``ZUSD`` -> ``USD``)."""
        checked: dict[str, Decimal] = {}
        for asset, raw in balances.items():
            amount = _amount(raw)
            if amount is None or amount < 0:
                raise ValueError(f"balance of {asset!r} must be a finite amount >= 0, got {raw!r}")
            key = normalize_asset(asset)
            checked[key] = checked.get(key, Decimal(0)) + amount
        self._balances = checked

    def balances(self) -> dict[str, Decimal]:
        return dict(self._balances)

    def query(self, cl_ord_id: str) -> OrderResult | None:
        return self._results.get(cl_ord_id)

    def cancel(self, cl_ord_id: str) -> OrderResult | None:
        return self._results.get(cl_ord_id)

    def place(self, order: OrderRequest) -> OrderResult:
        done = self._results.get(order.cl_ord_id)
        if done is not None:
            logger.warning("paper: %s placed twice; returning its first result", order.cl_ord_id)
            return done
        try:
            result = self._execute(order)
        except _Refused as refusal:
            result = OrderResult(order.cl_ord_id, OrderState.REJECTED, reason=str(refusal))
            logger.info("paper: %s %s %s rejected: %s", order.side, order.qty, order.pair,
                        refusal)
        self._results[order.cl_ord_id] = result
        return result

    # -- execution ----------------------------------------------------------------------------
    def _execute(self, order: OrderRequest) -> OrderResult:
        info, qty = self._check_order(order)
        levels = self._levels(info, order.side)
        takes, left = walk(levels, qty)
        ts = int(round(self.clock() * 1000))
        fills = tuple(self._fill(order, info, i, price, take, ts)
                      for i, (price, take) in enumerate(takes))
        self._check_funds(info, order.side, qty, fills, left * levels[-1][0])
        self._apply(info, fills)
        cl = order.cl_ord_id
        if left == 0:
            return OrderResult(cl, OrderState.FILLED, txid=f"P-{cl}", fills=fills)
        reason = (f"paper: book too thin: filled {qty - left} of {qty} {info.base}, "
                  f"rest cancelled")
        return OrderResult(cl, OrderState.CANCELLED, txid=f"P-{cl}", reason=reason, fills=fills)

    def _check_order(self, order: OrderRequest) -> tuple[PairInfo, Decimal]:
        info = self.pairs.find(order.pair)
        if info is None:
            raise _Refused("EQuery:Unknown asset pair")
        if order.side not in ("buy", "sell"):
            raise _Refused("EGeneral:Invalid arguments:type")
        qty = _amount(order.qty)
        if qty is None or qty <= 0 or _decimals(qty) > info.lot_decimals:
            raise _Refused("EGeneral:Invalid arguments:volume")
        if info.ordermin is not None and qty < info.ordermin:
            raise _Refused("EOrder:Order minimum not met")
        return info, qty

    def _levels(self, info: PairInfo, side: str) -> list[Level]:
        try:
            book = self.books.read(info.name)
        except KeyError:
            book = None
        if book is None:
            raise _Refused(f"paper: no order book for {info.name}")
        age = self.clock() - book.ts
        if age > self.max_book_age_s:
            raise _Refused(f"paper: order book for {info.name} is stale ({age:.1f} s old, "
                           f"max {self.max_book_age_s:g} s)")
        raw = book.asks if side == "buy" else book.bids
        levels = [(Decimal(repr(float(p))), Decimal(repr(float(q)))) for p, q in raw
                  if p > 0 and q > 0]
        if not levels:
            raise _Refused(f"paper: no {'asks' if side == 'buy' else 'bids'} in the "
                           f"{info.name} book")
        return levels

    def _fill(self, order: OrderRequest, info: PairInfo, i: int, price: Decimal, qty: Decimal,
              ts: int) -> Fill:
        fee = (qty * price * self.taker_fee).quantize(Decimal(1).scaleb(-info.cost_decimals),
                                                      rounding=ROUND_HALF_EVEN)
        return Fill(fill_id=f"P-{order.cl_ord_id}-{i}", pair=info.name, side=order.side,
                    qty=qty, price=price, fee=fee, ts=ts, cl_ord_id=order.cl_ord_id)

    def _check_funds(self, info: PairInfo, side: str, qty: Decimal, fills: tuple[Fill, ...],
                     unfilled_cost: Decimal) -> None:
        cost = sum((Decimal(f.qty) * Decimal(f.price) for f in fills), Decimal(0))
        fees = sum((Decimal(f.fee) for f in fills), Decimal(0))
        whole = cost + unfilled_cost
        if info.costmin is not None and whole < info.costmin:
            raise _Refused("EOrder:Cost minimum not met")
        if side == "sell":
            enough = qty <= self._balances.get(info.base, Decimal(0))
        else:
            need = whole + fees + unfilled_cost * self.taker_fee
            enough = need <= self._balances.get(info.quote, Decimal(0))
        if not enough:
            raise _Refused("EOrder:Insufficient funds")

    def _apply(self, info: PairInfo, fills: tuple[Fill, ...]) -> None:
        bal = self._balances
        for f in fills:
            qty, cost, fee = Decimal(f.qty), Decimal(f.qty) * Decimal(f.price), Decimal(f.fee)
            sign = 1 if f.side == "buy" else -1
            bal[info.base] = bal.get(info.base, Decimal(0)) + sign * qty
            bal[info.quote] = bal.get(info.quote, Decimal(0)) - sign * cost - fee
