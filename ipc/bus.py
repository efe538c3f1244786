"""The event bus: one XSUB/XPUB proxy, and the publisher/subscriber ends that use it.

Publishers connect a PUB socket to ``bus_in`` (the proxy's bound XSUB); subscribers
connect a SUB socket to ``bus_out`` (the proxy's bound XPUB). The proxy is stateless and
forwards subscriptions upstream, so publishers only send what someone subscribed to.

Semantics and caveats (PUB/SUB is fire-and-forget fan-out, not a queue):

- Messages published while the bus is down, or before a subscriber has connected and
  its subscription has reached the publisher, are **lost**. After a SUB connects there is
  a short "slow joiner" window (a few ms, up to a reconnect interval) before it receives.
- Topic filtering is by **byte prefix** (see ``ipc.messages``).
- Both ends reconnect by themselves when the bus restarts (libzmq retries every 100 ms,
  backing off to 1 s), so flow resumes within about a second of the new proxy binding.
- A slow subscriber loses messages once ``SNDHWM``/``RCVHWM`` (10 000) messages queue up;
  nothing ever blocks a publisher, and ``close()`` waits at most ``linger_ms``.
- Cost: every hop through the proxy wakes about 6 threads (~60 µs each on a 2-vCPU box),
  measured ~0.2-0.37 ms p50 and ~0.4-1 ms p99 per hop, with rare multi-ms scheduler
  stalls. Thread wake-ups, not serialisation, dominate (see notes/latency-floor.md), so
  bulk data (bars, books) goes through shared memory and the bus only says "ready".
- ``Publisher`` is thread-safe (a lock). ``Subscriber`` is not: use one per thread.
"""
from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Iterable
from types import FrameType
from typing import Any

import zmq

from ipc.codec import BadMessage, Event, decode, encode
from ipc.endpoints import EndpointError, bind

logger = logging.getLogger(__name__)

HWM = 10_000
RECONNECT_IVL_MS = 100
RECONNECT_IVL_MAX_MS = 1000


class BusError(EndpointError):
    """The bus could not start. ``str(e)`` is one line naming the endpoint."""


def _reconnecting(sock: zmq.Socket[Any]) -> zmq.Socket[Any]:
    sock.setsockopt(zmq.RECONNECT_IVL, RECONNECT_IVL_MS)
    sock.setsockopt(zmq.RECONNECT_IVL_MAX, RECONNECT_IVL_MAX_MS)
    return sock


def run_proxy(bus_in: str, bus_out: str, ctx: zmq.Context[Any] | None = None) -> None:
    """Bind XSUB on ``bus_in`` and XPUB on ``bus_out`` and forward until stopped.

    Returns when ``ctx`` is terminated from another thread (``ctx.term()``); a signal
    handler that raises (SIGINT, or SIGTERM as installed by ``main``) also ends it.

    :raises BusError: when either endpoint cannot be bound (in use, bad path, ...)
    """
    ctx = ctx or zmq.Context.instance()
    xsub = ctx.socket(zmq.XSUB)
    xpub = ctx.socket(zmq.XPUB)
    try:
        for sock in (xsub, xpub):
            sock.setsockopt(zmq.LINGER, 0)
            sock.setsockopt(zmq.RCVHWM, HWM)
            sock.setsockopt(zmq.SNDHWM, HWM)
        bind(xsub, bus_in, "bus in (XSUB)", BusError)
        bind(xpub, bus_out, "bus out (XPUB)", BusError)
        logger.info("bus proxy up: %s -> %s", bus_in, bus_out)
        zmq.proxy(xsub, xpub)
    except zmq.ContextTerminated:
        logger.info("bus proxy stopped (context terminated)")
    finally:
        xsub.close(linger=0)
        xpub.close(linger=0)


