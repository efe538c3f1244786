"""AddOrder parameters checked the way Kraken checks them, and orders shaped like Kraken's.

:func:`parse_add_order` turns the form fields of ``/0/private/AddOrder`` into an
:class:`OrderRequest` or raises :class:`KrakenError` with Kraken's wording: an unknown or
missing pair is ``EQuery:Unknown asset pair``; a bad ``type`` / ``ordertype`` / ``volume`` /
``price`` / ``cl_ord_id`` / ``timeinforce`` / ``oflags`` is ``EGeneral:Invalid arguments:<field>``
(volume with more decimals than ``lot_decimals`` too); a price with more decimals than
``pair_decimals`` is ``EOrder:Invalid price:<PAIR> price can only be specified up to N
decimals.``; a volume under ``ordermin`` is ``EOrder:Order minimum not met``.

Supported: ``ordertype`` market and limit, ``timeinforce`` GTC and IOC, ``oflags`` post (and
fcib/fciq/nompp, accepted and ignored: fees are always charged in the quote currency, as the
order's ``fee`` field documents). ``cl_ord_id`` is a UUID (36 chars with dashes or 32 hex) or
free text of at most 18 printable characters.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from trading.exchange.sim import errors
from trading.exchange.sim.errors import KrakenError
from trading.exchange.sim.pairs import PairInfo, PairTable

OPEN, CLOSED, CANCELED = "open", "closed", "canceled"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
_FREE = re.compile(r"^[\x21-\x7e]{1,18}$")
_OFLAGS = {"post", "fcib", "fciq", "nompp"}
_TXID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_txid(prefix: str = "O") -> str:
    """A fresh Kraken-style id, e.g. ``OQCLML-BW3P3-BUCMWZ`` (random, never reused)."""
    chars = [secrets.choice(_TXID_CHARS) for _ in range(16)]
    return f"{prefix}{''.join(chars[:5])}-{''.join(chars[5:10])}-{''.join(chars[10:])}"


def valid_cl_ord_id(value: str) -> bool:
    return bool(_UUID.match(value) or _HEX32.match(value) or _FREE.match(value))


@dataclass(frozen=True)
class OrderRequest:
    pair: PairInfo
    side: str
    ordertype: str
    volume: Decimal
    price: Decimal | None
    cl_ord_id: str | None
    userref: int | None
    oflags: frozenset[str]
    timeinforce: str
    validate: bool


def _decimal(text: str | None, name: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise KrakenError(errors.invalid_argument(name)) from None
    if not value.is_finite() or value <= 0:
        raise KrakenError(errors.invalid_argument(name))
    return value


def _decimals(value: Decimal) -> int:
    return max(0, -int(value.normalize().as_tuple().exponent))


def _price(params: Mapping[str, str], pair: PairInfo, ordertype: str) -> Decimal | None:
    if ordertype == "market":
        return None
    price = _decimal(params.get("price"), "price")
    if _decimals(price) > pair.pair_decimals:
        raise KrakenError(errors.invalid_price_precision(pair.name, pair.pair_decimals))
    return price


def _volume(params: Mapping[str, str], pair: PairInfo) -> Decimal:
    volume = _decimal(params.get("volume"), "volume")
    if _decimals(volume) > pair.lot_decimals:
        raise KrakenError(errors.invalid_argument("volume"))
    if volume < pair.ordermin:
        raise KrakenError(errors.ORDER_MINIMUM)
    return volume


def _options(params: Mapping[str, str]) -> tuple[str | None, int | None, frozenset[str], str]:
    cl_ord_id = params.get("cl_ord_id") or None
    if cl_ord_id is not None and not valid_cl_ord_id(cl_ord_id):
        raise KrakenError(errors.invalid_argument("cl_ord_id"))
    try:
        userref = int(params["userref"]) if params.get("userref") else None
    except ValueError:
        raise KrakenError(errors.invalid_argument("userref")) from None
    oflags = frozenset(f for f in (params.get("oflags") or "").split(",") if f)
    if not oflags <= _OFLAGS:
        raise KrakenError(errors.invalid_argument("oflags"))
    tif = (params.get("timeinforce") or "GTC").upper()
    if tif not in ("GTC", "IOC"):
        raise KrakenError(errors.invalid_argument("timeinforce"))
    return cl_ord_id, userref, oflags, tif


def parse_add_order(params: Mapping[str, str], pairs: PairTable) -> OrderRequest:
    """Check AddOrder's fields in Kraken's order; raise :class:`KrakenError` on the first fault."""
    pair = pairs.get(params.get("pair") or "")
    if pair is None:
        raise KrakenError(errors.UNKNOWN_PAIR)
    side = params.get("type", "")
    if side not in ("buy", "sell"):
        raise KrakenError(errors.invalid_argument("type"))
    ordertype = params.get("ordertype", "")
    if ordertype not in ("market", "limit"):
        raise KrakenError(errors.invalid_argument("ordertype"))
    price = _price(params, pair, ordertype)
    volume = _volume(params, pair)
    if price is not None and price * volume < pair.costmin:
        raise KrakenError(errors.COST_MINIMUM)
    cl_ord_id, userref, oflags, tif = _options(params)
    validate = str(params.get("validate", "")).lower() in ("true", "1", "yes")
    return OrderRequest(pair, side, ordertype, volume, price, cl_ord_id, userref, oflags, tif,
                        validate)


def fmt(value: Decimal, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def describe(req: OrderRequest) -> str:
    """Kraken's ``descr.order`` text, e.g. ``buy 1.25000000 XBTUSD @ limit 37500.0``."""
    vol = fmt(req.volume, req.pair.lot_decimals)
    if req.price is None:
        return f"{req.side} {vol} {req.pair.altname} @ market"
    return f"{req.side} {vol} {req.pair.altname} @ limit {fmt(req.price, req.pair.pair_decimals)}"


