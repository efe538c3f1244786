"""KrakenREST against a local Kraken test double serving Kraken's documented samples."""
from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from tests.trading.exchange.conftest import fixture_text
from tests.trading.exchange.kraken_double import KEY, SECRET, KrakenDouble, serve
from trading.exchange.errors import (
    KrakenAuthError,
    KrakenError,
    KrakenInvalidNonce,
    KrakenRateLimited,
    KrakenUnavailable,
)
from trading.exchange.nonce import NonceSource
from trading.exchange.ratelimit import CallCounter
from trading.exchange.rest import KrakenREST

OK = 200


@pytest.fixture
def double() -> Iterator[KrakenDouble]:
    with serve(KrakenDouble()) as d:
        yield d


def client(double: KrakenDouble, tmp_path: Path, **kw: object) -> KrakenREST:
    rest = KrakenREST(base_url=double.url, key=KEY, secret=SECRET,
                      nonce=NonceSource(tmp_path / "nonce"), timeout_s=5.0,
                      counter=CallCounter(max_count=1000, decay_per_s=1000), **kw)  # type: ignore[arg-type]
    rest.transport._sleep = lambda s: None  # no real waiting between retries
    return rest


def body(seen_body: str) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(seen_body).items()}


def test_ohlc_parses_the_docs_sample(double: KrakenDouble, tmp_path: Path) -> None:
    double.route("/0/public/OHLC", (OK, fixture_text("rest_ohlc_docs_page.json")))
    ohlc = client(double, tmp_path).ohlc("BTC/USD", interval=5, since=1688671000)
    assert ohlc.last == 1688672160
    assert ohlc.closed.shape == (0, 6)
    assert ohlc.forming is not None
    np.testing.assert_array_equal(
        ohlc.forming, [1688671200, 30306.1, 30306.2, 30305.7, 30305.7, 3.39243896])
    query = double.seen[-1].query
    assert query == {"pair": ["XBTUSD"], "interval": ["5"], "since": ["1688671000"]}
    assert double.seen[-1].headers.get("User-Agent")


def test_asset_pairs_then_names_resolve_through_the_map(double: KrakenDouble,
                                                        tmp_path: Path) -> None:
    double.route("/0/public/AssetPairs", (OK, fixture_text("rest_asset_pairs.json")))
    double.route("/0/public/Depth", (OK, fixture_text("rest_depth.json")))
    rest = client(double, tmp_path)
    pairs = rest.asset_pairs(["BTC/USD"])
    assert pairs.names == ["BTC/USD"]
    asks, bids = rest.depth("BTC/USD", count=2)
    assert double.seen[-1].query["pair"] == ["XBTUSD"]
    assert asks[0] == (Decimal("3539.90000"), Decimal("0.801"))
    assert bids[0] == (Decimal("3538.90000"), Decimal("0.754"))


def test_private_calls_are_signed_with_increasing_nonces(double: KrakenDouble,
                                                        tmp_path: Path) -> None:
    double.route("/0/private/Balance", (OK, fixture_text("rest_balance.json")))
    rest = client(double, tmp_path)
    for _ in range(3):
        balances = rest.balance()
    assert balances["XXBT"] == Decimal("3.2223768244")
    assert balances["ZUSD"] == Decimal("2970172.7962")
    private = [s for s in double.seen if s.method == "POST"]
    assert len(private) == 3 and all(s.sign_ok for s in private)
    assert double.nonces == sorted(set(double.nonces))
    assert private[0].headers["Content-Type"].startswith("application/x-www-form-urlencoded")


def test_nonce_survives_a_new_client_on_the_same_file(double: KrakenDouble,
                                                     tmp_path: Path) -> None:
    double.route("/0/private/Balance", (OK, fixture_text("rest_balance.json")))
    client(double, tmp_path).balance()
    client(double, tmp_path).balance()  # a "restart": a new client, same nonce file
    assert len(double.nonces) == 2 and double.nonces[1] > double.nonces[0]


