"""WebSocket v2 (``/v2``): subscriptions, acks, ``ohlc`` / ``book`` streams and heartbeats.

Protocol, as Kraken's public v2 endpoint speaks it:
- on connect the server sends ``{"channel":"status","type":"update","data":[{...,"system":
  "online","api_version":"v2"}]}``;
- ``{"method":"subscribe","params":{"channel":"ohlc"|"book"|"heartbeat","symbol":[...],
  "interval":N,"depth":N,"snapshot":bool},"req_id":N}`` gets one ack per symbol
  (``{"method":"subscribe","result":{"channel",...,"symbol"},"success":true,"time_in",
  "time_out","req_id"}``) followed by a snapshot; unknown pairs get ``success: false`` and
  ``"error":"Currency pair not supported <SYM>"``, a repeated subscription ``"Already
  subscribed"``; ``unsubscribe`` mirrors it (``"Subscription Not Found"``);
- ``{"method":"ping","req_id":N}`` -> ``{"method":"pong","req_id":N,...}``;
- ``{"channel":"heartbeat"}`` about once a second to every connection with a subscription.

Caveats: ``ohlc`` supports only the configured ``trading.timeframe_minutes`` interval; ``book``
accepts depths 10, 25, 100, 500 and 1000 but holds about ``book_depth + 10`` levels (>= 35).
A client whose outgoing queue exceeds ``QUEUE_MAX`` messages is disconnected (slow consumer).
The ohlc snapshot carries the last ``OHLC_SNAPSHOT_BARS`` candles (closed ones and the
forming one); updates carry the forming candle, preceded by the final state of a candle
that just closed if that was not sent yet.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import WSCloseCode, WSMsgType, web

from trading.exchange.sim import wire
from trading.exchange.sim.faults import Faults
from trading.exchange.sim.market import Change
from trading.exchange.sim.orderbook import ASK, BID, depth_diff
from trading.exchange.sim.venue import BookStep, Venue

logger = logging.getLogger(__name__)
QUEUE_MAX = 2000
CLOSE_WAIT_S = 2.0
OHLC_SNAPSHOT_BARS = 10
BOOK_DEPTHS = (10, 25, 100, 500, 1000)
HEARTBEAT = b'{"channel":"heartbeat"}'
_ids = itertools.count(1)


@dataclass(eq=False)
class Conn:
    ws: web.WebSocketResponse
    queue: asyncio.Queue[str | bytes] = field(default_factory=lambda: asyncio.Queue(QUEUE_MAX))
    ohlc: set[str] = field(default_factory=set)
    book: dict[str, int] = field(default_factory=dict)
    heartbeat: bool = False
    conn_id: int = field(default_factory=lambda: next(_ids))

    @property
    def subscribed(self) -> bool:
        return bool(self.ohlc or self.book or self.heartbeat)


class Hub:
    def __init__(self, venue: Venue, faults: Faults) -> None:
        self.venue, self.faults = venue, faults
        self.conns: set[Conn] = set()
        self.interval_min = venue.settings.timeframe_minutes

    # -- sending ----------------------------------------------------------------------------
    def send(self, conn: Conn, msg: str | bytes) -> None:
        try:
            conn.queue.put_nowait(msg)
        except asyncio.QueueFull:
            logger.warning("ws client %d too slow; disconnecting", conn.conn_id)
            self.conns.discard(conn)
            asyncio.ensure_future(conn.ws.close(code=WSCloseCode.TRY_AGAIN_LATER))

    async def _writer(self, conn: Conn) -> None:
        try:
            while True:
                msg = await conn.queue.get()
                await conn.ws.send_str(msg.decode() if isinstance(msg, bytes) else msg)
        except (ConnectionError, RuntimeError) as err:
            logger.debug("ws client %d gone: %s", conn.conn_id, err)

    async def drop_all(self) -> int:
        """Close every connection (the ``drop_ws`` fault and shutdown)."""
        conns, self.conns = list(self.conns), set()
        closing = [conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"dropped")
                   for conn in conns]
        if closing:
            await asyncio.wait([asyncio.ensure_future(c) for c in closing], timeout=CLOSE_WAIT_S)
        return len(conns)

    # -- streams ----------------------------------------------------------------------------
    def watched_books(self) -> dict[str, int]:
        watched: dict[str, int] = {}
        for conn in self.conns:
            for symbol, depth in conn.book.items():
                watched[symbol] = max(watched.get(symbol, 0), depth)
        return {s: min(d, self.venue.book_levels) for s, d in watched.items()}

    def publish_ohlc(self, changes: list[Change]) -> None:
        for change in changes:
            subs = [c for c in self.conns if change.symbol in c.ohlc]
            if not subs or not change.bars:
                continue
            info = self.venue.pairs.pairs[change.symbol]
            msg = wire.ohlc_message("update", change.bars, info, self.interval_min,
                                    self.venue.sim_now)
            for conn in subs:
                self.send(conn, msg)

    def _crc(self, symbol: str, bids: list[wire.Level], asks: list[wire.Level]) -> int:
        crc = wire.checksum(bids, asks)
        if self.faults.take_corrupt(symbol):
            logger.info("sending a corrupt checksum for %s (fault)", symbol)
            crc ^= 0x5A5A5A5A
        return crc

    def publish_books(self, steps: dict[str, BookStep]) -> None:
        for symbol, step in steps.items():
            subs = [(c, min(c.book[symbol], self.venue.book_levels))
                    for c in self.conns if symbol in c.book]
            info, book = self.venue.pairs.pairs[symbol], self.venue.books[symbol]
            msgs: dict[int, str] = {}
            crc: int | None = None
            for depth in sorted({d for _, d in subs}):
                bids = depth_diff(step.old_bids[:depth], step.new_bids[:depth], book.sides[BID])
                asks = depth_diff(step.old_asks[:depth], step.new_asks[:depth], book.sides[ASK])
                if not bids and not asks:
                    continue
                if crc is None:
                    crc = self._crc(symbol, wire.levels_text(step.new_bids[:10], info),
                                    wire.levels_text(step.new_asks[:10], info))
                msgs[depth] = wire.book_message(
                    "update", symbol, wire.levels_text(bids, info), wire.levels_text(asks, info),
                    crc, self.venue.sim_now)
            for conn, depth in subs:
                if depth in msgs:
                    self.send(conn, msgs[depth])

    def heartbeat(self) -> None:
        for conn in list(self.conns):
            if conn.subscribed:
                self.send(conn, HEARTBEAT)

    # -- snapshots --------------------------------------------------------------------------
    def ohlc_snapshot(self, symbol: str) -> str:
        info = self.venue.pairs.pairs[symbol]
        bars = self.venue.market.closed(symbol)[-(OHLC_SNAPSHOT_BARS - 1):]
        bars.append(self.venue.market.current(symbol))
        return wire.ohlc_message("snapshot", bars, info, self.interval_min, self.venue.sim_now)

    def book_snapshot(self, symbol: str, depth: int) -> str:
        info, book = self.venue.pairs.pairs[symbol], self.venue.books[symbol]
        depth = min(depth, self.venue.book_levels)
        bids = wire.levels_text(book.top(BID, depth), info)
        asks = wire.levels_text(book.top(ASK, depth), info)
        return wire.book_message("snapshot", symbol, bids, asks, self._crc(symbol, bids, asks),
                                 self.venue.sim_now)

    # -- requests ---------------------------------------------------------------------------
    def _subscribe_one(self, conn: Conn, channel: str, symbol: str,
                       params: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        if self.venue.pairs.by_symbol(symbol) is None:
            return None, f"Currency pair not supported {symbol}"
        snapshot = params.get("snapshot", True) is not False
        if channel == "ohlc":
            interval = params.get("interval", self.interval_min)
            if interval != self.interval_min:
                return None, f"Unsupported interval {interval}"
            if symbol in conn.ohlc:
                return None, "Already subscribed"
            conn.ohlc.add(symbol)
            return {"channel": "ohlc", "interval": interval, "snapshot": snapshot,
                    "symbol": symbol}, None
        depth = params.get("depth", 10)
        if depth not in BOOK_DEPTHS:
            return None, f"Invalid depth {depth}"
        if symbol in conn.book:
            return None, "Already subscribed"
        conn.book[symbol] = depth
        return {"channel": "book", "depth": depth, "snapshot": snapshot, "symbol": symbol}, None

    def _unsubscribe_one(self, conn: Conn, channel: str,
                         symbol: str) -> tuple[dict[str, Any] | None, str | None]:
        subs: Any = conn.ohlc if channel == "ohlc" else conn.book
        if symbol not in subs:
            return None, "Subscription Not Found"
        result: dict[str, Any] = {"channel": channel, "symbol": symbol}
        if channel == "ohlc":
            conn.ohlc.discard(symbol)
            result["interval"] = self.interval_min
        else:
            result["depth"] = conn.book.pop(symbol)
        return result, None

    def _on_channel(self, conn: Conn, method: str, params: dict[str, Any], req_id: Any,
                    t_in: float) -> None:
        channel = params.get("channel")
        if channel == "heartbeat":
            conn.heartbeat = method == "subscribe"
            self.send(conn, wire.ack(method, {"channel": "heartbeat"}, t_in, time.time(), req_id))
            return
        symbols = params.get("symbol")
        if channel not in ("ohlc", "book") or not isinstance(symbols, list) or not symbols:
            error = "Invalid channel" if channel not in ("ohlc", "book") else "Missing symbol"
            self.send(conn, wire.ack(method, None, t_in, time.time(), req_id, error=error))
            return
        for symbol in symbols:
            symbol = str(symbol)
            if method == "subscribe":
                result, error = self._subscribe_one(conn, channel, symbol, params)
            else:
                result, error = self._unsubscribe_one(conn, channel, symbol)
            self.send(conn, wire.ack(method, result, t_in, time.time(), req_id, error, symbol))
            if method == "subscribe" and result is not None and result["snapshot"]:
                self.send(conn, self.ohlc_snapshot(symbol) if channel == "ohlc"
                          else self.book_snapshot(symbol, result["depth"]))

    def on_text(self, conn: Conn, text: str) -> None:
        t_in = time.time()
        try:
            req = orjson.loads(text)
            method = req["method"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            self.send(conn, orjson.dumps({"error": "Malformed request", "success": False,
                                          "time_in": wire.rfc3339(t_in),
                                          "time_out": wire.rfc3339(time.time())}))
            return
        req_id = req.get("req_id")
        if method == "ping":
            self.send(conn, wire.ack("pong", None, t_in, time.time(), req_id))
        elif method in ("subscribe", "unsubscribe") and isinstance(req.get("params"), dict):
            self._on_channel(conn, method, req["params"], req_id, t_in)
        else:
            self.send(conn, wire.ack(str(method), None, t_in, time.time(), req_id,
                                     error=f"Method not found {method}"))

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The ``/v2`` endpoint."""
        ws = web.WebSocketResponse(heartbeat=None, autoping=True)
        await ws.prepare(request)
        conn = Conn(ws)
        self.conns.add(conn)
        writer = asyncio.ensure_future(self._writer(conn))
        self.send(conn, orjson.dumps({"channel": "status", "type": "update", "data": [{
            "version": "2.0.0", "system": "online", "api_version": "v2",
            "connection_id": conn.conn_id}]}))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.on_text(conn, msg.data)
        finally:
            self.conns.discard(conn)
            writer.cancel()
        return ws
