"""BarAssembler: replace the forming bar, close on a newer one, drop old ones, report gaps."""
from __future__ import annotations

import numpy as np

from tests.trading.exchange.conftest import fixture_text
from trading.exchange import ws
from trading.exchange.bars import BarAssembler
from trading.exchange.ws import OhlcMsg

T0 = 1696433100.0
MIN = 60.0


def bar(ts: float, close: float = 10.0, volume: float = 1.0) -> OhlcMsg:
    return OhlcMsg("BTC/USD", ts, 10.0, max(10.0, close), min(10.0, close), close, volume, 1)


def test_docs_snapshot_closes_its_older_candle() -> None:
    events = ws.parse(fixture_text("ws_ohlc_snapshot.json"))
    assembler = BarAssembler(300, pair="ALGO/USD")
    first, second = (assembler.feed(e) for e in events)  # type: ignore[arg-type]
    assert first.accepted and first.closed is None
    assert second.closed is not None
    np.testing.assert_array_equal(second.closed,
                                  [T0, 0.09875, 0.09875, 0.09875, 0.09875, 201.86015])
    assert second.forming is not None and second.forming[0] == T0 + 300
    assert not second.has_gap


def test_same_interval_replaces_the_forming_bar() -> None:
    assembler = BarAssembler(MIN)
    assembler.feed(bar(T0, close=10.0, volume=1))
    step = assembler.feed(bar(T0, close=11.0, volume=3))
    assert step.accepted and step.closed is None
    assert step.forming is not None and list(step.forming[4:]) == [11.0, 3.0]
    step = assembler.feed(bar(T0 + MIN, close=12.0))
    assert step.closed is not None and list(step.closed[4:]) == [11.0, 3.0]
    assert assembler.last_closed_ts == T0


def test_out_of_order_is_dropped() -> None:
    assembler = BarAssembler(MIN)
    assembler.feed(bar(T0 + MIN))
    step = assembler.feed(bar(T0))
    assert not step.accepted and step.closed is None
    assert assembler.forming is not None and assembler.forming[0] == T0 + MIN


def test_gap_is_reported_with_the_missing_range() -> None:
    assembler = BarAssembler(MIN)
    assembler.feed(bar(T0))
    step = assembler.feed(bar(T0 + 4 * MIN))
    assert step.closed is not None and step.closed[0] == T0
    assert (step.gap_from, step.gap_to) == (T0 + MIN, T0 + 4 * MIN)


def test_seed_prevents_duplicates_and_reports_the_gap_after_it() -> None:
    assembler = BarAssembler(MIN, last_closed_ts=T0)
    assert not assembler.feed(bar(T0)).accepted          # already closed elsewhere
    assert not assembler.feed(bar(T0 - MIN)).accepted
    step = assembler.feed(bar(T0 + 3 * MIN))
    assert step.accepted and (step.gap_from, step.gap_to) == (T0 + MIN, T0 + 3 * MIN)
    assert step.closed is None


def test_seed_after_backfill_drops_a_stale_forming_bar() -> None:
    assembler = BarAssembler(MIN)
    assembler.feed(bar(T0))
    assembler.seed(T0 + 2 * MIN)   # REST backfill delivered closed bars through T0+2min
    assert assembler.forming is None
    step = assembler.feed(bar(T0 + 3 * MIN))
    assert step.accepted and step.closed is None and not step.has_gap
    assembler.seed(T0)             # an older seed never moves backwards
    assert assembler.last_closed_ts == T0 + 2 * MIN


def test_close_if_due_by_wall_clock() -> None:
    assembler = BarAssembler(MIN)
    assembler.feed(bar(T0))
    assert assembler.close_if_due(T0 + MIN + 1.0, grace_s=2.0) is None
    closed = assembler.close_if_due(T0 + MIN + 2.0, grace_s=2.0)
    assert closed is not None and closed[0] == T0
    assert not assembler.feed(bar(T0, close=12.0)).accepted   # late update for a closed bar
    assert assembler.close_if_due(T0 + 10 * MIN) is None


def test_never_closes_a_bar_twice() -> None:
    assembler = BarAssembler(MIN)
    closed = []
    for ts in [T0, T0, T0 + MIN, T0 + MIN, T0, T0 + 2 * MIN, T0 + 2 * MIN, T0 + 3 * MIN]:
        step = assembler.feed(bar(ts))
        if step.closed is not None:
            closed.append(step.closed[0])
    assert closed == [T0, T0 + MIN, T0 + 2 * MIN]


def test_sub_minute_bars_of_the_emulator() -> None:
    assembler = BarAssembler(0.5)
    assembler.feed(bar(T0 + 0.5))
    step = assembler.feed(bar(T0 + 1.0))
    assert step.closed is not None and step.closed[0] == T0 + 0.5 and not step.has_gap
