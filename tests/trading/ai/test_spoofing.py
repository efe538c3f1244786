"""Spoof detection on constructed snapshot sequences, time driven by the snapshots' ts.

The book is a regular 25-level grid around ``best_bid`` (tick 0.01 at ~100: 1 bp per level),
every level 1.0 except the walls; a price the grid moves past naturally leaves the book.
"""
from __future__ import annotations

import numpy as np
import pytest

from shared.books import Book
from trading.ai.book_analyzer import BookAnalyzer
from trading.ai.book_read import BookRead
from trading.ai.spoofing import MAX_TRACKED, WallState

TICK = 0.01
SPOOF_SECONDS = 3.0


def book(ts: float, walls: dict[float, float] | None = None, best_bid: float = 100.0,
         tick: float = TICK, n: int = 25) -> Book:
    walls = walls or {}
    bids = [round(best_bid - i * tick, 8) for i in range(n)]
    asks = [round(best_bid + (i + 1) * tick, 8) for i in range(n)]
    return Book(np.array([[p, walls.get(p, 1.0)] for p in bids]),
                np.array([[p, walls.get(p, 1.0)] for p in asks]), ts)


def analyzer() -> BookAnalyzer:
    return BookAnalyzer(10, 5.0, 0.1, SPOOF_SECONDS, pair="BTC/USD")


def feed(a: BookAnalyzer, *books: Book) -> list[BookRead]:
    reads = [a.update(b) for b in books]
    assert all(r.ok for r in reads)
    return reads


def state(a: BookAnalyzer, side: str, price: float) -> str | None:
    wall = a.spoofs.walls.get((side, price))
    return wall.state if wall else None


def test_a_wall_pulled_near_the_touch_before_trading_is_a_spoof() -> None:
    a = analyzer()
    wall = {99.98: 20.0}  # bid level 2
    r0, r1 = feed(a, book(0.0, wall), book(0.5, wall))
    assert r0.spoofs == r1.spoofs == ()
    assert state(a, "bid", 99.98) == WallState.SEEN

    (r2,) = feed(a, book(1.2, {}))  # gone; the best bid never left 100.0

    (s,) = r2.new_spoofs
    assert r2.spoofs == (s,)
    assert (s.side, s.price, s.qty, s.multiple, s.level) == ("bid", 99.98, 20.0, 20.0, 2)
    assert (s.appeared_ts, s.pulled_ts) == (0.0, 1.2)
    assert s.lifetime == pytest.approx(1.2)
    mid = 100.005
    assert s.distance_bps == pytest.approx((mid - 99.98) / mid * 1e4)  # 2.49987 bps
    assert s.text == ("likely spoof: bid wall 20.0 BTC at 99.98 (0.025% below mid, 20.0x the"
                      " median level) pulled after 1.2 s without the price reaching it")
    assert state(a, "bid", 99.98) is None  # only a 1.0 level is left there: forgotten


def test_an_ask_spoof_is_found_the_same_way() -> None:
    a = analyzer()
    feed(a, book(0.0, {100.03: 9.0}))
    (r,) = feed(a, book(2.0))
    (s,) = r.new_spoofs
    assert (s.side, s.price, s.qty, s.level) == ("ask", 100.03, 9.0, 2)
    assert s.distance_bps == pytest.approx((100.03 - 100.005) / 100.005 * 1e4)


def test_a_genuine_wall_that_stays_and_gets_eaten_is_not_a_spoof() -> None:
    a = analyzer()
    reads = feed(
        a,
        book(0.0, {99.98: 20.0}),
        book(0.5, {99.98: 20.0}, best_bid=99.99),  # sellers take the 100.00 bid
        book(1.0, {99.98: 12.0}, best_bid=99.98),  # the wall is the touch, being eaten
    )
    assert state(a, "bid", 99.98) == WallState.TRADED
    reads += feed(
        a,
        book(1.5, {99.98: 5.0}, best_bid=99.98),
        book(2.0, {}, best_bid=99.97),  # eaten through: 99.98 is now an ask
    )
    assert all(r.spoofs == () for r in reads)
    assert state(a, "bid", 99.98) is None  # forgotten once its level left the bids


