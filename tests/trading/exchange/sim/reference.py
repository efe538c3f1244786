"""A minimal client-side book, written from Kraken's "maintaining the book" guide.

It knows nothing of the emulator: it parses the message text with ``parse_float=Decimal``,
applies levels (qty 0 deletes), truncates to the subscribed depth and checks the checksum with
the client helper ``trading.exchange.book_checksum``.
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from trading.exchange import book_checksum


class ReferenceBook:
    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}

    def apply_text(self, text: str) -> bool:
        """Apply one ``book`` message; True if its checksum verifies afterwards."""
        msg: dict[str, Any] = json.loads(text, parse_float=Decimal)
        assert msg["channel"] == "book"
        data = msg["data"][0]
        if msg["type"] == "snapshot":
            self.bids, self.asks = {}, {}
        for side, levels in (("bids", self.bids), ("asks", self.asks)):
            for level in data[side]:
                if level["qty"] == 0:
                    levels.pop(level["price"], None)
                else:
                    levels[level["price"]] = level["qty"]
            keep = sorted(levels, reverse=(side == "bids"))[:self.depth]
            for price in set(levels) - set(keep):
                del levels[price]
        return self.checksum() == data["checksum"]

    def checksum(self) -> int:
        return book_checksum(list(self.asks.items()), list(self.bids.items()))

    def top(self, side: str) -> list[tuple[Decimal, Decimal]]:
        levels = self.bids if side == "bids" else self.asks
        return sorted(levels.items(), reverse=(side == "bids"))
