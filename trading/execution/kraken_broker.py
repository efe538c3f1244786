"""Kraken broker: market orders through the production REST client (live trading).

Semantics:

- ``place`` sends ``AddOrder`` exactly once (``ordertype=market``, ``cl_ord_id`` = the order's
  id, ``oflags=fciq`` so fees are charged in the quote currency, as :class:`Fill` expects).
  - Kraken answered with an error: a clear refusal (``EOrder:*``, ``EGeneral:Invalid
    arguments``, ``EFunding:*``, ``EQuery:*``, ``EAPI:*`` incl. rate limits and nonce errors)
    -> a ``rejected`` result whose reason is Kraken's text. Ambiguous errors
    (``EService:*`` except ``Throttled``, ``EGeneral:Internal error``, ``EGeneral:Unknown
    error``) -> :class:`OrderOutcomeUnknown`.
  - No usable answer (timeout, connection error, HTTP 5xx, non-JSON body, or a result with no
    txid) -> :class:`OrderOutcomeUnknown`: ``query`` before anything else, never resend.
  - Accepted: the order is read back (``QueryOrders`` with trades) every ``poll_s`` until it
    is final or ``timeout_s`` has passed; its fills come from ``TradesHistory`` (since the
    order opened), one :class:`Fill` per Kraken trade (``fill_id`` = Kraken's trade id, qty /
    price / fee exact as Kraken prints them, ``ts`` = trade time in ms). If reading it back
    fails, the result is ``open`` with the txid (the order exists; query it later).
- A final state (``filled``; ``cancelled`` for canceled/expired, with Kraken's reason) is
  reported only when the fills found add up to the order's ``vol_exec``; otherwise the result
  is ``partially_filled`` (some fills) or ``open`` (none), so the caller queries again.
  ``closed`` with ``vol_exec < vol`` (price protection) is ``cancelled`` with its fills.
- ``query(cl_ord_id)``: ``OpenOrders`` then ``ClosedOrders`` filtered by ``cl_ord_id`` (in this
  order, so an order closing between the two calls is still seen); None if neither has it.
  Kraken errors or no answer -> :class:`OrderOutcomeUnknown` (auth errors: :class:`BrokerError`).
- ``cancel(cl_ord_id)``: ``CancelOrder`` by ``cl_ord_id`` then ``query``; ``EOrder:Unknown
  order`` (already closed, or never placed) just queries. Ambiguous failures raise
  :class:`OrderOutcomeUnknown`, definitive refusals :class:`BrokerError`.
- ``balances``: ``Balance`` with asset codes normalised (``XXBT`` -> ``BTC``, ``ZUSD`` ->
  ``USD``, ``XBT.F`` -> ``BTC.F``); any failure -> :class:`BrokerError`.

Caveats: an AddOrder still in flight (e.g. delayed in the network) is invisible to ``query``
until it arrives; query after the client's HTTP timeout has passed. The HTTP timeout is the
:class:`KrakenREST`'s own ``timeout_s``; this broker's ``timeout_s`` bounds only the read-back.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from trading.exchange.errors import KrakenAuthError, KrakenError, KrakenUnavailable
from trading.exchange.rest import KrakenREST
from trading.exchange.symbols import PairInfo, PairMap, normalize_asset
from trading.execution.broker import (
    Broker,
    BrokerError,
    OrderOutcomeUnknown,
    OrderRequest,
    OrderResult,
)
from trading.execution.kraken_fills import fills_for, order_state
from trading.execution.states import FINAL_STATES, OrderState

__all__ = ["KrakenBroker", "is_ambiguous"]

logger = logging.getLogger(__name__)

AMBIGUOUS_PREFIXES = ("EService:", "EGeneral:Internal error", "EGeneral:Unknown error")
UNKNOWN_ORDER = "EOrder:Unknown order"


def _squash(errors: list[str]) -> list[str]:
    return [e.replace(": ", ":") for e in errors]


def is_ambiguous(exc: KrakenError) -> bool:
    """True if Kraken's error leaves open whether the request was processed."""
    return not exc.is_rate_limit and any(
        e.startswith(AMBIGUOUS_PREFIXES) for e in _squash(exc.errors))


def _text(exc: KrakenError) -> str:
    return " ".join("; ".join(exc.errors).split())


