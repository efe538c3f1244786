"""The emulator's matching engine: one account, market and limit orders, Kraken's fees.

Semantics:
- A **market** order walks the simulated book (asks for a buy, bids for a sell) and fills
  completely at the volume-weighted price, as taker; if the book is too thin the rest fills at
  the last level's price. The book itself is not depleted (our orders are small).
- A **limit** order that crosses the book fills as taker for the part available at or better
  than its price; the rest rests (IOC: is canceled). ``oflags=post`` on a crossing order is
  accepted and then canceled with reason ``Post only order``, like Kraken. A resting order fills
  completely at its own price, as maker, as soon as the market trades at or through it.
- Fees (``maker_fee`` / ``taker_fee``) are charged in the quote currency. Balances change with
  every fill; open orders hold funds (buy: ``remaining * price * (1 + taker_fee)`` of the quote,
  sell: the remaining base), so available = balance - holds. Orders that need more than is
  available fail with ``EOrder:Insufficient funds``.
- ``cl_ord_id`` must be unique among open orders; ``validate=true`` runs every check and places
  nothing. Times are market time (seconds).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Any

from trading.exchange.sim import errors
from trading.exchange.sim.errors import KrakenError
from trading.exchange.sim.orders import (
    CANCELED,
    CLOSED,
    OPEN,
    Order,
    OrderRequest,
    describe,
    fmt,
    new_txid,
    parse_add_order,
)
from trading.exchange.sim.pairs import PairTable, asset_decimals

LevelsFn = Callable[[str, str], list[tuple[Decimal, Decimal]]]   # (symbol, "asks"|"bids")
PriceFn = Callable[[str], float]
PAGE = 50


def walk(levels: list[tuple[Decimal, Decimal]], volume: Decimal,
         limit: Callable[[Decimal], bool] = lambda _p: True) -> tuple[Decimal, Decimal]:
    """``(filled, cost)`` of taking ``volume`` from ``levels`` at prices ``limit`` allows."""
    filled = cost = Decimal(0)
    for price, qty in levels:
        if filled >= volume or not limit(price):
            break
        take = min(qty, volume - filled)
        filled, cost = filled + take, cost + take * price
    return filled, cost


class Engine:
    def __init__(self, pairs: PairTable, maker_fee: float, taker_fee: float,
                 start_usd: float, levels: LevelsFn, last_price: PriceFn,
                 now: Callable[[], float]) -> None:
        self.pairs, self.levels, self.last_price, self.now = pairs, levels, last_price, now
        self.maker_fee, self.taker_fee = Decimal(str(maker_fee)), Decimal(str(taker_fee))
        self.balances: dict[str, Decimal] = {a: Decimal(0) for a in pairs.assets()}
        self.balances["ZUSD"] = Decimal(str(start_usd))
        self.orders: dict[str, Order] = {}
        self.trades: dict[str, dict[str, Any]] = {}

    # -- funds ------------------------------------------------------------------------------
    def holds(self) -> dict[str, Decimal]:
        held = {a: Decimal(0) for a in self.balances}
        for o in self._open():
            if o.req.side == "buy":
                amount = o.remaining * (o.req.price or 0) * (1 + self.taker_fee)
                held[o.req.pair.quote_asset] += amount
            else:
                held[o.req.pair.base_asset] += o.remaining
        return held

    def available(self, asset: str) -> Decimal:
        return self.balances.get(asset, Decimal(0)) - self.holds().get(asset, Decimal(0))

    def _market_cost(self, req: OrderRequest) -> Decimal:
        book = self.levels(req.pair.symbol, "asks" if req.side == "buy" else "bids")
        filled, cost = walk(book, req.volume)
        last = book[-1][0] if book else Decimal(repr(self.last_price(req.pair.symbol)))
        return cost + (req.volume - filled) * last

    def _check_funds(self, req: OrderRequest) -> None:
        if req.side == "sell":
            if req.volume > self.available(req.pair.base_asset):
                raise KrakenError(errors.INSUFFICIENT_FUNDS)
            return
        cost = self._market_cost(req) if req.price is None else req.volume * req.price
        if cost * (1 + self.taker_fee) > self.available(req.pair.quote_asset):
            raise KrakenError(errors.INSUFFICIENT_FUNDS)

    # -- placing ----------------------------------------------------------------------------
    def add_order(self, params: Mapping[str, str]) -> dict[str, Any]:
        """AddOrder: check, then place and execute (or only check with ``validate``)."""
        req = parse_add_order(params, self.pairs)
        if req.cl_ord_id and any(o.req.cl_ord_id == req.cl_ord_id for o in self._open()):
            raise KrakenError(errors.DUPLICATE_CL_ORD_ID)
        if req.price is None and self._market_cost(req) < req.pair.costmin:
            raise KrakenError(errors.COST_MINIMUM)
        self._check_funds(req)
        descr = {"order": describe(req)}
        if req.validate:
            return {"descr": descr}
        order = Order(new_txid(), req, self.now())
        self.orders[order.txid] = order
        self._execute(order)
        return {"descr": descr, "txid": [order.txid]}

    def _execute(self, order: Order) -> None:
        req = order.req
        book = self.levels(req.pair.symbol, "asks" if req.side == "buy" else "bids")
        if req.price is None:
            filled, cost = walk(book, req.volume)
            last = book[-1][0] if book else Decimal(repr(self.last_price(req.pair.symbol)))
            cost += (req.volume - filled) * last
            self._fill(order, req.volume, cost / req.volume, maker=False)
            return
        price = req.price
        crosses = (lambda p: p <= price) if req.side == "buy" else (lambda p: p >= price)
        filled, cost = walk(book, req.volume, crosses)
        if filled and "post" in req.oflags:
            order.close(CANCELED, self.now(), "Post only order")
        elif filled:
            self._fill(order, filled, cost / filled, maker=False)
        if order.status == OPEN and req.timeinforce == "IOC":
            order.close(CANCELED, self.now(), "Immediate or cancel")

    def _fill(self, order: Order, volume: Decimal, price: Decimal, maker: bool) -> None:
        req, now = order.req, self.now()
        quant = Decimal(1).scaleb(-req.pair.cost_decimals)
        cost = (volume * price).quantize(quant)
        fee = (cost * (self.maker_fee if maker else self.taker_fee)).quantize(quant)
        sign = 1 if req.side == "buy" else -1
        self.balances[req.pair.base_asset] += sign * volume
        self.balances[req.pair.quote_asset] -= sign * cost + fee
        order.vol_exec, order.cost, order.fee = order.vol_exec + volume, order.cost + cost, \
            order.fee + fee
        tid = new_txid("T")
        order.trades.append(tid)
        self.trades[tid] = {
            "ordertxid": order.txid, "postxid": "", "pair": req.pair.name, "time": round(now, 4),
            "type": req.side, "ordertype": req.ordertype,
            "price": fmt(price, req.pair.pair_decimals), "cost": fmt(cost, req.pair.cost_decimals),
            "fee": fmt(fee, req.pair.cost_decimals), "vol": fmt(volume, req.pair.lot_decimals),
            "margin": "0.00000", "misc": "", "maker": maker}
        if order.remaining <= 0:
            order.close(CLOSED, now)

    def on_trades(self, symbol: str, prices: list[float]) -> int:
        """Fill resting limit orders of ``symbol`` that the market traded through."""
        if not prices:
            return 0
        low, high, n = Decimal(repr(min(prices))), Decimal(repr(max(prices))), 0
        for o in [o for o in self._open() if o.req.pair.symbol == symbol]:
            price = o.req.price or Decimal(0)
            if (o.req.side == "buy" and low <= price) or (o.req.side == "sell" and high >= price):
                self._fill(o, o.remaining, price, maker=True)
                n += 1
        return n

    # -- cancelling and querying ------------------------------------------------------------
    def _open(self) -> list[Order]:
        return [o for o in self.orders.values() if o.status == OPEN]

    def cancel_order(self, params: Mapping[str, str]) -> dict[str, int]:
        ref, cl_ord_id = params.get("txid", ""), params.get("cl_ord_id", "")
        if not ref and not cl_ord_id:
            raise KrakenError(errors.INVALID_ARGUMENTS)
        hits = [o for o in self._open()
                if (ref and (o.txid == ref or str(o.req.userref) == ref))
                or (cl_ord_id and o.req.cl_ord_id == cl_ord_id)]
        if not hits:
            raise KrakenError(errors.UNKNOWN_ORDER)
        for o in hits:
            o.close(CANCELED, self.now(), "User requested")
        return {"count": len(hits)}

    def cancel_all(self) -> dict[str, int]:
        hits = self._open()
        for o in hits:
            o.close(CANCELED, self.now(), "User requested")
        return {"count": len(hits)}

    @staticmethod
    def _matches(o: Order, params: Mapping[str, str]) -> bool:
        if params.get("cl_ord_id") and o.req.cl_ord_id != params["cl_ord_id"]:
            return False
        return not params.get("userref") or str(o.req.userref) == params["userref"]

    def open_orders(self, params: Mapping[str, str]) -> dict[str, Any]:
        trades = params.get("trades", "").lower() == "true"
        return {"open": {o.txid: o.info(trades) for o in self._open() if self._matches(o, params)}}

    def closed_orders(self, params: Mapping[str, str]) -> dict[str, Any]:
        trades = params.get("trades", "").lower() == "true"
        done = [o for o in reversed(self.orders.values())
                if o.status != OPEN and self._matches(o, params)]
        ofs = int(params.get("ofs") or 0)
        return {"closed": {o.txid: o.info(trades) for o in done[ofs:ofs + PAGE]},
                "count": len(done)}

    def query_orders(self, params: Mapping[str, str]) -> dict[str, Any]:
        ids = [t.strip() for t in params.get("txid", "").split(",") if t.strip()]
        if not ids or len(ids) > PAGE:
            raise KrakenError(errors.INVALID_ARGUMENTS)
        if any(t not in self.orders for t in ids):
            raise KrakenError(errors.INVALID_ORDER)
        trades = params.get("trades", "").lower() == "true"
        return {t: self.orders[t].info(trades) for t in ids}

    def trades_history(self) -> dict[str, Any]:
        return {"trades": dict(reversed(self.trades.items())), "count": len(self.trades)}

    def balance(self) -> dict[str, str]:
        return {a: fmt(v.quantize(Decimal(1).scaleb(-asset_decimals(a)), ROUND_DOWN),
                       asset_decimals(a)) for a, v in self.balances.items()}

    def balance_ex(self) -> dict[str, dict[str, str]]:
        held, shown = self.holds(), self.balance()
        return {a: {"balance": shown[a], "hold_trade": fmt(held[a], asset_decimals(a))}
                for a in self.balances}
