"""The command channel: REQ/REP with a timeout and one retry (the zguide's Lazy Pirate).

A service binds a ``CommandServer`` (REP) and calls ``poll()`` from its own loop; callers
use a ``CommandClient`` (REQ). Bodies are orjson (``ipc.codec``), never pickle.

Semantics and caveats:

- ``CommandClient.call`` never raises for a down or hung service and never hangs: each
  attempt waits ``timeout_s``, then the REQ socket is thrown away (linger 0, so a lost
  reply can't wedge it) and the call is retried on a fresh one. After ``retries + 1``
  timeouts it returns ``Reply(ok=False, error="<service> unavailable")``. With the
  defaults (0.8 s, 1 retry) that is ~1.6 s; keep ``timeout_s * (retries + 1)`` under 2 s.
- "unavailable" means the outcome is unknown (the service may have acted and died before
  answering): check ``status`` before repeating something that isn't idempotent.
- Retries reuse the request id and the server answers a repeated id from a small cache of
  recent replies, so one ``call`` runs its handler at most once. Requests carry ``exp``
  (when the caller stops waiting); a server that was hung skips requests that expired
  while queued instead of acting on them late. ``exp`` is wall-clock time, so client and
  server clocks must agree (same host, or NTP).
- The server handles one request per ``poll()``, in the caller's thread; a slow handler
  delays every other command to that service. Handler exceptions become
  ``ok=False`` replies with one line; the server keeps running.
- A client is safe to share between threads (each call has its own socket).
"""
from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import zmq

from ipc.codec import (
    BadMessage,
    Reply,
    Request,
    decode_reply,
    decode_request,
    encode_reply,
    encode_request,
    new_request_id,
    now_ms,
)
from ipc.endpoints import bind
from ipc.messages import PING

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Any]
_REPLY_CACHE = 64

__all__ = ["CommandClient", "CommandServer", "Handler", "Reply"]


def _one_line(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}".replace("\n", " ")


class CommandServer:
    """A REP socket bound on ``endpoint`` answering commands for ``service``.

    ``ping`` is built in (pid, service, uptime_s); ``handlers`` may override it.
    """

    def __init__(self, endpoint: str, service: str, handlers: Mapping[str, Handler],
                 ctx: zmq.Context[Any] | None = None) -> None:
        self.endpoint = endpoint
        self.service = service
        self._started = time.monotonic()
        self._handlers: dict[str, Handler] = {PING: self._ping, **handlers}
        self._replies: OrderedDict[str, bytes] = OrderedDict()
        self._sock: zmq.Socket[Any] = (ctx or zmq.Context.instance()).socket(zmq.REP)
        self._sock.setsockopt(zmq.LINGER, 0)
        try:
            bind(self._sock, endpoint, f"{service} commands")
        except Exception:
            self._sock.close(linger=0)
            raise

    @property
    def socket(self) -> zmq.Socket[Any]:
        """The underlying socket, e.g. to register with a ``zmq.Poller``."""
        return self._sock

    def _ping(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {"pid": os.getpid(), "service": self.service,
                "uptime_s": round(time.monotonic() - self._started, 3)}

    def poll(self, timeout_s: float = 0.0) -> bool:
        """Wait up to ``timeout_s`` for a request and answer it. True if one was handled."""
        if not self._sock.poll(int(timeout_s * 1000), zmq.POLLIN):
            return False
        try:
            frame = self._sock.recv(flags=zmq.NOBLOCK)
        except zmq.Again:
            return False
        self._sock.send(self._answer(frame))
        return True

    def _answer(self, frame: bytes) -> bytes:
        try:
            req = decode_request(frame)
        except BadMessage as e:
            logger.warning("%s: bad command request: %s", self.service, e)
            return encode_reply("", Reply(ok=False, error=f"bad request: {e}"))
        cached = self._replies.get(req.id)
        if cached is not None:
            logger.info("%s: repeated request %s (%s), answering from cache",
                        self.service, req.id, req.cmd)
            return cached
        if req.exp is not None and now_ms() > req.exp:
            logger.warning("%s: skipped %r from %s: expired %d ms ago while queued",
                           self.service, req.cmd, req.src, now_ms() - req.exp)
            return encode_reply(req.id, Reply(ok=False, error="request expired"))
        body = encode_reply(req.id, self._run(req))
        self._replies[req.id] = body
        if len(self._replies) > _REPLY_CACHE:
            self._replies.popitem(last=False)
        return body

    def _run(self, req: Request) -> Reply:
        handler = self._handlers.get(req.cmd)
        if handler is None:
            return Reply(ok=False, error=f"unknown command {req.cmd!r}")
        try:
            return Reply(ok=True, result=handler(req.args))
        except Exception as e:  # a handler bug must not take the service down
            logger.exception("%s: command %r from %s failed", self.service, req.cmd, req.src)
            return Reply(ok=False, error=f"{req.cmd} failed: {_one_line(e)}")

    def close(self) -> None:
        self._sock.close(linger=0)


class CommandClient:
    """Calls commands on ``service`` at ``endpoint``; see the module docstring."""

    def __init__(self, endpoint: str, service: str, timeout_s: float = 0.8, retries: int = 1,
                 src: str = "", ctx: zmq.Context[Any] | None = None) -> None:
        self.endpoint = endpoint
        self.service = service
        self.timeout_s = timeout_s
        self.retries = retries
        self.src = src or f"pid{os.getpid()}"
        self._ctx = ctx or zmq.Context.instance()

    def call(self, cmd: str, **args: Any) -> Reply:
        """Send ``cmd`` with ``args``; the service's Reply, or ok=False when unavailable."""
        req_id = new_request_id()
        attempts = self.retries + 1
        exp = now_ms() + int(self.timeout_s * attempts * 1000)
        body = encode_request(cmd, args, self.src, req_id=req_id, exp=exp)
        for attempt in range(1, attempts + 1):
            reply = self._attempt(body, req_id)
            if reply is not None:
                return reply
            logger.warning("%s: no reply to %r within %.1f s (attempt %d/%d)",
                           self.service, cmd, self.timeout_s, attempt, attempts)
        return Reply(ok=False, error=f"{self.service} unavailable")

    def _attempt(self, body: bytes, req_id: str) -> Reply | None:
        sock = self._ctx.socket(zmq.REQ)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.RECONNECT_IVL, 100)
        try:
            sock.connect(self.endpoint)
            sock.send(body, flags=zmq.NOBLOCK)
            deadline = time.monotonic() + self.timeout_s
            while (left := deadline - time.monotonic()) > 0:
                if not sock.poll(max(1, int(left * 1000)), zmq.POLLIN):
                    continue
                reply = self._parse(sock.recv(), req_id)
                if reply is not None:
                    return reply
            return None
        except zmq.ZMQError as e:
            logger.error("%s: cannot call %s: %s", self.service, self.endpoint, e)
            return None
        finally:
            sock.close(linger=0)

    def _parse(self, frame: bytes, req_id: str) -> Reply | None:
        try:
            got_id, reply = decode_reply(frame)
        except BadMessage as e:
            return Reply(ok=False, error=f"bad reply from {self.service}: {e}")
        if got_id != req_id:
            logger.warning("%s: ignoring reply to another request (%s)", self.service, got_id)
            return None
        return reply
