"""Kraken WebSocket v2 protocol: parse messages into typed events, build requests. No I/O.

Message shapes (Kraken docs, ``wss://ws.kraken.com/v2``):
- ``{"channel":"ohlc","type":"snapshot"|"update","timestamp":...,"data":[{"symbol","open",
  "high","low","close","vwap","trades","volume","interval_begin","interval","timestamp"}]}``;
  numbers are JSON numbers, ``interval_begin`` an RFC 3339 string (the bar's key), ``interval``
  minutes. A snapshot carries several candles per symbol, oldest first.
- ``{"channel":"book","type":"snapshot"|"update","data":[{"symbol","bids":[{"price","qty"}],
  "asks":[...],"checksum":<uint32>,"timestamp"?}]}``; ``qty`` 0 deletes a level.
- ``{"channel":"heartbeat"}`` (about once a second when idle), ``{"channel":"status",
  "type":"update","data":[{"system","api_version","connection_id","version"}]}``.
- ``{"method":"pong","req_id"?,"time_in","time_out"}``; ``{"method":"subscribe"|"unsubscribe",
  "result":{"channel","symbol",...},"success":true|false,"error"?,"req_id"?}``.

Semantics: :func:`parse` returns events or raises :class:`BadWsMessage` with a one-line reason
(truncated JSON, unknown channel or method, wrong types, NaN/zero/negative prices, high/low not
bounding open/close). One bad part rejects the whole message: a half-applied book update would
corrupt the book. Prices and quantities of books stay exact ``Decimal`` (``parse_float``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from trading.exchange.wsbuild import (
    BOOK_DEPTHS,
    OHLC_INTERVALS,
    ping,
    subscribe_book,
    subscribe_ohlc,
    unsubscribe_book,
    unsubscribe_ohlc,
)
from trading.exchange.wsfields import (
    FieldError,
    non_negative,
    positive,
    rfc3339_s,
    text,
    uint32,
)

__all__ = ["BadWsMessage", "OhlcMsg", "BookMsg", "Heartbeat", "Pong", "SubscribeAck",
           "StatusMsg", "Event", "parse", "subscribe_ohlc", "unsubscribe_ohlc",
           "subscribe_book", "unsubscribe_book", "ping", "BOOK_DEPTHS", "OHLC_INTERVALS"]

Level = tuple[Decimal, Decimal]


class BadWsMessage(ValueError):
    """A malformed or unsupported message; ``str()`` is a one-line reason."""

    def __init__(self, reason: str, channel: str | None = None, pair: str | None = None) -> None:
        self.reason, self.channel, self.pair = reason, channel, pair
        super().__init__(reason)

    @property
    def kind(self) -> str:
        """A coarse category for rate-limited logging (``book``, ``json``, ...)."""
        return self.channel or self.reason.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class OhlcMsg:
    pair: str
    interval_begin_s: float   # the bar's key: start of its interval, seconds since the epoch
    open: float
    high: float
    low: float
    close: float
    volume: float
    interval: int             # minutes
    snapshot: bool = False


@dataclass(frozen=True, slots=True)
class BookMsg:
    pair: str
    kind: Literal["snapshot", "update"]
    bids: list[Level]
    asks: list[Level]
    checksum: int
    ts: float | None          # seconds since the epoch, if Kraken sent a timestamp


@dataclass(frozen=True, slots=True)
class Heartbeat:
    pass


@dataclass(frozen=True, slots=True)
class Pong:
    req_id: int | None


@dataclass(frozen=True, slots=True)
class SubscribeAck:
    channel: str
    pair: str | None
    success: bool
    error: str | None
    method: str = "subscribe"
    req_id: int | None = None


@dataclass(frozen=True, slots=True)
class StatusMsg:
    system: str
    api_version: str | None
    connection_id: int | None
    version: str | None


Event = OhlcMsg | BookMsg | Heartbeat | Pong | SubscribeAck | StatusMsg


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _decode(raw: str | bytes) -> Mapping[str, Any]:
    try:
        textual = raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else raw
        msg = json.loads(textual, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, RecursionError, TypeError) as exc:
        raise BadWsMessage(f"json: {type(exc).__name__}") from None
    if not isinstance(msg, dict):
        raise BadWsMessage("json: top level is not an object")
    return msg


def _data(msg: Mapping[str, Any], channel: str) -> list[Mapping[str, Any]]:
    data = msg.get("data")
    if not isinstance(data, list) or not data or not all(isinstance(d, dict) for d in data):
        raise BadWsMessage(f"{channel}: data is not a list of objects", channel)
    return data


def _kind(msg: Mapping[str, Any], channel: str) -> Literal["snapshot", "update"]:
    kind = msg.get("type")
    if kind not in ("snapshot", "update"):
        raise BadWsMessage(f"{channel}: type is {str(kind)[:20]!r}", channel)
    return "snapshot" if kind == "snapshot" else "update"


def _candle(item: Mapping[str, Any], snapshot: bool) -> OhlcMsg:
    pair = text(item.get("symbol"), "symbol")
    o, h, low, c = (positive(item.get(k), k) for k in ("open", "high", "low", "close"))
    if not (low <= min(o, c) and max(o, c) <= h):
        raise FieldError("high/low do not bound open/close")
    interval = item.get("interval")
    if isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0:
        raise FieldError("interval is not a positive integer")
    return OhlcMsg(pair=pair, interval_begin_s=rfc3339_s(item.get("interval_begin"),
                                                         "interval_begin"),
                   open=float(o), high=float(h), low=float(low), close=float(c),
                   volume=float(non_negative(item.get("volume"), "volume")),
                   interval=interval, snapshot=snapshot)


def _levels(raw: Any, side: str) -> list[Level]:
    if not isinstance(raw, list):
        raise FieldError(f"{side} is not a list")
    levels = []
    for level in raw:
        if not isinstance(level, dict):
            raise FieldError(f"{side} level is not an object")
        price = positive(level.get("price"), "price")
        levels.append((price, non_negative(level.get("qty"), "qty")))
    return levels


def _book(item: Mapping[str, Any], kind: Literal["snapshot", "update"]) -> BookMsg:
    ts = item.get("timestamp")
    return BookMsg(pair=text(item.get("symbol"), "symbol"), kind=kind,
                   bids=_levels(item.get("bids", []), "bids"),
                   asks=_levels(item.get("asks", []), "asks"),
                   checksum=uint32(item.get("checksum"), "checksum"),
                   ts=None if ts is None else rfc3339_s(ts, "timestamp"))


def _opt_str(value: Any) -> str | None:
    return value[:64] if isinstance(value, str) else None


def _one_line(value: Any, limit: int = 120) -> str:
    return " ".join(str(value).split())[:limit]


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _status(item: Mapping[str, Any]) -> StatusMsg:
    return StatusMsg(system=text(item.get("system"), "system"),
                     api_version=_opt_str(item.get("api_version")),
                     connection_id=_opt_int(item.get("connection_id")),
                     version=_opt_str(item.get("version")))


def _channel(msg: Mapping[str, Any], channel: str) -> list[Event]:
    if channel == "heartbeat":
        return [Heartbeat()]
    items = _data(msg, channel)
    pair = _opt_str(items[0].get("symbol"))
    try:
        if channel == "ohlc":
            snapshot = _kind(msg, channel) == "snapshot"
            return [_candle(item, snapshot) for item in items]
        if channel == "book":
            kind = _kind(msg, channel)
            return [_book(item, kind) for item in items]
        if channel == "status":
            return [_status(items[0])]
    except FieldError as exc:
        raise BadWsMessage(f"{channel}: {exc}", channel, pair) from None
    raise BadWsMessage(f"unknown channel {channel[:30]!r}", None, pair)


def _method(msg: Mapping[str, Any], method: str) -> list[Event]:
    if method == "pong":
        return [Pong(req_id=_opt_int(msg.get("req_id")))]
    if method not in ("subscribe", "unsubscribe"):
        raise BadWsMessage(f"unknown method {method[:30]!r}")
    result = msg.get("result") if isinstance(msg.get("result"), dict) else {}
    symbol = result.get("symbol", msg.get("symbol"))
    error = msg.get("error")
    success = msg.get("success")
    if not isinstance(success, bool):
        raise BadWsMessage(f"{method}: success is not a boolean")
    return [SubscribeAck(channel=_opt_str(result.get("channel")) or "", success=success,
                         pair=_opt_str(symbol),
                         error=_one_line(error, 200) if error is not None else None,
                         method=method, req_id=_opt_int(msg.get("req_id")))]


def parse(raw: str | bytes) -> list[Event]:
    """Events in one WebSocket text frame; :class:`BadWsMessage` if it is malformed."""
    msg = _decode(raw)
    channel, method = msg.get("channel"), msg.get("method")
    if isinstance(channel, str):
        return _channel(msg, channel)
    if isinstance(method, str):
        return _method(msg, method)
    if "error" in msg:
        raise BadWsMessage(f"error: {_one_line(msg.get('error'))}")
    raise BadWsMessage("neither channel nor method")
