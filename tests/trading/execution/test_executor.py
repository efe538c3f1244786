"""Executor + Control with the real ledger, paper broker and shared-memory book.

Published events go to a list (the bus itself is tested in the process tests).
"""
from __future__ import annotations

import math
import os
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from config import load_config
from shared import shm
from shared.bars import BarStore
from shared.books import BookStore
from trading.exchange.symbols import PairInfo, PairMap
from trading.execution.control import Control
from trading.execution.executor import Executor
from trading.execution.executor_events import Events
from trading.execution.ledger import Ledger
from trading.execution.marks import Marks
from trading.execution.paper import PaperBroker
from trading.execution.states import OrderState
from trading.risk.manager import RiskManager

D = Decimal
NOW = 1_795_000_000.0
CFG = load_config({"BOT__RISK__COOLDOWN_MINUTES": "0"})


def pair(name: str, internal: str, alt: str) -> PairInfo:
    base, quote = name.split("/")
    return PairInfo(name=name, internal=internal, altname=alt, wsname=name, base=base,
                    quote=quote, pair_decimals=1, lot_decimals=8, cost_decimals=5,
                    ordermin=D("0.0001"), costmin=D("0.5"), tick_size=D("0.1"), status="online")


PAIRS = PairMap([pair("BTC/USD", "XXBTZUSD", "XBTUSD"), pair("ETH/USD", "XETHZUSD", "ETHUSD")])


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


class Rig:
    """One executor over a fresh ledger and a BTC book around ``mid``."""

    def __init__(self, tmp: Path, books: BookStore, bars: BarStore) -> None:
        self.tmp, self.books, self.bars, self.clock = tmp, books, bars, Clock()
        self.events: list[tuple[str, str | None, dict[str, Any]]] = []
        self.book(100.0)
        self.ledger = Ledger.open(tmp / "bot.db")
        self.ex = self.executor()

    def book(self, mid: float) -> None:
        bids = [[mid - 0.1 - i, 500.0] for i in range(5)]
        asks = [[mid + 0.1 + i, 500.0] for i in range(5)]
        self.books.write("BTC/USD", bids, asks, ts=NOW)

    def executor(self) -> Executor:
        broker = PaperBroker(self.books, PAIRS, 0.004, {"USD": D("10000")}, self.clock)
        ex = Executor(self.ledger, broker, RiskManager(CFG.risk), PAIRS, "USD",
                      Marks(self.bars, self.books, self.clock),
                      Events(lambda t, k, **f: self.events.append((t, k, f))), "paper",
                      self.clock)
        assert ex.start() == []
        return ex

    def of(self, type_: str) -> list[dict[str, Any]]:
        return [f for t, _, f in self.events if t == type_]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    namespace = f"x{os.getpid()}{uuid.uuid4().hex[:6]}"
    books = BookStore.create(namespace, ["BTC/USD", "ETH/USD"], depth=5)
    bars = BarStore.create(namespace, ["BTC/USD", "ETH/USD"], capacity=64)
    r = Rig(tmp_path, books, bars)
    yield r
    r.ledger.close()
    books.close()
    bars.close()
    shm.remove_namespace(namespace)


def intent(side: str = "long", pair_name: str = "BTC/USD", **over: Any) -> dict[str, Any]:
    body = {"id": str(uuid.uuid4()), "pair": pair_name, "side": side, "price": 100.0,
            "stop": 98.0 if side == "long" else 102.0, "atr": 1.0, "probability": 0.7,
            "confluence": 3, "counted": 5, "strategies": ["trend", "momentum", "breakout"],
            "bar_ts": NOW - 60, "created": NOW, "expires": NOW + 5, "reasons": ["test"]}
    return body | over


def test_entry_is_recorded_filled_and_gets_a_stop(rig: Rig) -> None:
    body = intent()
    outcome = rig.ex.on_intent(body)
    assert outcome.startswith("BTC/USD: buy ")
    order = rig.ledger.order(body["id"])
    assert order is not None and order.state == OrderState.FILLED and order.side == "buy"
    position = rig.ledger.position("BTC/USD")
    assert position is not None and position.qty == order.qty
    # the stop: entry - 2 x ATR, rounded up to the tick; never above the entry
    assert position.stop is not None and D("97.9") <= position.stop < position.avg_entry
    assert [e["state"] for e in rig.of("order")] == ["pending", "filled"]
    assert rig.of("fill") and rig.of("position")[-1]["state"] == "open"
    # notional capped at 1/max_open_positions of equity (3 -> 3333 USD)
    assert float(order.qty) * 100.1 <= 10000 / 3 + 1


