"""Book metrics on constructed books: imbalance, whales and voids, numbers computed by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest

from trading.ai.book_checks import Ladder, ladder
from trading.ai.book_findings import Void, VoidKind, Whale
from trading.ai.book_metrics import depth, find_voids, find_whales, median, reference


def side(best: float, step: float, qtys: list[float]) -> np.ndarray:
    """Levels best first, ``step`` apart (negative step for bids)."""
    return np.array([[round(best + i * step, 8), q] for i, q in enumerate(qtys)])


def whales(lad: Ladder, multiple: float = 5.0) -> tuple[Whale, ...]:
    return find_whales(lad, reference(lad), multiple, median(lad.qtys), "BTC")


def voids(lad: Ladder, fraction: float = 0.1) -> tuple[Void, ...]:
    return find_voids(lad, reference(lad), fraction, median(lad.qtys), "BTC")


# --- imbalance -------------------------------------------------------------------------

def test_imbalance_over_the_top_levels() -> None:
    lad = ladder(side(100.0, -0.5, [3, 2, 1, 10]), side(100.5, 0.5, [1, 1, 2, 50]))
    top3 = depth(lad, 3)
    assert (top3.bid_qty, top3.ask_qty) == (6.0, 4.0)
    assert top3.imbalance == pytest.approx((6 - 4) / (6 + 4))  # +0.2
    top4 = depth(lad, 4)
    assert top4.imbalance == pytest.approx((16 - 54) / (16 + 54))  # -0.542857...


def test_imbalance_uses_what_a_short_side_has() -> None:
    lad = ladder(side(100.0, -0.5, [1, 1]), side(100.5, 0.5, [1, 1, 1, 1, 1]))
    assert depth(lad, 10).imbalance == pytest.approx((2 - 5) / 7)


def test_imbalance_of_one_sided_and_empty_books() -> None:
    assert depth(ladder(side(100.0, -0.5, [1, 2]), []), 10).imbalance == 1.0
    assert depth(ladder([], side(100.5, 0.5, [1, 2])), 10).imbalance == -1.0
    assert depth(ladder([], []), 10).imbalance == 0.0


def test_reference_is_mid_or_the_present_sides_best() -> None:
    assert reference(ladder(side(100.0, -0.5, [1]), side(100.5, 0.5, [1]))) == (100.25, "mid")
    assert reference(ladder(side(100.0, -0.5, [1]), [])) == (100.0, "best bid")
    assert reference(ladder([], side(100.5, 0.5, [1]))) == (100.5, "best ask")
    assert math.isnan(reference(ladder([], []))[0])


def test_median_of_even_and_odd_counts() -> None:
    assert median(np.array([4.0, 1.0, 3.0, 2.0])) == 2.5
    assert median(np.array([5.0, 1.0, 3.0])) == 3.0
    assert math.isnan(median(np.empty(0)))


# --- whales ----------------------------------------------------------------------------

def test_a_bid_wall_is_found_with_its_numbers() -> None:
    bid_q = [1.0] * 10
    bid_q[4] = 12.5
    lad = ladder(side(64210.0, -0.5, bid_q), side(64210.5, 0.5, [1.0] * 10))
    (w,) = whales(lad)
    assert (w.side, w.price, w.qty, w.level) == ("bid", 64208.0, 12.5, 4)
    assert w.multiple == 12.5  # median of 19 x 1.0 and 12.5 is 1.0
    mid = (64210.0 + 64210.5) / 2  # 64,210.25
    assert w.distance_bps == pytest.approx((mid - 64208.0) / mid * 1e4)  # 0.3504 bps
    assert w.distance_pct == pytest.approx(w.distance_bps / 100)
    assert w.ref == "mid"
    assert w.text == "bid wall 12.5 BTC at 64,208.0 (0.0035% below mid), 12.5x the median level"


def test_the_median_is_over_both_sides() -> None:
    lad = ladder(side(100.0, -0.5, [1, 2, 3]), side(100.5, 0.5, [4, 5, 6]))
    (w,) = whales(lad, multiple=1.5)  # median 3.5, bar 5.25: only the 6.0 ask
    assert (w.side, w.level, w.qty) == ("ask", 2, 6.0)
    assert w.multiple == pytest.approx(6 / 3.5)
    assert w.distance_bps == pytest.approx((101.5 - 100.25) / 100.25 * 1e4)


def test_whales_are_ordered_bids_then_asks_best_first() -> None:
    lad = ladder(side(100.0, -0.5, [1, 9, 1, 9, 1]), side(100.5, 0.5, [9, 1, 1, 1, 9]))
    assert [(w.side, w.level) for w in whales(lad)] == [
        ("bid", 1), ("bid", 3), ("ask", 0), ("ask", 4)]


def test_a_uniform_book_has_no_whales_and_a_wall_just_below_the_bar_is_none() -> None:
    assert whales(ladder(side(100.0, -0.5, [2.0] * 25), side(100.5, 0.5, [2.0] * 25))) == ()
    q = [1.0] * 10
    q[3] = 4.99
    assert whales(ladder(side(100.0, -0.5, q), side(100.5, 0.5, [1.0] * 10))) == ()


def test_whales_in_an_empty_book() -> None:
    assert whales(ladder([], [])) == ()
    assert voids(ladder([], [])) == ()


# --- voids -----------------------------------------------------------------------------

def test_a_thin_run_is_found_with_its_range() -> None:
    q = [1.0] * 10
    q[3:6] = [0.05, 0.02, 0.08]  # under 0.1 x the median 1.0
    lad = ladder(side(100.0, -0.5, q), side(100.5, 0.5, [1.0] * 10))
    (v,) = voids(lad)
    assert (v.side, v.kind, v.near, v.far, v.levels) == ("bid", VoidKind.THIN, 98.5, 97.5, 3)
    assert v.depth == pytest.approx(0.15)
    assert v.ratio == pytest.approx(0.05)  # mean 0.05 / median 1.0
    assert v.width_bps == pytest.approx(1.0 / 100.25 * 1e4)
    assert v.distance_bps == pytest.approx((100.25 - 98.5) / 100.25 * 1e4)
    assert v.width_pct == pytest.approx(v.width_bps / 100)
    assert v.text == ("bid thin 98.5-97.5 (0.998% wide, 1.75% below mid): 0.15 BTC over 3"
                      " levels, 0.05x the median level each on average")


def test_one_thin_level_is_not_a_void_and_runs_do_not_cross_the_spread() -> None:
    q = [1.0] * 10
    q[5] = 0.01
    assert voids(ladder(side(100.0, -0.5, q), side(100.5, 0.5, [1.0] * 10))) == ()
    b, a = [1.0] * 10, [1.0] * 10
    b[0] = a[0] = 0.01  # best bid and best ask thin: one level per side, no void
    assert voids(ladder(side(100.0, -0.5, b), side(100.5, 0.5, a))) == ()
    b[1] = a[1] = 0.01
    found = voids(ladder(side(100.0, -0.5, b), side(100.5, 0.5, a)))
    assert [(v.side, v.near, v.far) for v in found] == [("bid", 100.0, 99.5),
                                                        ("ask", 100.5, 101.0)]


def test_a_level_at_exactly_the_fraction_is_not_thin() -> None:
    q = [1.0] * 10
    q[3:5] = [0.1, 0.1]
    assert voids(ladder(side(100.0, -0.5, q), side(100.5, 0.5, [1.0] * 10))) == ()


def test_a_wide_gap_is_found_with_its_range() -> None:
    asks = side(100.5, 0.5, [1.0] * 10)
    asks[5:, 0] += 4.5  # gap ask4 -> ask5 = 5.0 = 10 x the median gap 0.5
    lad = ladder(side(100.0, -0.5, [1.0] * 10), asks)
    (v,) = voids(lad)
    assert (v.side, v.kind, v.near, v.far) == ("ask", VoidKind.GAP, 102.5, 107.5)
    assert (v.depth, v.levels) == (0.0, 0)
    assert v.ratio == pytest.approx(10.0)
    assert v.width_bps == pytest.approx(5.0 / 100.25 * 1e4)
    assert v.distance_bps == pytest.approx((102.5 - 100.25) / 100.25 * 1e4)
    assert v.text == ("ask gap 102.5-107.5 (4.99% wide, 2.24% above mid): no orders,"
                      " 10.0x the median gap between levels")


def test_a_gap_just_under_the_bar_and_a_wide_spread_are_not_voids() -> None:
    asks = side(100.5, 0.5, [1.0] * 10)
    asks[5:, 0] += 4.0  # 9 x the median gap
    assert voids(ladder(side(100.0, -0.5, [1.0] * 10), asks)) == ()
    wide_spread = ladder(side(100.0, -0.5, [1.0] * 10), side(110.0, 0.5, [1.0] * 10))
    assert voids(wide_spread) == ()


def test_bid_gaps_and_thin_runs_are_ordered_nearest_first() -> None:
    bids = side(100.0, -0.5, [1.0] * 12)
    bids[8:, 0] -= 10.0  # gap bid7 -> bid8
    bids[2:4, 1] = 0.01  # thin run at bid2..bid3
    found = voids(ladder(bids, side(100.5, 0.5, [1.0] * 12)))
    assert [(v.kind, v.near, v.far) for v in found] == [
        (VoidKind.THIN, 99.0, 98.5), (VoidKind.GAP, 96.5, 86.0)]
    assert found[1].ratio == pytest.approx(10.5 / 0.5)