class Publisher:
    """A PUB socket connected to ``bus_in`` that sends encoded events as ``src``."""

    def __init__(self, bus_in: str, src: str, ctx: zmq.Context[Any] | None = None,
                 linger_ms: int = 100) -> None:
        self.src = src
        self._lock = threading.Lock()
        self._closed = False
        self._sock = _reconnecting((ctx or zmq.Context.instance()).socket(zmq.PUB))
        self._sock.setsockopt(zmq.SNDHWM, HWM)
        self._sock.setsockopt(zmq.LINGER, linger_ms)
        # Don't queue for a bus that isn't connected: messages sent while it's down are
        # dropped instead of delivered stale (and unbounded) after it comes back.
        self._sock.setsockopt(zmq.IMMEDIATE, 1)
        self._sock.connect(bus_in)

    def publish(self, type: str, key: str | None = None, **fields: Any) -> bool:
        """Send one event; never blocks. Returns False (and drops it) once closed."""
        frames = encode(type, self.src, key, **fields)
        with self._lock:
            if self._closed:
                logger.debug("publisher %s closed; dropped %s", self.src, type)
                return False
            self._sock.send_multipart(frames, flags=zmq.NOBLOCK)
        return True

    def close(self) -> None:
        """Close the socket (waits at most ``linger_ms`` for queued messages)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._sock.close()


class Subscriber:
    """A SUB socket connected to ``bus_out`` with prefix subscriptions to ``topics``.

    ``topics`` of ``[""]`` receives everything; an empty iterable receives nothing.
    """

    def __init__(self, bus_out: str, topics: Iterable[str],
                 ctx: zmq.Context[Any] | None = None) -> None:
        self._sock = _reconnecting((ctx or zmq.Context.instance()).socket(zmq.SUB))
        self._sock.setsockopt(zmq.RCVHWM, HWM)
        self._sock.setsockopt(zmq.LINGER, 0)
        for t in topics:
            self.subscribe(t)
        self._sock.connect(bus_out)
        self._bad_kinds: set[str] = set()
        self.bad_count = 0

    @property
    def socket(self) -> zmq.Socket[Any]:
        """The underlying socket, e.g. to register with a ``zmq.Poller``."""
        return self._sock

    def subscribe(self, topic: str) -> None:
        self._sock.setsockopt(zmq.SUBSCRIBE, topic.encode())

    def unsubscribe(self, topic: str) -> None:
        self._sock.setsockopt(zmq.UNSUBSCRIBE, topic.encode())

    def recv(self, timeout_s: float | None = None) -> Event | None:
        """The next well-formed event, or None after ``timeout_s`` (None: wait forever).

        Malformed messages are skipped; each kind of fault is logged once (as a warning).
        """
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            wait_ms = -1 if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
            if not self._sock.poll(wait_ms, zmq.POLLIN):
                return None
            event = self.recv_ready()
            if event is not None:
                return event
            if deadline is not None and time.monotonic() >= deadline:
                return None

    def recv_ready(self) -> Event | None:
        """Decode one message that is already waiting (after a poll); None if bad/none."""
        try:
            frames = self._sock.recv_multipart(flags=zmq.NOBLOCK)
        except zmq.Again:
            return None
        try:
            return decode(frames)
        except BadMessage as e:
            self.bad_count += 1
            if e.kind not in self._bad_kinds:
                self._bad_kinds.add(e.kind)
                logger.warning("skipping malformed bus message (%s; once per kind): %s",
                               e.kind, e)
            return None

    def close(self) -> None:
        self._sock.close(linger=0)


def _raise_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    """``python -m ipc.bus BUS_IN BUS_OUT``: run the proxy until SIGTERM/SIGINT."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m ipc.bus BUS_IN BUS_OUT", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, _raise_exit)
    try:
        run_proxy(args[0], args[1])
    except BusError as e:
        logger.error("%s", e)
        return 1
    except (SystemExit, KeyboardInterrupt):
        logger.info("bus proxy stopped by signal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