@pytest.mark.parametrize(("mutate", "why"), [
    (lambda b: b.pop("stop"), "missing stop"),
    (lambda b: b.update(price=math.nan), "price nan is not a finite number"),
    (lambda b: b.update(price=-5.0, stop=-6.0), "out of range"),
    (lambda b: b.update(atr=-1.0), "out of range"),
    (lambda b: b.update(pair="DOGE/USD"), "unknown pair DOGE/USD"),
    (lambda b: b.update(expires=NOW - 1.0), "expired 1.0 s ago"),
    (lambda b: b.update(side="sideways"), "side 'sideways'"),
])
def test_bad_intents_are_rejected_with_a_reason_and_no_order(rig: Rig, mutate: Any,
                                                             why: str) -> None:
    body = intent()
    mutate(body)
    outcome = rig.ex.on_intent(body)
    assert why in outcome and "\n" not in outcome
    assert rig.ledger.order(body["id"]) is None and not rig.ledger.fills()
    assert rig.of("thought")[-1]["text"] == outcome


def test_the_same_intent_id_never_trades_twice(rig: Rig) -> None:
    body = intent()
    rig.ex.on_intent(body)
    assert rig.ex.on_intent(body) == "duplicate"
    assert len(rig.ledger.fills(cl_ord_id=body["id"])) == 1


def test_one_position_per_pair(rig: Rig) -> None:
    rig.ex.on_intent(intent())
    assert "already holding BTC/USD" in rig.ex.on_intent(intent())


def test_short_signal_closes_the_long_and_never_opens_a_short(rig: Rig) -> None:
    assert "never opened" in rig.ex.on_intent(intent("short"))
    assert rig.ledger.position("BTC/USD") is None and not rig.ledger.fills()
    rig.ex.on_intent(intent())
    assert "closing the long" in rig.ex.on_intent(intent("short"))
    assert rig.ledger.position("BTC/USD") is None
    assert len(rig.ledger.trades()) == 1


def test_stop_trails_up_only_and_sells_when_hit(rig: Rig) -> None:
    rig.ex.on_intent(intent())
    first = rig.ledger.position("BTC/USD")
    assert first is not None and first.stop is not None
    rig.ex.on_price("BTC/USD", 110.0)                  # up 10 ATR: trails to 110 - 2 x ATR
    raised = rig.ledger.position("BTC/USD")
    assert raised is not None and raised.stop == D("108")
    assert rig.of("position")[-1]["stop_phase"] == "trailing"
    rig.ex.on_price("BTC/USD", 109.0)                  # down a little: the stop stays
    kept = rig.ledger.position("BTC/USD")
    assert kept is not None and kept.stop == raised.stop
    rig.book(float(raised.stop) - 1.0)
    rig.ex.on_price("BTC/USD", float(raised.stop) - 1.0)
    assert rig.ledger.position("BTC/USD") is None
    assert rig.ledger.trades()[0].pnl > 0             # the trail locked in a profit


def test_pause_blocks_entries_close_all_still_exits_and_both_are_audited(rig: Rig) -> None:
    control = Control(rig.ex)
    rig.ex.on_intent(intent())
    reply = control.pause({"source": "web", "who": "127.0.0.1"})
    assert reply["paused"] is True
    assert "skipped: paused" in rig.ex.on_intent(intent("long", "ETH/USD"))
    assert control.close_all({"source": "telegram", "who": "111"})["closed"] == 1
    assert rig.ledger.open_positions() == []
    audit = [(a.command, a.source) for a in rig.ledger.audit_log(10)]
    assert ("pause", "web:127.0.0.1") in audit and ("close_all", "telegram:111") in audit
    assert control.resume({"source": "cli", "who": "op"})["paused"] is False


def test_kill_closes_everything_and_stays_paused_until_resume(rig: Rig) -> None:
    control = Control(rig.ex)
    rig.ex.on_intent(intent())
    reply = control.kill({"source": "telegram", "who": "111"})
    assert reply["killed"] and reply["paused"] and reply["closed"] == 1
    assert rig.ledger.open_positions() == []
    assert rig.of("alert")[-1]["level"] == "critical"
    restarted = rig.executor()                          # flags live in the ledger
    assert "skipped: paused" in restarted.on_intent(intent())
    Control(restarted).resume({"source": "web", "who": "127.0.0.1"})
    assert restarted.on_intent(intent()).startswith("BTC/USD: buy ")


def test_a_pending_order_left_by_a_crash_is_abandoned_not_resent(rig: Rig) -> None:
    from trading.execution.ledger_types import NewOrder

    rig.ledger.record_order_pending(NewOrder("crashed-1", "BTC/USD", "buy", "market", D("1"),
                                             "entry", int(NOW * 1000)))
    restarted = rig.executor()                          # start() reconciles first
    order = rig.ledger.order("crashed-1")
    assert order is not None and order.state == OrderState.CANCELLED
    assert order.reason == "never reached the exchange"
    assert restarted.ready and not rig.ledger.fills()


def test_status_and_risk_report(rig: Rig) -> None:
    control = Control(rig.ex)
    rig.ex.on_intent(intent())
    status = control.status({})
    assert status["mode"] == "paper" and status["broker"] == "paper"
    assert status["open_positions"] == 1 and status["paused"] is False
    assert status["equity"] == pytest.approx(status["cash"] + status["unrealised"]
                                             + float(rig.ledger.position("BTC/USD").cost),
                                             rel=1e-9)
    report = control.report()
    assert "ts" not in report and report["daily_loss_limit"] == CFG.risk.max_daily_loss
    assert report["open_positions"] == 1
