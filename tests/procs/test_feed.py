"""Emulator + feed as real processes under supervisord: bars and books in shared memory.

Bars must stay contiguous (no gap, no duplicate) across a dropped WebSocket, a corrupt
book checksum and a ``kill -9`` of the feed; every book in shared memory must be one the
emulator published (its checksum is one the emulator sent).
"""
from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import orjson
import pytest
import requests
import websocket

from shared.bars import BarStore
from shared.books import BookStore
from tests.conftest import Instance, poll
from trading.exchange.checksum import book_checksum

pytestmark = pytest.mark.slow
MIN_BARS = 500
SIM = "bot:exchange-sim"


@pytest.fixture
def market(instance: Instance) -> Iterator[Instance]:
    instance.env["BOT__SIM__BAR_SECONDS"] = "0.25"
    out = instance.make("run")
    assert out.returncode == 0, out.stdout + out.stderr
    yield instance


def sim_url(inst: Instance, path: str) -> str:
    return f"http://127.0.0.1:{inst.env['BOT__SIM__PORT']}{path}"


def fault(inst: Instance, **body: object) -> None:
    assert requests.post(sim_url(inst, "/_sim/fault"), json=body, timeout=5).status_code == 200


def full_stores(inst: Instance) -> BarStore:
    def ready() -> BarStore | None:
        try:
            store = BarStore.attach(inst.namespace)
        except Exception:
            return None
        if all(len(store.window(p, MIN_BARS)) >= MIN_BARS for p in store.pairs):
            return store
        store.close()
        return None
    return poll(ready, 30.0, "500 bars for every pair")


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