def test_add_order_sends_documented_fields(double: KrakenDouble, tmp_path: Path) -> None:
    double.route("/0/private/AddOrder", (OK, fixture_text("rest_add_order.json")))
    result = client(double, tmp_path).add_order(
        "BTC/USD", "buy", "limit", Decimal("2.12340000"), price=Decimal("25000.1"),
        cl_ord_id="intent-42", validate=True, oflags="post")
    assert result.txids == ["OUF4EM-FRGI2-MQMWZD"]
    sent = body(double.seen[-1].body)
    assert sent == {"nonce": sent["nonce"], "ordertype": "limit", "type": "buy",
                    "volume": "2.12340000", "pair": "XBTUSD", "price": "25000.1",
                    "cl_ord_id": "intent-42", "oflags": "post", "validate": "true"}


def test_add_order_is_never_retried(double: KrakenDouble, tmp_path: Path) -> None:
    double.route("/0/private/AddOrder", (OK, fixture_text("rest_error_rate_limit.json")),
                 (OK, fixture_text("rest_add_order.json")))
    with pytest.raises(KrakenRateLimited):
        client(double, tmp_path).add_order("XBTUSD", "buy", "market", "0.01")
    assert len([s for s in double.seen if s.path == "/0/private/AddOrder"]) == 1


def test_add_order_5xx_is_unavailable_and_not_retried(double: KrakenDouble,
                                                      tmp_path: Path) -> None:
    double.route("/0/private/AddOrder", (502, "<html>bad gateway</html>"))
    with pytest.raises(KrakenUnavailable):
        client(double, tmp_path).add_order("XBTUSD", "sell", "market", "0.01")
    assert len(double.seen) == 1


def test_reads_retry_on_rate_limit_then_succeed(double: KrakenDouble, tmp_path: Path) -> None:
    double.route("/0/private/OpenOrders", (OK, fixture_text("rest_error_rate_limit.json")),
                 (OK, fixture_text("rest_error_throttled.json")),
                 (OK, fixture_text("rest_open_orders.json")))
    orders = client(double, tmp_path).open_orders(cl_ord_id="intent-42")
    assert list(orders) == ["O7ICPO-F4CLJ-MVBLHC"]
    assert len(double.seen) == 3
    assert body(double.seen[-1].body)["cl_ord_id"] == "intent-42"


def test_retries_are_bounded(double: KrakenDouble, tmp_path: Path) -> None:
    double.route("/0/public/OHLC", (OK, fixture_text("rest_error_rate_limit.json")))
    with pytest.raises(KrakenRateLimited):
        client(double, tmp_path, max_attempts=3).ohlc("XBTUSD")
    assert len(double.seen) == 3


@pytest.mark.parametrize(("name", "error"), [
    ("rest_error_invalid_signature.json", KrakenAuthError),
    ("rest_error_unknown_pair.json", KrakenError),
])
def test_errors_arrive_with_http_200(double: KrakenDouble, tmp_path: Path, name: str,
                                     error: type[KrakenError]) -> None:
    double.route("/0/public/OHLC", (OK, fixture_text(name)))
    with pytest.raises(error) as info:
        client(double, tmp_path).ohlc("XBTUSD")
    assert "\n" not in str(info.value)
    assert len(double.seen) == 1  # not retryable


def test_invalid_nonce_from_another_signer(double: KrakenDouble, tmp_path: Path) -> None:
    double.route("/0/private/AddOrder", (OK, fixture_text("rest_error_invalid_nonce.json")))
    with pytest.raises(KrakenInvalidNonce):
        client(double, tmp_path).add_order("XBTUSD", "buy", "market", "1")


