"""The simulated book: sane shape, diffs a client can follow, walls/voids/spoofs that occur."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.trading.exchange.sim.reference import ReferenceBook
from trading.exchange.sim import wire
from trading.exchange.sim.market import Market
from trading.exchange.sim.orderbook import ASK, BID, Book, depth_diff
from trading.exchange.sim.pairs import PairTable

PAIRS = PairTable(["BTC/USD", "XRP/USD", "ADA/USD", "DOT/USD"])


def run(symbol: str, steps: int, step_s: float, depth: int = 35, seed: int = 42):
    """Yield (book, market) after each step of ``step_s`` market seconds."""
    info = PAIRS.pairs[symbol]
    market = Market([info], seed, 1, 720, 1_700_000_000)
    book = Book(symbol, seed, info.pair_decimals, info.lot_decimals, info.bar_volume * 0.08,
                depth, 60)
    t = float(market.start_ts)
    for _ in range(steps):
        t += step_s
        market.advance(t)
        book.step(market.last_price(symbol), t, market.activity(symbol))
        yield book, market


@pytest.mark.parametrize("symbol", ["BTC/USD", "XRP/USD"])
def test_book_is_never_crossed_and_keeps_its_depth(symbol: str) -> None:
    for book, market in run(symbol, 3000, 2.0):
        bid, ask = book.best(BID), book.best(ASK)
        assert bid is not None and ask is not None and bid < ask
        assert len(book.sides[BID]) == len(book.sides[ASK]) == 35
        assert all(q > 0 for side in book.sides.values() for q in side.values())
        mid = (bid + ask) / 2 / 10 ** PAIRS.pairs[symbol].pair_decimals
        assert abs(mid / market.last_price(symbol) - 1) < 0.002  # the book follows the price


@pytest.mark.parametrize(("symbol", "depth", "step_s"), [
    ("BTC/USD", 10, 0.25), ("BTC/USD", 25, 15.0), ("ADA/USD", 10, 3.0), ("DOT/USD", 25, 1.0)])
def test_a_client_applying_diffs_matches_the_book_and_its_checksum(
        symbol: str, depth: int, step_s: float) -> None:
    info = PAIRS.pairs[symbol]
    client, started, verified = ReferenceBook(depth), False, 0
    old_bids: list[tuple[int, int]] = []
    old_asks: list[tuple[int, int]] = []
    for book, _ in run(symbol, 1500, step_s):
        bids, asks = book.top(BID, depth), book.top(ASK, depth)
        top10 = (wire.levels_text(bids[:10], info), wire.levels_text(asks[:10], info))
        if not started:
            text = wire.book_message("snapshot", symbol, wire.levels_text(bids, info),
                                     wire.levels_text(asks, info), wire.checksum(*top10), 0.0)
            started = True
        else:
            db = depth_diff(old_bids, bids, book.sides[BID])
            da = depth_diff(old_asks, asks, book.sides[ASK])
            text = wire.book_message("update", symbol, wire.levels_text(db, info),
                                     wire.levels_text(da, info), wire.checksum(*top10), 0.0)
        assert client.apply_text(text), "checksum mismatch"
        verified += 1
        as_dec = lambda top: [(Decimal(p).scaleb(-info.pair_decimals),  # noqa: E731
                               Decimal(q).scaleb(-info.lot_decimals)) for p, q in top]
        assert client.top("bids") == as_dec(bids) and client.top("asks") == as_dec(asks)
        old_bids, old_asks = bids, asks
    assert verified == 1500


def test_wire_numbers_keep_the_pairs_decimals() -> None:
    info = PAIRS.pairs["BTC/USD"]
    text = wire.book_message("update", "BTC/USD", [("65000.0", "1.50000000")],
                             [("65000.1", "0.00000000")], 123, 1_700_000_000.5)
    assert '{"price":65000.0,"qty":1.50000000}' in text
    assert '"qty":0.00000000' in text and '"timestamp":"2023-11-14T22:13:20.500000Z"' in text
    msg = json.loads(text, parse_float=Decimal)
    assert str(msg["data"][0]["bids"][0]["qty"]) == "1.50000000"
    assert wire.units(5, info.lot_decimals) == "0.00000005"
    assert wire.units(650001, info.pair_decimals) == "65000.1"


def test_depth_diff_does_not_delete_levels_pushed_out_of_scope() -> None:
    old = [(100, 5), (99, 5), (98, 5)]
    new = [(101, 1), (100, 5), (99, 5)]  # 98 still exists but is now 4th
    assert depth_diff(old, new, {101: 1, 100: 5, 99: 5, 98: 5}) == [(101, 1)]
    assert depth_diff(old, [(100, 5), (99, 7), (97, 2)], {100: 5, 99: 7, 97: 2}) == [
        (99, 7), (97, 2), (98, 0)]


def test_walls_voids_and_spoofs_occur_and_spoofs_never_trade() -> None:
    spoof_at_touch = 0
    for book, _ in run("XRP/USD", 12_000, 2.0):  # 400 bars
        spoof = book.spoof
        if spoof is not None and book.best(spoof.side) == spoof.price:
            spoof_at_touch += 1
    events = book.events
    assert events["whale_wall"] >= 20 and events["void"] >= 10 and events["spoof"] >= 30
    assert events["spoof_pulled"] >= events["spoof"] - 1
    assert spoof_at_touch == 0


def test_a_whale_wall_is_much_bigger_than_its_neighbours() -> None:
    for book, _ in run("DOT/USD", 6000, 2.0):
        if book.walls:
            wall = book.walls[0]
            sizes = sorted(q for p, q in book.top(wall.side, 35) if p != wall.price)
            assert book.sides[wall.side][wall.price] > 5 * sizes[len(sizes) // 2]
            return
    pytest.fail("no whale wall in 200 bars")


def _imbalance(book: Book, levels: int = 10) -> float:
    bids = sum(q for _, q in book.top(BID, levels))
    asks = sum(q for _, q in book.top(ASK, levels))
    return (bids - asks) / (bids + asks)


@pytest.mark.parametrize(("regime", "sign"), [("trend_up", 1), ("trend_down", -1)])
def test_a_forced_trend_leans_the_book_its_way_and_a_range_does_not(regime: str,
                                                                     sign: int) -> None:
    info = PAIRS.pairs["BTC/USD"]
    market = Market([info], 42, 1, 720, 1_700_000_000)
    book = Book("BTC/USD", 42, info.pair_decimals, info.lot_decimals, info.bar_volume * 0.08,
                35, 60)
    t = float(market.start_ts)
    means = {}
    for forced in ("range", regime):
        market.force_regime("BTC/USD", forced)
        seen = []
        for i in range(600):
            t += 2.0
            market.advance(t)
            book.step(market.last_price("BTC/USD"), t, market.activity("BTC/USD"),
                      market.lean("BTC/USD"))
            if i >= 300:
                seen.append(_imbalance(book))
        assert market.regime("BTC/USD") == forced
        means[forced] = sum(seen) / len(seen)
    assert abs(means["range"]) < 0.1
    assert sign * means[regime] > 0.2
