"""CRC32 checksum of a Kraken WebSocket v2 order book (top 10 levels), a pure function.

Semantics, per Kraken's "Spot WebSocket book checksum (v2)" guide:
- asks: the 10 lowest prices, low -> high; bids: the 10 highest prices, high -> low;
- for each level, price and qty are formatted *as received* (all trailing zeros kept), the
  ``.`` is removed and leading ``0`` characters are stripped; ``price + qty`` is appended;
- ``crc32(asks_string + bids_string)`` as an unsigned 32-bit integer.

Caveats:
- Levels must be exact: ``str`` tokens or :class:`decimal.Decimal` parsed from the raw JSON
  (``json.loads(raw, parse_float=Decimal)``). A ``float`` has lost its trailing zeros
  (``0.10000000`` -> ``0.1``) so it is rejected with :class:`TypeError`.
- ``str(Decimal)`` may use an exponent (``1.0E-7``); Decimals are formatted with ``format(d, "f")``.
- The checksum covers the top 10 levels whatever depth is subscribed; the caller must already
  have applied every level of the message and truncated the book to its subscribed depth.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from decimal import Decimal

__all__ = ["book_checksum", "level_token", "CHECKSUM_LEVELS"]

CHECKSUM_LEVELS = 10
Number = str | Decimal


def level_token(value: Number) -> str:
    """Format one price or qty for the checksum string: no ``.``, no leading zeros."""
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, str):
        text = value
    else:
        raise TypeError(f"book level must be str or Decimal, not {type(value).__name__}")
    return text.replace(".", "").lstrip("0")


def _key(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _side(levels: Iterable[Sequence[Number]], descending: bool) -> str:
    pairs = [(lvl[0], lvl[1]) for lvl in levels]
    for price, qty in pairs:
        level_token(price), level_token(qty)  # type check before sorting
    pairs.sort(key=lambda lvl: _key(lvl[0]), reverse=descending)
    return "".join(level_token(p) + level_token(q) for p, q in pairs[:CHECKSUM_LEVELS])


def book_checksum(
    asks: Iterable[Sequence[Number]], bids: Iterable[Sequence[Number]]
) -> int:
    """Return Kraken's v2 book checksum over the top 10 asks and bids.

    :param asks: ``(price, qty)`` pairs, any order (sorted low -> high here).
    :param bids: ``(price, qty)`` pairs, any order (sorted high -> low here).
    :raises TypeError: if a price or qty is not ``str``/``Decimal`` (e.g. a float).
    """
    text = _side(asks, descending=False) + _side(bids, descending=True)
    return zlib.crc32(text.encode()) & 0xFFFFFFFF
