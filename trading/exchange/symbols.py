"""Pair names: ours/WebSocket v2 ("BTC/USD") <-> Kraken REST (altname "XBTUSD", key "XXBTZUSD").

Semantics:
- Our pair name is the WebSocket v2 symbol: ``BASE/QUOTE`` with modern asset codes (``BTC``,
  ``DOGE``), upper case.
- REST ``OHLC``/``Depth``/``AddOrder`` accept the pair's ``altname`` (``XBTUSD``) and key
  their results by Kraken's internal pair name (``XXBTZUSD``).
- ``AssetPairs`` gives, per internal name, ``altname``, ``wsname`` (the v1 name, ``XBT/USD``),
  ``base``/``quote`` (``XXBT``/``ZUSD``), precisions, ``ordermin``, ``costmin``, ``tick_size``.
  :class:`PairMap` is built from that result and resolves any of these spellings.

Caveats: the legacy aliases (``XBT`` = ``BTC``, ``XDG`` = ``DOGE``) and the ``X``/``Z`` prefixes
of old four-letter asset codes are normalised here; a pair unknown to ``AssetPairs`` can only be
guessed (:func:`rest_name_guess`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["PairInfo", "PairMap", "normalize_asset", "normalize_pair", "rest_name_guess"]

logger = logging.getLogger(__name__)

ALIASES = {"XBT": "BTC", "XDG": "DOGE"}
KRAKEN_CODES = {v: k for k, v in ALIASES.items()}
# Kraken's legacy four-letter codes (X = crypto, Z = fiat). Listed explicitly: modern codes
# such as ZETA or XION also start with X/Z and must not lose their first letter.
LEGACY = {
    "XXBT": "XBT", "XETH": "ETH", "XLTC": "LTC", "XXRP": "XRP", "XXLM": "XLM", "XXMR": "XMR",
    "XZEC": "ZEC", "XETC": "ETC", "XMLN": "MLN", "XREP": "REP", "XXDG": "XDG",
    "ZUSD": "USD", "ZEUR": "EUR", "ZCAD": "CAD", "ZGBP": "GBP", "ZJPY": "JPY", "ZAUD": "AUD",
}


def normalize_asset(code: str) -> str:
    """``XXBT``/``XBT``/``btc`` -> ``BTC``; ``ZUSD`` -> ``USD``; ``XBT.F`` -> ``BTC.F``."""
    head, dot, suffix = code.strip().upper().partition(".")
    head = LEGACY.get(head, head)
    return ALIASES.get(head, head) + dot + suffix


def normalize_pair(name: str) -> str:
    """``xbt/usd`` or ``XBT/USD`` -> ``BTC/USD`` (names with a slash only)."""
    base, sep, quote = name.strip().upper().partition("/")
    if not sep or not base or not quote:
        raise ValueError(f"not a BASE/QUOTE pair name: {name!r}")
    return f"{normalize_asset(base)}/{normalize_asset(quote)}"


def rest_name_guess(name: str) -> str:
    """Best guess of the REST altname without AssetPairs: ``BTC/USD`` -> ``XBTUSD``."""
    base, _, quote = normalize_pair(name).partition("/")
    return KRAKEN_CODES.get(base, base) + KRAKEN_CODES.get(quote, quote)


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True, slots=True)
class PairInfo:
    """One tradable pair as described by ``AssetPairs``."""

    name: str             # ours / WS v2: "BTC/USD"
    internal: str         # REST result key: "XXBTZUSD"
    altname: str          # REST request name: "XBTUSD"
    wsname: str           # Kraken's wsname (v1 spelling): "XBT/USD"
    base: str             # normalised: "BTC"
    quote: str            # normalised: "USD"
    pair_decimals: int    # price precision
    lot_decimals: int     # volume precision
    cost_decimals: int
    ordermin: Decimal | None
    costmin: Decimal | None
    tick_size: Decimal | None
    status: str

    @classmethod
    def from_asset_pair(cls, internal: str, info: Mapping[str, Any]) -> PairInfo:
        altname = str(info.get("altname") or internal)
        wsname = str(info.get("wsname") or "")
        if wsname:
            name = normalize_pair(wsname)
        else:
            name = f"{normalize_asset(str(info['base']))}/{normalize_asset(str(info['quote']))}"
        base, _, quote = name.partition("/")
        pair_decimals = int(info.get("pair_decimals", 8))
        return cls(
            name=name, internal=internal, altname=altname, wsname=wsname or name,
            base=base, quote=quote, pair_decimals=pair_decimals,
            lot_decimals=int(info.get("lot_decimals", 8)),
            cost_decimals=int(info.get("cost_decimals", pair_decimals)),
            ordermin=_decimal(info.get("ordermin")), costmin=_decimal(info.get("costmin")),
            tick_size=_decimal(info.get("tick_size")), status=str(info.get("status", "online")),
        )


class PairMap:
    """Resolves any spelling of a pair to its :class:`PairInfo`."""

    def __init__(self, pairs: list[PairInfo]) -> None:
        self._by_name: dict[str, PairInfo] = {}
        self._index: dict[str, PairInfo] = {}
        for info in pairs:
            if info.name in self._by_name:
                # e.g. a dark-pool ".d" variant: keep the first (the regular) listing.
                continue
            self._by_name[info.name] = info
            for key in (info.name, info.internal, info.altname, info.wsname,
                        info.name.replace("/", ""), info.wsname.replace("/", "")):
                self._index.setdefault(key.upper(), info)

    @classmethod
    def from_asset_pairs(cls, result: Mapping[str, Any]) -> PairMap:
        """Build from the ``result`` object of ``GET /0/public/AssetPairs``."""
        pairs = []
        for internal, info in result.items():
            if internal.endswith(".d") or not isinstance(info, Mapping):
                continue
            try:
                pairs.append(PairInfo.from_asset_pair(internal, info))
            except (KeyError, ValueError, TypeError) as exc:
                logger.warning("AssetPairs: dropped %s: %s", internal, exc)
        return cls(pairs)

    def get(self, name: str) -> PairInfo:
        """Resolve ``BTC/USD``, ``XBT/USD``, ``XBTUSD``, ``XXBTZUSD`` (any case), else KeyError."""
        key = name.strip().upper()
        info = self._index.get(key)
        if info is None and "/" in key:
            try:
                info = self._by_name.get(normalize_pair(key))
            except ValueError:
                info = None
        if info is None:
            raise KeyError(f"unknown pair {name!r}")
        return info

    def find(self, name: str) -> PairInfo | None:
        try:
            return self.get(name)
        except KeyError:
            return None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None

    def __iter__(self) -> Iterator[PairInfo]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    @property
    def names(self) -> list[str]:
        return list(self._by_name)

    def subset(self, names: list[str]) -> PairMap:
        """Only the given pairs; KeyError naming every unknown one."""
        missing = [n for n in names if n not in self]
        if missing:
            raise KeyError(f"unknown pairs: {', '.join(missing)}")
        return PairMap([self.get(n) for n in names])
