"""Static per-pair facts, shaped like Kraken's AssetPairs, for the pairs the emulator serves.

The eight default pairs carry Kraken's real names (``BTC/USD`` is ``XBTUSD`` / ``XXBTZUSD`` /
``XBT/USD``, balances in ``XXBT`` and ``ZUSD``), precisions and order minimums, plus a
realistic starting price, per-bar volatility and volume for the simulator. Any other
configured ``BASE/QUOTE`` gets a generic entry: names built Kraken-style (``BTC`` -> ``XBT``),
a starting price derived from the symbol (stable across runs), and precisions that fit it.

Caveats: values are typical of Kraken in 2024-2025, not live; ``pair_decimals`` is always >= 1
so every book price printed on the wire contains a ``.`` (JSON parsers then hand it to
``Decimal`` via ``parse_float``).
"""
from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PairInfo:
    symbol: str            # WS v2 symbol and config name, e.g. "BTC/USD"
    altname: str           # e.g. "XBTUSD"
    name: str              # Kraken's internal pair name (REST result key), e.g. "XXBTZUSD"
    wsname: str            # e.g. "XBT/USD"
    base_asset: str        # balance key of the base, e.g. "XXBT"
    quote_asset: str       # balance key of the quote, e.g. "ZUSD"
    pair_decimals: int     # price precision
    lot_decimals: int      # volume precision
    cost_decimals: int
    ordermin: Decimal
    costmin: Decimal
    start_price: float
    bar_sigma: float       # typical log-return std of one 1-minute bar
    bar_volume: float      # typical base volume of one 1-minute bar

    @property
    def tick(self) -> Decimal:
        return Decimal(1).scaleb(-self.pair_decimals)

    def aliases(self) -> set[str]:
        """Every spelling a REST ``pair`` parameter may use for this pair."""
        return {self.symbol, self.symbol.replace("/", ""), self.altname, self.name, self.wsname}


#: symbol -> (altname, name, wsname, base asset, pair_dec, lot_dec, ordermin, price, sigma, vol)
_KNOWN: dict[str, tuple[str, str, str, str, int, int, str, float, float, float]] = {
    "BTC/USD": ("XBTUSD", "XXBTZUSD", "XBT/USD", "XXBT", 1, 8, "0.00005", 65000.0, 0.0009, 4.0),
    "ETH/USD": ("ETHUSD", "XETHZUSD", "ETH/USD", "XETH", 2, 8, "0.002", 3400.0, 0.0011, 60.0),
    "SOL/USD": ("SOLUSD", "SOLUSD", "SOL/USD", "SOL", 2, 8, "0.02", 160.0, 0.0016, 500.0),
    "XRP/USD": ("XRPUSD", "XXRPZUSD", "XRP/USD", "XXRP", 5, 8, "2", 0.62, 0.0014, 80000.0),
    "ADA/USD": ("ADAUSD", "ADAUSD", "ADA/USD", "ADA", 6, 8, "5", 0.45, 0.0015, 90000.0),
    "DOT/USD": ("DOTUSD", "DOTUSD", "DOT/USD", "DOT", 4, 8, "0.6", 7.2, 0.0015, 6000.0),
    "LINK/USD": ("LINKUSD", "LINKUSD", "LINK/USD", "LINK", 5, 8, "0.2", 17.5, 0.0016, 3000.0),
    "LTC/USD": ("LTCUSD", "XLTCZUSD", "LTC/USD", "XLTC", 2, 8, "0.05", 82.0, 0.0013, 250.0),
}
_KRAKEN_CODE = {"BTC": "XBT", "DOGE": "XDG"}
_ASSET_NAME = {"XBT": "XXBT", "ETH": "XETH", "XRP": "XXRP", "LTC": "XLTC", "XDG": "XXDG",
               "USD": "ZUSD", "EUR": "ZEUR", "GBP": "ZGBP", "CAD": "ZCAD", "JPY": "ZJPY"}
#: Kraken's ``decimals`` per asset (balances are printed with these).
ASSET_DECIMALS = {"ZUSD": 4, "ZEUR": 4, "ZGBP": 4, "ZCAD": 4, "ZJPY": 2, "XXRP": 8, "ADA": 8}
DEFAULT_ASSET_DECIMALS = 10
COSTMIN = Decimal("0.5")