def test_a_wall_far_from_the_touch_that_is_pulled_is_not_a_spoof() -> None:
    a = analyzer()
    far = {99.80: 20.0}  # bid level 20, 20.5 bps from mid
    r0, _ = feed(a, book(0.0, far), book(0.5, far))
    assert r0.whales[0].level == 20
    wall = a.spoofs.walls[("bid", 99.80)]
    (r,) = feed(a, book(1.0))
    assert r.spoofs == ()
    assert wall.state == WallState.PULLED


def test_a_wall_pulled_after_spoof_seconds_is_not_a_spoof() -> None:
    a = analyzer()
    wall = {99.98: 20.0}
    feed(a, book(0.0, wall), book(1.0, wall), book(2.0, wall))
    assert state(a, "bid", 99.98) == WallState.SEEN
    feed(a, book(3.5, wall))
    assert state(a, "bid", 99.98) == WallState.STAYED
    (r,) = feed(a, book(4.0))
    assert r.spoofs == ()


def test_a_late_pull_seen_after_a_snapshot_gap_is_not_a_spoof() -> None:
    a = analyzer()
    feed(a, book(0.0, {99.98: 20.0}))
    wall = a.spoofs.walls[("bid", 99.98)]
    (r,) = feed(a, book(SPOOF_SECONDS + 0.01))
    assert r.spoofs == ()
    assert wall.state == WallState.PULLED


def test_a_pull_at_exactly_spoof_seconds_is_a_spoof() -> None:
    a = analyzer()
    feed(a, book(0.0, {99.98: 20.0}))
    (r,) = feed(a, book(SPOOF_SECONDS))
    assert len(r.new_spoofs) == 1


@pytest.mark.parametrize(("tick", "level", "spoof"), [
    (0.5, 3, True),  # sparse book: 175 bps away but within the top 5 levels
    (0.5, 5, False),  # sparse book: level 5, 275 bps away
    (0.01, 8, True),  # dense book: level 8 but 8.5 bps away (<= 10)
    (0.01, 10, False),  # dense book: level 10, 10.5 bps away
])
def test_near_means_the_top_levels_or_within_near_bps(tick: float, level: int,
                                                       spoof: bool) -> None:
    a = analyzer()
    price = round(100.0 - level * tick, 8)
    feed(a, book(0.0, {price: 20.0}, tick=tick))
    (r,) = feed(a, book(1.0, tick=tick))
    assert len(r.new_spoofs) == int(spoof)


def test_a_far_wall_the_price_came_near_and_that_was_then_pulled_is_a_spoof() -> None:
    a = analyzer()
    wall = {99.80: 20.0}
    feed(a, book(0.0, wall), book(1.0, wall, best_bid=99.86))  # now level 6, 6.5 bps away
    (r,) = feed(a, book(2.0, best_bid=99.86))
    (s,) = r.new_spoofs
    assert (s.level, s.appeared_ts) == (6, 0.0)
    assert s.distance_bps == pytest.approx((99.865 - 99.80) / 99.865 * 1e4)


def test_a_wall_left_behind_by_a_rally_is_lost_not_a_spoof() -> None:
    a = analyzer()
    feed(a, book(0.0, {99.98: 20.0}))
    (r,) = feed(a, book(0.5, best_bid=100.30))  # deepest bid shown is now 100.06
    assert r.spoofs == ()
    assert state(a, "bid", 99.98) is None


def test_a_halved_wall_is_one_spoof_and_its_rest_is_not_tracked_again() -> None:
    a = analyzer()
    feed(a, book(0.0, {99.98: 20.0}))
    (r1,) = feed(a, book(1.0, {99.98: 8.0}))  # 8 < half of 20: pulled (cancels only)
    (s,) = r1.new_spoofs
    assert s.qty == 20.0
    r2, r3 = feed(a, book(1.5, {99.98: 8.0}), book(2.0))  # the rest is pulled too
    assert r2.new_spoofs == r3.new_spoofs == ()
    assert r3.spoofs == (s,)


