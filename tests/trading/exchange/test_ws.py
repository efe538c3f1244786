"""WebSocket v2 parsing of Kraken's documented messages, builders, and rejections."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.trading.exchange.conftest import fixture_text
from trading.exchange import ws
from trading.exchange.ws import (
    BadWsMessage,
    BookMsg,
    Heartbeat,
    OhlcMsg,
    Pong,
    StatusMsg,
    SubscribeAck,
)
from trading.exchange.wsfields import rfc3339_s

T_1525 = 1696433100.0  # 2023-10-04T15:25:00Z


def test_ohlc_snapshot_docs_sample() -> None:
    events = ws.parse(fixture_text("ws_ohlc_snapshot.json"))
    assert events == [
        OhlcMsg("ALGO/USD", T_1525, 0.09875, 0.09875, 0.09875, 0.09875, 201.86015, 5, True),
        OhlcMsg("ALGO/USD", T_1525 + 300, 0.09875, 0.0988, 0.09875, 0.09875, 16255.46368, 5,
                True),
    ]


def test_ohlc_update_docs_sample() -> None:
    (msg,) = ws.parse(fixture_text("ws_ohlc_update.json").encode())
    assert isinstance(msg, OhlcMsg) and not msg.snapshot
    assert (msg.pair, msg.interval_begin_s, msg.interval) == ("MATIC/USD", T_1525 + 3600, 5)
    assert (msg.open, msg.high, msg.low, msg.close, msg.volume) == (
        0.5624, 0.5628, 0.5622, 0.5627, 30927.68066226)


def test_book_samples_keep_exact_decimals() -> None:
    (snap,) = ws.parse(fixture_text("ws_book_checksum_example.json"))
    assert isinstance(snap, BookMsg) and snap.kind == "snapshot" and snap.ts is None
    assert snap.checksum == 3310070434
    assert snap.bids[0] == (Decimal("45283.5"), Decimal("0.10000000"))
    assert str(snap.bids[0][1]) == "0.10000000"
    (upd,) = ws.parse(fixture_text("ws_book_update_matic.json"))
    assert isinstance(upd, BookMsg) and upd.kind == "update" and upd.asks == []
    assert upd.ts == pytest.approx(rfc3339_s("2023-10-06T17:35:55.440295Z", "t"))


def test_heartbeat_status_pong_and_acks() -> None:
    assert ws.parse(fixture_text("ws_heartbeat.json")) == [Heartbeat()]
    assert ws.parse(fixture_text("ws_status.json")) == [
        StatusMsg("online", "v2", 13834774380200032777, "2.0.0")]
    assert ws.parse(fixture_text("ws_pong.json")) == [Pong(101)]
    assert ws.parse(fixture_text("ws_book_subscribe_ack.json")) == [
        SubscribeAck("book", "ALGO/USD", True, None)]
    assert ws.parse(fixture_text("ws_ohlc_subscribe_ack.json")) == [
        SubscribeAck("ohlc", "ALGO/USD", True, None)]
    (err,) = ws.parse(fixture_text("ws_subscribe_error.json"))
    assert isinstance(err, SubscribeAck) and not err.success
    assert (err.pair, err.error) == ("FOO/BAR", "Currency pair not supported FOO/BAR")


def mutate(name: str, path: list[object], value: object) -> str:
    msg = json.loads(fixture_text(name))
    target = msg
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    return json.dumps(msg)


@pytest.mark.parametrize("raw", [
    '{"channel": "book", "type": "snap',                                  # truncated JSON
    "[1, 2]",                                                             # not an object
    '{"channel": "ticker", "type": "update", "data": [{}]}',              # unknown channel
    '{"method": "add_order", "success": true}',                           # unknown method
    '{"foo": 1}',
    '{"channel": "ohlc", "type": "update", "data": [{"open": NaN}]}',     # NaN literal
    '{"channel": "book", "type": "update", "data": []}',
    '{"error": "boom"}',
    '{"error": "multi\\nline\\r\\nreason"}',
    b"\xff\xfe",
])
def test_malformed_is_rejected(raw: str | bytes) -> None:
    with pytest.raises(BadWsMessage) as info:
        ws.parse(raw)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("name", "path", "value"), [
    ("ws_ohlc_update.json", ["data", 0, "open"], -0.5),
    ("ws_ohlc_update.json", ["data", 0, "close"], 0),
    ("ws_ohlc_update.json", ["data", 0, "high"], "high"),
    ("ws_ohlc_update.json", ["data", 0, "high"], 0.1),              # high < open
    ("ws_ohlc_update.json", ["data", 0, "volume"], -1),
    ("ws_ohlc_update.json", ["data", 0, "interval_begin"], 1696435500),
    ("ws_ohlc_update.json", ["data", 0, "interval_begin"], "yesterday"),
    ("ws_ohlc_update.json", ["data", 0, "symbol"], 7),
    ("ws_ohlc_update.json", ["type"], "delta"),
    ("ws_book_update_matic.json", ["data", 0, "bids", 0, "price"], -0.5657),
    ("ws_book_update_matic.json", ["data", 0, "bids", 0, "price"], True),
    ("ws_book_update_matic.json", ["data", 0, "bids", 0, "qty"], -1),
    ("ws_book_update_matic.json", ["data", 0, "checksum"], -1),
    ("ws_book_update_matic.json", ["data", 0, "checksum"], 2**32),
    ("ws_book_update_matic.json", ["data", 0, "checksum"], "2114181697"),
    ("ws_book_update_matic.json", ["data", 0, "bids"], {"price": 1}),
    ("ws_book_update_matic.json", ["data", 0, "asks"], [[0.5, 1]]),
])
def test_wrong_types_and_values_are_rejected(name: str, path: list[object],
                                             value: object) -> None:
    with pytest.raises(BadWsMessage) as info:
        ws.parse(mutate(name, path, value))
    assert info.value.channel in ("ohlc", "book")


def test_bad_book_message_names_its_pair() -> None:
    with pytest.raises(BadWsMessage) as info:
        ws.parse(mutate("ws_book_update_matic.json", ["data", 0, "bids", 0, "qty"], "x"))
    assert info.value.pair == "MATIC/USD" and info.value.kind == "book"


def test_numeric_strings_are_accepted_exactly() -> None:
    raw = mutate("ws_book_update_matic.json", ["data", 0, "bids", 0, "qty"], "1098.39475580")
    (msg,) = ws.parse(raw)
    assert isinstance(msg, BookMsg) and str(msg.bids[0][1]) == "1098.39475580"


def test_huge_exponent_is_rejected() -> None:
    raw = fixture_text("ws_book_update_matic.json").replace("1098.3947558", "1e999999")
    with pytest.raises(BadWsMessage):
        ws.parse(raw)


@pytest.mark.parametrize(("text", "expected"), [
    ("2023-10-04T15:25:00.000000000Z", 1696433100.0),
    ("2023-10-04T15:25:00Z", 1696433100.0),
    ("2023-10-04T15:25:00.5Z", 1696433100.5),
    ("2023-10-04T17:25:00.000+02:00", 1696433100.0),
])
def test_rfc3339(text: str, expected: float) -> None:
    assert rfc3339_s(text, "t") == expected


def test_builders() -> None:
    assert ws.subscribe_ohlc(["ALGO/USD", "MATIC/USD"], 5) == {
        "method": "subscribe",
        "params": {"channel": "ohlc", "symbol": ["ALGO/USD", "MATIC/USD"], "interval": 5,
                   "snapshot": True}}
    assert ws.subscribe_book(["BTC/USD"], 25, req_id=7) == {
        "method": "subscribe",
        "params": {"channel": "book", "symbol": ["BTC/USD"], "depth": 25, "snapshot": True},
        "req_id": 7}
    assert ws.unsubscribe_book(["BTC/USD"], 25) == {
        "method": "unsubscribe", "params": {"channel": "book", "symbol": ["BTC/USD"], "depth": 25}}
    assert ws.ping(101) == {"method": "ping", "req_id": 101}
    with pytest.raises(ValueError):
        ws.subscribe_book(["BTC/USD"], 20)
    with pytest.raises(ValueError):
        ws.subscribe_ohlc([], 1)
