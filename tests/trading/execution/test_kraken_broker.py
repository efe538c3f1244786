"""KrakenBroker against the real emulator (in a thread of this process) and a few stubs."""
from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import free_port
from trading.exchange.errors import KrakenUnavailable
from trading.exchange.nonce import NonceSource
from trading.exchange.ratelimit import CallCounter
from trading.exchange.rest import KrakenREST
from trading.exchange.sim.keys import load_or_create_keys
from trading.exchange.sim.server import SimServer
from trading.exchange.sim.venue import SimSettings
from trading.exchange.symbols import PairMap
from trading.execution.broker import BrokerError, OrderOutcomeUnknown, OrderRequest
from trading.execution.kraken_broker import KrakenBroker
from trading.execution.states import OrderState

D = Decimal
SETTINGS = SimSettings(pairs=("BTC/USD", "ETH/USD"), history_bars=100, bar_seconds=60.0)


class Sim:
    """The emulator on 127.0.0.1:<free port>, its asyncio loop in a daemon thread."""

    def __init__(self, home: Path) -> None:
        self.home, self.port = home, free_port()
        self.key, self.secret = load_or_create_keys(home / "sim-keys.json")
        self.server = SimServer(SETTINGS, self.key, self.secret, port=self.port)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(15)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def fault(self, **body: Any) -> None:
        assert requests.post(self.url + "/_sim/fault", json=body, timeout=5).status_code == 200

    def state(self) -> dict[str, Any]:
        return requests.get(self.url + "/_sim/state", timeout=5).json()

    def orders(self, cl_ord_id: str) -> list[dict[str, Any]]:
        return [o for o in self.state()["orders"] if o["cl_ord_id"] == cl_ord_id]

    def rest(self, timeout_s: float = 5.0) -> KrakenREST:
        return KrakenREST(base_url=self.url, key=self.key, secret=self.secret,
                          nonce=NonceSource(self.home / "nonce"), timeout_s=timeout_s,
                          counter=CallCounter(max_count=1000, decay_per_s=1000))

    def broker(self, timeout_s: float = 5.0) -> KrakenBroker:
        rest = self.rest(timeout_s)
        return KrakenBroker(rest, rest.asset_pairs(), timeout_s=5.0, poll_s=0.05)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Sim]:
    s = Sim(tmp_path)
    yield s
    s.stop()


def buy(qty: str, pair: str = "BTC/USD", side: str = "buy") -> OrderRequest:
    return OrderRequest(str(uuid.uuid4()), pair, side, D(qty), "entry")


def assert_fills_match_the_emulator(sim: Sim, result: Any) -> None:
    (order,) = sim.orders(result.cl_ord_id)
    trades = [t for t in sim.state()["trades"] if t["ordertxid"] == order["txid"]]
    assert result.txid == order["txid"] and len(trades) >= 1
    assert [(f.fill_id, f.qty, f.price, f.fee, f.ts, f.side) for f in result.fills] == [
        (t["trade_id"], D(t["vol"]), D(t["price"]), D(t["fee"]), round(t["time"] * 1000),
         t["type"]) for t in trades]
    assert result.filled_qty == D(order["vol_exec"]) == D(order["volume"])
    assert all(f.pair == "BTC/USD" and f.cl_ord_id == result.cl_ord_id for f in result.fills)


def test_market_buy_is_filled_with_the_emulators_trades(sim: Sim) -> None:
    broker = sim.broker()
    result = broker.place(buy("0.001"))
    assert result.state == OrderState.FILLED and result.reason is None
    assert_fills_match_the_emulator(sim, result)
    assert broker.query(result.cl_ord_id) == result
    fill = result.fills[0]
    usd = D("10000") - D(fill.qty) * D(fill.price) - D(fill.fee)
    balances = broker.balances()
    assert balances["BTC"] == D("0.001") == D(sim.state()["balances"]["XXBT"])
    assert balances["USD"] == usd.quantize(D("0.0001"), ROUND_DOWN)  # Kraken shows 4 decimals
    assert balances["ETH"] == 0 and not {"XXBT", "ZUSD", "XETH"} & set(balances)
    sold = broker.place(buy("0.001", side="sell"))
    assert sold.state == OrderState.FILLED and sold.fills[0].side == "sell"
    assert broker.balances()["BTC"] == 0


