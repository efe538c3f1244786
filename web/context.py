"""Everything one web process holds: config, token, command facade, live state, sources.

``WebContext.create(cfg, paths, token)`` wires the parts; ``start()`` starts the threads
(live hub, executor and supervisord pollers, a heap trim every ``TRIM_EVERY_S``, heartbeat)
and ``stop()`` ends them and
detaches shared memory and the ledger. Create it *inside* the gunicorn worker (after the
fork): threads and ZeroMQ sockets do not survive a fork. Views reach it through
:func:`current`. Tests build one with a fake facade and never call ``start()``.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Protocol

from flask import current_app

from config import Config, Paths
from ipc.bus import Publisher
from ipc.codec import Reply
from ipc.endpoints import Endpoints
from ipc.facade import Facade
from ipc.heartbeat import Heartbeat
from procs.runtime import endpoints_for
from web.hub import Hub
from web.live_state import LiveState
from web.pollers import (
    EXECUTOR_EVERY_S,
    EXECUTOR_THREAD,
    SUPERVISOR_EVERY_S,
    Periodic,
    poll_executor,
    poll_supervisor,
)
from web.server import trim_heap
from web.sources import LedgerAccess, Market

logger = logging.getLogger(__name__)

EXTENSION = "bot"
TRIM_EVERY_S = 30.0
PROGRAM = "web"


class Commands(Protocol):
    """What the web needs of :class:`ipc.facade.Facade` (tests pass a fake)."""

    def status(self) -> Reply: ...
    def pause(self, source: str, who: str = "") -> Reply: ...
    def resume(self, source: str, who: str = "") -> Reply: ...
    def close_all(self, source: str, who: str = "") -> Reply: ...


@dataclass
class WebContext:
    cfg: Config
    paths: Paths
    token: str
    endpoints: Endpoints
    commands: Commands
    live: LiveState
    ledger: LedgerAccess
    market: Market
    hub: Hub
    stopping: threading.Event = field(default_factory=threading.Event)
    _pollers: list[Periodic] = field(default_factory=list)
    _publisher: Publisher | None = None
    _heartbeat: Heartbeat | None = None

    @classmethod
    def create(cls, cfg: Config, paths: Paths, token: str, commands: Commands | None = None,
               endpoints: Endpoints | None = None) -> WebContext:
        endpoints = endpoints or endpoints_for(cfg, paths)
        live = LiveState()
        market = Market(cfg.runtime.namespace)
        return cls(cfg=cfg, paths=paths, token=token, endpoints=endpoints,
                   commands=commands or Facade(endpoints, PROGRAM), live=live,
                   ledger=LedgerAccess(paths.db), market=market,
                   hub=Hub(endpoints.bus_out, live, market))

    def start(self) -> None:
        """Start the hub, the pollers and the heartbeat (once, in the serving process)."""
        self.hub.start()
        self._pollers = [
            Periodic(EXECUTOR_THREAD, poll_executor(self.commands, self.live, self.hub),
                     EXECUTOR_EVERY_S, self.stopping),
            Periodic("poll-supervisor", poll_supervisor(self.paths, self.live, self.hub),
                     SUPERVISOR_EVERY_S, self.stopping),
            Periodic("trim-heap", trim_heap, TRIM_EVERY_S, self.stopping),
        ]
        for p in self._pollers:
            p.start()
        self._publisher = Publisher(self.endpoints.bus_in, PROGRAM)
        self._heartbeat = Heartbeat(self._publisher, self.cfg.runtime.heartbeat_seconds)
        self._heartbeat.start_thread()
        logger.info("web context started (bus %s)", self.endpoints.bus_out)

    def stop(self) -> None:
        """Stop the threads, close every live client, detach shm and the ledger."""
        self.stopping.set()
        self.hub.stop()
        if self._heartbeat is not None:
            self._heartbeat.stop()
        if self._publisher is not None:
            self._publisher.close()
        self.market.close()
        self.ledger.close()


def current() -> WebContext:
    """The context of the app serving this request."""
    ctx: WebContext = current_app.extensions[EXTENSION]
    return ctx
