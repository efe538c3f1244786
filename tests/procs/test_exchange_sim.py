"""The real ``exchange-sim`` process, talked to with plain requests / websocket-client."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import websocket

from config import REPO_ROOT
from tests.conftest import Instance, free_port
from tests.polling import poll
from tests.trading.exchange.sim.reference import ReferenceBook
from trading.exchange import kraken_signature

BAR_SECONDS = 0.2


def start(home: Path, **env: str) -> tuple[subprocess.Popen[str], Instance]:
    inst = Instance.new(home=home, BOT__SIM__BAR_SECONDS=str(BAR_SECONDS), **env)
    proc = subprocess.Popen([sys.executable, "-m", "procs.exchange_sim"], cwd=REPO_ROOT,
                            env=inst.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc, inst


class Sim:
    """A client for one running emulator, signing like Kraken's own clients do."""

    def __init__(self, port: int, home: Path) -> None:
        self.base, self.ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/v2"
        keys = json.loads((home / "sim-keys.json").read_text())
        self.key, self.secret = keys["key"], keys["secret"]
        self._nonce = time.time_ns() // 1000

    def nonce(self) -> int:
        self._nonce += 1
        return self._nonce

    def public(self, method: str, **params: Any) -> dict[str, Any]:
        return requests.get(f"{self.base}/0/public/{method}", params=params, timeout=5).json()

    def private(self, method: str, timeout: float = 5, key: str | None = None,
                sign: str | None = None, nonce: int | None = None, **fields: Any) -> Any:
        path = f"/0/private/{method}"
        body = urllib.parse.urlencode({"nonce": nonce or self.nonce(), **fields})
        headers = {"API-Key": key or self.key,
                   "API-Sign": sign or kraken_signature(path, body, self.secret),
                   "Content-Type": "application/x-www-form-urlencoded"}
        return requests.post(self.base + path, data=body, headers=headers,
                             timeout=timeout).json()

    def state(self) -> dict[str, Any]:
        return requests.get(f"{self.base}/_sim/state", timeout=5).json()

    def fault(self, body: Any) -> requests.Response:
        return requests.post(f"{self.base}/_sim/fault", json=body, timeout=5)

    def ws(self, *subs: dict[str, Any]) -> websocket.WebSocket:
        conn = websocket.create_connection(self.ws_url, timeout=5)
        assert json.loads(conn.recv())["channel"] == "status"
        for i, params in enumerate(subs):
            conn.send(json.dumps({"method": "subscribe", "params": params, "req_id": i + 1}))
        return conn


def ready(sim: Sim) -> bool:
    try:
        return not sim.public("Time")["error"]
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    home = tmp_path_factory.mktemp("sim")
    proc, inst = start(home)
    try:
        poll(lambda: (home / "sim-keys.json").exists() or proc.poll() is not None, 15, "keys")
        client = Sim(int(inst.env["BOT__SIM__PORT"]), home)
        poll(lambda: ready(client) or proc.poll() is not None, 15, "emulator up")
        assert proc.poll() is None, proc.communicate()[1]
        yield client
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)


