"""Helpers for the risk tests: Kraken-like pair rules and UTC times."""
from __future__ import annotations

from datetime import datetime, timezone

from trading.exchange.symbols import PairInfo


def utc(*args: int) -> float:
    """Epoch seconds of a UTC wall-clock time: ``utc(2026, 11, 25, 23, 59)``."""
    return datetime(*args, tzinfo=timezone.utc).timestamp()


def pair_info(name: str = "XBT/USD", *, pair_decimals: int = 1, lot_decimals: int = 8,
              ordermin: str | None = "0.0001", costmin: str | None = "0.5",
              tick_size: str | None = "0.1") -> PairInfo:
    """A PairInfo built the way the client builds it from an AssetPairs entry."""
    base, quote = name.split("/")
    info: dict[str, object] = {"altname": base + quote, "wsname": name, "base": base,
                               "quote": quote, "pair_decimals": pair_decimals,
                               "lot_decimals": lot_decimals, "status": "online"}
    for key, value in (("ordermin", ordermin), ("costmin", costmin), ("tick_size", tick_size)):
        if value is not None:
            info[key] = value
    return PairInfo.from_asset_pair(base + quote, info)
