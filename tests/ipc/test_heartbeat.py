"""Heartbeats and liveness with a real heartbeat process."""
from __future__ import annotations

import signal
import time

import pytest

from ipc.bus import Publisher, Subscriber
from ipc.codec import decode, encode
from ipc.endpoints import Endpoints
from ipc.heartbeat import Heartbeat, Liveness, wait_for_heartbeats
from ipc.messages import HEARTBEAT
from tests.ipc.support import Spawn, start_bus

MAX_AGE_S = 2.5
INTERVAL_S = 1.0


def test_liveness_table_unit() -> None:
    live = Liveness(max_age_s=3.0)
    live.observe(decode(encode(HEARTBEAT, "feed", pid=7, state="running", uptime_s=1.0)), now=10.0)
    live.observe(decode(encode("bar", "feed", "BTC/USD", c=1.0)), now=99.0)  # not a heartbeat
    assert live.alive(now=12.9) == {"feed": 10.0}
    assert live.is_alive("feed", now=13.0) and not live.is_alive("feed", now=13.1)
    assert live.snapshot(now=14.0) == {
        "feed": {"pid": 7, "state": "running", "age_s": 4.0, "alive": False}}


def test_maybe_beat_is_paced(run_dir: object) -> None:
    pub = Publisher(f"ipc://{run_dir}/nobody.sock", "x")
    beat = Heartbeat(pub, interval_s=1.0, state_fn=lambda: str(1 / 0))
    try:
        assert beat.maybe_beat(now=100.0) is True  # first call beats (state_fn fails: "unknown")
        assert beat.maybe_beat(now=100.5) is False
        assert beat.maybe_beat(now=101.0) is True
        assert beat.maybe_beat(now=101.9) is False
    finally:
        pub.close()


def test_heartbeats_alive_then_dead_after_kill(spawn: Spawn, endpoints: Endpoints) -> None:
    start_bus(spawn, endpoints)
    sub = Subscriber(endpoints.bus_out, [HEARTBEAT])
    live = Liveness(max_age_s=MAX_AGE_S)
    proc = spawn("helper_heartbeat.py", endpoints.bus_in, "hb-helper", str(INTERVAL_S))
    try:
        deadline = time.monotonic() + 10.0
        while not live.is_alive("hb-helper") and time.monotonic() < deadline:
            if (ev := sub.recv(timeout_s=0.2)) is not None:
                live.observe(ev)
        assert live.is_alive("hb-helper"), "no heartbeat from the helper within 10 s"
        snap = live.snapshot()["hb-helper"]
        assert snap["pid"] == proc.pid and snap["state"] == "running" and snap["alive"]

        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=5)
        killed = time.monotonic()
        deadline = killed + MAX_AGE_S + 1.0
        while live.is_alive("hb-helper") and time.monotonic() < deadline:
            if (ev := sub.recv(timeout_s=0.05)) is not None:
                live.observe(ev)
        dead_after = time.monotonic() - killed
    finally:
        sub.close()
    assert not live.is_alive("hb-helper"), "still alive after max_age"
    assert MAX_AGE_S - INTERVAL_S - 0.2 <= dead_after <= MAX_AGE_S + 0.3
    assert live.snapshot()["hb-helper"]["alive"] is False


def test_wait_for_heartbeats(spawn: Spawn, endpoints: Endpoints) -> None:
    start_bus(spawn, endpoints)
    spawn("helper_heartbeat.py", endpoints.bus_in, "a", "0.2")
    spawn("helper_heartbeat.py", endpoints.bus_in, "b", "0.2")
    seen = wait_for_heartbeats(endpoints.bus_out, ["a", "b"], timeout_s=10.0)
    assert set(seen) == {"a", "b"} and seen["a"]["state"] == "running"
    t0 = time.monotonic()
    assert set(wait_for_heartbeats(endpoints.bus_out, ["a", "ghost"], timeout_s=1.0)) == {"a"}
    assert time.monotonic() - t0 == pytest.approx(1.0, abs=0.3)
