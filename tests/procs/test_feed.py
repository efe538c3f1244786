"""Emulator + feed as real processes under supervisord: bars and books in shared memory.

Bars must stay contiguous (no gap, no duplicate) across a dropped WebSocket, a corrupt
book checksum and a ``kill -9`` of the feed; every book in shared memory must be one the
emulator published (its checksum is one the emulator sent).
"""
from __future__ import annotations

import os
import signal
import threading
from decimal import Decimal

import numpy as np
import orjson
import pytest
import requests
import websocket

from shared.bars import BarStore
from shared.books import BookStore
from tests.conftest import Instance, poll
from tests.procs.conftest import fault, full_stores, sim_url
from trading.exchange.checksum import book_checksum

pytestmark = pytest.mark.slow


def assert_contiguous(store: BarStore) -> None:
    for pair in store.pairs:
        ts = store.window(pair, store.capacity)[:, 0]
        steps = np.unique(np.diff(ts))
        assert steps.tolist() == [60.0], f"{pair}: steps {steps}"


def bars_advance(store: BarStore, pair: str = "BTC/USD", by: int = 5) -> None:
    start = store.count(pair)
    poll(lambda: store.count(pair) >= start + by, 15.0, f"{by} new {pair} bars")


class BookTap:
    """Our own WebSocket client on the emulator: remembers every checksum it sent."""

    def __init__(self, inst: Instance, pairs: list[str]) -> None:
        self.seen: dict[str, set[int]] = {p: set() for p in pairs}
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{inst.env['BOT__SIM__PORT']}/v2")
        self.ws.send(orjson.dumps({"method": "subscribe", "params": {
            "channel": "book", "symbol": pairs, "depth": 25}}).decode())
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.ws.settimeout(0.5)
        while not self.stop.is_set():
            try:
                msg = orjson.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketException, OSError, orjson.JSONDecodeError):
                return
            if msg.get("channel") == "book":
                for item in msg["data"]:
                    self.seen[item["symbol"]].add(item["checksum"])

    def close(self) -> None:
        self.stop.set()
        self.ws.close()
        self.thread.join(5)


def precisions(inst: Instance) -> dict[str, tuple[int, int]]:
    result = requests.get(sim_url(inst, "/0/public/AssetPairs"), timeout=5).json()["result"]
    return {info["wsname"].replace("XBT/", "BTC/"): (info["pair_decimals"], info["lot_decimals"])
            for info in result.values()}


def shm_checksum(book, decimals: tuple[int, int]) -> int:
    price_dp, qty_dp = decimals

    def levels(rows: np.ndarray) -> list[tuple[Decimal, Decimal]]:
        return [(Decimal(f"{p:.{price_dp}f}"), Decimal(f"{q:.{qty_dp}f}")) for p, q in rows]
    return book_checksum(levels(book.asks[:10]), levels(book.bids[:10]))


def test_bars_and_books_survive_faults_and_kill_9(market: Instance) -> None:
    store = full_stores(market)
    books = BookStore.attach(market.namespace)
    dp = precisions(market)
    tap = None
    try:
        assert_contiguous(store)
        bars_advance(store)

        fault(market, drop_ws=True)
        bars_advance(store)
        assert_contiguous(store)

        fault(market, corrupt_checksum="BTC/USD")
        poll(lambda: "BTC/USD not verified" in (market.home / "logs" / "feed.log").read_text(),
             10.0, "the feed to notice the corrupt checksum")
        bars_advance(store)

        feed = next(p for p in market.supervisor().processes() if p["name"] == "feed")
        before = store.count("BTC/USD")
        os.kill(feed["pid"], signal.SIGKILL)
        poll(lambda: any(p["name"] == "feed" and p["statename"] == "RUNNING"
                         and p["pid"] != feed["pid"] for p in market.supervisor().processes()),
             10.0, "supervisord to restart the feed")
        poll(lambda: store.count("BTC/USD") >= before + 5, 20.0, "bars after the restart")
        assert_contiguous(store)

        tap = BookTap(market, store.pairs)  # after drop_ws, which would close it too
        for pair in store.pairs:
            poll(lambda: (b := books.read(pair)) is not None
                 and shm_checksum(b, dp[pair]) in tap.seen[pair], 10.0,
                 f"{pair}'s shared-memory book to match a checksum the emulator sent")
    finally:
        if tap is not None:
            tap.close()
        books.close()
        store.close()


