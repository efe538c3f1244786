from __future__ import annotations

from typing import Any

from ipc.codec import Event
from tests.web.telegram.stubs import Clock
from web.telegram.busstate import TOPICS, BusState


def ev(type_: str, key: str | None = None, src: str = "x", ts: int = 0, **data: Any) -> Event:
    return Event(topic=type_ if key is None else f"{type_}.{key}", type=type_, ts=ts, src=src,
                 v=1, data=data)


def test_topics_cover_what_the_bot_uses_and_not_books() -> None:
    assert {"heartbeat", "alert", "fill", "position", "risk", "thought", "bar."} <= set(TOPICS)
    assert not any(t.startswith("book") for t in TOPICS)


def test_heartbeats_make_the_process_table() -> None:
    clock = Clock()
    s = BusState(liveness_max_age_s=3.0, clock=clock)
    s.observe(ev("heartbeat", src="feed", pid=10, state="running", uptime_s=1.0))
    s.observe(ev("heartbeat", src="scanner-0", pid=11, state="running", uptime_s=1.0))
    clock.t += 2
    s.observe(ev("heartbeat", src="scanner-0", pid=11, state="running", uptime_s=3.0))
    clock.t += 2
    procs = s.processes()
    assert procs["feed"]["alive"] is False and procs["scanner-0"]["alive"] is True
    assert procs["feed"]["age_s"] == 4.0


def test_last_thoughts_newest_first() -> None:
    s = BusState()
    for i in range(30):
        s.observe(ev("thought", "BTC/USD", src="scanner-0", ts=i, text=f"t{i}"))
    s.observe(ev("thought", src="scorer", ts=99, text=7))  # not text: ignored
    got = s.thoughts(5)
    assert [t.text for t in got] == ["t29", "t28", "t27", "t26", "t25"]
    assert got[0].key == "BTC/USD" and got[0].src == "scanner-0"


def test_risk_is_the_latest_with_its_age() -> None:
    clock = Clock()
    s = BusState(clock=clock)
    assert s.risk() is None
    s.observe(ev("risk", drawdown=0.01))
    s.observe(ev("risk", drawdown=0.02))
    clock.t += 4
    data, age = s.risk()  # type: ignore[misc]
    assert data["drawdown"] == 0.02 and age == 4.0


def test_price_is_the_newest_bar_close_or_executor_mark() -> None:
    s = BusState()
    assert s.price("BTC/USD") is None
    s.observe(ev("bar", "BTC/USD", close=100.0, bar_ts=1))
    assert s.price("BTC/USD") == 100.0
    s.observe(ev("position", "BTC/USD", pair="BTC/USD", state="open", price=101.5))
    assert s.price("BTC/USD") == 101.5
    s.observe(ev("bar", "BTC/USD", close="bad"))
    s.observe(ev("bar", "BTC/USD", close=-1.0))
    assert s.price("BTC/USD") == 101.5
