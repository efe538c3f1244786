"""The matching engine: fills, fees, balances, Kraken's error strings, cl_ord_id, validate."""
from __future__ import annotations

from decimal import Decimal

import pytest

from trading.exchange.sim import errors
from trading.exchange.sim.errors import KrakenError
from trading.exchange.sim.matching import Engine
from trading.exchange.sim.pairs import PairTable

D = Decimal
PAIRS = PairTable(["BTC/USD", "ETH/USD"])
BOOK = {  # BTC/USD, best first
    "asks": [(D("50000.0"), D("0.10000000")), (D("50010.0"), D("0.20000000")),
             (D("50100.0"), D("1.00000000"))],
    "bids": [(D("49990.0"), D("0.10000000")), (D("49980.0"), D("0.50000000"))],
}


@pytest.fixture
def engine() -> Engine:
    clock = iter(range(1_700_000_000, 1_800_000_000))
    return Engine(PAIRS, maker_fee=0.0025, taker_fee=0.004, start_usd=100_000,
                  levels=lambda _symbol, side: BOOK[side], last_price=lambda _s: 49995.0,
                  now=lambda: float(next(clock)))


def order(**fields: str) -> dict[str, str]:
    return {"pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.1"} | fields


def error_of(engine: Engine, **fields: str) -> str:
    with pytest.raises(KrakenError) as info:
        engine.add_order(order(**fields))
    return info.value.message


def test_market_buy_walks_the_book_and_pays_the_taker_fee(engine: Engine) -> None:
    result = engine.add_order(order(volume="0.25"))
    assert result["descr"] == {"order": "buy 0.25000000 XBTUSD @ market"}
    (txid,) = result["txid"]
    assert len(txid) == 19 and txid[0] == "O" and txid[6] == txid[12] == "-"
    info = engine.query_orders({"txid": txid})[txid]
    cost = D("0.1") * D("50000") + D("0.15") * D("50010")
    assert info["status"] == "closed" and info["vol_exec"] == "0.25000000"
    assert D(info["cost"]) == cost and D(info["fee"]) == (cost * D("0.004")).quantize(D("1e-5"))
    assert D(info["price"]) == (cost / D("0.25")).quantize(D("0.1"))
    bal = engine.balance()
    assert D(bal["XXBT"]) == D("0.25")
    assert D(bal["ZUSD"]) == (D(100_000) - cost - D(info["fee"])).quantize(D("1e-4"))
    (trade,) = engine.trades_history()["trades"].values()
    assert trade["ordertxid"] == txid and trade["maker"] is False and trade["pair"] == "XXBTZUSD"


def test_resting_limit_fills_as_maker_when_the_market_trades_through(engine: Engine) -> None:
    txid = engine.add_order(order(ordertype="limit", price="49900.0", volume="0.1"))["txid"][0]
    assert list(engine.open_orders({})["open"]) == [txid]
    held = engine.balance_ex()["ZUSD"]["hold_trade"]
    assert D(held) == (D("4990") * D("1.004")).quantize(D("1e-4"))
    assert engine.on_trades("BTC/USD", [49950.0, 49901.0]) == 0
    assert engine.on_trades("BTC/USD", [49920.0, 49899.5]) == 1
    info = engine.query_orders({"txid": txid, "trades": "true"})[txid]
    assert info["status"] == "closed" and info["price"] == "49900.0"
    assert D(info["fee"]) == D("4990") * D("0.0025") and len(info["trades"]) == 1
    assert D(engine.balance()["ZUSD"]) == D(100_000) - D("4990") - D("12.475")
    assert engine.closed_orders({})["count"] == 1


def test_crossing_limit_takes_what_is_available_and_rests_the_rest(engine: Engine) -> None:
    txid = engine.add_order(order(ordertype="limit", price="50010.0", volume="0.5"))["txid"][0]
    info = engine.query_orders({"txid": txid})[txid]
    assert info["status"] == "open" and info["vol_exec"] == "0.30000000"
    ioc = engine.add_order(order(ordertype="limit", price="50000.0", volume="0.3",
                                 timeinforce="IOC"))["txid"][0]
    info = engine.query_orders({"txid": ioc})[ioc]
    assert info["status"] == "canceled" and info["vol_exec"] == "0.10000000"


def test_post_only_that_would_take_is_canceled(engine: Engine) -> None:
    txid = engine.add_order(order(ordertype="limit", price="50000.0", oflags="post"))["txid"][0]
    info = engine.query_orders({"txid": txid})[txid]
    assert info["status"] == "canceled" and info["reason"] == "Post only order"
    assert engine.balance()["XXBT"] == "0.0000000000"