def test_refusals_are_rejected_with_krakens_text(sim: Sim) -> None:
    broker = sim.broker()
    cases = [(buy("0.00001"), "EOrder:Order minimum not met"),      # ordermin 0.00005
             (buy("1"), "EOrder:Insufficient funds"),              # ~65000 USD > 10000
             (buy("0.000000001"), "EGeneral:Invalid arguments:volume"),
             (buy("0.01", side="sell"), "EOrder:Insufficient funds"),
             (buy("1", pair="DOGE/EUR"), "EQuery:Unknown asset pair")]
    for request, text in cases:
        result = broker.place(request)
        assert (result.state, result.reason, result.fills) == (OrderState.REJECTED, text, ())
        assert broker.query(request.cl_ord_id) is None
    assert sim.state()["orders"] == []


@pytest.mark.parametrize(("error", "unknown"), [
    ("EService:Unavailable", True), ("EService:Busy", True), ("EGeneral:Internal error", True),
    ("EAPI:Rate limit exceeded", False), ("EFunding:Insufficient funds", False),
    ("EGeneral:Invalid arguments", False)])
def test_kraken_errors_are_refusals_or_unknown(sim: Sim, error: str, unknown: bool) -> None:
    broker = sim.broker()
    sim.fault(reject_private={"count": 1, "error": error})
    request = buy("0.001")
    if unknown:
        with pytest.raises(OrderOutcomeUnknown, match=error):
            broker.place(request)
    else:
        result = broker.place(request)
        assert (result.state, result.reason) == (OrderState.REJECTED, error)
    assert broker.query(request.cl_ord_id) is None   # it never reached the matching engine


def test_dropped_response_is_unknown_and_query_finds_the_executed_order(sim: Sim) -> None:
    broker = sim.broker(timeout_s=1.0)
    sim.fault(drop_addorder_response=1)
    request = buy("0.002")
    with pytest.raises(OrderOutcomeUnknown, match="AddOrder"):
        broker.place(request)
    assert len(sim.orders(request.cl_ord_id)) == 1        # executed, never answered
    result = broker.query(request.cl_ord_id)
    assert result is not None and result.state == OrderState.FILLED
    assert_fills_match_the_emulator(sim, result)
    assert len(sim.orders(request.cl_ord_id)) == 1        # nothing was resent


def test_delay_beyond_the_timeout_is_unknown(sim: Sim) -> None:
    broker = sim.broker(timeout_s=0.5)
    sim.fault(delay_ms=2000)
    request = buy("0.001")
    with pytest.raises(OrderOutcomeUnknown, match="AddOrder"):
        broker.place(request)
    sim.fault(delay_ms=0)
    # The emulator drops a request whose client has gone: the order never reached the engine,
    # so query says None (and the late request, if it were processed, would now fail on its
    # older nonce).
    assert broker.query(request.cl_ord_id) is None
    assert sim.orders(request.cl_ord_id) == []


def test_query_and_cancel_of_unknown_ids(sim: Sim) -> None:
    broker = sim.broker()
    assert broker.query(str(uuid.uuid4())) is None
    assert broker.cancel(str(uuid.uuid4())) is None


def test_cancel_an_open_order_and_a_filled_one(sim: Sim) -> None:
    broker = sim.broker()
    cl = str(uuid.uuid4())
    broker.rest.add_order("BTC/USD", "buy", "limit", "0.001", price="1000.0", cl_ord_id=cl)
    before = broker.query(cl)
    assert before is not None and (before.state, before.fills) == (OrderState.OPEN, ())
    after = broker.cancel(cl)
    assert after is not None and (after.state, after.reason) == (OrderState.CANCELLED,
                                                                 "User requested")
    filled = broker.place(buy("0.001"))
    assert broker.cancel(filled.cl_ord_id) == filled    # EOrder:Unknown order -> just query


