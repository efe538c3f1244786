"""Number parsing and canonical decimal text."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from trading.execution.ledger_types import LedgerError, dec_str, to_decimal


@pytest.mark.parametrize(("value", "expected"), [
    (0.1, D("0.1")), ("0.10000000", D("0.1")), (3, D(3)), (D("1e-8"), D("0.00000001")),
])
def test_to_decimal_takes_floats_by_their_repr(value: object, expected: D) -> None:
    assert to_decimal(value, "x") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, None, "abc", float("inf"), "NaN", [1]])
def test_to_decimal_refuses_non_numbers(value: object) -> None:
    with pytest.raises(LedgerError, match="^qty must be"):
        to_decimal(value, "qty")  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "text"), [
    (D("1.500"), "1.5"), (D("100"), "100"), (D("1E+2"), "100"), (D("0.00000010"), "0.0000001"),
    (D("-0"), "0"), (D("0E-12"), "0"),
])
def test_dec_str_is_plain_and_canonical(value: D, text: str) -> None:
    assert dec_str(value) == text