def test_sell_needs_the_base_and_credits_quote_minus_fee(engine: Engine) -> None:
    assert error_of(engine, type="sell") == errors.INSUFFICIENT_FUNDS
    engine.add_order(order(volume="0.1"))
    engine.add_order(order(type="sell", volume="0.1"))
    assert D(engine.balance()["XXBT"]) == 0
    assert D(engine.balance()["ZUSD"]) < D(100_000)


@pytest.mark.parametrize(("fields", "message"), [
    ({"pair": "NOPE"}, "EQuery:Unknown asset pair"),
    ({"pair": ""}, "EQuery:Unknown asset pair"),
    ({"type": "hold"}, "EGeneral:Invalid arguments:type"),
    ({"ordertype": "stop-loss"}, "EGeneral:Invalid arguments:ordertype"),
    ({"volume": "abc"}, "EGeneral:Invalid arguments:volume"),
    ({"volume": "0.000000001"}, "EGeneral:Invalid arguments:volume"),
    ({"volume": "0.00001"}, "EOrder:Order minimum not met"),
    ({"ordertype": "limit"}, "EGeneral:Invalid arguments:price"),
    ({"ordertype": "limit", "price": "50000.05"},
     "EOrder:Invalid price:XXBTZUSD price can only be specified up to 1 decimals."),
    ({"pair": "ETHUSD", "ordertype": "limit", "price": "3000.123", "volume": "1"},
     "EOrder:Invalid price:XETHZUSD price can only be specified up to 2 decimals."),
    ({"ordertype": "limit", "price": "1.0", "volume": "0.0001"}, "EOrder:Cost minimum not met"),
    ({"volume": "5"}, "EOrder:Insufficient funds"),
    ({"cl_ord_id": "this-is-far-too-long-for-free-text"}, "EGeneral:Invalid arguments:cl_ord_id"),
])
def test_bad_orders_get_krakens_error_and_place_nothing(engine: Engine, fields: dict[str, str],
                                                        message: str) -> None:
    assert error_of(engine, **fields) == message
    assert engine.orders == {} and engine.balance()["ZUSD"] == "100000.0000"


def test_trailing_zeros_do_not_count_as_precision(engine: Engine) -> None:
    engine.add_order(order(ordertype="limit", price="49000.000", volume="0.1000000000"))


def test_cl_ord_id_is_unique_among_open_orders_only(engine: Engine) -> None:
    limit = {"ordertype": "limit", "price": "40000.0", "volume": "0.01"}
    uuid = "d15708c1-dbb6-465d-b77d-47258319cc90"
    first = engine.add_order(order(cl_ord_id=uuid, **limit))["txid"][0]
    assert error_of(engine, cl_ord_id=uuid, **limit) == errors.DUPLICATE_CL_ORD_ID
    assert list(engine.open_orders({"cl_ord_id": uuid})["open"]) == [first]
    assert engine.cancel_order({"cl_ord_id": uuid}) == {"count": 1}
    second = engine.add_order(order(cl_ord_id=uuid, **limit))["txid"][0]
    assert second != first
    closed = engine.closed_orders({"cl_ord_id": uuid})["closed"]
    assert closed[first]["status"] == "canceled" and closed[first]["cl_ord_id"] == uuid
    engine.add_order(order(cl_ord_id="intent-42", **limit))
    engine.add_order(order(cl_ord_id="d15708c1dbb6465db77d47258319cc90", **limit))


def test_validate_checks_everything_but_places_nothing(engine: Engine) -> None:
    result = engine.add_order(order(validate="true", ordertype="limit", price="45000.0"))
    assert result == {"descr": {"order": "buy 0.10000000 XBTUSD @ limit 45000.0"}}
    assert engine.orders == {} and engine.open_orders({}) == {"open": {}}
    assert error_of(engine, validate="true", volume="0.00001") == errors.ORDER_MINIMUM


def test_cancel_and_query_errors(engine: Engine) -> None:
    txid = engine.add_order(order(ordertype="limit", price="40000.0", userref="7"))["txid"][0]
    with pytest.raises(KrakenError, match="EOrder:Unknown order"):
        engine.cancel_order({"txid": "OAAAAA-BBBBB-CCCCCC"})
    with pytest.raises(KrakenError, match="EOrder:Invalid order"):
        engine.query_orders({"txid": "OAAAAA-BBBBB-CCCCCC"})
    with pytest.raises(KrakenError, match="EGeneral:Invalid arguments"):
        engine.query_orders({})
    assert engine.cancel_order({"txid": "7"}) == {"count": 1}  # by userref
    with pytest.raises(KrakenError, match="EOrder:Unknown order"):
        engine.cancel_order({"txid": txid})
    engine.add_order(order(ordertype="limit", price="40000.0"))
    engine.add_order(order(ordertype="limit", price="40001.0"))
    assert engine.cancel_all() == {"count": 2}
