"""The dashboard's live feed and footprint, on the real stack (fast market, 0.25 s bars).

- Fan-out: 10 WebSocket clients read ``/ws/live`` while ``FLOOD`` ``thought`` events are
  published on the bus as fast as one Python publisher can. Each client counts the flood
  events it got; the row is the slowest client's delivered events per second (first to last
  flood event it saw), the note says how many of the events it got (a client that falls
  behind by a whole queue gets a resync instead, by design). Then ``PACED_S`` s at
  ``PACED_HZ`` events/s: the share the slowest client got, and bar close -> signal p99
  meanwhile (``bench_pipeline`` has it without the dashboard's load), to show whether the
  bot was slowed. The clients and the publisher are Python in this process, on the same
  2 cores as the stack: they cost CPU the stack then lacks.
- Event -> DOM: headless Chromium shows the dashboard; ``LAT_EVENTS`` thoughts at 20/s each
  carry their publish time (wall clock, same machine); a MutationObserver stamps when each
  appears in the feed's DOM. p50/p99 of the difference.
- PSS of the ``web`` program (arbiter + worker, ``/proc/<pid>/smaps_rollup``) with the
  browser connected, before and after the 10-client floods.

Targets (issue 7): >= 1,000 events/s to 10 clients, p99 <= 250 ms, PSS <= 60 MB.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import orjson
import websocket

from bench.bench_memory import pss_kb, tree
from bench.common import Row, percentile
from bench.instance import running_instance
from config import Paths, load_config
from ipc.bus import Publisher, Subscriber
from procs.runtime import endpoints_for
from tools.supervisor_client import Supervisor

CLIENTS = 10
FLOOD = 20_000
PACED_HZ = 1000
PACED_S = 10
LAT_EVENTS = 300
LAT_RATE_HZ = 20.0
WARMUP_S = 5.0
CHROMIUM = "/usr/bin/chromium"


class Client(threading.Thread):
    """Counts flood events and the monotonic times of the first and last one."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.ws = websocket.create_connection(url, timeout=30)
        self.ws.send(orjson.dumps({"type": "auth", "token": token}).decode())
        self.count = 0
        self.resyncs = 0
        self.first = self.last = 0.0

    def run(self) -> None:
        while True:
            try:
                data = orjson.loads(self.ws.recv())
            except (websocket.WebSocketException, OSError, orjson.JSONDecodeError):
                return
            for m in data if isinstance(data, list) else [data]:
                if m["type"] == "resync":
                    self.resyncs += 1
                elif m["type"] == "thought" and m["src"] == "bench":
                    now = time.monotonic()
                    self.first = self.first or now
                    self.last = now
                    self.count += 1


def _bar_to_signal(sub: Subscriber, stop: threading.Event, out: list[float]) -> None:
    bars: dict[tuple[str | None, float], float] = {}
    while not stop.is_set():
        ev = sub.recv(0.1)
        if ev is None:
            continue
        key = (ev.key, float(ev.data.get("bar_ts", 0)))
        if ev.type == "bar":
            bars[key] = time.monotonic()
        elif key in bars:
            out.append((time.monotonic() - bars.pop(key)) * 1000)


def _publish(pub: Publisher, n: int, rate_hz: float | None) -> float:
    """Publish ``n`` flood events, paced at ``rate_hz`` (None: as fast as possible);
    returns the achieved rate."""
    start = time.monotonic()
    for i in range(n):
        pub.publish("thought", "BTC/USD", text=f"bench {i} " + "x" * 100)
        if rate_hz is not None:
            if (ahead := start + (i + 1) / rate_hz - time.monotonic()) > 0.001:
                time.sleep(ahead)
        elif i % 1000 == 999:
            time.sleep(0.001)  # let the proxy thread run on a 2-core box
    return n / (time.monotonic() - start)


def fan_out(url: str, token: str, bus_in: str, bus_out: str, n: int,
            rate_hz: float | None) -> tuple[list[Client], float, list[float]]:
    """10 clients read while ``n`` events are published; also bar close -> signal times."""
    clients = [Client(url, token) for _ in range(CLIENTS)]
    for c in clients:
        c.start()
    lat: list[float] = []
    stop = threading.Event()
    sub = Subscriber(bus_out, ["bar.", "signal."])
    watcher = threading.Thread(target=_bar_to_signal, args=(sub, stop, lat), daemon=True)
    watcher.start()
    pub = Publisher(bus_in, "bench")
    time.sleep(1.0)  # subscriptions settle (PUB/SUB slow joiner)
    rate = _publish(pub, n, rate_hz)
    time.sleep(3.0)
    stop.set()
    watcher.join(2)
    for c in clients:
        c.ws.close()
    pub.close()
    sub.close()
    return clients, rate, lat


