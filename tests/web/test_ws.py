"""``/ws/live`` on the real stack: auth, snapshot, the live stream, refusal of strangers."""
from __future__ import annotations

import time
from typing import Any

import orjson
import pytest
import websocket

from config import load_config
from tests.web.support import Stack

pytestmark = pytest.mark.slow


def ws_url(stack: Stack) -> str:
    return stack.url.replace("http", "ws") + "/ws/live"


def messages(ws: websocket.WebSocket) -> list[dict[str, Any]]:
    data = orjson.loads(ws.recv())
    return data if isinstance(data, list) else [data]


def collect(ws: websocket.WebSocket, wanted: set[str], timeout_s: float) -> dict[str, dict]:
    """The first message of each wanted type (fails naming the missing ones)."""
    got: dict[str, dict] = {}
    deadline = time.monotonic() + timeout_s
    while wanted - got.keys() and time.monotonic() < deadline:
        for m in messages(ws):
            got.setdefault(m["type"], m)
    assert not wanted - got.keys(), f"no {sorted(wanted - got.keys())} within {timeout_s} s"
    return got


def test_first_message_auth_gives_a_snapshot_then_the_stream(stack: Stack) -> None:
    stack.wait_web()
    ws = websocket.create_connection(ws_url(stack), timeout=10)
    try:
        ws.send(orjson.dumps({"type": "auth", "token": stack.token}).decode())
        [snap] = messages(ws)
        assert snap["type"] == "snapshot"
        assert set(snap["data"]) == {"status", "scanner", "risk", "strategies", "positions",
                                     "performance", "thoughts"}
        got = collect(ws, {"tick", "bar", "thought", "heartbeat", "signal"}, 15.0)
        assert got["tick"]["key"] in load_config(stack.inst.env).trading.pairs
        assert len(got["tick"]["data"]["forming"]) == 6
        bar = got["bar"]["data"]
        assert bar["ohlcv"] is None or bar["ohlcv"][0] == bar["bar_ts"]
        assert isinstance(got["thought"]["data"]["text"], str)
    finally:
        ws.close()


def test_header_auth_works_too(stack: Stack) -> None:
    ws = websocket.create_connection(ws_url(stack), timeout=10,
                                     header=[f"Authorization: Bearer {stack.token}"])
    try:
        assert messages(ws)[0]["type"] == "snapshot"
    finally:
        ws.close()


@pytest.mark.parametrize("first", [{"type": "auth", "token": "wrong"}, {"token": "x"}, "hello"])
def test_a_wrong_first_message_is_refused_with_4401(stack: Stack, first: object) -> None:
    ws = websocket.create_connection(ws_url(stack), timeout=10)
    try:
        ws.send(first if isinstance(first, str) else orjson.dumps(first).decode())
        [err] = messages(ws)
        assert err["type"] == "error" and "token" in err["data"]["error"]
        opcode, frame = ws.recv_data(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
        assert int.from_bytes(frame[:2], "big") == 4401
    finally:
        ws.close()