def test_cancel_closed_and_query_orders(double: KrakenDouble, tmp_path: Path) -> None:
    double.route("/0/private/CancelOrder", (OK, fixture_text("rest_cancel_order.json")))
    double.route("/0/private/ClosedOrders", (OK, fixture_text("rest_closed_orders.json")))
    double.route("/0/private/QueryOrders", (OK, fixture_text("rest_query_orders.json")))
    rest = client(double, tmp_path)
    assert rest.cancel_order(cl_ord_id="intent-42") == 1
    assert body(double.seen[-1].body)["cl_ord_id"] == "intent-42"
    closed = rest.closed_orders(userref=1000)
    assert closed.count == 3 and "OT5JQ3-MNZQI-GDXY7O" in closed.orders
    orders = rest.query_orders(["ODNLO4-QYFSV-33BKJA", "OQB6D2-O5QMF-QBBAWZ"])
    assert orders["ODNLO4-QYFSV-33BKJA"]["status"] == "open"
    assert body(double.seen[-1].body)["txid"] == "ODNLO4-QYFSV-33BKJA,OQB6D2-O5QMF-QBBAWZ"
    with pytest.raises(ValueError):
        rest.cancel_order()


def test_connection_refused_is_unavailable(tmp_path: Path) -> None:
    rest = KrakenREST(base_url="http://127.0.0.1:9", timeout_s=1.0, max_attempts=1)
    with pytest.raises(KrakenUnavailable):
        rest.ohlc("XBTUSD")


def test_private_calls_need_keys_and_a_nonce_file() -> None:
    with pytest.raises(ValueError):
        KrakenREST(key=KEY, secret=SECRET)
    with pytest.raises(RuntimeError):
        KrakenREST().balance()


def test_amounts_are_exact(double: KrakenDouble, tmp_path: Path) -> None:
    double.route("/0/private/AddOrder", (OK, fixture_text("rest_add_order.json")))
    rest = client(double, tmp_path)
    rest.add_order("XBTUSD", "buy", "limit", 0.1, price="37500")
    sent = body(double.seen[-1].body)
    assert (sent["volume"], sent["price"]) == ("0.1", "37500")
    with pytest.raises(ValueError):
        rest.add_order("XBTUSD", "buy", "limit", "NaN", price="1")


TRADES_HISTORY = """{"error": [], "result": {"count": 2, "trades": {
 "THVRQM-33VKH-UCI7BS": {"ordertxid": "OQCLML-BW3P3-BUCMWZ", "postxid": "TKH2SE-M7IF5-CFI7LT",
  "pair": "XXBTZUSD", "time": 1688667796.8802, "type": "buy", "ordertype": "market",
  "price": "30010.00000", "cost": "600.20000", "fee": "1.56052", "vol": "0.02000000",
  "margin": "0.00000", "misc": "", "trade_id": 40274859, "maker": false},
 "TCWJEG-FL4SZ-3FKGH6": {"ordertxid": "OQCLML-BW3P3-BUCMWZ", "postxid": "TKH2SE-M7IF5-CFI7LT",
  "pair": "XXBTZUSD", "time": 1688667769.6396, "type": "buy", "ordertype": "market",
  "price": "30010.10000", "cost": "300.10100", "fee": "0.78026", "vol": "0.01000000",
  "margin": "0.00000", "misc": "", "trade_id": 39482674, "maker": false}}}}"""


def test_trades_history_pages_by_start_and_ofs(double: KrakenDouble, tmp_path: Path) -> None:
    double.route("/0/private/TradesHistory", (OK, TRADES_HISTORY))
    rest = client(double, tmp_path)
    trades = rest.trades_history(start=1688667700, ofs=50)
    assert list(trades) == ["THVRQM-33VKH-UCI7BS", "TCWJEG-FL4SZ-3FKGH6"]
    assert trades["TCWJEG-FL4SZ-3FKGH6"]["vol"] == "0.01000000"
    sent = body(double.seen[-1].body)
    assert sent == {"nonce": sent["nonce"], "start": "1688667700", "ofs": "50"}
    assert double.seen[-1].sign_ok
    rest.trades_history()
    assert set(body(double.seen[-1].body)) == {"nonce"}
