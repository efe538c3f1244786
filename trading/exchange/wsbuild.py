"""Request builders for Kraken WebSocket v2 (subscribe, unsubscribe, ping); plain dicts.

Semantics: ``{"method":"subscribe","params":{"channel":"ohlc","symbol":[...],"interval":1,
"snapshot":true},"req_id"?}``; ``book`` takes ``depth`` (10, 25, 100, 500 or 1000) instead of
``interval`` (minutes: 1, 5, 15, 30, 60, 240, 1440, 10080, 21600). Kraken acknowledges each
symbol separately. Symbols are WS v2 names (``BTC/USD``). Serialise with ``json.dumps``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["subscribe_ohlc", "unsubscribe_ohlc", "subscribe_book", "unsubscribe_book", "ping",
           "BOOK_DEPTHS", "OHLC_INTERVALS"]

BOOK_DEPTHS = (10, 25, 100, 500, 1000)
OHLC_INTERVALS = (1, 5, 15, 30, 60, 240, 1440, 10080, 21600)


def _params(channel: str, pairs: Iterable[str], req_id: int | None, **extra: Any) -> dict:
    symbols = list(pairs)
    if not symbols or not all(isinstance(p, str) and p for p in symbols):
        raise ValueError("pairs must be a non-empty list of names")
    params: dict[str, Any] = {"channel": channel, "symbol": symbols, **extra}
    return {"params": params} | ({"req_id": req_id} if req_id is not None else {})


def subscribe_ohlc(pairs: Iterable[str], interval: int = 1, snapshot: bool = True,
                   req_id: int | None = None) -> dict:
    if interval not in OHLC_INTERVALS:
        raise ValueError(f"interval must be one of {OHLC_INTERVALS}")
    return {"method": "subscribe"} | _params("ohlc", pairs, req_id, interval=interval,
                                             snapshot=snapshot)


def unsubscribe_ohlc(pairs: Iterable[str], interval: int = 1, req_id: int | None = None) -> dict:
    return {"method": "unsubscribe"} | _params("ohlc", pairs, req_id, interval=interval)


def subscribe_book(pairs: Iterable[str], depth: int = 25, snapshot: bool = True,
                   req_id: int | None = None) -> dict:
    if depth not in BOOK_DEPTHS:
        raise ValueError(f"depth must be one of {BOOK_DEPTHS}")
    return {"method": "subscribe"} | _params("book", pairs, req_id, depth=depth,
                                             snapshot=snapshot)


def unsubscribe_book(pairs: Iterable[str], depth: int = 25, req_id: int | None = None) -> dict:
    return {"method": "unsubscribe"} | _params("book", pairs, req_id, depth=depth)


def ping(req_id: int | None = None) -> dict:
    return {"method": "ping"} | ({"req_id": req_id} if req_id is not None else {})
