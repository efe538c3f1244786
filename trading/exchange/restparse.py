"""Parse Kraken REST market-data results into validated arrays and exact decimals.

Semantics:
- ``OHLC`` rows are ``[time, open, high, low, close, vwap, volume, count]`` (prices and volume
  as strings, time in integer seconds = the interval's begin). The result is keyed by Kraken's
  internal pair name next to ``last`` (the ``since`` cursor). The *last* row is the candle still
  being formed; every row before it is closed.
- Each row is checked: finite, positive prices with ``low <= open, close <= high``, finite
  non-negative volume, time strictly after the previous accepted row. A row that fails is
  dropped with one log line; nothing invalid reaches the arrays.
- ``Depth`` levels are ``[price, volume, timestamp]`` strings; they come back as exact
  ``Decimal`` pairs, asks low -> high and bids high -> low.

Caveat: vwap comes *before* volume in a row; the arrays keep ``[ts, o, h, l, c, volume]``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

__all__ = ["Ohlc", "parse_ohlc", "parse_depth", "pick_pair_result", "to_decimal"]

logger = logging.getLogger(__name__)

Level = tuple[Decimal, Decimal]


@dataclass(frozen=True, slots=True)
class Ohlc:
    """REST OHLC: ``closed`` is (k, 6) float64 ``[ts, o, h, l, c, v]``, oldest first."""

    closed: np.ndarray
    forming: np.ndarray | None   # (6,) the last row: the candle still being formed
    last: int                    # Kraken's ``last``: pass as ``since`` for the next call

    def closed_after(self, ts: float) -> np.ndarray:
        """Closed bars strictly after ``ts`` (a backfill that never repeats a stored bar)."""
        return self.closed[self.closed[:, 0] > ts]


def to_decimal(value: Any) -> Decimal | None:
    """An exact, finite Decimal from a Kraken number or numeric string; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _row(raw: Any) -> tuple[np.ndarray | None, str]:
    if not isinstance(raw, (list, tuple)) or len(raw) < 7:
        return None, "not a row of 7+ fields"
    ts = to_decimal(raw[0])
    values = [to_decimal(v) for v in (raw[1], raw[2], raw[3], raw[4], raw[6])]
    if ts is None or ts <= 0 or any(v is None for v in values):
        return None, "non-numeric field"
    o, h, low, c, vol = (float(v) for v in values if v is not None)
    row = np.array([float(ts), o, h, low, c, vol], dtype=np.float64)
    if not np.isfinite(row).all() or min(o, h, low, c) <= 0 or vol < 0:
        return None, "non-finite, zero or negative value"
    if not (low <= min(o, c) and max(o, c) <= h):
        return None, "high/low do not bound open/close"
    return row, ""


def _rows(raw_rows: Sequence[Any], pair: str) -> list[np.ndarray]:
    rows: list[np.ndarray] = []
    for raw in raw_rows:
        row, why = _row(raw)
        if row is None:
            logger.warning("OHLC %s: dropped row %.80r: %s", pair, raw, why)
        elif rows and row[0] <= rows[-1][0]:
            logger.warning("OHLC %s: dropped out-of-order row at ts %s", pair, row[0])
        else:
            rows.append(row)
    return rows


def pick_pair_result(result: Mapping[str, Any], internal: str | None) -> tuple[str, Any]:
    """The one per-pair entry of a result keyed by Kraken's internal pair name."""
    if internal is not None and internal in result:
        return internal, result[internal]
    keys = [k for k in result if k != "last"]
    if len(keys) != 1:
        raise ValueError(f"expected one pair in the result, got {keys[:5]}")
    return keys[0], result[keys[0]]


def parse_ohlc(result: Mapping[str, Any], internal: str | None = None) -> Ohlc:
    """Split a REST OHLC result into closed bars and the forming bar, dropping bad rows."""
    key, raw_rows = pick_pair_result(result, internal)
    if not isinstance(raw_rows, list):
        raise ValueError(f"OHLC rows for {key} are not a list")
    last_raw = to_decimal(result.get("last"))
    last = int(last_raw) if last_raw is not None else 0
    forming: np.ndarray | None = None
    if raw_rows:
        forming, why = _row(raw_rows[-1])
        if forming is None:
            logger.warning("OHLC %s: dropped forming row: %s", key, why)
    closed = _rows(raw_rows[:-1], key)
    if forming is not None and closed and forming[0] <= closed[-1][0]:
        logger.warning("OHLC %s: forming row at %s is not after the closed rows", key, forming[0])
        forming = None
    array = np.vstack(closed) if closed else np.empty((0, 6), dtype=np.float64)
    return Ohlc(closed=array, forming=forming, last=last)


def _levels(raw: Any, side: str, pair: str) -> list[Level]:
    levels: list[Level] = []
    for item in raw if isinstance(raw, list) else []:
        price = to_decimal(item[0]) if isinstance(item, list) and len(item) >= 2 else None
        qty = to_decimal(item[1]) if price is not None else None
        if price is None or qty is None or price <= 0 or qty < 0:
            logger.warning("Depth %s: dropped %s level %.60r", pair, side, item)
            continue
        levels.append((price, qty))
    return levels


def parse_depth(result: Mapping[str, Any], internal: str | None = None
                ) -> tuple[list[Level], list[Level]]:
    """``(asks low->high, bids high->low)`` as exact ``(price, qty)`` Decimals."""
    key, book = pick_pair_result(result, internal)
    if not isinstance(book, Mapping):
        raise ValueError(f"Depth entry for {key} is not an object")
    asks = sorted(_levels(book.get("asks"), "ask", key), key=lambda lvl: lvl[0])
    bids = sorted(_levels(book.get("bids"), "bid", key), key=lambda lvl: lvl[0], reverse=True)
    return asks, bids
