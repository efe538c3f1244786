"""Bus: real proxy process, real publisher process, subscribers in the test."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

import pytest
import zmq

from ipc.bus import Publisher, Subscriber
from ipc.codec import encode
from ipc.endpoints import Endpoints
from tests.ipc.support import REPO, Spawn, collect, start_bus

STREAM = ["bar:BTC/USD", "bar:ETH/USD", "book:BTC/USD", "heartbeat"]


def test_events_flow_with_prefix_filtering(spawn: Spawn, endpoints: Endpoints) -> None:
    start_bus(spawn, endpoints)
    one_pair = Subscriber(endpoints.bus_out, ["bar.BTC/USD"])
    bars = Subscriber(endpoints.bus_out, ["bar."])
    books_and_beats = Subscriber(endpoints.bus_out, ["book.", "heartbeat"])
    try:
        spawn("helper_publisher.py", endpoints.bus_in, "feed", "0.01", *STREAM)
        got_one = collect(one_pair, 8, 5.0)
        got_bars = collect(bars, 8, 5.0)
        got_other = collect(books_and_beats, 8, 5.0)
    finally:
        for sub in (one_pair, bars, books_and_beats):
            sub.close()
    assert len(got_one) == len(got_bars) == len(got_other) == 8
    assert {e.topic for e in got_one} == {"bar.BTC/USD"}
    assert {e.topic for e in got_bars} == {"bar.BTC/USD", "bar.ETH/USD"}
    assert {e.topic for e in got_other} == {"book.BTC/USD", "heartbeat"}
    assert all(e.src == "feed" and isinstance(e.data["seq"], int) for e in got_one)
    seqs = [e.data["seq"] for e in got_one]
    assert seqs == sorted(seqs)


def test_malformed_messages_are_skipped_and_logged_once(
        spawn: Spawn, endpoints: Endpoints, caplog: pytest.LogCaptureFixture) -> None:
    start_bus(spawn, endpoints)
    ctx = zmq.Context()
    raw = ctx.socket(zmq.PUB)
    raw.connect(endpoints.bus_in)
    sub = Subscriber(endpoints.bus_out, [""])
    caplog.set_level(logging.WARNING, logger="ipc.bus")
    good = None
    try:
        deadline = time.monotonic() + 5.0
        while good is None and time.monotonic() < deadline:  # until past the slow joiner
            raw.send_multipart([b"bar.X", b"not json"])
            raw.send_multipart([b"bar.X"])
            raw.send_multipart(encode("bar", "raw", "X", n=1))
            good = sub.recv(timeout_s=0.05)
        while sub.recv(timeout_s=0.1) is not None:
            pass  # drain what the retries left behind
    finally:
        sub.close()
        raw.close(0)
        ctx.term()
    assert good is not None and good.data == {"n": 1}
    assert sub.bad_count >= 2
    logged = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
    assert len(logged) == 2, logged  # one per kind ("json", "frames"), not one per message


def test_flow_resumes_after_bus_restart(spawn: Spawn, endpoints: Endpoints) -> None:
    bus = start_bus(spawn, endpoints)
    sub = Subscriber(endpoints.bus_out, ["bar."])
    try:
        spawn("helper_publisher.py", endpoints.bus_in, "feed", "0.02", "bar:BTC/USD")
        assert len(collect(sub, 3, 5.0)) == 3
        bus.send_signal(signal.SIGKILL)
        bus.wait(timeout=5)
        last_seq = -1
        while (ev := sub.recv(timeout_s=0.3)) is not None:  # drain; nothing new arrives
            last_seq = ev.data["seq"]
        restarted = time.monotonic()
        start_bus(spawn, endpoints)
        ev = sub.recv(timeout_s=2.0)
        elapsed = time.monotonic() - restarted
    finally:
        sub.close()
    assert ev is not None, "no event within 2 s of the bus restart"
    assert ev.data["seq"] > last_seq
    assert elapsed < 2.0


def test_publisher_never_blocks_without_a_bus(run_dir: object) -> None:
    pub = Publisher(f"ipc://{run_dir}/nobody.sock", "x", linger_ms=100)
    t0 = time.monotonic()
    for i in range(20_000):
        pub.publish("tick", "BTC/USD", i=i)
    pub.close()
    assert time.monotonic() - t0 < 2.0
    assert pub.publish("tick", i=0) is False


def test_second_bus_on_same_endpoints_exits_with_one_line(
        spawn: Spawn, endpoints: Endpoints) -> None:
    start_bus(spawn, endpoints)
    second = subprocess.run([sys.executable, "-m", "ipc.bus", endpoints.bus_in, endpoints.bus_out],
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                            capture_output=True, text=True, timeout=10)
    assert second.returncode == 1
    assert f"cannot bind {endpoints.bus_in}: address already in use" in second.stderr
    assert "Traceback" not in second.stderr
