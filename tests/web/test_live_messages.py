"""Bus events -> browser messages: ticks and bars enriched from shared memory, coalescing keys."""
from __future__ import annotations

import orjson
import pytest

from tests.web import market_data
from tests.web.test_api import ev
from web.context import WebContext
from web.live_messages import frame, to_message


def decode(msg: tuple[bytes, str | None] | None) -> tuple[dict, str | None]:
    assert msg is not None
    return orjson.loads(msg[0]), msg[1]


def test_book_becomes_a_tick_with_the_forming_candle(filled: WebContext) -> None:
    body, ckey = decode(to_message(ev("book", "ETH/USD", src="feed", bid=54.9, ask=55.1),
                                   filled.market))
    assert (body["type"], body["key"], ckey) == ("tick", "ETH/USD", "tick:ETH/USD")
    assert body["data"]["mid"] == pytest.approx(55.0)
    assert body["data"]["forming"] == [market_data.LAST_TS + 60, 55.0, 55.0, 55.0, 55.0, 1.0]


def test_bar_carries_its_ohlcv_when_shared_memory_has_it(filled: WebContext) -> None:
    last = float(market_data.LAST_TS)
    body, ckey = decode(to_message(ev("bar", "ETH/USD", src="feed", bar_ts=last, close=56.9),
                                   filled.market))
    assert ckey is None  # bars are a stream
    assert body["data"]["ohlcv"] == pytest.approx([last, 56.85, 57.1, 56.7, 56.9, 3.0])
    stale, _ = decode(to_message(ev("bar", "ETH/USD", bar_ts=last - 60, close=1.0),
                                 filled.market))
    assert stale["data"]["ohlcv"] is None  # not the newest bar any more: no guessing


def test_without_shared_memory_messages_still_flow(ctx: WebContext) -> None:
    body, _ = decode(to_message(ev("book", "BTC/USD", bid=1.0, ask=3.0), ctx.market))
    assert body["data"] == {"bid": 1.0, "ask": 3.0, "mid": 2.0, "forming": None}


@pytest.mark.parametrize(("type_", "key", "src", "ckey"), [
    ("heartbeat", None, "feed", "hb:feed"), ("risk", None, "executor", "risk:"),
    ("position", "BTC/USD", "executor", "pos:BTC/USD"), ("signal", "BTC/USD", "s", "sig:BTC/USD"),
    ("thought", "BTC/USD", "scorer", None), ("fill", "BTC/USD", "executor", None),
    ("alert", "feed", "watchdog", None), ("intent", "BTC/USD", "scorer", None)])
def test_coalescing_keys(type_: str, key: str | None, src: str, ckey: str | None) -> None:
    body, got = decode(to_message(ev(type_, key, src=src, x=1), None))
    assert (body["type"], body["src"], body["data"], got) == (type_, src, {"x": 1}, ckey)


def test_frames_are_one_message_or_an_array() -> None:
    assert frame([b'{"a":1}']) == '{"a":1}'
    assert orjson.loads(frame([b'{"a":1}', b'{"b":2}'])) == [{"a": 1}, {"b": 2}]