class KrakenBroker(Broker):
    """Live orders on Kraken (or the emulator); see the module docstring."""

    name = "kraken"

    def __init__(self, rest: KrakenREST, pairs: PairMap, timeout_s: float = 10.0,
                 poll_s: float = 0.25, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if not timeout_s > 0 or not poll_s > 0:
            raise ValueError(f"timeout_s and poll_s must be > 0, got {timeout_s!r}, {poll_s!r}")
        self.rest, self.pairs = rest, pairs
        self.timeout_s, self.poll_s = timeout_s, poll_s
        self._sleep, self._monotonic = sleep, monotonic

    # -- orders -------------------------------------------------------------------------------
    def place(self, order: OrderRequest) -> OrderResult:
        cl = order.cl_ord_id
        info = self.pairs.find(order.pair)
        if info is None:
            return OrderResult(cl, OrderState.REJECTED, reason="EQuery:Unknown asset pair")
        if order.side not in ("buy", "sell"):
            return OrderResult(cl, OrderState.REJECTED, reason="EGeneral:Invalid arguments:type")
        try:
            added = self.rest.add_order(info.altname, order.side, "market", order.qty,
                                        cl_ord_id=cl, oflags="fciq")
        except KrakenUnavailable as exc:
            raise OrderOutcomeUnknown(f"AddOrder {cl}: {exc}") from exc
        except KrakenError as exc:
            if is_ambiguous(exc):
                raise OrderOutcomeUnknown(f"AddOrder {cl}: {_text(exc)}") from exc
            logger.info("AddOrder %s %s %s %s rejected: %s", cl, order.side, order.qty,
                        info.name, _text(exc))
            return OrderResult(cl, OrderState.REJECTED, reason=_text(exc))
        except ValueError as exc:        # a negative or non-numeric qty (never sent)
            return OrderResult(cl, OrderState.REJECTED,
                               reason=f"EGeneral:Invalid arguments:volume ({exc})")
        except RuntimeError as exc:      # no key / secret / nonce source
            raise BrokerError(str(exc)) from exc
        if not added.txids:
            raise OrderOutcomeUnknown(f"AddOrder {cl}: answered without a txid")
        return self._settle(cl, added.txids[0], info)

    def _settle(self, cl: str, txid: str, info: PairInfo) -> OrderResult:
        deadline = self._monotonic() + self.timeout_s
        while True:
            try:
                record = self.rest.query_orders([txid], trades=True)[txid]
                result = self._result(cl, txid, record, info)
            except (KrakenError, KrakenUnavailable, KeyError) as exc:
                logger.warning("order %s (%s) placed; reading it back failed: %s", cl, txid, exc)
                return OrderResult(cl, OrderState.OPEN, txid=txid,
                                   reason=f"placed; status not read back: {exc}")
            if result.state in FINAL_STATES or self._monotonic() >= deadline:
                return result
            self._sleep(self.poll_s)

    def _result(self, cl: str, txid: str, record: dict[str, Any],
                info: PairInfo | None) -> OrderResult:
        """The order ``record`` (as Kraken sends it) and its trades as an :class:`OrderResult`."""
        if info is None:
            info = self.pairs.find(str(record.get("descr", {}).get("pair", "")))
        pair = info.name if info is not None else str(record.get("descr", {}).get("pair", ""))
        wanted = [str(t) for t in record.get("trades") or []]
        trades = self._trades(set(wanted), float(record.get("opentm") or 0)) if wanted else {}
        fills = fills_for(cl, pair, wanted, trades)
        state, reason = order_state(record, fills)
        return OrderResult(cl, state, txid=txid, reason=reason, fills=fills)

    def _trades(self, wanted: set[str], opened: float, max_pages: int = 20
                ) -> dict[str, dict[str, Any]]:
        """Kraken's records of the ``wanted`` trade ids, paging TradesHistory since ``opened``."""
        found: dict[str, dict[str, Any]] = {}
        seen: set[str] = set()
        for _ in range(max_pages):
            page = self.rest.trades_history(start=max(0, int(opened) - 1), ofs=len(seen) or None)
            new = set(page) - seen
            seen |= new
            found.update({t: rec for t, rec in page.items() if t in wanted})
            if not new or wanted <= found.keys():
                break
        return found

    def query(self, cl_ord_id: str) -> OrderResult | None:
        try:
            found = self.rest.open_orders(cl_ord_id=cl_ord_id, trades=True)
            if not found:
                found = self.rest.closed_orders(cl_ord_id=cl_ord_id, trades=True).orders
            if not found:
                return None
            if len(found) > 1:
                logger.warning("%d orders carry cl_ord_id %s; using the newest", len(found),
                               cl_ord_id)
            txid, record = max(found.items(), key=lambda kv: float(kv[1].get("opentm") or 0))
            return self._result(cl_ord_id, txid, record, None)
        except KrakenAuthError as exc:
            raise BrokerError(f"query {cl_ord_id}: {_text(exc)}") from exc
        except (KrakenError, KrakenUnavailable) as exc:
            raise OrderOutcomeUnknown(f"query {cl_ord_id}: {exc}") from exc

    def cancel(self, cl_ord_id: str) -> OrderResult | None:
        try:
            self.rest.cancel_order(cl_ord_id=cl_ord_id)
        except KrakenUnavailable as exc:
            raise OrderOutcomeUnknown(f"CancelOrder {cl_ord_id}: {exc}") from exc
        except KrakenError as exc:
            if is_ambiguous(exc):
                raise OrderOutcomeUnknown(f"CancelOrder {cl_ord_id}: {_text(exc)}") from exc
            if UNKNOWN_ORDER not in _squash(exc.errors):
                raise BrokerError(f"CancelOrder {cl_ord_id} refused: {_text(exc)}") from exc
        return self.query(cl_ord_id)

    # -- account ------------------------------------------------------------------------------
    def balances(self) -> dict[str, Decimal]:
        try:
            raw = self.rest.balance()
        except (KrakenError, KrakenUnavailable, RuntimeError) as exc:
            raise BrokerError(f"Balance: {exc}") from exc
        out: dict[str, Decimal] = {}
        for code, amount in raw.items():
            key = normalize_asset(code)
            out[key] = out.get(key, Decimal(0)) + amount
        return out