def test_unreachable_exchange(tmp_path: Path) -> None:
    port = free_port()     # nothing listens there
    rest = KrakenREST(base_url=f"http://127.0.0.1:{port}", key="k", secret="c2VjcmV0",
                      nonce=NonceSource(tmp_path / "nonce"), timeout_s=1.0, max_attempts=1)
    broker = KrakenBroker(rest, PairMap.from_asset_pairs(
        {"XXBTZUSD": {"altname": "XBTUSD", "wsname": "XBT/USD", "base": "XXBT", "quote": "ZUSD"}}))
    with pytest.raises(OrderOutcomeUnknown):
        broker.place(buy("0.001"))
    with pytest.raises(OrderOutcomeUnknown):
        broker.query("x")
    with pytest.raises(BrokerError):
        broker.balances()
    assert broker.place(buy("1", pair="BTC/EUR")).reason == "EQuery:Unknown asset pair"


# -- read-back after AddOrder, with a stub client --------------------------------------------
class StubRest:
    """AddOrder succeeds; QueryOrders answers from ``records`` in turn (or raises)."""

    def __init__(self, records: list[dict[str, Any] | Exception]) -> None:
        self.records, self.queries = records, 0
        self.trades = {"T1": {"vol": "0.5", "price": "100.0", "fee": "0.2", "time": 1.5,
                              "type": "buy", "ordertxid": "O1"}}

    def add_order(self, *_a: Any, **_k: Any) -> Any:
        from trading.exchange.rest import AddOrderResult
        return AddOrderResult(txids=["O1"])

    def query_orders(self, txids: list[str], trades: bool = False) -> dict[str, Any]:
        record = self.records[min(self.queries, len(self.records) - 1)]
        self.queries += 1
        if isinstance(record, Exception):
            raise record
        return {"O1": record}

    def trades_history(self, start: Any = None, ofs: Any = None) -> dict[str, Any]:
        return self.trades


def record(status: str, vol_exec: str, trades: list[str]) -> dict[str, Any]:
    return {"status": status, "vol": "1.0", "vol_exec": vol_exec, "opentm": 1.0,
            "trades": trades, "descr": {"pair": "XBTUSD"}}


def stub_broker(rest: StubRest) -> KrakenBroker:
    pairs = PairMap.from_asset_pairs(
        {"XXBTZUSD": {"altname": "XBTUSD", "wsname": "XBT/USD", "base": "XXBT", "quote": "ZUSD"}})
    clock = iter(float(i) for i in range(1000))
    return KrakenBroker(rest, pairs, timeout_s=5.0, poll_s=0.01,  # type: ignore[arg-type]
                        sleep=lambda _s: None, monotonic=lambda: next(clock))


def test_place_polls_until_final_then_reports_partial_at_the_deadline() -> None:
    rest = StubRest([record("open", "0", []), record("open", "0.5", ["T1"]),
                     record("canceled", "0.5", ["T1"])])
    result = stub_broker(rest).place(buy("1"))
    assert (result.state, result.txid, result.filled_qty) == (OrderState.CANCELLED, "O1", D("0.5"))
    assert rest.queries == 3
    slow = StubRest([record("open", "0.5", ["T1"])])
    result = stub_broker(slow).place(buy("1"))
    assert result.state == OrderState.PARTIALLY_FILLED and slow.queries == 5  # 5 s deadline


def test_read_back_failure_reports_open_with_the_txid() -> None:
    rest = StubRest([KrakenUnavailable("timeout", "QueryOrders")])
    result = stub_broker(rest).place(buy("1"))
    assert (result.state, result.txid, result.fills) == (OrderState.OPEN, "O1", ())
    assert result.reason is not None and "timeout" in result.reason
