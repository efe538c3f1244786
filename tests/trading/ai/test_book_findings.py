"""Book findings: numbers in, plain-English sentences and JSON-ready dicts out."""
from __future__ import annotations

import json

import pytest

from trading.ai.book_findings import Depth, Spoof, Void, VoidKind, Whale, fmt, pct, qty_text


@pytest.mark.parametrize(("x", "digits", "text"), [
    (64210.0, 7, "64,210.0"),
    (64210.5, 7, "64,210.5"),
    (3456.78, 7, "3,456.78"),
    (0.000012345, 7, "0.000012345"),
    (1234567.0, 7, "1,234,567.0"),
    (12.5, 4, "12.5"),
    (3456.78, 4, "3,456.8"),
    (0.0, 7, "0.0"),
])
def test_fmt(x: float, digits: int, text: str) -> None:
    assert fmt(x, digits) == text


def test_pct_and_qty_text() -> None:
    assert pct(42.0) == "0.42%"
    assert pct(1234.5) == "12.3%"
    assert qty_text(12.5, "BTC") == "12.5 BTC"
    assert qty_text(12.5, "") == "12.5"


def test_depth_imbalance_and_text() -> None:
    d = Depth(42.0, 18.0, 10, "BTC")
    assert d.imbalance == pytest.approx(0.4)
    assert d.text == ("bids 42.0 vs asks 18.0 BTC over the top 10 levels: imbalance +0.40"
                      " (bids heavier)")
    assert Depth(1.0, 3.0, 5).text.endswith("imbalance -0.50 (asks heavier)")
    assert Depth(0.0, 0.0, 5).imbalance == 0.0
    assert Depth(0.0, 0.0, 5).text.endswith("imbalance +0.00 (even)")


def test_whale_text_and_dict() -> None:
    w = Whale("bid", 64210.0, 12.5, 3, 8.1, 42.0, "mid", "BTC")
    assert w.text == "bid wall 12.5 BTC at 64,210.0 (0.42% below mid), 8.1x the median level"
    d = w.to_dict()
    assert d["distance_pct"] == pytest.approx(0.42) and d["text"] == w.text
    assert Whale("ask", 10.0, 3.0, 0, 6.0, 5.0, "best ask").text == \
        "ask wall 3.0 at 10.0 (0.05% above best ask), 6.0x the median level"


def test_void_texts() -> None:
    gap = Void("ask", VoidKind.GAP, 100.0, 101.0, 0.0, 0, 12.0, 99.0, 5.0)
    assert gap.text == ("ask gap 100.0-101.0 (0.99% wide, 0.05% above mid): no orders,"
                        " 12.0x the median gap between levels")
    thin = Void("bid", VoidKind.THIN, 99.0, 98.0, 0.3, 4, 0.06, 100.0, 10.0, "mid", "ETH")
    assert thin.text == ("bid thin 99.0-98.0 (1% wide, 0.1% below mid): 0.3 ETH over 4"
                         " levels, 0.06x the median level each on average")
    assert thin.to_dict()["width_pct"] == 1.0


def test_spoof_lifetime_text_and_json() -> None:
    s = Spoof("bid", 64210.0, 12.5, 8.1, 1, 4.2, 100.0, 101.25, "mid", "BTC")
    assert s.lifetime == 1.25
    assert s.text == ("likely spoof: bid wall 12.5 BTC at 64,210.0 (0.042% below mid, 8.1x the"
                      " median level) pulled after 1.2 s without the price reaching it")
    assert json.loads(json.dumps(s.to_dict()))["lifetime"] == 1.25


def test_nan_becomes_none_in_dicts() -> None:
    w = Whale("bid", 1.0, 1.0, 0, 5.0, float("nan"))
    assert w.to_dict()["distance_bps"] is None
    assert w.to_dict()["distance_pct"] is None
