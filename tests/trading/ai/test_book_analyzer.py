"""BookAnalyzer end to end: whole reads of constructed books, bad snapshots, config."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from config import load_config
from shared.books import Book
from trading.ai.book_analyzer import BookAnalyzer
from trading.ai.book_findings import VoidKind

NAN = float("nan")
EMPTY = np.empty((0, 2))


def levels(best: float, step: float, qtys: list[float]) -> np.ndarray:
    return np.array([[round(best + i * step, 8), q] for i, q in enumerate(qtys)])


def btc_book(ts: float = 1.0) -> Book:
    """10 levels a side, 0.5 apart; a 12.5 BTC bid wall at level 4, a thin run at ask 6..8."""
    bid_q = [2.0, 1.0, 1.0, 1.0, 12.5, 1.0, 1.0, 1.0, 1.0, 1.0]
    ask_q = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.05, 0.05, 0.05, 1.0]
    return Book(levels(64210.0, -0.5, bid_q), levels(64210.5, 0.5, ask_q), ts)


def analyzer(levels_used: int = 3) -> BookAnalyzer:
    return BookAnalyzer(levels_used, 5.0, 0.1, 3.0, pair="BTC/USD")


def test_a_whole_read_of_a_book() -> None:
    r = analyzer().update(btc_book())
    assert r.ok and r.error is None
    assert (r.pair, r.ts, r.mid, r.spread) == ("BTC/USD", 1.0, 64210.25, 0.5)
    assert r.spread_bps == pytest.approx(0.5 / 64210.25 * 1e4)
    assert (r.depth.bid_qty, r.depth.ask_qty, r.depth.levels) == (4.0, 3.0, 3)
    assert r.imbalance == pytest.approx((4 - 3) / 7)  # top 3 levels: 2+1+1 vs 1+1+1
    (w,) = r.whales
    assert (w.side, w.price, w.qty, w.level, w.multiple) == ("bid", 64208.0, 12.5, 4, 12.5)
    (v,) = r.voids
    assert (v.side, v.kind, v.near, v.far, v.levels) == ("ask", VoidKind.THIN, 64213.5,
                                                         64214.5, 3)
    assert v.depth == pytest.approx(0.15)
    assert r.spoofs == ()
    assert r.summary == (
        "BTC/USD book: imbalance +0.14 over 3 levels, mid 64,210.25, spread 0.5 (0.078 bps),"
        " 1 whale (largest bid 12.5 BTC at 64,208.0, 12.5x), 1 void, no recent spoofs")


def test_confirms_uses_the_imbalance_and_the_threshold() -> None:
    r = analyzer().update(btc_book())  # imbalance +0.1429
    assert r.confirms("long", 0.1) and not r.confirms("long", 0.2)
    assert not r.confirms("short", 0.1) and r.confirms("short", -0.2)


def test_the_read_is_json_ready() -> None:
    r = analyzer().update(Book(levels(100.0, -0.5, [1.0, 1.0]), EMPTY, 2.0))
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["mid"] is None and d["spread"] is None and d["imbalance"] == 1.0
    assert d["summary"] == r.summary


def test_an_empty_book_is_neutral() -> None:
    r = analyzer().update(Book(EMPTY, EMPTY, 1.0))
    assert r.ok
    assert r.imbalance == 0.0
    assert math.isnan(r.mid) and math.isnan(r.spread) and not r.mid > 0
    assert (r.whales, r.voids, r.spoofs) == ((), (), ())
    assert not r.confirms("long", 0.0) and not r.confirms("short", 0.0)
    assert r.summary == ("BTC/USD book: imbalance +0.00 over 3 levels, empty, no whales,"
                         " no voids, no recent spoofs")


def test_a_one_sided_book_measures_from_its_best_price() -> None:
    bids = levels(100.0, -0.5, [1.0, 1.0, 1.0, 9.0, 1.0])
    r = analyzer().update(Book(bids, EMPTY, 1.0))
    assert r.ok and r.imbalance == 1.0 and math.isnan(r.mid) and math.isnan(r.spread)
    assert r.confirms("long", 0.99)
    (w,) = r.whales
    assert (w.ref, w.price) == ("best bid", 98.5)
    assert w.distance_bps == pytest.approx(1.5 / 100.0 * 1e4)
    assert w.text.endswith("(1.5% below best bid), 9.0x the median level")
    assert "one-sided" in r.summary
    asks_only = analyzer().update(Book(EMPTY, levels(100.0, 0.5, [1.0, 2.0]), 1.0))
    assert asks_only.imbalance == -1.0 and asks_only.confirms("short", 1.0)


@pytest.mark.parametrize(("bids", "asks", "ts", "error"), [
    (levels(100.0, -0.5, [1.0, NAN]), levels(100.5, 0.5, [1.0]), 1.0,
     "bids level 1 is not finite (price 99.5, qty nan)"),
    (levels(100.0, -0.5, [1.0]), levels(100.5, 0.5, [-1.0]), 1.0,
     "asks level 0 has qty -1.0 (must be > 0)"),
    (levels(101.0, -0.5, [1.0]), levels(100.5, 0.5, [1.0]), 1.0,
     "crossed book: best bid 101.0 >= best ask 100.5"),
    (levels(99.0, 0.5, [1.0, 1.0]), levels(100.5, 0.5, [1.0]), 1.0,
     "bids not strictly descending (best first): level 1 price 99.5 after level 0 price 99.0"),
    (levels(100.0, -0.5, [1.0]), levels(100.5, 0.5, [1.0]), NAN,
     "ts nan is not a finite number"),
    (levels(100.0, -0.5, [1.0]), levels(100.5, 0.5, [1.0]), "soon",
     "ts 'soon' is not a finite number"),
])
def test_a_malformed_snapshot_gives_a_neutral_read_with_its_reason(
        bids: np.ndarray, asks: np.ndarray, ts: float, error: str) -> None:
    r = analyzer().update(Book(bids, asks, ts))
    assert not r.ok and r.error == error
    assert r.imbalance == 0.0 and math.isnan(r.mid)
    assert (r.whales, r.voids, r.spoofs) == ((), (), ())
    assert not r.confirms("long", 0.0) and not r.confirms("short", 0.0)
    assert r.summary == f"BTC/USD book skipped: {error}"


def test_a_snapshot_older_than_the_last_is_skipped() -> None:
    a = analyzer()
    assert a.update(btc_book(5.0)).ok
    r = a.update(btc_book(4.0))
    assert r.error == "ts 4.0 is older than the previous snapshot's 5.0"
    assert a.update(btc_book(5.0)).ok and a.last_ts == 5.0


def test_bad_snapshots_leave_the_spoof_history_untouched() -> None:
    a = analyzer()
    wall = levels(100.0, -0.01, [1.0, 1.0, 20.0, 1.0, 1.0, 1.0])
    plain = levels(100.0, -0.01, [1.0] * 6)
    asks = levels(100.01, 0.01, [1.0] * 6)
    assert a.update(Book(wall, asks, 0.0)).ok
    broken = wall.copy()
    broken[0, 1] = NAN
    assert not a.update(Book(broken, asks, 0.5)).ok  # the wall is not "gone" here
    assert not a.update(Book(plain, asks, -1.0)).ok  # nor here
    r = a.update(Book(plain, asks, 1.0))
    (s,) = r.new_spoofs
    assert (s.price, s.appeared_ts, s.pulled_ts) == (99.98, 0.0, 1.0)


def test_from_config_uses_the_ai_section() -> None:
    ai = load_config({}).ai
    a = BookAnalyzer.from_config(ai, pair="ETH/USD")
    assert (a.levels, a.whale_multiple, a.void_fraction) == (
        ai.book_levels, ai.whale_multiple, ai.void_fraction)
    assert a.spoofs.spoof_seconds == ai.spoof_seconds
    assert (a.pair, a.unit) == ("ETH/USD", "ETH")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"levels": 0}, "BookAnalyzer levels=0 is out of range"),
    ({"whale_multiple": 1.0}, "BookAnalyzer whale_multiple=1.0 is out of range"),
    ({"void_fraction": 1.0}, "BookAnalyzer void_fraction=1.0 is out of range"),
    ({"spoof_seconds": 0.0}, "BookAnalyzer spoof_seconds=0.0 is out of range"),
    ({"near_bps": -1.0}, "BookAnalyzer near_bps=-1.0 is out of range"),
])
def test_out_of_range_parameters_are_refused(kwargs: dict, message: str) -> None:
    args = {"levels": 10, "whale_multiple": 5.0, "void_fraction": 0.1, "spoof_seconds": 3.0}
    args.update(kwargs)
    with pytest.raises(ValueError) as err:
        BookAnalyzer(**args)
    assert str(err.value) == message
