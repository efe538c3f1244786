"""Program ``scanner`` (``numprocs`` copies): the five strategies over one shard of pairs.

``python -m procs.scanner INDEX``; supervisord passes ``%(process_num)s`` and runs
``scanner.processes`` copies, so strategy work spreads over every core without the GIL.
Each copy subscribes to ``bar.<PAIR>`` for its own pairs, reads the window from shared
memory, and publishes ``signal.<PAIR>`` (every strategy's result) and a ``thought``
summarising them; every ``trading.scan_interval_seconds`` it also scans any owned pair
whose newest bar it has not scanned (a lost event). Waits for the feed's BarStore to
exist before it starts.

Bars of all pairs close at the same moment, so their events arrive in a burst: on an
event the scanner also takes the bar events already waiting (without waiting for more)
and scans those pairs together (``Scanner.scans``: one indicator call for all windows of
one length), publishing each pair's result as soon as it is computed.

A signal carries the bar event's ``t_bar`` (the feed's ``time.monotonic()`` at bar close;
None for a scan the sweep found) and ``t_signal`` (its send time): the start of the latency
trail the scorer passes on to intents.
"""
from __future__ import annotations

import logging
import sys
import time

from ipc import messages
from ipc.bus import Subscriber
from ipc.codec import Event, stamp
from procs.runtime import Runtime, boot, fail
from shared.bars import BarStore
from shared.errors import StoreError
from trading.scanning.scan import Scan, Scanner, shard
from trading.strategies import build_strategies

logger = logging.getLogger(__name__)
RECV_S = 0.25


def attach(rt: Runtime) -> BarStore | None:
    """The feed's BarStore, once it exists; None if asked to stop first."""
    while not rt.stopping.is_set():
        try:
            return BarStore.attach(rt.cfg.runtime.namespace)
        except StoreError as err:
            logger.info("waiting for bars: %s", err)
            rt.stopping.wait(1.0)
    return None


def publish(rt: Runtime, scan: Scan, t_bar: float | None = None) -> None:
    rt.publisher.publish(messages.SIGNAL, scan.pair, bar_ts=scan.bar_ts, count=scan.count,
                         signals=[s.to_dict() for s in scan.signals], t_bar=t_bar,
                         t_signal=time.monotonic())
    rt.publisher.publish(messages.THOUGHT, scan.pair, text=scan.thought)


def waiting(sub: Subscriber, first: Event, most: int) -> dict[str, float | None]:
    """Pair -> ``t_bar`` of ``first`` and of the bar events already waiting (up to ``most``
    more), without blocking."""
    bars = {first.key or "": stamp(first.data, "t_bar")}
    while len(bars) <= most and (event := sub.recv(0)) is not None:
        bars[event.key or ""] = stamp(event.data, "t_bar")
    return bars


def loop(rt: Runtime, scanner: Scanner, sub: Subscriber) -> None:
    next_sweep = time.monotonic() + rt.cfg.trading.scan_interval_seconds
    while not rt.stopping.is_set():
        event = sub.recv(RECV_S)
        if event is not None:
            bars = waiting(sub, event, len(scanner.pairs))
            for scan in scanner.scans(list(bars)):
                publish(rt, scan, bars.get(scan.pair))
        if time.monotonic() >= next_sweep:
            next_sweep += rt.cfg.trading.scan_interval_seconds
            for scan in scanner.scans(scanner.due()):
                publish(rt, scan)
        rt.heartbeat.maybe_beat()


def main() -> None:
    index = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 0
    rt = boot(f"scanner-{index}")
    cfg = rt.cfg
    try:
        pairs = shard(cfg.trading.pairs, index, cfg.scanner.processes)
    except ValueError as err:
        fail(rt.name, str(err))
    sub = Subscriber(rt.endpoints.bus_out, [messages.topic(messages.BAR, p) for p in pairs])
    store = attach(rt)
    try:
        if store is not None:
            scanner = Scanner(store, pairs, build_strategies(cfg.strategies),
                              cfg.scanner.window_bars)
            logger.info("scanning %s", ", ".join(pairs) or "no pairs (more shards than pairs)")
            loop(rt, scanner, sub)
    finally:
        sub.close()
        rt.close()
        if store is not None:
            store.close()


if __name__ == "__main__":
    main()
