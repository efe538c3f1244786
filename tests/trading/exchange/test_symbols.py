"""PairMap from Kraken's AssetPairs sample; our names <-> Kraken's."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.trading.exchange.conftest import fixture_json
from trading.exchange.symbols import (
    PairMap,
    normalize_asset,
    normalize_pair,
    rest_name_guess,
)

PAIRS = PairMap.from_asset_pairs(fixture_json("rest_asset_pairs.json")["result"])


def test_docs_sample_pairs() -> None:
    assert sorted(PAIRS.names) == ["BTC/USD", "ETH/BTC"]
    btc = PAIRS.get("BTC/USD")
    assert (btc.internal, btc.altname, btc.wsname) == ("XXBTZUSD", "XBTUSD", "XBT/USD")
    assert (btc.base, btc.quote) == ("BTC", "USD")
    assert (btc.pair_decimals, btc.lot_decimals, btc.cost_decimals) == (1, 8, 5)
    assert btc.ordermin == Decimal("0.0001")
    assert btc.costmin == Decimal("0.5")
    assert btc.tick_size == Decimal("0.1")


@pytest.mark.parametrize("name", ["BTC/USD", "btc/usd", "XBT/USD", "XBTUSD", "XXBTZUSD",
                                  "BTCUSD"])
def test_every_spelling_resolves(name: str) -> None:
    assert PAIRS.get(name).name == "BTC/USD"


def test_unknown_pair() -> None:
    assert "DOGE/USD" not in PAIRS
    with pytest.raises(KeyError):
        PAIRS.get("DOGE/USD")
    with pytest.raises(KeyError):
        PAIRS.get("BTC/")
    with pytest.raises(KeyError, match="DOGE/USD"):
        PAIRS.subset(["BTC/USD", "DOGE/USD"])


def test_doge_alias_in_a_constructed_entry() -> None:
    # Constructed in AssetPairs' shape (not a docs sample): DOGE is XDG on the REST side.
    pairs = PairMap.from_asset_pairs({"XDGUSD": {
        "altname": "XDGUSD", "wsname": "XDG/USD", "base": "XXDG", "quote": "ZUSD",
        "pair_decimals": 7, "lot_decimals": 8, "ordermin": "50"}})
    info = pairs.get("DOGE/USD")
    assert (info.name, info.altname, info.base) == ("DOGE/USD", "XDGUSD", "DOGE")
    assert pairs.get("XDG/USD") is info


@pytest.mark.parametrize(("code", "expected"), [
    ("XXBT", "BTC"), ("XBT", "BTC"), ("ZUSD", "USD"), ("XETH", "ETH"), ("XXDG", "DOGE"),
    ("XDG", "DOGE"), ("ZETA", "ZETA"), ("XBT.F", "BTC.F"), ("usd", "USD"), ("DAO", "DAO"),
])
def test_normalize_asset(code: str, expected: str) -> None:
    assert normalize_asset(code) == expected


def test_names() -> None:
    assert normalize_pair("xbt/usd") == "BTC/USD"
    assert rest_name_guess("BTC/USD") == "XBTUSD"
    assert rest_name_guess("DOGE/USD") == "XDGUSD"
    assert rest_name_guess("ETH/EUR") == "ETHEUR"
    with pytest.raises(ValueError):
        normalize_pair("BTCUSD")