def test_a_wall_placed_again_at_the_same_price_is_tracked_afresh() -> None:
    a = analyzer()
    feed(a, book(0.0, {99.98: 20.0}))
    (r1,) = feed(a, book(1.0))  # spoof; a 1.0 level stays at 99.98
    assert state(a, "bid", 99.98) is None
    feed(a, book(2.0, {99.98: 20.0}))
    assert a.spoofs.walls[("bid", 99.98)].appeared_ts == 2.0
    (r2,) = feed(a, book(3.0))
    assert [s.appeared_ts for s in r2.spoofs] == [2.0, 0.0]


def test_a_standing_wall_is_not_tracked_again_while_most_of_it_stays() -> None:
    a = analyzer()
    wall = {99.98: 20.0}
    feed(a, book(0.0, wall), book(3.5, wall))
    assert state(a, "bid", 99.98) == WallState.STAYED
    everything_5 = {round(100.0 + i * TICK, 8): 5.0 for i in range(-24, 26)}
    feed(a, book(4.0, {**everything_5, 99.98: 20.0}))  # 4x the median: not a whale now
    assert state(a, "bid", 99.98) == WallState.STAYED
    reads = feed(a, book(5.0, {99.98: 12.0}), book(6.0))  # partly, then wholly pulled
    assert [r.spoofs for r in reads] == [(), ()]
    assert state(a, "bid", 99.98) is None


def test_a_growing_wall_reports_its_largest_size() -> None:
    a = analyzer()
    feed(a, book(0.0, {99.98: 10.0}), book(0.5, {99.98: 30.0}))
    (r,) = feed(a, book(1.0))
    (s,) = r.new_spoofs
    assert (s.qty, s.multiple) == (30.0, 30.0)


def test_spoofs_stay_in_reads_for_the_memory_then_drop() -> None:
    a = analyzer()
    feed(a, book(0.0, {99.98: 20.0}))
    (r1,) = feed(a, book(1.0))
    (s,) = r1.new_spoofs
    r2, r3, r4 = feed(a, book(2.0), book(61.0), book(61.5))
    assert (r2.spoofs, r2.new_spoofs) == ((s,), ())
    assert r3.spoofs == (s,)
    assert r4.spoofs == ()


def test_recent_spoofs_are_newest_first() -> None:
    a = analyzer()
    feed(a, book(0.0, {99.98: 20.0}))
    (r1,) = feed(a, book(1.0, {100.03: 20.0}))
    (r2,) = feed(a, book(2.0))
    assert [s.side for s in r2.spoofs] == ["ask", "bid"]
    assert r2.new_spoofs == r2.spoofs[:1] and r1.spoofs == r2.spoofs[1:]


def test_the_same_snapshot_twice_changes_nothing() -> None:
    a = analyzer()
    feed(a, book(0.0, {99.98: 20.0}), book(0.0, {99.98: 20.0}))
    (r,) = feed(a, book(1.0))
    (s,) = r.new_spoofs
    assert s.appeared_ts == 0.0


def test_tracked_walls_stay_bounded() -> None:
    a = analyzer()
    rng = np.random.default_rng(7)
    for t in range(500):
        levels = rng.choice(50, size=5, replace=False)
        walls = {round(100.0 - i * TICK if i < 25 else 100.0 + (i - 24) * TICK, 8): 20.0
                 for i in levels}
        a.update(book(t * 0.25, walls, best_bid=100.0 + rng.integers(-3, 4) * TICK))
        assert len(a.spoofs.walls) <= min(50, MAX_TRACKED)


def test_a_wall_placed_at_the_touch_is_never_a_spoof() -> None:
    a = analyzer()
    feed(a, book(0.0, {100.0: 20.0}), book(0.5, {100.0: 20.0}))
    assert state(a, "bid", 100.0) == WallState.TRADED
    (r,) = feed(a, book(1.0))
    assert r.spoofs == ()
