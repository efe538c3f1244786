"""The one command facade behind the REST API, Telegram and operator CLI tools.

Every front end turns a user action into one of these calls; the facade sends it over the
command channel to the ``executor`` (the only process that changes money state) and
returns its ``Reply``. It knows nothing about HTTP or Telegram.

Semantics and caveats:

- Methods never raise for a down or hung process: they return
  ``Reply(ok=False, error="executor unavailable")`` within ~1.6 s (see ``ipc.command``).
  "unavailable" means the outcome is unknown; show it and let the user check ``status``.
- Control commands carry ``source`` (``"web"``, ``"telegram"``, ``"cli"``) and ``who`` (a
  user or chat id) for the executor's audit log; authentication is the front end's job.
- A Facade is safe to share between threads (clients open a socket per call).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import zmq

from ipc.codec import Reply
from ipc.command import CommandClient
from ipc.endpoints import Endpoints
from ipc.messages import AUDIT, CLOSE_ALL, KILL, PAUSE, PING, RESUME, STATUS

logger = logging.getLogger(__name__)

EXECUTOR = "executor"


class Facade:
    """Sends operator commands to the executor (and pings any service)."""

    def __init__(self, endpoints: Endpoints | Callable[[str], str], src: str,
                 timeout_s: float = 0.8, retries: int = 1,
                 ctx: zmq.Context[Any] | None = None) -> None:
        self._endpoint_of = endpoints.command if isinstance(endpoints, Endpoints) else endpoints
        self.src = src
        self.timeout_s = timeout_s
        self.retries = retries
        self._ctx = ctx
        self._clients: dict[str, CommandClient] = {}
        self._lock = threading.Lock()

    def _client(self, service: str) -> CommandClient:
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = CommandClient(self._endpoint_of(service), service, self.timeout_s,
                                       self.retries, src=self.src, ctx=self._ctx)
                self._clients[service] = client
            return client

    def call(self, service: str, cmd: str, **args: Any) -> Reply:
        """Send any command to any service (the named methods below are preferred)."""
        try:
            client = self._client(service)
        except ValueError as e:  # e.g. no tcp port for an unknown service
            return Reply(ok=False, error=str(e))
        return client.call(cmd, **args)

    def _control(self, cmd: str, source: str, who: str) -> Reply:
        logger.info("%s requested by %s %s", cmd, source, who or "-")
        return self.call(EXECUTOR, cmd, source=source, who=who)

    def ping(self, service: str = EXECUTOR) -> Reply:
        """``{pid, service, uptime_s}`` of a running service."""
        return self.call(service, PING)

    def status(self) -> Reply:
        """The executor's status (mode, paused, positions, ...: the executor decides)."""
        return self.call(EXECUTOR, STATUS)

    def pause(self, source: str, who: str = "") -> Reply:
        """Stop taking new intents (open positions and their stops stay)."""
        return self._control(PAUSE, source, who)

    def resume(self, source: str, who: str = "") -> Reply:
        """Take new intents again."""
        return self._control(RESUME, source, who)

    def close_all(self, source: str, who: str = "") -> Reply:
        """Close every open position."""
        return self._control(CLOSE_ALL, source, who)

    def kill(self, source: str, who: str = "") -> Reply:
        """The kill switch: the executor's emergency stop."""
        return self._control(KILL, source, who)

    def audit(self, source: str, who: str, action: str, result: str) -> Reply:
        """Ask the executor to record ``action`` by ``who`` (e.g. a refused command) in its
        audit log; the executor is the ledger's only writer."""
        return self.call(EXECUTOR, AUDIT, source=source, who=who, action=action, result=result)
