"""LiveState: the latest of everything from bus events, bounded, with counters."""
from __future__ import annotations

from tests.web.test_api import ev
from web.live_state import MAX_THOUGHTS, LiveState


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_latest_values_by_kind_and_key() -> None:
    clock = Clock()
    live = LiveState(clock)
    live.apply(ev("heartbeat", src="feed", pid=1, state="running", uptime_s=3.0))
    live.apply(ev("risk", src="executor", equity=1.0))
    clock.t += 2.5
    live.apply(ev("risk", src="executor", equity=2.0))
    live.apply(ev("book", "BTC/USD", src="feed", bid=1.0, ask=2.0))
    assert live.by_key("heartbeat")["feed"].data["pid"] == 1
    assert live.age_s(live.by_key("heartbeat")["feed"]) == 2.5
    risk = live.latest("risk")
    assert risk is not None and risk.data == {"equity": 2.0} and live.age_s(risk) == 0.0
    assert live.by_key("book")["BTC/USD"].data == {"bid": 1.0, "ask": 2.0}
    assert live.last_event_age_s() == 0.0


def test_rings_are_bounded_and_newest_first() -> None:
    live = LiveState()
    for i in range(MAX_THOUGHTS + 50):
        live.apply(ev("thought", "BTC/USD", text=str(i)))
    got = live.thoughts(MAX_THOUGHTS + 100)
    assert len(got) == MAX_THOUGHTS
    assert (got[0]["text"], got[-1]["text"]) == (str(MAX_THOUGHTS + 49), "50")


def test_signal_counts_ignore_malformed_entries() -> None:
    live = LiveState()
    live.apply(ev("signal", "BTC/USD", signals=[
        {"strategy": "trend", "side": "long", "strength": 0.5, "bar_ts": 60.0},
        {"strategy": "trend", "side": "flat"}, "junk", {"side": "long"}]))
    fired, last = live.fired()
    assert fired == {"trend": {"long": 1, "flat": 1}}
    assert last == {"trend": {"pair": "BTC/USD", "side": "long", "strength": 0.5,
                              "bar_ts": 60.0}}


def test_latency_from_t_bar_keeps_only_plausible_values() -> None:
    clock = Clock()
    live = LiveState(clock)
    live.apply(ev("bar", "BTC/USD", t_bar=99.75))
    live.apply(ev("intent", "BTC/USD", t_bar=99.5))
    live.apply(ev("bar", "BTC/USD", t_bar=101.0))       # from the future: dropped
    live.apply(ev("signal", "BTC/USD", t_bar="soon"))   # not a number: dropped
    assert live.latencies() == {"bar": [0.25], "signal": [], "intent": [0.5]}
    assert live.counts()["bar"] == {"BTC/USD": 2}


def test_executor_status_error_and_merge() -> None:
    live = LiveState()
    assert live.executor() == (None, "not asked yet")
    live.set_executor({"paused": False, "mode": "paper"})
    live.merge_executor({"paused": True, "text": "paused by web"})
    seen, error = live.executor()
    assert error is None and seen is not None
    assert seen.data == {"paused": True, "mode": "paper"}
    live.set_executor_error("executor unavailable")
    assert live.executor()[1] == "executor unavailable"