def asset_decimals(asset: str) -> int:
    return ASSET_DECIMALS.get(asset, DEFAULT_ASSET_DECIMALS)


def _known(symbol: str) -> PairInfo:
    alt, name, ws, base, pdec, ldec, omin, price, sigma, vol = _KNOWN[symbol]
    return PairInfo(symbol=symbol, altname=alt, name=name, wsname=ws, base_asset=base,
                    quote_asset="ZUSD", pair_decimals=pdec, lot_decimals=ldec, cost_decimals=5,
                    ordermin=Decimal(omin), costmin=COSTMIN, start_price=price,
                    bar_sigma=sigma, bar_volume=vol)


def _generic(symbol: str) -> PairInfo:
    base, quote = symbol.split("/")
    kb, kq = _KRAKEN_CODE.get(base, base), _KRAKEN_CODE.get(quote, quote)
    crc = zlib.crc32(symbol.encode())
    price = round(10 ** ((crc % 500) / 100 - 1), 6)  # 0.1 .. 1000, stable per symbol
    pdec = max(1, min(8, 4 - math.floor(math.log10(price))))
    ordermin = Decimal(format(Decimal(f"{5 / price:.1g}"), "f"))  # ~5 quote units, 1 digit
    return PairInfo(symbol=symbol, altname=kb + kq, name=kb + kq, wsname=f"{kb}/{kq}",
                    base_asset=_ASSET_NAME.get(kb, kb), quote_asset=_ASSET_NAME.get(kq, kq),
                    pair_decimals=pdec, lot_decimals=8, cost_decimals=5, ordermin=ordermin,
                    costmin=COSTMIN, start_price=price, bar_sigma=0.0015,
                    bar_volume=round(20000 / price, 2))


def pair_info(symbol: str) -> PairInfo:
    """Facts for ``symbol`` (``BASE/QUOTE``): Kraken's for known pairs, generic otherwise."""
    return _known(symbol) if symbol in _KNOWN else _generic(symbol)


class PairTable:
    """The configured pairs, looked up by any of their names."""

    def __init__(self, symbols: list[str] | tuple[str, ...]) -> None:
        self.pairs: dict[str, PairInfo] = {s: pair_info(s) for s in symbols}
        self._alias = {a.upper(): p for p in self.pairs.values() for a in p.aliases()}

    def __iter__(self) -> Iterator[PairInfo]:
        return iter(self.pairs.values())

    def __len__(self) -> int:
        return len(self.pairs)

    def get(self, name: str) -> PairInfo | None:
        """The pair a REST ``pair`` parameter or WS ``symbol`` names, or None."""
        return self._alias.get(name.strip().upper())

    def by_symbol(self, symbol: str) -> PairInfo | None:
        return self.pairs.get(symbol)

    def assets(self) -> list[str]:
        """Every asset that appears in a balance, quote assets first."""
        quotes = {p.quote_asset for p in self}
        return sorted(quotes) + sorted({p.base_asset for p in self} - quotes)


def asset_pair_entry(info: PairInfo, maker_fee: float, taker_fee: float) -> dict[str, Any]:
    """One value of Kraken's ``AssetPairs`` result (keyed by ``info.name``)."""
    return {
        "altname": info.altname, "wsname": info.wsname,
        "aclass_base": "currency", "base": info.base_asset,
        "aclass_quote": "currency", "quote": info.quote_asset, "lot": "unit",
        "cost_decimals": info.cost_decimals, "pair_decimals": info.pair_decimals,
        "lot_decimals": info.lot_decimals, "lot_multiplier": 1,
        "leverage_buy": [], "leverage_sell": [],
        "fees": [[0, round(taker_fee * 100, 4)]], "fees_maker": [[0, round(maker_fee * 100, 4)]],
        "fee_volume_currency": "ZUSD", "margin_call": 80, "margin_stop": 40,
        "ordermin": format(info.ordermin, "f"), "costmin": format(info.costmin, "f"),
        "tick_size": str(info.tick), "status": "online",
    }
