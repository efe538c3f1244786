"""Kraken REST client: public market data and the private calls the executor needs.

Semantics:
- Pair arguments may be our names (``BTC/USD``) or Kraken's (``XBTUSD``, ``XXBTZUSD``). After
  :meth:`KrakenREST.asset_pairs` (or with ``pairs=``) they are resolved through the
  :class:`PairMap`; before that ``BTC/USD`` is guessed as altname ``XBTUSD``.
- :meth:`ohlc` returns closed bars and the forming bar separately (Kraken: the last row is
  the candle still being formed; at most 720 rows; older data can't be fetched).
- Money values come back as exact ``Decimal``; order records are returned as Kraken sends them.
- Private calls need ``key``, ``secret`` and a persisted :class:`NonceSource`; only one process
  per key may sign (the executor). :meth:`add_order` is sent exactly once: on
  :class:`KrakenUnavailable` its outcome is unknown, reconcile by ``cl_ord_id`` first.

Caveat: ``AssetPairs`` is fetched whole and filtered here (one unknown name would otherwise
fail the whole request).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import requests

from trading.exchange.nonce import NonceSource
from trading.exchange.ratelimit import CallCounter
from trading.exchange.restparse import Level, Ohlc, parse_depth, parse_ohlc, to_decimal
from trading.exchange.symbols import PairMap, rest_name_guess
from trading.exchange.transport import Transport

__all__ = ["KrakenREST", "AddOrderResult", "ClosedOrders", "Ohlc"]

logger = logging.getLogger(__name__)

OHLC_INTERVALS = (1, 5, 15, 30, 60, 240, 1440, 10080, 21600)
MAX_QUERY_TXIDS = 50


@dataclass(frozen=True, slots=True)
class AddOrderResult:
    txids: list[str]                      # empty when ``validate=True``
    descr: dict[str, Any] = field(default_factory=dict)
    validated_only: bool = False


@dataclass(frozen=True, slots=True)
class ClosedOrders:
    orders: dict[str, dict[str, Any]]     # txid -> Kraken's order record
    count: int                            # total matching (for paging with ``ofs``)


def _fmt(value: Decimal | str | int | float) -> str:
    if isinstance(value, bool):
        raise TypeError("a bool is not an amount")
    number = to_decimal(value)
    if number is None or number < 0:
        raise ValueError(f"not a valid amount: {value!r}")
    return format(number, "f")


def _flag(value: Any) -> Any:
    return ("true" if value else "false") if isinstance(value, bool) else value


class KrakenREST:
    """Blocking Kraken REST client (``requests``); one instance per process and key."""

    def __init__(self, base_url: str = "https://api.kraken.com", key: str | None = None,
                 secret: str | None = None, nonce: NonceSource | None = None,
                 timeout_s: float = 10.0, counter: CallCounter | None = None,
                 session: requests.Session | None = None,
                 public_counter: CallCounter | None = None, max_attempts: int = 4,
                 pairs: PairMap | None = None) -> None:
        if (key or secret) and nonce is None:
            raise ValueError("private calls need a persisted NonceSource (nonce=...)")
        self.pairs = pairs
        self.transport = Transport(
            base_url, key, secret, nonce, timeout_s, counter or CallCounter(),
            public_counter, session or requests.Session(), max_attempts=max_attempts)

    # -- pairs ------------------------------------------------------------------------------
    def _resolve(self, pair: str) -> tuple[str, str | None]:
        """(name to send, internal result key or None)."""
        info = self.pairs.find(pair) if self.pairs is not None else None
        if info is not None:
            return info.altname, info.internal
        return (rest_name_guess(pair) if "/" in pair else pair), None

    # -- public -----------------------------------------------------------------------------
    def asset_pairs(self, pairs: list[str] | None = None) -> PairMap:
        """All tradable pairs (or just ``pairs``); also becomes this client's :attr:`pairs`."""
        full = PairMap.from_asset_pairs(self.transport.public("AssetPairs"))
        self.pairs = full
        return full.subset(pairs) if pairs else full

    def ohlc(self, pair: str, interval: int = 1, since: int | None = None) -> Ohlc:
        if interval not in OHLC_INTERVALS:
            raise ValueError(f"interval must be one of {OHLC_INTERVALS}, not {interval}")
        name, internal = self._resolve(pair)
        params: dict[str, Any] = {"pair": name, "interval": interval}
        if since is not None:
            params["since"] = int(since)
        return parse_ohlc(self.transport.public("OHLC", params), internal)

    def depth(self, pair: str, count: int = 25) -> tuple[list[Level], list[Level]]:
        """``(asks low->high, bids high->low)`` as ``(Decimal price, Decimal qty)``."""
        name, internal = self._resolve(pair)
        return parse_depth(self.transport.public("Depth", {"pair": name, "count": count}),
                           internal)

    # -- private ----------------------------------------------------------------------------
    def balance(self) -> dict[str, Decimal]:
        """Kraken asset code (``XXBT``, ``ZUSD``, ``XBT.F``...) -> exact balance."""
        result = self.transport.private("Balance")
        balances: dict[str, Decimal] = {}
        for asset, raw in result.items():
            amount = to_decimal(raw)
            if amount is None:
                logger.warning("Balance: dropped %s: %.40r", asset, raw)
                continue
            balances[asset] = amount
        return balances

    def add_order(self, pair: str, side: str, ordertype: str, volume: Decimal | str | float,
                  price: Decimal | str | float | None = None, cl_ord_id: str | None = None,
                  validate: bool = False, **extra: Any) -> AddOrderResult:
        """Place (or with ``validate`` only check) one order. Never retried by the client."""
        if side not in ("buy", "sell"):
            raise ValueError(f"side must be buy or sell, not {side!r}")
        data: dict[str, Any] = {"ordertype": ordertype, "type": side, "volume": _fmt(volume),
                                "pair": self._resolve(pair)[0]}
        if price is not None:
            data["price"] = _fmt(price)
        if cl_ord_id is not None:
            data["cl_ord_id"] = cl_ord_id
        data.update({k: _flag(v) for k, v in extra.items() if v is not None})
        if validate:
            data["validate"] = "true"
        result = self.transport.private("AddOrder", data, retry=False)
        txids = result.get("txid") or []
        return AddOrderResult(txids=[str(t) for t in txids], descr=dict(result.get("descr") or {}),
                              validated_only=validate)

    def cancel_order(self, txid: str | None = None, cl_ord_id: str | None = None) -> int:
        """Cancel by Kraken id (or userref) or by ``cl_ord_id``; returns Kraken's ``count``."""
        if (txid is None) == (cl_ord_id is None):
            raise ValueError("give exactly one of txid or cl_ord_id")
        data = {"txid": txid} if txid is not None else {"cl_ord_id": cl_ord_id}
        return int(self.transport.private("CancelOrder", data).get("count", 0))

    def open_orders(self, cl_ord_id: str | None = None, userref: int | None = None,
                    trades: bool = False) -> dict[str, dict[str, Any]]:
        data = {"trades": _flag(trades), "cl_ord_id": cl_ord_id, "userref": userref}
        result = self.transport.private("OpenOrders", _present(data))
        return dict(result.get("open") or {})

    def closed_orders(self, cl_ord_id: str | None = None, userref: int | None = None,
                      start: int | str | None = None, end: int | str | None = None,
                      ofs: int | None = None, closetime: str | None = None,
                      trades: bool = False) -> ClosedOrders:
        data = {"trades": _flag(trades), "cl_ord_id": cl_ord_id, "userref": userref,
                "start": start, "end": end, "ofs": ofs, "closetime": closetime}
        result = self.transport.private("ClosedOrders", _present(data))
        return ClosedOrders(orders=dict(result.get("closed") or {}),
                            count=int(result.get("count", 0)))

    def query_orders(self, txids: Iterable[str], trades: bool = False,
                     userref: int | None = None) -> dict[str, dict[str, Any]]:
        """Orders by Kraken id (at most 50 per call), open or closed."""
        ids = [str(t) for t in txids]
        if not 0 < len(ids) <= MAX_QUERY_TXIDS:
            raise ValueError(f"query between 1 and {MAX_QUERY_TXIDS} txids, not {len(ids)}")
        data = {"txid": ",".join(ids), "trades": _flag(trades), "userref": userref}
        return dict(self.transport.private("QueryOrders", _present(data)))

    def trades_history(self, start: int | float | str | None = None,
                       end: int | float | str | None = None,
                       ofs: int | None = None) -> dict[str, dict[str, Any]]:
        """One page (Kraken: at most 50, newest first) of the account's trades: trade id ->
        Kraken's record (``ordertxid``, ``pair``, ``time``, ``type``, ``price``, ``cost``,
        ``fee``, ``vol``...). ``start``/``end``: Unix seconds or a trade id (exclusive);
        ``ofs``: result offset for paging. Counts +2 on Kraken's REST counter."""
        data = {"start": start, "end": end, "ofs": ofs}
        result = self.transport.private("TradesHistory", _present(data))
        return dict(result.get("trades") or {})


def _present(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
