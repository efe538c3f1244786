"""Kraken's wire formats: WebSocket v2 ``ohlc`` / ``book`` messages, REST rows, timestamps.

Number formatting (the contract clients rely on):
- WS v2 numbers are JSON numbers printed with the pair's **fixed** decimals, trailing zeros
  kept: prices with ``pair_decimals`` (``65000.1``, ``0.623400``), quantities and volumes with
  ``lot_decimals`` (``0.50000000``). A book level deletion is ``"qty":0.00000000``.
  Parse with ``json.loads(text, parse_float=Decimal)`` and the book checksum computed from
  the parsed values (``trading.exchange.book_checksum``) matches the ``checksum`` sent, which is
  computed here from exactly the text that is sent. Formatting each value with the pair's
  precision (as needed against real Kraken, which trims zeros) gives the same result.
- REST numbers are strings with the same decimals; times are integers (OHLC) or floats.
- Timestamps are RFC 3339 UTC: ``interval_begin`` with 9 fractional digits, others with 6.

Message shapes (``data`` always holds one book entry; ohlc may hold several candles):
``{"channel":"book","type":"snapshot","data":[{"symbol","bids":[{"price","qty"}...],
"asks":[...],"checksum":N,"timestamp"}]}`` (bids best first = high to low, asks low to high);
``{"channel":"ohlc","type":"update","timestamp":...,"data":[{"symbol","open","high","low",
"close","trades","volume","vwap","interval_begin","interval","timestamp"}]}`` where the
candle's ``timestamp`` is the interval's end, as in Kraken's example.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from trading.exchange.checksum import book_checksum
from trading.exchange.sim.market import Bar
from trading.exchange.sim.orderbook import Top
from trading.exchange.sim.pairs import PairInfo

Level = tuple[str, str]
CHECKSUM_LEVELS = 10


def units(value: int, decimals: int) -> str:
    """An integer count of ``10**-decimals`` units as a fixed-point string."""
    if decimals == 0:
        return str(value)
    scale = 10 ** decimals
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), scale)
    return f"{sign}{whole}.{frac:0{decimals}d}"


def rfc3339(ts: float, digits: int = 6) -> str:
    """``ts`` (unix seconds) as RFC 3339 UTC with ``digits`` fractional digits."""
    if digits == 0:
        return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    whole = int(ts // 1)
    frac = round((ts - whole) * 10 ** digits)
    if frac >= 10 ** digits:
        whole, frac = whole + 1, 0
    base = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{frac:0{digits}d}Z"


def levels_text(top: Top, info: PairInfo) -> list[Level]:
    return [(units(p, info.pair_decimals), units(q, info.lot_decimals)) for p, q in top]


def checksum(bids: list[Level], asks: list[Level]) -> int:
    """Kraken's CRC32 over the top 10 levels, from the strings that go on the wire."""
    return book_checksum(asks[:CHECKSUM_LEVELS], bids[:CHECKSUM_LEVELS])


def _levels_json(levels: list[Level]) -> str:
    return ",".join(f'{{"price":{p},"qty":{q}}}' for p, q in levels)


def book_message(kind: str, symbol: str, bids: list[Level], asks: list[Level], crc: int,
                 ts: float) -> str:
    """A ``book`` snapshot or update, text exactly as sent."""
    return (f'{{"channel":"book","type":"{kind}","data":[{{"symbol":"{symbol}",'
            f'"bids":[{_levels_json(bids)}],"asks":[{_levels_json(asks)}],'
            f'"checksum":{crc},"timestamp":"{rfc3339(ts)}"}}]}}')


def candle_json(bar: Bar, info: PairInfo, interval_min: int) -> str:
    pd, ld = info.pair_decimals, info.lot_decimals
    return (f'{{"symbol":"{info.symbol}","open":{bar.open:.{pd}f},"high":{bar.high:.{pd}f},'
            f'"low":{bar.low:.{pd}f},"close":{bar.close:.{pd}f},"trades":{bar.trades},'
            f'"volume":{bar.volume:.{ld}f},"vwap":{bar.vwap:.{pd}f},'
            f'"interval_begin":"{rfc3339(bar.ts, 9)}","interval":{interval_min},'
            f'"timestamp":"{rfc3339(bar.ts + 60 * interval_min)}"}}')


def ohlc_message(kind: str, bars: list[Bar], info: PairInfo, interval_min: int,
                 ts: float) -> str:
    candles = ",".join(candle_json(b, info, interval_min) for b in bars)
    return (f'{{"channel":"ohlc","type":"{kind}","timestamp":"{rfc3339(ts)}",'
            f'"data":[{candles}]}}')


def ohlc_row(bar: Bar, info: PairInfo) -> list[Any]:
    """One row of REST OHLC: ``[time, open, high, low, close, vwap, volume, count]``."""
    pd = info.pair_decimals
    return [bar.ts, f"{bar.open:.{pd}f}", f"{bar.high:.{pd}f}", f"{bar.low:.{pd}f}",
            f"{bar.close:.{pd}f}", f"{bar.vwap:.{pd}f}", f"{bar.volume:.{info.lot_decimals}f}",
            bar.trades]


def ack(method: str, result: dict[str, Any] | None, time_in: float, time_out: float,
        req_id: Any = None, error: str | None = None, symbol: str | None = None) -> bytes:
    """A v2 method response (subscribe / unsubscribe / pong), as Kraken shapes it."""
    msg: dict[str, Any] = {"method": method}
    if error is None:
        if result is not None:
            msg["result"] = result
        msg["success"] = True
    else:
        msg.update(error=error, success=False)
        if symbol is not None:
            msg["symbol"] = symbol
    msg["time_in"], msg["time_out"] = rfc3339(time_in), rfc3339(time_out)
    if req_id is not None:
        msg["req_id"] = req_id
    return orjson.dumps(msg)
