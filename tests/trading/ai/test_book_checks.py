"""Book checks: valid snapshots become an ascending ladder; malformed ones fail in one line."""
from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import ArrayLike

from trading.ai.book_checks import BadBook, ladder

BIDS = [[100.0, 1.0], [99.5, 2.0], [99.0, 3.0]]
ASKS = [[100.5, 4.0], [101.0, 5.0]]


def bad(bids: ArrayLike, asks: ArrayLike) -> str:
    with pytest.raises(BadBook) as err:
        ladder(bids, asks)
    message = str(err.value)
    assert "\n" not in message
    return message


def test_ladder_is_both_sides_in_ascending_price_order() -> None:
    lad = ladder(np.array(BIDS), np.array(ASKS))
    assert lad.prices.tolist() == [99.0, 99.5, 100.0, 100.5, 101.0]
    assert lad.qtys.tolist() == [3.0, 2.0, 1.0, 4.0, 5.0]
    assert lad.gaps.tolist() == [0.5, 0.5, 0.5, 0.5]  # index n_bids - 1 = 2 is the spread
    assert lad.n_bids == 3
    assert [lad.locate(i) for i in range(5)] == [
        ("bid", 2), ("bid", 1), ("bid", 0), ("ask", 0), ("ask", 1)]


def test_ladder_lookups() -> None:
    lad = ladder(np.array(BIDS), np.array(ASKS))
    assert lad.qty_at("bid", 99.5) == 2.0
    assert lad.qty_at("ask", 99.5) == 0.0  # that price is a bid
    assert lad.qty_at("bid", 99.25) == 0.0
    assert lad.qty_at("ask", 101.0) == 5.0
    assert lad.qty_at("ask", 200.0) == 0.0
    assert lad.touched("bid", 100.0) and not lad.touched("bid", 99.5)
    assert lad.touched("ask", 100.5) and not lad.touched("ask", 101.0)
    assert lad.beyond_view("bid", 98.5) and not lad.beyond_view("bid", 99.0)
    assert lad.beyond_view("ask", 101.5) and not lad.beyond_view("ask", 101.0)


def test_empty_and_one_sided_books_are_valid() -> None:
    empty = ladder(np.empty((0, 2)), np.empty(0))
    assert empty.prices.size == 0 and empty.gaps.size == 0
    assert empty.touched("bid", 1.0)  # an empty side counts as reached
    one = ladder(np.array(BIDS), np.empty((0, 2)))
    assert one.prices.tolist() == [99.0, 99.5, 100.0]


@pytest.mark.parametrize(("bids", "asks", "message"), [
    ([[100.0, 1.0], [99.5, float("nan")]], ASKS,
     "bids level 1 is not finite (price 99.5, qty nan)"),
    (BIDS, [[float("inf"), 1.0]], "asks level 0 is not finite (price inf, qty 1.0)"),
    (BIDS, [[100.5, -2.0]], "asks level 0 has qty -2.0 (must be > 0)"),
    ([[100.0, 0.0]], ASKS, "bids level 0 has qty 0.0 (must be > 0)"),
    ([[-1.0, 1.0]], [], "bids level 0 has price -1.0 (must be > 0)"),
    ([[100.0, 1.0], [99.0, 1.0], [99.5, 1.0]], ASKS,
     "bids not strictly descending (best first): level 2 price 99.5 after level 1 price 99.0"),
    ([[100.0, 1.0], [100.0, 1.0]], ASKS,
     "bids not strictly descending (best first): level 1 price 100.0 after level 0 price 100.0"),
    (BIDS, [[101.0, 1.0], [100.5, 1.0]],
     "asks not strictly ascending (best first): level 1 price 100.5 after level 0 price 101.0"),
    ([[100.6, 1.0]], ASKS, "crossed book: best bid 100.6 >= best ask 100.5"),
    ([[100.5, 1.0]], ASKS, "crossed book: best bid 100.5 >= best ask 100.5"),
])
def test_malformed_books_name_the_first_problem(bids: list, asks: list, message: str) -> None:
    assert bad(bids, asks) == message


def test_wrong_shapes_and_types() -> None:
    assert bad(np.ones((3, 3)), np.array(ASKS)) == \
        "bids must have shape (k, 2) [price, qty], got (3, 3)"
    assert bad(np.array(BIDS), np.ones(4)) == "asks must have shape (k, 2) [price, qty], got (4,)"
    assert bad(np.array(BIDS), [["x", "y"]]) == "asks are not numbers (ValueError)"


def test_huge_but_finite_values_are_valid() -> None:
    lad = ladder([[1e308, 1e308]], [[1.7e308, 1e308]])
    assert lad.gaps.tolist() == [1.7e308 - 1e308]
