"""Pair precision: qty rounds down to the lot, prices to the tick in the safe direction."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.trading.risk.helpers import pair_info
from trading.exchange.symbols import PairInfo
from trading.risk.precision import minimum_reasons, price_step, round_price, round_qty, to_decimal


def test_to_decimal_uses_the_shortest_repr() -> None:
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(Decimal("1.50")) == Decimal("1.50")
    with pytest.raises(ValueError, match="finite"):
        to_decimal(float("nan"))


@pytest.mark.parametrize(("qty", "lot", "expected"), [
    (0.123456789, 8, "0.12345678"),     # down, never up
    (0.05, 8, "0.05000000"),
    (1.99999, 2, "1.99"),
    (12.7, 0, "12"),
    (-0.1, 8, "0E-8"),                  # never negative
])
def test_round_qty_down(qty: float, lot: int, expected: str) -> None:
    assert round_qty(qty, lot) == Decimal(expected)


def test_round_price_to_tick_both_ways(btc: PairInfo) -> None:
    assert round_price(50000.04, btc, up=True) == Decimal("50000.1")
    assert round_price(50000.04, btc, up=False) == Decimal("50000.0")
    assert round_price(50000.1, btc, up=True) == Decimal("50000.1")    # on a tick: unchanged


def test_coarse_tick_size() -> None:
    rules = pair_info(pair_decimals=2, tick_size="0.05")
    assert price_step(rules) == Decimal("0.05")
    assert round_price(1.01, rules, up=True) == Decimal("1.05")
    assert round_price(1.01, rules, up=False) == Decimal("1.00")


def test_no_tick_size_uses_pair_decimals() -> None:
    rules = pair_info(pair_decimals=3, tick_size=None)
    assert price_step(rules) == Decimal("0.001")
    assert round_price(1.2341, rules, up=True) == Decimal("1.235")
    assert round_price(1.2349, rules, up=False) == Decimal("1.234")


def test_tick_finer_than_decimals_is_ignored() -> None:
    rules = pair_info(pair_decimals=1, tick_size="0.01")
    assert price_step(rules) == Decimal("0.1")


def test_minimums(btc: PairInfo) -> None:
    price = Decimal("50000.0")
    assert minimum_reasons(Decimal("0.05"), price, btc, "BTC/USD") == []
    assert minimum_reasons(Decimal("0.00005000"), price, btc, "BTC/USD") == [
        "qty 0.00005000 < ordermin 0.0001 for BTC/USD"]
    assert minimum_reasons(Decimal("0E-8"), price, btc, "BTC/USD") == [
        "qty rounds to 0 at 8 lot decimals for BTC/USD"]
    rules = pair_info(ordermin="0.00001", costmin="5")
    # 0.00005 x 50000 = 2.5 < 5
    assert minimum_reasons(Decimal("0.00005000"), price, rules, "BTC/USD") == [
        "cost 2.5 < costmin 5 for BTC/USD"]


def test_missing_minimums_do_not_block() -> None:
    rules = pair_info(ordermin=None, costmin=None)
    assert minimum_reasons(Decimal("0.00000001"), Decimal("1"), rules, "BTC/USD") == []
