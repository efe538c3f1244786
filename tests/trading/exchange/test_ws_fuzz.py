"""Fuzz ``ws.parse`` over message shapes: it raises nothing but BadWsMessage and never lets a
non-finite or non-positive price (or a negative quantity/volume) through."""
from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.trading.exchange.conftest import fixture_text
from trading.exchange import ws
from trading.exchange.ws import BadWsMessage, BookMsg, OhlcMsg

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20,
)
numbers = (st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10, 10**6)
           | st.sampled_from(["NaN", "-1", "0", "1e400", "abc", "", "0.10000000"])
           | st.none() | st.booleans())
FIELDS = {"ohlc": ["open", "high", "low", "close", "volume", "interval", "interval_begin",
                   "symbol"],
          "book": ["checksum", "symbol", "timestamp"]}
SAMPLES = ["ws_ohlc_snapshot.json", "ws_ohlc_update.json", "ws_book_update_matic.json",
           "ws_book_checksum_example.json", "ws_status.json", "ws_pong.json",
           "ws_subscribe_error.json", "ws_heartbeat.json"]


def check(raw: str | bytes) -> None:
    try:
        events = ws.parse(raw)
    except BadWsMessage as bad:
        assert "\n" not in str(bad)
        return
    for event in events:
        if isinstance(event, OhlcMsg):
            prices = [event.open, event.high, event.low, event.close]
            assert all(math.isfinite(p) and p > 0 for p in prices)
            assert math.isfinite(event.volume) and event.volume >= 0
            assert event.low <= min(event.open, event.close) <= event.high
            assert math.isfinite(event.interval_begin_s)
        if isinstance(event, BookMsg):
            for price, qty in event.bids + event.asks:
                assert price.is_finite() and price > 0
                assert qty.is_finite() and qty >= 0
            assert 0 <= event.checksum < 2**32


@SETTINGS
@given(json_values)
def test_random_json_values(value: Any) -> None:
    check(json.dumps(value))


@SETTINGS
@given(st.sampled_from(SAMPLES), st.integers(min_value=0, max_value=2000))
def test_truncated_samples(name: str, cut: int) -> None:
    text = fixture_text(name)
    check(text[: cut % (len(text) + 1)])


@SETTINGS
@given(st.binary(max_size=64))
def test_random_bytes(raw: bytes) -> None:
    check(raw)


@SETTINGS
@given(st.sampled_from(["ohlc", "book"]), st.data())
def test_wrong_field_values(channel: str, data: st.DataObject) -> None:
    name = "ws_ohlc_update.json" if channel == "ohlc" else "ws_book_update_matic.json"
    msg = json.loads(fixture_text(name))
    item = msg["data"][0]
    for field in data.draw(st.lists(st.sampled_from(FIELDS[channel]), min_size=1, max_size=3)):
        item[field] = data.draw(numbers | json_values)
    if channel == "book":
        side = data.draw(st.sampled_from(["bids", "asks"]))
        item[side] = data.draw(st.lists(st.fixed_dictionaries(
            {"price": numbers, "qty": numbers}), max_size=3) | json_values)
    check(json.dumps(msg))


@SETTINGS
@given(st.dictionaries(st.sampled_from(["channel", "method", "type", "data", "success",
                                        "result", "error", "req_id"]),
                       json_values | st.sampled_from(["ohlc", "book", "status", "heartbeat",
                                                      "pong", "subscribe", "snapshot"]),
                       max_size=6))
def test_message_shapes(msg: dict[str, Any]) -> None:
    check(json.dumps(msg))
