from __future__ import annotations

from tests.web.telegram.test_busstate import ev
from web.telegram.notices import Notices


def test_alerts_are_forwarded_escaped_with_a_level_icon() -> None:
    n = Notices()
    assert n.line_for(ev("alert", "scanner-0", level="error",
                         text="scanner-0 died <unexpectedly> (pid 4)")) == (
        "❗ scanner-0 died &lt;unexpectedly&gt; (pid 4)")
    assert n.line_for(ev("alert", level="critical", text="x")).startswith("🛑 ")
    assert n.line_for(ev("alert", level="nonsense", text="x")).startswith("⚠️ ")
    assert n.line_for(ev("alert", level="info", text="  ")) is None
    long = n.line_for(ev("alert", level="info", text="y" * 1000))
    assert long is not None and len(long) < 320


def test_fills_say_side_size_pair_price_and_pnl_of_a_sell() -> None:
    n = Notices()
    assert n.line_for(ev("fill", "BTC/USD", pair="BTC/USD", side="buy", qty=0.0125,
                         price=50000.0, realised=0.0)) == "🟢 <b>BUY</b> 0.0125 BTC/USD @ 50,000.00"
    assert n.line_for(ev("fill", "BTC/USD", pair="BTC/USD", side="sell", qty=0.0125,
                         price=51000.0, realised=12.3)) == (
        "🔴 <b>SELL</b> 0.0125 BTC/USD @ 51,000.00 · P&amp;L +12.30")
    assert n.line_for(ev("fill", "BTC/USD", side="short")) is None


def test_a_position_alerts_only_when_it_closes() -> None:
    n = Notices()
    assert n.line_for(ev("position", "ETH/USD", pair="ETH/USD", state="closed")) is None
    assert n.line_for(ev("position", "ETH/USD", pair="ETH/USD", state="open", qty=1)) is None
    assert n.line_for(ev("position", "ETH/USD", pair="ETH/USD", state="open", stop=5)) is None
    assert n.line_for(ev("position", "ETH/USD", pair="ETH/USD", state="closed",
                         realised_pnl=-4.5)) == "❌ <b>ETH/USD</b> position closed · P&amp;L -4.50"
    assert n.line_for(ev("position", "ETH/USD", pair="ETH/USD", state="closed")) is None


def test_other_events_are_not_alerts() -> None:
    n = Notices()
    assert n.line_for(ev("heartbeat", pid=1)) is None
    assert n.line_for(ev("thought", text="hmm")) is None
