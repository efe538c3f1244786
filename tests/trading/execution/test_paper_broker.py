"""PaperBroker against a real shared-memory BookStore with hand-built books."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from shared import shm
from shared.books import BookStore
from trading.exchange.symbols import PairInfo, PairMap
from trading.execution.broker import OrderRequest
from trading.execution.paper import PaperBroker
from trading.execution.states import OrderState

D = Decimal
NOW = 1_700_000_000.0
ASKS = [[100.0, 0.5], [101.0, 1.0], [103.0, 2.0]]
BIDS = [[99.0, 1.0], [98.5, 1.0]]


def pair(name: str, internal: str, alt: str, ordermin: str) -> PairInfo:
    base, quote = name.split("/")
    return PairInfo(name=name, internal=internal, altname=alt, wsname=name, base=base,
                    quote=quote, pair_decimals=1, lot_decimals=8, cost_decimals=5,
                    ordermin=D(ordermin), costmin=D("0.5"), tick_size=D("0.1"), status="online")


PAIRS = PairMap([pair("BTC/USD", "XXBTZUSD", "XBTUSD", "0.00005"),
                 pair("ETH/USD", "XETHZUSD", "ETHUSD", "0.002"),
                 pair("XRP/USD", "XXRPZUSD", "XRPUSD", "2")])


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def books() -> Iterator[BookStore]:
    namespace = f"t{os.getpid()}{uuid.uuid4().hex[:6]}"
    store = BookStore.create(namespace, ["BTC/USD", "ETH/USD"], depth=5)
    store.write("BTC/USD", BIDS, ASKS, ts=NOW - 1.0)
    yield store
    store.close()
    shm.remove_namespace(namespace)
    assert not shm.segment_names(f"bot.{namespace}.")


def broker(books: BookStore, clock: Clock | None = None, **balances: str) -> PaperBroker:
    start = {k: D(v) for k, v in (balances or {"USD": "1000"}).items()}
    return PaperBroker(books, PAIRS, 0.004, start, clock or Clock(), max_book_age_s=30.0)


def order(qty: str, side: str = "buy", cl: str = "c1", pair_name: str = "BTC/USD"
          ) -> OrderRequest:
    return OrderRequest(cl_ord_id=cl, pair=pair_name, side=side, qty=D(qty), purpose="entry")


def test_buy_walks_the_asks_one_fill_per_level(books: BookStore) -> None:
    b = broker(books)
    res = b.place(order("1.2"))
    assert res.state == OrderState.FILLED and res.txid == "P-c1" and res.reason is None
    assert [(f.fill_id, f.qty, f.price, f.fee) for f in res.fills] == [
        ("P-c1-0", D("0.5"), D("100.0"), D("0.20000")),      # 50 * 0.004
        ("P-c1-1", D("0.7"), D("101.0"), D("0.28280")),      # 70.7 * 0.004
    ]
    assert all(f.ts == int(NOW * 1000) and f.side == "buy" and f.pair == "BTC/USD"
               and f.cl_ord_id == "c1" for f in res.fills)
    cost = sum(f.qty * f.price for f in res.fills)
    assert cost == D("120.7") and cost / res.filled_qty == D("120.7") / D("1.2")  # VWAP 100.58333
    assert b.balances() == {"USD": D("878.8172"), "BTC": D("1.2")}  # 1000 - 120.7 - 0.4828


def test_fee_is_rounded_half_even_to_cost_decimals(books: BookStore) -> None:
    b = broker(books)
    res = b.place(order("0.3333125"))        # 33.33125 * 0.004 = 0.133325: a tie
    assert [(f.price, f.fee) for f in res.fills] == [(D("100.0"), D("0.13332"))]
    assert b.balances()["USD"] == D("966.53543")  # 1000 - 33.33125 - 0.13332


def test_sell_walks_the_bids(books: BookStore) -> None:
    b = broker(books, USD="0", BTC="2")
    res = b.place(order("1.5", side="sell"))
    assert res.state == OrderState.FILLED
    assert [(f.qty, f.price, f.fee) for f in res.fills] == [
        (D("1.0"), D("99.0"), D("0.39600")), (D("0.5"), D("98.5"), D("0.19700"))]
    assert b.balances() == {"USD": D("147.657"), "BTC": D("0.5")}  # 148.25 - 0.593


def test_thin_book_fills_what_is_there_and_cancels_the_rest(books: BookStore) -> None:
    b = broker(books)
    res = b.place(order("5"))
    assert res.state == OrderState.CANCELLED
    assert res.reason is not None and "filled 3.5 of 5" in res.reason
    assert res.filled_qty == D("3.5") and [f.fill_id for f in res.fills] == [
        "P-c1-0", "P-c1-1", "P-c1-2"]
    assert b.balances() == {"USD": D("641.572"), "BTC": D("3.5")}  # 1000 - 357 - 1.428


def test_no_book_stale_book_and_empty_side_are_rejected(books: BookStore) -> None:
    clock = Clock()
    b = broker(books, clock, USD="1000", BTC="1")
    eth = b.place(order("0.01", cl="e", pair_name="ETH/USD"))      # in the store, never written
    xrp = b.place(order("10", cl="x", pair_name="XRP/USD"))        # not in the store at all
    assert (eth.state, eth.reason) == (OrderState.REJECTED, "paper: no order book for ETH/USD")
    assert (xrp.state, xrp.reason) == (OrderState.REJECTED, "paper: no order book for XRP/USD")
    clock.now = NOW + 40.0
    stale = b.place(order("0.01", cl="s"))
    assert stale.state == OrderState.REJECTED and stale.reason is not None
    assert stale.reason.startswith("paper: order book for BTC/USD is stale (41.0 s old")
    books.write("BTC/USD", [], ASKS, ts=clock.now)
    sell = b.place(order("0.01", side="sell", cl="b"))
    assert (sell.state, sell.reason) == (OrderState.REJECTED, "paper: no bids in the BTC/USD book")
    assert b.balances() == {"USD": D("1000"), "BTC": D("1")} and not any(
        r.fills for r in (eth, xrp, stale, sell))


def test_insufficient_funds(books: BookStore) -> None:
    b = broker(books, USD="50", BTC="0.1")
    buy = b.place(order("0.5", cl="b"))      # 50 + 0.2 fee > 50
    sell = b.place(order("0.2", side="sell", cl="s"))
    thin = b.place(order("40", cl="t"))      # the unfilled part is priced at the last level
    assert [(r.state, r.reason) for r in (buy, sell, thin)] == [
        (OrderState.REJECTED, "EOrder:Insufficient funds")] * 3
    assert b.balances() == {"USD": D("50"), "BTC": D("0.1")}
    assert b.place(order("0.498", cl="ok")).state == OrderState.FILLED  # 49.8 + 0.1992


def test_lot_precision_ordermin_costmin_and_bad_input(books: BookStore) -> None:
    b = broker(books)
    cases = {"0.000000001": "EGeneral:Invalid arguments:volume",   # 9 decimals > 8
             "0": "EGeneral:Invalid arguments:volume",
             "-1": "EGeneral:Invalid arguments:volume",
             "0.00004": "EOrder:Order minimum not met",            # < 0.00005
             "0.001": "EOrder:Cost minimum not met"}               # 0.1 USD < 0.5
    for i, (qty, reason) in enumerate(cases.items()):
        res = b.place(order(qty, cl=f"q{i}"))
        assert (res.state, res.reason) == (OrderState.REJECTED, reason), qty
    assert b.place(order("1", side="hold", cl="h")).reason == "EGeneral:Invalid arguments:type"
    assert b.place(order("1", cl="u", pair_name="DOGE/USD")).reason == "EQuery:Unknown asset pair"
    assert b.place(order("0.00500000", cl="ok")).state == OrderState.FILLED  # trailing zeros ok
    assert b.balances()["BTC"] == D("0.005")


def test_query_cancel_and_idempotent_place(books: BookStore) -> None:
    b = broker(books)
    assert b.query("nope") is None and b.cancel("nope") is None
    first = b.place(order("0.6"))
    assert b.query("c1") == first and b.cancel("c1") == first
    again = b.place(order("0.6"))
    assert again == first and b.balances()["BTC"] == D("0.6")
    rejected = b.place(order("100", cl="r"))
    assert b.query("r") == rejected and rejected.state == OrderState.REJECTED


def test_fill_ids_are_deterministic_across_instances(books: BookStore) -> None:
    one, two = broker(books).place(order("1.2")), broker(books).place(order("1.2"))
    assert one.fills == two.fills and [f.fill_id for f in one.fills] == ["P-c1-0", "P-c1-1"]


def test_restore_and_constructor_checks(books: BookStore) -> None:
    b = broker(books)
    b.restore({"ZUSD": "500", "XXBT": D("0.1"), "ETH": 2})
    assert b.balances() == {"USD": D("500"), "BTC": D("0.1"), "ETH": D("2")}
    with pytest.raises(ValueError, match="balance of 'ZUSD'"):
        b.restore({"ZUSD": "-1"})
    assert b.balances()["USD"] == D("500")
    with pytest.raises(ValueError, match="taker_fee"):
        PaperBroker(books, PAIRS, 1.5, {}, Clock())
    with pytest.raises(ValueError, match="max_book_age_s"):
        PaperBroker(books, PAIRS, 0.004, {}, Clock(), max_book_age_s=0)