def test_books_in_shared_memory_are_sane(market: Instance) -> None:
    store = full_stores(market)
    books = BookStore.attach(market.namespace)
    try:
        for pair in store.pairs:
            book = poll(lambda: books.read(pair), 10.0, f"a {pair} book")
            assert len(book.bids) == len(book.asks) == 25
            assert np.all(np.diff(book.bids[:, 0]) < 0) and np.all(np.diff(book.asks[:, 0]) > 0)
            assert book.bids[0, 0] < book.asks[0, 0]
            assert np.all(book.bids[:, 1] > 0) and np.all(book.asks[:, 1] > 0)
            forming = store.forming(pair)
            assert forming is not None and forming[0] > store.last_ts(pair)
    finally:
        books.close()
        store.close()


def ohlc_text(**candle: object) -> str:
    base = {"symbol": "BTC/USD", "open": 65000.1, "high": 65010.0, "low": 64990.0,
            "close": 65005.0, "trades": 3, "volume": 1.5, "vwap": 65001.0,
            "interval_begin": "2020-01-01T00:00:00.000000000Z", "interval": 1,
            "timestamp": "2020-01-01T00:01:00.000000Z"}
    return orjson.dumps({"channel": "ohlc", "type": "update", "data": [base | candle]}).decode()


MALFORMED = [
    '{"channel":"ohlc","type":"update","data":[{"symbol":"BTC/USD","open":6',  # truncated
    '{"channel":"tradez","type":"update","data":[{"symbol":"BTC/USD"}]}',      # unknown channel
    ohlc_text(open="sixty"),                                                  # wrong type
    ohlc_text(high=[1, 2]),                                                   # wrong type
    ohlc_text().replace('"open":65000.1', '"open":NaN'),                      # NaN price
    ohlc_text(low=-5.0),                                                      # negative price
    ohlc_text(),                                                              # out of order (2020)
    '{"channel":"book","type":"update","data":[{"symbol":"ETH/USD","bids":[{"price":-1.0,'
    '"qty":1.0}],"asks":[],"checksum":1,"timestamp":"2020-01-01T00:00:00Z"}]}',  # negative book
    "[]", "null", '"just a string"', "{}",
]


def test_malformed_messages_are_dropped_and_the_feed_keeps_running(market: Instance) -> None:
    store = full_stores(market)
    books = BookStore.attach(market.namespace)
    try:
        feed_pid = next(p["pid"] for p in market.supervisor().processes() if p["name"] == "feed")
        fault(market, send_raw=MALFORMED)
        bars_advance(store)
        assert next(p["pid"] for p in market.supervisor().processes()
                    if p["name"] == "feed") == feed_pid
        assert_contiguous(store)
        for pair in store.pairs:
            window = store.window(pair, store.capacity)
            assert np.all(np.isfinite(window)) and np.all(window[:, 1:5] > 0)
            assert np.all(window[:, 2] >= window[:, 3])
            assert window[0, 0] > 1_700_000_000  # nothing from 2020 got in
        book = poll(lambda: books.read("ETH/USD"), 5.0, "an ETH/USD book")
        assert np.all(book.bids[:, 0] > 0)
        log = (market.home / "logs" / "feed.log").read_text()
        for reason in ("(json)", "unknown channel 'tradez'", "open is not numeric",
                       "price is not positive"):
            assert f"ws dropped a malformed message {reason}" in log or reason in log
    finally:
        books.close()
        store.close()
