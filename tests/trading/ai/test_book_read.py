"""BookRead: confirmation rule, skipped reads, recent spoofs and the one-line summary."""
from __future__ import annotations

import math

import pytest

from trading.ai.book_findings import Depth, Spoof, Whale
from trading.ai.book_read import BookRead
from trading.strategies.signal import Side

SPOOF = Spoof("ask", 100.5, 9.0, 9.0, 1, 24.9, 8.0, 9.5, "mid", "ETH")


def read(bid_qty: float, ask_qty: float, whales: tuple[Whale, ...] = (),
         spoofs: tuple[Spoof, ...] = ()) -> BookRead:
    depth = Depth(bid_qty, ask_qty, 10, "ETH")
    return BookRead("ETH/USD", 10.0, 100.25, 0.5, depth.imbalance, depth, whales, (), spoofs)


@pytest.mark.parametrize(("bid", "ask", "side", "threshold", "expected"), [
    (6.0, 4.0, Side.LONG, 0.2, True),  # +0.2 >= 0.2
    (6.0, 4.0, Side.LONG, 0.21, False),
    (6.0, 4.0, Side.SHORT, 0.1, False),
    (4.0, 6.0, Side.SHORT, 0.2, True),  # -0.2 <= -0.2
    (4.0, 6.0, Side.SHORT, 0.25, False),
    (4.0, 6.0, Side.LONG, 0.0, False),
    (5.0, 5.0, Side.LONG, 0.0, True),  # 0 >= 0: threshold 0 means "not against"
    (6.0, 4.0, Side.FLAT, 0.0, False),
])
def test_confirms(bid: float, ask: float, side: str, threshold: float, expected: bool) -> None:
    assert read(bid, ask).confirms(side, threshold) is expected


def test_confirms_refuses_an_unknown_side() -> None:
    with pytest.raises(ValueError, match="side 'buy' is not one of"):
        read(1.0, 1.0).confirms("buy", 0.1)


def test_a_skipped_read_is_neutral_and_says_why() -> None:
    r = BookRead.skipped("ETH/USD", 3.0, "crossed book: best bid 2.0 >= best ask 1.0", 10)
    assert not r.ok
    assert r.imbalance == 0.0 and math.isnan(r.mid) and math.isnan(r.spread_bps)
    assert not r.confirms(Side.LONG, 0.0) and not r.confirms(Side.SHORT, 0.0)
    assert r.summary == "ETH/USD book skipped: crossed book: best bid 2.0 >= best ask 1.0"
    assert r.to_dict()["error"] == r.error


def test_spread_bps_and_new_spoofs() -> None:
    old = Spoof("bid", 99.0, 9.0, 9.0, 1, 10.0, 1.0, 2.0)
    new = Spoof("ask", 101.0, 9.0, 9.0, 1, 10.0, 9.0, 10.0)
    r = read(1.0, 1.0, spoofs=(new, old))
    assert r.spread_bps == pytest.approx(0.5 / 100.25 * 1e4)
    assert r.new_spoofs == (new,)


def test_summary_names_the_largest_whale_and_the_latest_spoof() -> None:
    whales = (Whale("bid", 99.0, 6.0, 2, 6.0, 124.7, "mid", "ETH"),
              Whale("ask", 102.0, 9.5, 4, 9.5, 174.6, "mid", "ETH"))
    r = read(6.0, 4.0, whales=whales, spoofs=(SPOOF,))
    assert r.summary == (
        "ETH/USD book: imbalance +0.20 over 10 levels, mid 100.25, spread 0.5 (50 bps),"
        " 2 whales (largest ask 9.5 ETH at 102.0, 9.5x), no voids, 1 recent spoof"
        " (latest ask 9.0 ETH at 100.5 pulled after 1.5 s)")
    assert r.to_dict()["spoofs"][0]["text"] == SPOOF.text