def fan_out_rows(url: str, token: str, bus_in: str, bus_out: str) -> list[Row]:
    clients, rate, _ = fan_out(url, token, bus_in, bus_out, FLOOD, None)
    rates = [c.count / (c.last - c.first) if c.last > c.first else 0.0 for c in clients]
    worst = min(range(CLIENTS), key=lambda k: rates[k])
    note = (f"slowest of {CLIENTS}: {clients[worst].count}/{FLOOD} events "
            f"({clients[worst].resyncs} resyncs); published at {rate:,.0f}/s; target >= 1000")
    rows = [Row("web live feed to 10 clients, max", rates[worst], "ev/s", note)]
    clients, rate, lat = fan_out(url, token, bus_in, bus_out, PACED_S * PACED_HZ, PACED_HZ)
    got = min(c.count for c in clients)
    rows.append(Row("web live feed at 1000 ev/s: delivered", 100.0 * got / (PACED_S * PACED_HZ),
                    "%", f"slowest of {CLIENTS} clients, {PACED_S} s at {rate:,.0f}/s"))
    if lat:
        rows.append(Row("bar close -> signal p99, 10 clients at 1000 ev/s",
                        percentile(lat, 99), "ms",
                        f"n={len(lat)}; the bench's own clients and publisher share the 2 cores"))
    return rows


OBSERVE = """() => {
  window.__lat = [];
  new MutationObserver((records) => {
    const now = performance.timeOrigin + performance.now();
    for (const r of records) for (const n of r.addedNodes) {
      const m = /lat (\\d+) (\\d+\\.\\d+)/.exec(n.textContent || "");
      if (m) window.__lat.push(now - Number(m[2]));
    }
  }).observe(document.getElementById('thought-feed'), { childList: true });
}"""


def dom_latency(url: str, token: str, bus_in: str) -> tuple[list[float], object]:
    from playwright.sync_api import sync_playwright
    p = sync_playwright().start()
    browser = p.chromium.launch(executable_path=CHROMIUM,
                                args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{url}/#token={token}")
    page.wait_for_function("() => document.body.dataset.ws === 'live'", timeout=30_000)
    page.evaluate(OBSERVE)
    pub = Publisher(bus_in, "bench")
    time.sleep(1.0)
    for i in range(LAT_EVENTS):
        pub.publish("thought", "BTC/USD", text=f"lat {i} {time.time() * 1000:.3f}")
        time.sleep(1.0 / LAT_RATE_HZ)
    time.sleep(1.0)
    samples = [float(x) for x in page.evaluate("() => window.__lat")]
    pub.close()
    return samples, (p, browser)


def web_pss_mb(home: Path) -> float:
    sup = Supervisor(home / "run" / "supervisor.sock", home / "run" / "supervisord.pid")
    info = next(p for p in sup.processes() if p["name"] == "web")
    return sum(pss_kb(pid) for pid in tree(info["pid"])) / 1024


def run() -> list[Row]:
    with running_instance(BOT__SIM__BAR_SECONDS="0.25") as (home, env):
        ends = endpoints_for(load_config(env), Paths(home=home))
        url = f"http://127.0.0.1:{env['BOT__WEB__PORT']}"
        token = (home / "web.token").read_text().strip()
        time.sleep(WARMUP_S)
        samples, (pw, browser) = dom_latency(url, token, ends.bus_in)
        try:
            pss_browser = web_pss_mb(home)
            rows = fan_out_rows(url.replace("http", "ws") + "/ws/live", token, ends.bus_in,
                                ends.bus_out)
            pss_flood = web_pss_mb(home)
        finally:
            browser.close()  # type: ignore[attr-defined]
            pw.stop()  # type: ignore[attr-defined]
    note = f"thought publish -> feed DOM node, n={len(samples)}/{LAT_EVENTS} at 20/s"
    return [Row("web event -> DOM p50", percentile(samples, 50), "ms", note),
            Row("web event -> DOM p99", percentile(samples, 99), "ms", "target <= 250"),
            Row("web program PSS", pss_browser, "MB",
                "arbiter + worker, 1 browser open; target <= 60"),
            *rows,
            Row("web program PSS after the floods", pss_flood, "MB",
                "1 browser open, 10 clients gone, heap not yet trimmed by the 30 s timer")]
