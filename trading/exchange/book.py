"""A local copy of one pair's Kraken WebSocket v2 L2 order book, verified by checksum.

Semantics (Kraken "Spot WebSocket book checksum v2"):
- a snapshot replaces the book; an update applies *all* its levels in order (``qty`` 0
  deletes the level, any other qty sets it), then each side is truncated to the subscribed
  depth (Kraken sends no delete for levels that fall out of scope), then the CRC32 of the top
  10 levels is compared with the message's ``checksum``;
- on a mismatch :meth:`OrderBook.apply` returns False and the book is *invalid* until the next
  snapshot: updates are ignored meanwhile. The caller should resubscribe the pair's book
  (unsubscribe + subscribe) to get that snapshot.

Precision: the checksum is over the numbers *as printed with the pair's precision*. Kraken's
docs print some numbers without trailing zeros (``0.566`` for ``0.5660``); their checksums only
match once each value is padded back to the pair's decimals. Pass ``price_decimals`` /
``qty_decimals`` (AssetPairs ``pair_decimals`` / ``lot_decimals``) and shorter values are padded
(never rounded); without them values are used exactly as received.

Caveat: a book can pass the checksum and still be crossed (best bid >= best ask); see
:meth:`OrderBook.crossed`. Levels stay exact ``Decimal``; :meth:`to_arrays` gives float64.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import numpy as np

from trading.exchange.checksum import book_checksum
from trading.exchange.ws import BookMsg

__all__ = ["OrderBook"]

logger = logging.getLogger(__name__)

Level = tuple[Decimal, Decimal]


class OrderBook:
    """One pair's book at a fixed subscribed depth."""

    def __init__(self, depth: int = 25, pair: str = "", price_decimals: int | None = None,
                 qty_decimals: int | None = None) -> None:
        if depth <= 0:
            raise ValueError("depth must be positive")
        self.depth = depth
        self.pair = pair
        self._decimals = (price_decimals, qty_decimals)
        self._bids: dict[Decimal, Decimal] = {}
        self._asks: dict[Decimal, Decimal] = {}
        self.valid = False
        self.ts: float | None = None
        self.mismatches = 0

    def apply(self, msg: BookMsg) -> bool:
        """Apply one message; True if the book is valid and matches Kraken's checksum."""
        if msg.kind == "snapshot":
            self._bids.clear()
            self._asks.clear()
        elif not self.valid:
            return False
        _apply_side(self._bids, msg.bids, *self._decimals)
        _apply_side(self._asks, msg.asks, *self._decimals)
        self._truncate()
        self.ts = msg.ts if msg.ts is not None else self.ts
        if book_checksum(self.asks()[:10], self.bids()[:10]) != msg.checksum:
            self.valid = False
            self.mismatches += 1
            logger.warning("book %s: checksum mismatch (%s); invalid until next snapshot",
                           self.pair or msg.pair, msg.kind)
            return False
        self.valid = True
        return True

    def invalidate(self) -> None:
        """Mark invalid (e.g. after a disconnect) until the next snapshot."""
        self.valid = False

    def _truncate(self) -> None:
        for side, reverse in ((self._bids, True), (self._asks, False)):
            if len(side) > self.depth:
                for price in sorted(side, reverse=reverse)[self.depth:]:
                    del side[price]

    def bids(self) -> list[Level]:
        """Best (highest) first."""
        return sorted(self._bids.items(), key=lambda lvl: lvl[0], reverse=True)

    def asks(self) -> list[Level]:
        """Best (lowest) first."""
        return sorted(self._asks.items(), key=lambda lvl: lvl[0])

    def crossed(self) -> bool:
        return bool(self._bids and self._asks and max(self._bids) >= min(self._asks))

    def to_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(bids, asks)`` as (k, 2) float64 ``[price, qty]`` arrays, best first."""
        return _array(self.bids()), _array(self.asks())


def _pad(value: Decimal, decimals: int | None) -> Decimal:
    """``0.566`` -> ``0.5660`` for 4 decimals; never rounds a longer value."""
    if decimals is None or value.as_tuple().exponent <= -decimals:  # type: ignore[operator]
        return value
    return value.quantize(Decimal(1).scaleb(-decimals))


def _apply_side(side: dict[Decimal, Decimal], levels: list[Level], price_decimals: int | None,
                qty_decimals: int | None) -> None:
    for price, qty in levels:
        price = _pad(price, price_decimals)
        if qty == 0:
            side.pop(price, None)
        else:
            side[price] = _pad(qty, qty_decimals)


def _array(levels: list[Level]) -> np.ndarray:
    if not levels:
        return np.empty((0, 2), dtype=np.float64)
    return np.array([(float(p), float(q)) for p, q in levels], dtype=np.float64)
