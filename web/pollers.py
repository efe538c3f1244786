"""Background pollers for what the bus does not carry: the executor's status and
supervisord's process table.

Each runs in its own daemon thread every ``interval_s``, so a slow or absent source (the
executor down: each status call gives up after ~1.6 s) never delays a request. Results go
into :class:`~web.live_state.LiveState`; a change is broadcast to WebSocket clients as an
``executor`` or ``processes`` message (coalesced). Errors are logged once per distinct text.
"""
from __future__ import annotations

import logging
import threading
import xmlrpc.client
from collections.abc import Callable
from typing import Any, Protocol

from config import Paths
from ipc.codec import Reply
from tools.supervisor_client import Supervisor
from web.hub import Hub
from web.live_messages import message
from web.live_state import LiveState

logger = logging.getLogger(__name__)

EXECUTOR_EVERY_S = 2.0
EXECUTOR_FRESH_S = 10.0
SUPERVISOR_EVERY_S = 2.0
PROCESS_FIELDS = ("name", "group", "statename", "pid", "description")


EXECUTOR_THREAD = "poll-executor"


class _QuietPollTimeouts(logging.Filter):
    """Drops ``ipc.command``'s per-attempt "no reply" warnings from the executor poller's
    thread (one every 2 s while the executor is down); the poller logs each change of
    availability itself, once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName == EXECUTOR_THREAD and record.levelno <= logging.WARNING)


_QUIET = _QuietPollTimeouts()


class StatusSource(Protocol):
    def status(self) -> Reply: ...


class Periodic:
    """Calls ``fn`` every ``interval_s`` in a daemon thread until ``stopping`` is set."""

    def __init__(self, name: str, fn: Callable[[], None], interval_s: float,
                 stopping: threading.Event) -> None:
        self.name = name
        self.fn = fn
        self.interval_s = interval_s
        self.stopping = stopping
        self._last_error = ""
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.fn()
            except Exception as err:  # keep polling whatever one call did
                if str(err) != self._last_error:
                    self._last_error = str(err)
                    logger.warning("%s failed: %s", self.name, err)
            self.stopping.wait(self.interval_s)


def executor_view(live: LiveState) -> dict[str, Any]:
    """``{available, age_s, error, status}``: available while the last status call worked
    and is at most ``EXECUTOR_FRESH_S`` old; ``status`` is the last good answer (may be old)."""
    seen, error = live.executor()
    age = live.age_s(seen)
    fresh = seen is not None and error is None and age is not None and age <= EXECUTOR_FRESH_S
    return {"available": fresh, "age_s": age, "error": error,
            "status": None if seen is None else seen.data}


def poll_executor(source: StatusSource, live: LiveState, hub: Hub) -> Callable[[], None]:
    """A poll step: ask the executor for ``status`` and publish what changed."""
    last: list[Any] = [None]
    command_log = logging.getLogger("ipc.command")
    if _QUIET not in command_log.filters:
        command_log.addFilter(_QUIET)

    def step() -> None:
        reply = source.status()
        if reply.ok and isinstance(reply.result, dict):
            live.set_executor(reply.result)
        else:
            live.set_executor_error(reply.error or "executor unavailable")
        view = executor_view(live)
        changed = {k: v for k, v in view.items() if k != "age_s"}
        if changed != last[0]:
            if last[0] is None or changed["available"] != last[0]["available"]:
                logger.info("executor %s", "answers status" if view["available"]
                            else f"unavailable: {view['error']}")
            last[0] = changed
            hub.broadcast(message("executor", view), "executor")
    return step


def poll_supervisor(paths: Paths, live: LiveState, hub: Hub) -> Callable[[], None]:
    """A poll step: supervisord's process table (None while it does not answer)."""
    sup = Supervisor(paths.supervisor_socket, paths.supervisor_pidfile)
    last: list[Any] = [None]

    def step() -> None:
        try:
            procs: list[dict[str, Any]] | None = [
                {k: p.get(k) for k in PROCESS_FIELDS} for p in sup.processes()]
        except (OSError, xmlrpc.client.Error):
            procs = None
        live.set_supervisor(procs)
        if procs != last[0]:
            last[0] = procs
            hub.broadcast(message("processes", procs), "processes")
    return step
