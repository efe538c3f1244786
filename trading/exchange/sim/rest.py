"""Kraken's REST API under ``/0/public/<Method>`` and ``/0/private/<Method>``.

Every answer is HTTP 200 with ``{"error": [], "result": {...}}`` or ``{"error": ["E..."]}``
(an unknown method is HTTP 404 with ``EGeneral:Unknown method``). Public methods accept GET
query strings and POST forms: ``Time``, ``SystemStatus``, ``AssetPairs`` (``pair``), ``Ticker``
(``pair``), ``OHLC`` (``pair``, ``interval``, ``since``) and ``Depth`` (``pair``, ``count``).
Private methods are POST, signed (see :mod:`trading.exchange.sim.auth`): ``Balance``,
``BalanceEx``, ``AddOrder``, ``CancelOrder``, ``CancelAll``, ``OpenOrders``, ``ClosedOrders``,
``QueryOrders``, ``TradesHistory``. Results are keyed by Kraken's internal pair name
(``XXBTZUSD``); ``pair`` may be given as ``XBTUSD``, ``XXBTZUSD``, ``XBT/USD``, ``BTC/USD`` or
``BTCUSD``.

OHLC: at most 720 rows, oldest first, the last row being the forming (uncommitted) bar;
``last`` is the time of the last committed bar (pass it as ``since`` to get newer bars; rows
with ``time > since`` are returned). ``interval`` must be a multiple of the configured
timeframe (larger ones are aggregated from the bars held) and one of Kraken's intervals.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from email.utils import formatdate
from typing import Any

import orjson
from aiohttp import web

from trading.exchange.sim import errors, wire
from trading.exchange.sim.auth import Authenticator
from trading.exchange.sim.errors import KrakenError
from trading.exchange.sim.faults import Faults
from trading.exchange.sim.market import Bar
from trading.exchange.sim.orderbook import ASK, BID
from trading.exchange.sim.pairs import PairInfo, asset_pair_entry
from trading.exchange.sim.venue import Venue

logger = logging.getLogger(__name__)
OHLC_MAX_ROWS = 720
KRAKEN_INTERVALS = (1, 5, 15, 30, 60, 240, 1440, 10080, 21600)
DROP_HOLD_S = 600.0
Params = Mapping[str, str]


def reply(result: Any = None, error: str | None = None, status: int = 200) -> web.Response:
    body = {"error": [error]} if error else {"error": [], "result": result}
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


def _aggregate(bars: list[Bar], seconds: int) -> list[Bar]:
    out: list[Bar] = []
    for bar in bars:
        ts = bar.ts // seconds * seconds
        if out and out[-1].ts == ts:
            last = out[-1]
            volume = last.volume + bar.volume
            vwap = ((last.vwap * last.volume + bar.vwap * bar.volume) / volume if volume
                    else bar.close)
            out[-1] = Bar(ts, last.open, max(last.high, bar.high), min(last.low, bar.low),
                          bar.close, vwap, volume, last.trades + bar.trades)
        else:
            out.append(bar._replace(ts=ts))
    return out


class Rest:
    def __init__(self, venue: Venue, auth: Authenticator, faults: Faults) -> None:
        self.venue, self.auth, self.faults = venue, auth, faults
        eng = venue.engine
        self.public: dict[str, Callable[[Params], Any]] = {
            "Time": self.time, "SystemStatus": self.status, "AssetPairs": self.asset_pairs,
            "Ticker": self.ticker, "OHLC": self.ohlc, "Depth": self.depth}
        self.private: dict[str, Callable[[Params], Any]] = {
            "Balance": lambda _p: eng.balance(), "BalanceEx": lambda _p: eng.balance_ex(),
            "AddOrder": eng.add_order, "CancelOrder": eng.cancel_order,
            "CancelAll": lambda _p: eng.cancel_all(), "OpenOrders": eng.open_orders,
            "ClosedOrders": eng.closed_orders, "QueryOrders": eng.query_orders,
            "TradesHistory": lambda _p: eng.trades_history()}

    def routes(self) -> list[web.RouteDef]:
        return [web.route("*", "/0/public/{method}", self.handle_public),
                web.post("/0/private/{method}", self.handle_private)]

    # -- dispatch ---------------------------------------------------------------------------
    async def handle_public(self, request: web.Request) -> web.Response:
        fn = self.public.get(request.match_info["method"])
        if fn is None:
            return reply(error=errors.UNKNOWN_METHOD, status=404)
        params: dict[str, str] = dict(request.query)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.post()).items()})
        try:
            return reply(fn(params))
        except KrakenError as err:
            return reply(error=err.message)

    async def handle_private(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        fn = self.private.get(method)
        if fn is None:
            return reply(error=errors.UNKNOWN_METHOD, status=404)
        rejected = self.faults.take_reject()
        if rejected:
            return reply(error=rejected)
        body = await request.text()
        try:
            fields = self.auth.verify(request.path, request.headers, body)
            if method == "AddOrder" and self.faults.take_drop_addorder():
                return await self._drop(fn, fields)
            return reply(fn(fields))
        except KrakenError as err:
            logger.debug("%s rejected: %s", method, err.message)
            return reply(error=err.message)

    async def _drop(self, fn: Callable[[Params], Any], fields: Params) -> web.Response:
        """Execute AddOrder but never answer (the ``drop_addorder_response`` fault)."""
        try:
            result = fn(fields)
            logger.info("AddOrder executed, response dropped (fault): %s", result.get("txid"))
        except KrakenError as err:
            logger.info("AddOrder failed (%s), response dropped (fault)", err.message)
        await asyncio.sleep(DROP_HOLD_S)
        raise web.HTTPServiceUnavailable()

    # -- public methods ---------------------------------------------------------------------
    def _pair(self, params: Params) -> PairInfo:
        info = self.venue.pairs.get(params.get("pair", ""))
        if info is None:
            raise KrakenError(errors.UNKNOWN_PAIR)
        return info

    def time(self, _params: Params) -> dict[str, Any]:
        now = self.venue.sim_now
        return {"unixtime": int(now), "rfc1123": formatdate(now, usegmt=True)}

    def status(self, _params: Params) -> dict[str, Any]:
        return {"status": "online", "timestamp": wire.rfc3339(self.venue.sim_now, 0)}

    def asset_pairs(self, params: Params) -> dict[str, Any]:
        settings = self.venue.settings
        wanted = [n for n in params.get("pair", "").split(",") if n]
        infos = [self.venue.pairs.get(n) for n in wanted] if wanted else list(self.venue.pairs)
        if any(i is None for i in infos):
            raise KrakenError(errors.UNKNOWN_PAIR)
        return {i.name: asset_pair_entry(i, settings.maker_fee, settings.taker_fee)
                for i in infos if i is not None}

    def ohlc(self, params: Params) -> dict[str, Any]:
        info = self._pair(params)
        tf = self.venue.settings.timeframe_minutes
        try:
            interval = int(params.get("interval") or tf)
            since = int(float(params["since"])) if params.get("since") else None
        except ValueError:
            raise KrakenError(errors.INVALID_ARGUMENTS) from None
        if interval not in KRAKEN_INTERVALS or interval % tf:
            raise KrakenError(errors.INVALID_ARGUMENTS)
        market = self.venue.market
        bars = market.closed(info.symbol) + [market.current(info.symbol)]
        if interval != tf:
            bars = _aggregate(bars, interval * 60)
        committed = bars[-2].ts if len(bars) > 1 else bars[-1].ts - interval * 60
        rows = [b for b in bars if since is None or b.ts > since][-OHLC_MAX_ROWS:]
        if not rows or rows[-1] is not bars[-1]:
            rows = (rows + [bars[-1]])[-OHLC_MAX_ROWS:]
        return {info.name: [wire.ohlc_row(b, info) for b in rows], "last": committed}

    def depth(self, params: Params) -> dict[str, Any]:
        info = self._pair(params)
        try:
            count = int(params.get("count") or 100)
        except ValueError:
            raise KrakenError(errors.INVALID_ARGUMENTS) from None
        book, ts = self.venue.books[info.symbol], int(self.venue.sim_now)
        sides = {}
        for key, side in (("asks", ASK), ("bids", BID)):
            levels = wire.levels_text(book.top(side, max(1, min(count, 500))), info)
            sides[key] = [[p, q, ts] for p, q in levels]
        return {info.name: sides}

    def ticker(self, params: Params) -> dict[str, Any]:
        info = self._pair(params)
        market, book = self.venue.market, self.venue.books[info.symbol]
        day = (market.closed(info.symbol) + [market.current(info.symbol)])[
            -(86400 // self.venue.interval_s):]
        pd = info.pair_decimals
        volume = sum(b.volume for b in day)
        vwap = sum(b.vwap * b.volume for b in day) / volume if volume else day[-1].close
        (ask_p, ask_q), = wire.levels_text(book.top(ASK, 1), info) or [("0", "0")]
        (bid_p, bid_q), = wire.levels_text(book.top(BID, 1), info) or [("0", "0")]
        num = lambda x: f"{x:.{pd}f}"  # noqa: E731
        vol = f"{volume:.{info.lot_decimals}f}"
        return {info.name: {
            "a": [ask_p, "1", ask_q], "b": [bid_p, "1", bid_q],
            "c": [num(market.last_price(info.symbol)), "0.00000000"], "v": [vol, vol],
            "p": [num(vwap), num(vwap)], "t": [sum(b.trades for b in day)] * 2,
            "l": [num(min(b.low for b in day))] * 2, "h": [num(max(b.high for b in day))] * 2,
            "o": num(day[0].open)}}
