"""The messages ``/ws/live`` sends: one JSON object per bus event, plus hub-made kinds.

Every message is ``{"type", "key", "ts", "src", "data"}`` (``ts`` in ms). Bus events keep
their type, except ``book.<PAIR>``, which becomes a compact ``tick`` (best bid/ask, mid and
the forming candle from shared memory). ``bar`` messages gain the closed bar's OHLCV from
shared memory (``data.ohlcv``: ``[ts, o, h, l, c, v]``) so the chart needs no extra request.
The hub adds ``executor`` (the executor's status, or its error), ``processes``
(supervisord's view), and each WebSocket sends ``snapshot``, ``resync`` and ``error``.

The second element of :func:`to_message`'s result is the coalescing key: messages that
only matter as the latest value (tick, heartbeat, risk, model, position, signal per pair)
replace a queued predecessor with the same key; the others (bars, thoughts, intents,
orders, fills, alerts) are a stream and are never merged.

A frame on the wire is either one message or a JSON array of messages (a batch).
"""
from __future__ import annotations

import logging
import math
import time
from typing import Any

import orjson

from ipc import messages as m
from ipc.codec import Event
from shared.errors import StoreError
from web.sources import Market

logger = logging.getLogger(__name__)

#: event type -> coalescing-key prefix (None: a stream, never merged)
COALESCE: dict[str, str | None] = {
    m.HEARTBEAT: "hb", m.BOOK: "tick", m.RISK: "risk", m.MODEL: "model",
    m.POSITION: "pos", m.SIGNAL: "sig",
}


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY, default=str)


def message(type_: str, data: Any, key: str | None = None, src: str = "web",
            ts: int | None = None) -> bytes:
    ts = time.time_ns() // 1_000_000 if ts is None else ts
    return dumps({"type": type_, "key": key, "ts": ts, "src": src, "data": data})


def frame(payloads: list[bytes]) -> str:
    """One WebSocket text frame for one message or a batch of them."""
    if len(payloads) == 1:
        return payloads[0].decode()
    return (b"[" + b",".join(payloads) + b"]").decode()


def _row(row: Any) -> list[float] | None:
    if row is None or len(row) != 6:
        return None
    values = [float(x) for x in row]
    return values if all(math.isfinite(x) for x in values) else None


def _tick(ev: Event, market: Market | None) -> dict[str, Any]:
    bid, ask = ev.data.get("bid"), ev.data.get("ask")
    mid = (bid + ask) / 2 if isinstance(bid, int | float) and isinstance(ask, int | float) else None
    forming = None
    store = market.bars() if market is not None else None
    if store is not None and ev.key:
        try:
            forming = _row(store.forming(ev.key))
        except (KeyError, StoreError):
            forming = None
    return {"bid": bid, "ask": ask, "mid": mid, "forming": forming}


def _bar(ev: Event, market: Market | None) -> dict[str, Any]:
    data = dict(ev.data)
    store = market.bars() if market is not None else None
    data["ohlcv"] = None
    if store is not None and ev.key:
        try:
            last = store.window(ev.key, 1)
        except (KeyError, StoreError):
            last = None
        if last is not None and len(last) and float(last[-1, 0]) == float(data.get("bar_ts", -1)):
            data["ohlcv"] = _row(last[-1])
    return data


def to_message(ev: Event, market: Market | None) -> tuple[bytes, str | None] | None:
    """The browser message for one bus event and its coalescing key."""
    if ev.type == m.BOOK:
        data: Any = _tick(ev, market)
        type_ = "tick"
    elif ev.type == m.BAR:
        data, type_ = _bar(ev, market), m.BAR
    else:
        data, type_ = ev.data, ev.type
    prefix = COALESCE.get(ev.type)
    ident = ev.src if ev.type == m.HEARTBEAT else (ev.key or "")
    ckey = None if prefix is None else f"{prefix}:{ident}"
    return message(type_, data, ev.key, ev.src, ev.ts), ckey