def book_messages(conn: websocket.WebSocket, symbol: str, seconds: float) -> Iterator[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = conn.recv()
        if text.startswith('{"channel":"book"') and f'"symbol":"{symbol}"' in text:
            yield text


# -- REST ------------------------------------------------------------------------------------
def test_ohlc_backfill_shape_and_cursor(sim: Sim) -> None:
    out = sim.public("OHLC", pair="XBTUSD", interval=1)
    assert out["error"] == [] and set(out["result"]) == {"XXBTZUSD", "last"}
    rows = out["result"]["XXBTZUSD"]
    assert len(rows) == 720
    assert [b[0] - a[0] for a, b in zip(rows, rows[1:])] == [60] * 719
    assert all(r[0] % 60 == 0 and len(r) == 8 for r in rows)
    assert out["result"]["last"] == rows[-2][0]  # the last row is the forming bar
    assert all(float(r[3]) <= float(x) <= float(r[2]) for r in rows for x in (r[1], r[4]))
    assert rows[-1][1].count(".") == 1 and len(rows[-1][1].split(".")[1]) == 1
    last = out["result"]["last"]
    newer = poll(lambda: (o := sim.public("OHLC", pair="BTC/USD", since=last))["result"]["last"]
                 > last and o, 5, "a new committed bar")
    assert newer["result"]["XXBTZUSD"][0][0] > last
    assert sim.public("OHLC", pair="NOPE")["error"] == ["EQuery:Unknown asset pair"]


def test_asset_pairs_and_depth(sim: Sim) -> None:
    pairs = sim.public("AssetPairs")["result"]
    assert {"XXBTZUSD", "XETHZUSD", "SOLUSD", "XXRPZUSD", "ADAUSD", "DOTUSD", "LINKUSD",
            "XLTCZUSD"} == set(pairs)
    btc = pairs["XXBTZUSD"]
    assert (btc["altname"], btc["wsname"], btc["pair_decimals"], btc["lot_decimals"],
            btc["ordermin"]) == ("XBTUSD", "XBT/USD", 1, 8, "0.00005")
    depth = sim.public("Depth", pair="XBTUSD", count=5)["result"]["XXBTZUSD"]
    assert len(depth["asks"]) == len(depth["bids"]) == 5
    assert float(depth["bids"][0][0]) < float(depth["asks"][0][0])


def test_private_calls_signed_with_the_key_file(sim: Sim) -> None:
    assert sim.private("Balance")["result"]["ZUSD"] == "10000.0000"
    assert sim.private("Balance", sign="AAAA")["error"] == ["EAPI:Invalid signature"]
    assert sim.private("Balance", key="nope")["error"] == ["EAPI:Invalid key"]
    assert sim.private("Balance", nonce=1)["error"] == ["EAPI:Invalid nonce"]
    checked = sim.private("AddOrder", pair="XBTUSD", type="buy", ordertype="market",
                          volume="0.001", validate="true")
    assert checked == {"error": [],
                       "result": {"descr": {"order": "buy 0.00100000 XBTUSD @ market"}}}
    assert sim.state()["orders"] == []
    assert sim.private("AddOrder", pair="XBTUSD", type="buy", ordertype="market",
                       volume="0.00001")["error"] == ["EOrder:Order minimum not met"]
    placed = sim.private("AddOrder", pair="XBTUSD", type="buy", ordertype="market",
                         volume="0.001", cl_ord_id="itest-1")["result"]
    (txid,) = placed["txid"]
    info = sim.private("QueryOrders", txid=txid)["result"][txid]
    assert info["status"] == "closed" and info["cl_ord_id"] == "itest-1"
    state = sim.state()
    assert [(o["txid"], o["cl_ord_id"]) for o in state["orders"]] == [(txid, "itest-1")]
    assert state["trades"][0]["ordertxid"] == txid
    assert Decimal(state["balances"]["XXBT"]) == Decimal("0.001")


# -- WebSocket v2 ----------------------------------------------------------------------------
def test_ohlc_subscription_snapshot_and_updates(sim: Sim) -> None:
    conn = sim.ws({"channel": "ohlc", "symbol": ["BTC/USD", "ETH/USD"], "interval": 1})
    try:
        acks, snaps, begins = [], [], set()
        deadline = time.monotonic() + 10
        while len(begins) < 3 and time.monotonic() < deadline:
            msg = json.loads(conn.recv(), parse_float=Decimal)
            if msg.get("method") == "subscribe":
                acks.append(msg)
            elif msg.get("channel") == "ohlc" and msg["type"] == "snapshot":
                snaps.append(msg)
            elif msg.get("channel") == "ohlc":
                begins.update(c["interval_begin"] for c in msg["data"] if c["symbol"] == "BTC/USD")
        assert [(a["success"], a["result"]["symbol"], a["result"]["interval"], a["req_id"])
                for a in acks] == [(True, "BTC/USD", 1, 1), (True, "ETH/USD", 1, 1)]
        assert len(snaps) == 2
        candle = snaps[0]["data"][-1]
        assert set(candle) == {"symbol", "open", "high", "low", "close", "vwap", "trades",
                               "volume", "interval_begin", "interval", "timestamp"}
        assert candle["interval_begin"].endswith(":00.000000000Z")
        assert len(begins) >= 3, "no new interval_begin within the deadline"
    finally:
        conn.close()


def test_book_snapshot_and_updates_verify_with_the_checksum(sim: Sim) -> None:
    conn = sim.ws({"channel": "book", "symbol": ["BTC/USD", "ADA/USD"], "depth": 10},
                  {"channel": "book", "symbol": ["ETH/USD"], "depth": 25})
    books = {"BTC/USD": ReferenceBook(10), "ADA/USD": ReferenceBook(10),
             "ETH/USD": ReferenceBook(25)}
    counts = dict.fromkeys(books, 0)
    try:
        deadline = time.monotonic() + 10
        while min(counts.values()) < 15 and time.monotonic() < deadline:
            text = conn.recv()
            if text.startswith('{"channel":"book"'):
                symbol = json.loads(text)["data"][0]["symbol"]
                assert books[symbol].apply_text(text), f"checksum mismatch for {symbol}"
                counts[symbol] += 1
        assert min(counts.values()) >= 15, counts
        assert len(books["ETH/USD"].bids) == 25 and len(books["BTC/USD"].asks) == 10
    finally:
        conn.close()


def test_ping_heartbeat_unsubscribe_and_errors(sim: Sim) -> None:
    conn = sim.ws({"channel": "book", "symbol": ["BTC/XYZ"]})
    try:
        nack = json.loads(conn.recv())
        assert (nack["success"], nack["error"], nack["symbol"]) == (
            False, "Currency pair not supported BTC/XYZ", "BTC/XYZ")
        conn.send(json.dumps({"method": "subscribe", "req_id": 5,
                              "params": {"channel": "ohlc", "symbol": ["SOL/USD"]}}))
        conn.send(json.dumps({"method": "ping", "req_id": 9}))
        seen: dict[str, Any] = {}
        deadline = time.monotonic() + 5
        while not {"pong", "heartbeat"} <= set(seen) and time.monotonic() < deadline:
            msg = json.loads(conn.recv())
            seen[msg.get("method") or msg.get("channel")] = msg
        assert seen["pong"]["req_id"] == 9 and "heartbeat" in seen
        conn.send(json.dumps({"method": "unsubscribe", "req_id": 6,
                              "params": {"channel": "ohlc", "symbol": ["SOL/USD"]}}))
        ack = poll(lambda: (m := json.loads(conn.recv())).get("method") == "unsubscribe" and m,
                   5, "unsubscribe ack")
        assert ack["success"] is True and ack["result"]["symbol"] == "SOL/USD"
    finally:
        conn.close()


# -- faults ----------------------------------------------------------------------------------
def test_drop_ws_closes_every_connection(sim: Sim) -> None:
    conns = [sim.ws({"channel": "book", "symbol": ["BTC/USD"]}) for _ in range(2)]
    assert sim.fault({"drop_ws": True}).json()["ws_dropped"] >= 2

    def closed(conn: websocket.WebSocket) -> bool:
        try:
            return conn.recv() == ""
        except websocket.WebSocketConnectionClosedException:
            return True

    for conn in conns:
        poll(lambda c=conn: closed(c), 5, "connection closed")
        conn.close()


def test_corrupt_checksum_breaks_exactly_the_next_book_message(sim: Sim) -> None:
    conn = sim.ws({"channel": "book", "symbol": ["XRP/USD"], "depth": 10})
    book = ReferenceBook(10)
    try:
        messages = book_messages(conn, "XRP/USD", 10)
        for _ in range(5):
            assert book.apply_text(next(messages))
        assert sim.fault({"corrupt_checksum": "XRP/USD"}).status_code == 200
        results = [book.apply_text(next(messages)) for _ in range(12)]
        assert results.count(False) == 1, results
    finally:
        conn.close()


def test_reject_private_and_delay(sim: Sim) -> None:
    sim.fault({"reject_private": {"count": 2, "error": "EAPI:Rate limit exceeded"}})
    errors = [sim.private("Balance")["error"] for _ in range(3)]
    assert errors == [["EAPI:Rate limit exceeded"]] * 2 + [[]]
    assert sim.fault({"delay_ms": 1200}).status_code == 200
    t0 = time.monotonic()
    assert sim.public("Time")["error"] == []
    assert time.monotonic() - t0 >= 1.1
    assert sim.fault({"delay_ms": 0}).status_code == 200
    t0 = time.monotonic()
    sim.public("Time")
    assert time.monotonic() - t0 < 0.5


def test_dropped_addorder_response_times_out_but_the_order_exists(sim: Sim) -> None:
    sim.fault({"drop_addorder_response": 1})
    with pytest.raises(requests.Timeout):
        sim.private("AddOrder", timeout=1.0, pair="ETHUSD", type="buy", ordertype="limit",
                    price="100.00", volume="0.01", cl_ord_id="ambiguous-1")
    orders = [o for o in sim.state()["orders"] if o["cl_ord_id"] == "ambiguous-1"]
    assert len(orders) == 1 and orders[0]["status"] == "open"
    found = sim.private("OpenOrders", cl_ord_id="ambiguous-1")["result"]["open"]
    assert list(found) == [orders[0]["txid"]]
    again = sim.private("AddOrder", pair="ETHUSD", type="buy", ordertype="limit", price="100.00",
                        volume="0.01", cl_ord_id="ambiguous-1")
    assert again["error"] == ["EOrder:Duplicate cl_ord_id"]


def test_unknown_fault_key_is_400(sim: Sim) -> None:
    bad = sim.fault({"drop_everything": True})
    assert bad.status_code == 400 and "drop_everything" in bad.json()["error"]
    assert requests.post(f"{sim.base}/_sim/fault", data="{", timeout=5).status_code == 400


# -- process lifecycle -----------------------------------------------------------------------
def test_market_source_kraken_exits_0_at_once(tmp_path: Path) -> None:
    proc, _ = start(tmp_path, BOT__MARKET__SOURCE="kraken")
    assert proc.wait(timeout=15) == 0
    assert not (tmp_path / "sim-keys.json").exists()


def test_port_in_use_is_one_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc, _ = start(tmp_path, BOT__SIM__PORT=str(port))
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 1
    lines = [ln for ln in err.splitlines() if not ln.startswith("{")]  # JSON log lines aside
    assert lines == [f"exchange-sim: sim.port = {port}: 127.0.0.1:{port} is already in use "
                     "(another emulator or program?); choose another sim.port"]
    assert "Traceback" not in err


def test_sigterm_stops_with_exit_0(tmp_path: Path) -> None:
    port = free_port()
    proc, _ = start(tmp_path, BOT__SIM__PORT=str(port))
    try:
        poll(lambda: (tmp_path / "sim-keys.json").exists(), 15, "keys")
        client = Sim(port, tmp_path)
        poll(lambda: ready(client) or proc.poll() is not None, 15, "emulator up")
        conn = client.ws({"channel": "ohlc", "symbol": ["BTC/USD"]})
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        conn.close()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
