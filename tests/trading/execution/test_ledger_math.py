"""Average-cost accounting: exactness, rounding only in divisions, long-only."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from trading.execution import ledger_math
from trading.execution.ledger_math import Book, ratio
from trading.execution.ledger_types import LedgerError


def buy(book: Book, qty: D, price: D, fee: D) -> tuple[Book, D]:
    """A buy at ``price`` (the ledger passes the exchange's cost, here ``qty x price``)."""
    return ledger_math.buy(book, qty, qty * price, fee)


def sell(book: Book, qty: D, price: D, fee: D, pair: str = "") -> tuple[Book, D]:
    return ledger_math.sell(book, qty, qty * price, fee, pair)


def test_thirds_round_but_the_round_trip_adds_up_exactly() -> None:
    book, r0 = buy(Book(), D("3"), D("10"), D("0.03"))        # cost 30
    book, r1 = sell(book, D("1"), D("11"), D("0.011"))        # removes 10 (30 * 1/3)
    book, r2 = buy(book, D("1"), D("13"), D("0"))             # qty 3, cost 33
    book, r3 = sell(book, D("1"), D("12"), D("0"))            # removes 11
    book, r4 = sell(book, D("2"), D("12.5"), D("0.02"))       # removes the last 22
    assert book.qty == 0 and book.cost == 0
    assert [r0, r1, r2, r3, r4] == [D("-0.03"), D("0.989"), D("0"), D("1"), D("2.98")]
    assert book.realised == r0 + r1 + r2 + r3 + r4
    assert book.realised == book.exit_proceeds - book.entry_cost - book.fees


def test_non_terminating_division_rounds_to_12_places_and_the_rest_goes_last() -> None:
    book, _ = buy(Book(), D("1"), D("1"), D("0"))
    book, _ = buy(book, D("2"), D("1.5"), D("0"))             # qty 3, cost 4
    assert book.avg_entry == D("1.333333333333")
    book, r1 = sell(book, D("1"), D("2"), D("0"))             # removes 4/3 -> 1.333333333333
    assert (r1, book.cost) == (D("0.666666666667"), D("2.666666666667"))
    book, r2 = sell(book, D("2"), D("2"), D("0"))             # removes the rest exactly
    assert (book.cost, r1 + r2, book.realised) == (D(0), D(2), D(2))
    assert ratio(D("2"), D("3")) == D("0.666666666667")


def test_overselling_is_refused() -> None:
    book, _ = buy(Book(), D("1"), D("10"), D("0"))
    with pytest.raises(LedgerError, match="exceeds the position of 1"):
        sell(book, D("1.00000001"), D("10"), D("0"), "BTC/USD")
