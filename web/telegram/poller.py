"""The update loop: long-poll ``getUpdates``, hand each update to the router, never crash.

Semantics and caveats:

- Exactly one process may poll a token (Telegram answers 409 to a second poller): that is
  this loop, in the ``telegram`` program. Others publish events for it to send.
- ``offset`` moves past every update as soon as its ``update_id`` is read, before it is
  handled, so an update that makes a handler fail is not fetched again forever. Telegram
  forgets updates below the offset on the next call; updates handled just before a stop are
  confirmed by one short extra call, so a restart does not replay them.
- Errors never end the loop: a 429 waits out ``retry_after`` (the API gate blocks every
  request until then); network errors, timeouts, 5xx and garbage bodies back off 1, 2, 4 ...
  15 s with jitter; 409 (another poller or a webhook) and 401/404 (bad token) back off at
  least 30 s and are logged as errors. A success resets the backoff. Handler exceptions are
  logged and the next update is handled.
- Nothing here touches trading: a dead network only delays replies and alerts.
- ``state`` (for the heartbeat) is one of :class:`~web.telegram.states.Poll`.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from web.telegram.api import CONFLICT, RATE_LIMITED, UNAUTHORIZED, ApiError, BotApi, Stopped
from web.telegram.backoff import Backoff
from web.telegram.incoming import update_id
from web.telegram.states import Poll

logger = logging.getLogger(__name__)

SLOW_KINDS_MIN_S = 30.0
HELLO_EVERY_S = 60.0


class Poller:
    def __init__(self, api: BotApi, handle: Callable[[Any], None], stopping: threading.Event,
                 long_poll_s: int = 10, backoff: Backoff | None = None) -> None:
        self.api = api
        self.handle = handle
        self.stopping = stopping
        self.long_poll_s = long_poll_s
        self.backoff = backoff or Backoff()
        self.state = Poll.STARTING
        self.offset: int | None = None
        self.username: str | None = None
        self._unconfirmed = False
        self._next_hello = 0.0
        self.handling = False  # True while updates are being handled (not in a long poll)
        self.polls = 0
        self.errors = 0

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self._hello()
                    self.step()
                except Stopped:
                    raise
                except Exception:  # a bug must not end polling: log it, back off, go on
                    logger.exception("poll loop error; going on")
                    self.state = Poll.BACKOFF
                    self.stopping.wait(self.backoff.next())
        except Stopped:
            pass
        finally:
            self.state = Poll.STOPPED
            self._confirm()

    def step(self) -> None:
        """One getUpdates call and the handling of what it returned (or one error wait)."""
        try:
            updates = self.api.get_updates(self.offset, self.long_poll_s)
        except ApiError as e:
            self._wait_after(e)
            return
        self.polls += 1
        self.backoff.reset()
        self._unconfirmed = False
        self.state = Poll.POLLING
        self.handling = bool(updates)
        try:
            self._handle_all(updates)
        finally:
            self.handling = False

    def _handle_all(self, updates: list[Any]) -> None:
        for raw in updates:
            uid = update_id(raw)
            if uid is None or (self.offset is not None and uid < self.offset):
                continue
            self.offset = uid + 1
            self._unconfirmed = True
            try:
                self.handle(raw)
            except (Stopped, SystemExit):
                raise
            except Exception:
                logger.exception("handling update %d failed; going on", uid)

    def _wait_after(self, e: ApiError) -> None:
        self.errors += 1
        if e.kind == RATE_LIMITED:
            self.state = Poll.RATE_LIMITED  # the gate holds the next call until retry_after
            return
        self.state = Poll.BACKOFF
        delay = self.backoff.next()
        if e.kind in (CONFLICT, UNAUTHORIZED):
            delay = max(delay, SLOW_KINDS_MIN_S)
            logger.error("getUpdates refused (%s): %s; retrying in %.0f s", e.kind, e, delay)
        elif self.backoff.failures & (self.backoff.failures - 1) == 0:  # 1st, 2nd, 4th, 8th...
            logger.warning("getUpdates failed (%d in a row): %s; retrying in %.1f s",
                           self.backoff.failures, e, delay)
        self.stopping.wait(delay)

    def _hello(self) -> None:
        """Learn the bot's username (getMe) until it is known; failures only log."""
        if self.username is not None or time.monotonic() < self._next_hello:
            return
        self._next_hello = time.monotonic() + HELLO_EVERY_S
        try:
            me = self.api.get_me()
        except ApiError as e:
            logger.warning("getMe failed: %s", e)
            return
        name = me.get("username")
        self.username = name if isinstance(name, str) else ""
        logger.info("polling as @%s", self.username or "?")

    def _confirm(self) -> None:
        """Tell Telegram the last handled updates are done (one short call, errors ignored)."""
        if not self._unconfirmed or self.offset is None or self.api.gate.remaining() > 0:
            return
        try:
            self.api.confirm(self.offset)
        except (ApiError, Stopped) as e:
            logger.info("could not confirm the last updates before stopping: %s", e)
