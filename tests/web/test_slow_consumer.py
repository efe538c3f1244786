"""A client that never reads must not grow the web process's memory, nor slow anything else.

A stuck client (tiny receive buffer, never reads) and a healthy reader are connected while
60,000 incompressible ``thought`` events (~600 B each, ~36 MB) go over the bus. Unbounded
buffering for the stuck client would grow the web worker by more than that; the hub instead
empties its queue and flags a resync. Checked: the worker's RSS plateaus (growth in the
second half of the flood under ``PLATEAU_MB``), the stuck client caused at least one resync,
the healthy client saw the flood's last event, and bar events kept coming for every pair.
"""
from __future__ import annotations

import base64
import os
import threading
import time
from collections import Counter
from pathlib import Path

import orjson
import pytest
import websocket

from config import load_config
from ipc.bus import Publisher, Subscriber
from procs.runtime import endpoints_for
from tests.polling import poll
from tests.web.slow_client import StuckClient
from tests.web.support import Stack

pytestmark = pytest.mark.slow

EVENTS = 60_000
BATCH = 500
PLATEAU_MB = 12.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def worker_pid(arbiter: int) -> int:
    [pid] = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
    return int(pid)


class Reader(threading.Thread):
    """A healthy client: reads everything, remembers the thoughts' texts it saw last."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.ws = websocket.create_connection(url, timeout=10)
        self.ws.send(orjson.dumps({"type": "auth", "token": token}).decode())
        self.last = ""
        self.count = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                data = orjson.loads(self.ws.recv())
            except (websocket.WebSocketException, OSError, orjson.JSONDecodeError):
                return  # closed
            for m in data if isinstance(data, list) else [data]:
                if m["type"] == "thought" and m["src"] == "flood":
                    self.count += 1
                    self.last = m["data"]["text"][:12]


def test_a_stuck_client_costs_bounded_memory_and_slows_nobody(stack: Stack) -> None:
    stack.wait_web()
    cfg = load_config(stack.inst.env)
    ends = endpoints_for(cfg, stack.inst.paths)
    worker = worker_pid(int(stack.program("web")["pid"]))
    stuck = StuckClient(int(stack.inst.env["BOT__WEB__PORT"]), stack.token)
    reader = Reader(stack.url.replace("http", "ws") + "/ws/live", stack.token)
    reader.start()
    bars = Subscriber(ends.bus_out, ["bar."])
    pub = Publisher(ends.bus_in, "flood")
    poll(lambda: reader.count or pub.publish("thought", "BTC/USD", text="warm-up") and False,
         10.0, "the reader to get a flood event")
    rss: list[float] = []
    seen_bars: Counter[str] = Counter()
    try:
        for i in range(EVENTS):
            pub.publish("thought", "BTC/USD",
                        text=f"{i:012d}" + base64.b64encode(os.urandom(440)).decode())
            if i % BATCH == BATCH - 1:
                rss.append(rss_mb(worker))
                while (ev := bars.recv(0.0)) is not None:
                    seen_bars[ev.key or ""] += 1
                time.sleep(0.05)  # pace the flood (~10k/s): the bus may drop what it cannot queue
        last = f"{EVENTS - 1:012d}"
        poll(lambda: reader.last == last or pub.publish("thought", "BTC/USD", text=last) and False,
             30.0, "the healthy reader to see the end of the flood")
        metrics = stack.get("/metrics").text
    finally:
        reader.stop.set()
        reader.ws.close()
        stuck.close()
        pub.close()
        bars.close()
    half = len(rss) // 2
    growth = max(rss[half:]) - max(rss[:half])
    print(f"web worker RSS MB over the flood: {[round(x, 1) for x in rss]}")
    assert growth < PLATEAU_MB, f"web worker RSS kept growing: {rss[0]:.1f} -> {rss[-1]:.1f} MB"
    resyncs = [ln for ln in metrics.splitlines() if ln.startswith("bot_web_resyncs_total")]
    assert float(resyncs[0].split()[-1]) >= 1
    assert set(seen_bars) == set(cfg.trading.pairs), seen_bars
    assert min(seen_bars.values()) >= 3