@dataclass
class Order:
    txid: str
    req: OrderRequest
    opentm: float
    status: str = OPEN
    vol_exec: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    fee: Decimal = Decimal(0)
    closetm: float | None = None
    reason: str | None = None
    trades: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        return self.req.volume - self.vol_exec

    def close(self, status: str, now: float, reason: str | None = None) -> None:
        self.status, self.closetm, self.reason = status, now, reason

    def info(self, with_trades: bool = False) -> dict[str, Any]:
        """The order as QueryOrders / OpenOrders / ClosedOrders show it."""
        req, pd = self.req, self.req.pair.pair_decimals
        avg = self.cost / self.vol_exec if self.vol_exec else Decimal(0)
        out: dict[str, Any] = {
            "refid": None, "userref": req.userref or 0, "status": self.status,
            "opentm": round(self.opentm, 4), "starttm": 0, "expiretm": 0,
            "descr": {"pair": req.pair.altname, "type": req.side, "ordertype": req.ordertype,
                      "price": fmt(req.price or Decimal(0), pd), "price2": "0",
                      "leverage": "none", "order": describe(req), "close": ""},
            "vol": fmt(req.volume, req.pair.lot_decimals),
            "vol_exec": fmt(self.vol_exec, req.pair.lot_decimals),
            "cost": fmt(self.cost, req.pair.cost_decimals),
            "fee": fmt(self.fee, req.pair.cost_decimals), "price": fmt(avg, pd),
            "stopprice": "0.00000", "limitprice": "0.00000", "misc": "",
            "oflags": ",".join(sorted(req.oflags | {"fciq"})),
        }
        if req.cl_ord_id is not None:
            out["cl_ord_id"] = req.cl_ord_id
        if self.closetm is not None:
            out["closetm"], out["reason"] = round(self.closetm, 4), self.reason
        if with_trades:
            out["trades"] = list(self.trades)
        return out
