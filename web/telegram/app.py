"""The running Telegram bot: the parts of :mod:`web.telegram` wired together, in four threads.

Threads (daemons; all stop when ``stopping`` is set):

- ``tg-poller``: long-polls getUpdates and answers commands (:mod:`.poller`, :mod:`.router`).
- ``tg-bus``: receives bus events into :class:`.busstate.BusState` and turns alert-worthy ones
  into lines for the :class:`.alerts.AlertQueue`. Never touches the network.
- ``tg-alerts``: expires confirmation prompts, adds the daily summary when due, takes batched
  alert messages and delivers them to every allowed chat (:mod:`.outbox`).
- ``tg-watch``: pings the executor every ``ping_every_s`` (the "executor unreachable" alert)
  and runs queued audit calls for refused strangers, so neither can stall the poll loop.

Every loop survives any exception (logged, then a 1 s pause): network trouble or a bug in a
view may delay replies and alerts but never stops the process, and nothing here can affect
trading (the executor only sees commands a user confirmed). ``stop()`` returns within
``timeout_s``, at once unless an update is being handled; a long poll still in flight is
abandoned with its daemon thread.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ipc.bus import Subscriber
from ipc.facade import Facade
from web.telegram.alerts import AlertQueue
from web.telegram.api import BotApi, Stopped
from web.telegram.auth import Auth, Refusals
from web.telegram.busstate import TOPICS, BusState
from web.telegram.confirm import Confirmations
from web.telegram.control import SOURCE, Control
from web.telegram.ledger_view import LedgerView
from web.telegram.notices import Notices
from web.telegram.outbox import Outbox
from web.telegram.poller import Poller
from web.telegram.router import Router
from web.telegram.settings import Settings
from web.telegram.views import Views
from web.telegram.watch import DailySchedule, ExecutorWatch

logger = logging.getLogger(__name__)

AUDIT_QUEUE = 100
BUS_RECV_S = 0.25
ALERT_TICK_S = 0.2


class TelegramBot:
    def __init__(self, settings: Settings, facade: Facade, bus_out: str, ledger_path: Path,
                 stopping: threading.Event, liveness_max_age_s: float = 3.0) -> None:
        self.settings = settings
        self.facade = facade
        self.bus_out = bus_out
        self.stopping = stopping
        self.api = BotApi(settings.token, settings.api_url, stopping)
        self.state = BusState(liveness_max_age_s)
        self.notices = Notices()
        self.alerts = AlertQueue()
        self.outbox = Outbox(self.api.send, settings.chat_ids)
        self.views = Views(facade, self.state, LedgerView(ledger_path))
        self.control = Control(facade, Confirmations(settings.confirm_s), self.api)
        self.jobs: queue.Queue[Callable[[], None]] = queue.Queue(maxsize=AUDIT_QUEUE)
        self.router = Router(self.api, Auth.of(settings.chat_ids, settings.user_ids),
                             Refusals(self.queue_audit), self.control, self.views.table(),
                             stopping, username=lambda: self.poller.username)
        self.poller = Poller(self.api, self.router.handle, stopping, settings.long_poll_s)
        self.watch = ExecutorWatch(settings.executor_down_after_s)
        self.daily = DailySchedule(settings.daily_summary_utc)
        self._next_ping = 0.0
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        if not self.settings.chat_ids:
            logger.warning("telegram.allowed_chat_ids is empty: the bot answers no one")
        logger.info("telegram bot starting for %d allowed chats", len(self.settings.chat_ids))
        loops: list[tuple[str, Callable[[], None]]] = [
            ("tg-poller", self.poller.run), ("tg-bus", self._bus_loop),
            ("tg-alerts", lambda: self._forever("alerts", self.alert_step, ALERT_TICK_S)),
            ("tg-watch", lambda: self._forever("watch", self.watch_step, 0.0))]
        for name, target in loops:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def heartbeat_state(self) -> str:
        return self.poller.state.value

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop every thread; wait for the poller only while it is handling updates (a long
        poll in flight is abandoned: what it fetches is fetched again by the next start)."""
        self.stopping.set()
        deadline = time.monotonic() + timeout_s
        for thread in self._threads[1:]:
            thread.join(max(0.0, deadline - time.monotonic()))
        while self.poller.handling and time.monotonic() < deadline:
            self._threads[0].join(0.05)
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            logger.info("left behind at exit (daemon threads): %s", ", ".join(alive))

    def _forever(self, name: str, step: Callable[[], None], pause_s: float) -> None:
        while not self.stopping.is_set():
            try:
                step()
            except Stopped:
                return
            except Exception:
                logger.exception("telegram %s step failed; going on", name)
                self.stopping.wait(1.0)
                continue
            if pause_s:
                self.stopping.wait(pause_s)

    def _bus_loop(self) -> None:
        sub = Subscriber(self.bus_out, TOPICS)
        try:
            self._forever("bus", lambda: self.bus_step(sub), 0.0)
        finally:
            sub.close()

    def bus_step(self, sub: Subscriber) -> None:
        ev = sub.recv(BUS_RECV_S)
        if ev is None:
            return
        self.state.observe(ev)
        line = self.notices.line_for(ev)
        if line is not None:
            self.alerts.add(line)

    def alert_step(self) -> None:
        self.control.expire()
        if self.daily.due():
            self.alerts.add(self.views.summary())
        text = self.alerts.take()
        if text is not None:
            self.outbox.put(text)
        self.outbox.flush()

    def watch_step(self) -> None:
        now = time.monotonic()
        if now >= self._next_ping:
            self._next_ping = now + self.settings.ping_every_s
            line = self.watch.observe(self.facade.ping().ok)
            if line is not None:
                self.alerts.add(line)
        try:
            job = self.jobs.get(timeout=max(0.0, min(0.5, self._next_ping - time.monotonic())))
        except queue.Empty:
            return
        job()

    def queue_audit(self, who: str, action: str) -> None:
        """Audit a refusal through the executor, from the watch thread (never blocks)."""
        def job() -> None:
            reply = self.facade.audit(source=SOURCE, who=who, action=action, result="refused")
            if not reply.ok:
                logger.warning("refusal of %s from chat %s not audited (%s): logged only",
                               action, who, reply.error)
        try:
            self.jobs.put_nowait(job)
        except queue.Full:
            logger.warning("audit queue full: refusal of %s from chat %s logged only", action, who)
