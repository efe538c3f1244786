"""A resilient Kraken WebSocket v2 connection (websocket-client, one blocking thread).

Semantics of :meth:`KrakenWS.run`:
- connect, send every subscription, dispatch each parsed event to ``on_event`` in this thread;
- when nothing (not even a heartbeat) arrived for ``ping_interval_s``, send an application
  ``ping``; after ``dead_after_s`` of silence the connection is considered dead;
- on any loss (dead, closed by the server, transport error) call ``on_disconnect``, wait a
  capped exponential backoff with full jitter (reset after a connection that received data),
  reconnect, resubscribe, then call ``on_reconnect`` (the feed backfills gaps there);
- malformed messages never stop the loop: each is dropped, logged at WARNING the first time
  its kind is seen (then DEBUG), counted in ``bad_counts`` and passed to ``on_bad``.
:meth:`send` is thread-safe (e.g. resubscribing one pair's book after a checksum mismatch).

Frames are read as bytes and validated as UTF-8 once, by the JSON decoder, not first by
websocket-client's pure-Python validator (a third of the feed's CPU): a text frame that is not
UTF-8 is a malformed message like any other, and the connection stays up.

Caveats: hooks run in the connection thread, so a slow ``on_reconnect`` delays dispatch (the
messages wait in the socket, nothing is lost). An exception raised by a hook is logged and the
loop continues.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

import websocket

from trading.exchange.ratelimit import backoff
from trading.exchange.ws import BadWsMessage, Event, SubscribeAck, parse, ping

__all__ = ["KrakenWS"]

logger = logging.getLogger(__name__)

Hook = Callable[[], None]
DATA_OPCODES = (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY)


class KrakenWS:
    """Keeps one WebSocket v2 connection alive and subscribed until ``stop`` is set."""

    def __init__(self, url: str, on_event: Callable[[Event], None],
                 subscriptions: list[dict[str, Any]], *, on_reconnect: Hook | None = None,
                 on_disconnect: Hook | None = None,
                 on_bad: Callable[[BadWsMessage], None] | None = None,
                 ping_interval_s: float = 5.0, dead_after_s: float = 15.0,
                 connect_timeout_s: float = 10.0, backoff_base_s: float = 0.5,
                 backoff_cap_s: float = 30.0, poll_s: float = 0.25,
                 rng: Callable[[], float] = random.random) -> None:
        self.url = url
        self.subscriptions = list(subscriptions)
        self._on_event, self._on_bad = on_event, on_bad
        self._on_reconnect, self._on_disconnect = on_reconnect, on_disconnect
        self.ping_interval_s, self.dead_after_s = ping_interval_s, dead_after_s
        self.connect_timeout_s, self.poll_s = connect_timeout_s, poll_s
        self._backoff = (backoff_base_s, backoff_cap_s, rng)
        self._ws: websocket.WebSocket | None = None
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._req_ids = itertools.count(1)
        self.connects = 0
        self.failed_connects = 0
        self.bad_counts: dict[str, int] = {}

    @property
    def connected(self) -> bool:
        return self._ws is not None

    def run(self, stop: threading.Event) -> None:
        """Blocks until ``stop`` is set or :meth:`close` is called."""
        attempt = 0
        while not self._stopping(stop):
            try:
                ws = websocket.create_connection(self.url, timeout=self.connect_timeout_s,
                                                 skip_utf8_validation=True)
            except (websocket.WebSocketException, OSError) as exc:
                self.failed_connects += 1
                logger.warning("ws connect to %s failed: %s", self.url, exc)
            else:
                if self._session(ws, stop):
                    attempt = 0
                self._call(self._on_disconnect, "on_disconnect")
            if self._stopping(stop):
                break
            delay = backoff(attempt, *self._backoff)
            attempt += 1
            logger.info("ws reconnecting in %.2f s (attempt %d)", delay, attempt)
            if stop.wait(delay) or self._closed.is_set():
                break

    def send(self, msg: dict[str, Any]) -> bool:
        """Send one request now; False if not connected or the send failed."""
        with self._lock:
            ws = self._ws
            if ws is None:
                return False
            try:
                ws.send(json.dumps(msg))
                return True
            except (websocket.WebSocketException, OSError) as exc:
                logger.warning("ws send failed: %s", exc)
                return False

    def close(self) -> None:
        """Stop :meth:`run` from another thread (it returns promptly)."""
        self._closed.set()
        with self._lock:
            if self._ws is not None:
                self._ws.abort()

    def _stopping(self, stop: threading.Event) -> bool:
        return stop.is_set() or self._closed.is_set()

    def _session(self, ws: websocket.WebSocket, stop: threading.Event) -> bool:
        """Run one connection; True if it received any message."""
        ws.settimeout(self.poll_s)
        with self._lock:
            self._ws = ws
        self.connects += 1
        logger.info("ws connected to %s (connection %d)", self.url, self.connects)
        try:
            for sub in self.subscriptions:
                self.send(sub)
            if self.connects > 1:
                self._call(self._on_reconnect, "on_reconnect")
            return self._receive(ws, stop)
        finally:
            with self._lock:
                self._ws = None
            ws.shutdown()

    def _receive(self, ws: websocket.WebSocket, stop: threading.Event) -> bool:
        received = False
        last_rx = last_ping = time.monotonic()
        while not self._stopping(stop):
            try:
                opcode, raw = ws.recv_data()
            except websocket.WebSocketTimeoutException:
                now = time.monotonic()
                idle = now - last_rx
                if idle >= self.dead_after_s:
                    logger.warning("ws: nothing received for %.1f s; reconnecting", idle)
                    return received
                if min(idle, now - last_ping) >= self.ping_interval_s:
                    self.send(ping(next(self._req_ids)))
                    last_ping = now
                continue
            except (websocket.WebSocketException, OSError) as exc:
                if not self._stopping(stop):
                    logger.warning("ws connection lost: %s", exc or type(exc).__name__)
                return received
            if opcode not in DATA_OPCODES or not raw:
                logger.warning("ws closed by the server")
                return received
            received = True
            last_rx = time.monotonic()
            self._dispatch(raw)
        return received

    def _dispatch(self, raw: str | bytes) -> None:
        try:
            events = parse(raw)
        except BadWsMessage as bad:
            self._bad(bad)
            return
        for event in events:
            if isinstance(event, SubscribeAck) and not event.success:
                logger.warning("ws %s %s %s failed: %s", event.method, event.channel,
                               event.pair, event.error)
            try:
                self._on_event(event)
            except Exception:
                logger.exception("ws on_event failed for %s", type(event).__name__)

    def _bad(self, bad: BadWsMessage) -> None:
        seen = self.bad_counts.get(bad.kind, 0)
        self.bad_counts[bad.kind] = seen + 1
        level = logging.WARNING if seen == 0 else logging.DEBUG
        logger.log(level, "ws dropped a malformed message (%s): %s", bad.kind, bad)
        if self._on_bad is not None:
            try:
                self._on_bad(bad)
            except Exception:
                logger.exception("ws on_bad failed")

    def _call(self, hook: Hook | None, name: str) -> None:
        if hook is None:
            return
        try:
            hook()
        except Exception:
            logger.exception("ws %s failed", name)
