"""Codec: round trips and every kind of malformed frame."""
from __future__ import annotations

import time

import numpy as np
import orjson
import pytest

from ipc import messages as m
from ipc.codec import (
    BadMessage,
    Reply,
    decode,
    decode_reply,
    decode_request,
    encode,
    encode_reply,
    encode_request,
    stamp,
)


def body(**over: object) -> bytes:
    base: dict[str, object] = {"v": m.SCHEMA_VERSION, "type": "bar", "ts": 1, "src": "feed"}
    base.update(over)
    return orjson.dumps({k: v for k, v in base.items() if v is not ...})


def test_topic_rule() -> None:
    assert m.topic(m.BAR, "BTC/USD") == "bar.BTC/USD"
    assert m.topic(m.HEARTBEAT) == "heartbeat"
    assert m.split_topic("bar.BTC/USD") == ("bar", "BTC/USD")
    assert m.split_topic("heartbeat") == ("heartbeat", None)
    with pytest.raises(ValueError):
        m.topic("bar.x")
    with pytest.raises(ValueError):
        m.topic("bar", "")


def test_no_type_is_a_prefix_of_another() -> None:
    for a in m.EVENT_TYPES:
        assert not [b for b in m.EVENT_TYPES if b != a and b.startswith(a)]


def test_event_round_trip() -> None:
    before = time.time_ns() // 1_000_000
    frames = encode(m.BAR, "feed", "BTC/USD", close=101.5, n=np.int64(3), row=np.arange(3.0))
    assert frames[0] == b"bar.BTC/USD"
    ev = decode(frames)
    assert (ev.topic, ev.type, ev.src, ev.v, ev.key) == ("bar.BTC/USD", "bar", "feed", 1, "BTC/USD")
    assert before <= ev.ts <= time.time_ns() // 1_000_000
    assert ev.data == {"close": 101.5, "n": 3, "row": [0.0, 1.0, 2.0]}
    assert decode(encode(m.HEARTBEAT, "x")).key is None


def test_stamp_reads_a_monotonic_time_or_nothing() -> None:
    body = decode(encode("signal", "scanner-0", "BTC/USD", t_bar=12.5, t_signal=13,
                         t_bad="12.5", t_flag=True, t_none=None)).data
    assert stamp(body, "t_bar") == 12.5 and stamp(body, "t_signal") == 13.0
    assert [stamp(body, k) for k in ("t_bad", "t_flag", "t_none", "t_missing")] == [None] * 4


def test_encode_rejects_envelope_clash_and_unserialisable() -> None:
    with pytest.raises(ValueError, match="clash"):
        encode(m.BAR, "feed", ts=5)
    with pytest.raises(TypeError, match="not JSON-serialisable"):
        encode(m.BAR, "feed", obj=object())


@pytest.mark.parametrize("frames, kind, text", [
    ([b"bar"], "frames", "expected 2 frames"),
    ([b"bar", body(), b"extra"], "frames", "got 3"),
    ([b"\xff", body()], "topic", "not UTF-8"),
    ([b"bar", b"\x80\x04pickle"], "json", "not JSON"),
    ([b"bar", b"[1, 2]"], "json", "not a JSON object"),
    ([b"bar", body(v=...)], "envelope", "lacks field 'v'"),
    ([b"bar", body(v="1")], "envelope", "'v' must be int, got str"),
    ([b"bar", body(v=True)], "envelope", "'v' must be int, got bool"),
    ([b"bar", body(v=m.SCHEMA_VERSION + 1)], "version", "newer than supported"),
    ([b"bar", body(v=0)], "version", "invalid schema version"),
    ([b"bar", body(type=...)], "envelope", "lacks field 'type'"),
    ([b"bar", body(ts=1.5)], "envelope", "'ts' must be int, got float"),
    ([b"bar", body(src=None)], "envelope", "'src' must be str, got NoneType"),
    ([b"book.BTC/USD", body()], "topic", "does not match type 'bar'"),
    ([b"barrier", body()], "topic", "does not match type 'bar'"),
])
def test_malformed_events(frames: list[bytes], kind: str, text: str) -> None:
    with pytest.raises(BadMessage, match=text) as info:
        decode(frames)
    assert info.value.kind == kind
    assert "\n" not in str(info.value)


def test_command_round_trip() -> None:
    raw = encode_request(m.PAUSE, {"source": "cli", "who": "ops"}, "cli", req_id="abc", exp=9)
    req = decode_request(raw)
    assert (req.id, req.cmd, req.args, req.src, req.exp, req.v) == (
        "abc", "pause", {"source": "cli", "who": "ops"}, "cli", 9, 1)
    assert decode_reply(encode_reply("abc", Reply(ok=True, result={"a": 1}))) == (
        "abc", Reply(ok=True, result={"a": 1}))
    assert decode_reply(encode_reply("abc", Reply(ok=False, error="no\nway"))) == (
        "abc", Reply(ok=False, error="no way"))


def test_reply_with_unserialisable_result_becomes_error() -> None:
    _, reply = decode_reply(encode_reply("x", Reply(ok=True, result=object())))
    assert not reply.ok and "not JSON-serialisable" in (reply.error or "")


@pytest.mark.parametrize("raw, text", [
    (b"nope", "request is not JSON"),
    (orjson.dumps({"v": 1, "id": "a", "cmd": "x", "src": "s", "ts": 1}), "lacks field 'args'"),
    (orjson.dumps({"v": 1, "id": "a", "cmd": 3, "args": {}, "src": "s", "ts": 1}),
     "'cmd' must be str"),
    (orjson.dumps({"v": 2, "id": "a", "cmd": "x", "args": {}, "src": "s", "ts": 1}),
     "schema version 2, newer"),
])
def test_malformed_requests(raw: bytes, text: str) -> None:
    with pytest.raises(BadMessage, match=text):
        decode_request(raw)


def test_malformed_reply() -> None:
    with pytest.raises(BadMessage, match="'ok' must be bool"):
        decode_reply(orjson.dumps({"v": 1, "id": "a", "ok": 1}))
