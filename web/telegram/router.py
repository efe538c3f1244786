"""One update in, at most one reply out: authorization first, then the command.

Order of checks for every update:

1. Not a text message or button press we understand: ignored.
2. Chat (and user) not allowed: refused - logged and audited, **no reply, no effect**.
3. A button press: the confirmation flow (:mod:`web.telegram.control`).
4. ``/cmd@otherbot`` (a command for another bot in a group): ignored.
5. A control command older than ``stale_s`` (sent while this bot was offline): not acted on;
   the reply says to send it again.
6. Information commands answer from :class:`~web.telegram.views.Views`; control commands
   go to :class:`~web.telegram.control.Control`; anything else gets a one-line hint.

Replies are sent with up to 3 tries on 429/transient errors (the API's 429 gate spaces them).
``Stopped`` propagates so the poll loop can end.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from web.telegram import control
from web.telegram.api import RATE_LIMITED, TRANSIENT, ApiError, BotApi
from web.telegram.auth import Auth, Refusals, action_of
from web.telegram.control import Control
from web.telegram.incoming import CALLBACK, Incoming, parse_update

logger = logging.getLogger(__name__)

SEND_TRIES = 3
HINT = "Unknown command. /help lists what I can do."


class Router:
    def __init__(self, api: BotApi, auth: Auth, refusals: Refusals, ctl: Control,
                 info: dict[str, Callable[[], str]], stopping: threading.Event,
                 username: Callable[[], str | None] = lambda: None, stale_s: float = 120.0,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.api = api
        self.auth = auth
        self.refusals = refusals
        self.control = ctl
        self.info = info
        self.stopping = stopping
        self.username = username
        self.stale_s = stale_s
        self._wall = wall_clock
        self.handled = 0

    def handle(self, raw: Any) -> None:
        inc = parse_update(raw)
        if inc is None:
            return
        if not self.auth.allows(inc.chat_id, inc.user_id):
            self.refusals.refuse(inc.chat_id, inc.user_id, action_of(inc.text, inc.kind))
            return
        self.handled += 1
        if inc.kind == CALLBACK:
            self.control.on_tap(inc)
            return
        assert inc.chat_id is not None  # allows() refuses a missing chat
        text = self._answer(inc)
        if text:
            self.reply(inc.chat_id, text)

    def _answer(self, inc: Incoming) -> str | None:
        cmd = inc.command
        if cmd is None:
            return HINT
        me = self.username()
        if inc.mention and me and inc.mention.lower() != me.lower():
            return None
        if cmd in control.ACTIONS:
            age = self._wall() - inc.date if inc.date else 0.0
            if age > self.stale_s:
                return (f"⌛ /{cmd} ignored: it was sent {age / 60:.0f} min ago, while I was "
                        "offline. Send it again if you still want it.")
            assert inc.chat_id is not None
            return self.control.run(cmd, inc.chat_id, inc.user_id)
        view = self.info.get(cmd)
        return view() if view is not None else HINT

    def reply(self, chat_id: int, text: str) -> None:
        for attempt in range(1, SEND_TRIES + 1):
            try:
                self.api.send(chat_id, text)
                return
            except ApiError as e:
                if e.kind not in (RATE_LIMITED, TRANSIENT) or attempt == SEND_TRIES:
                    logger.error("reply to chat %s not sent: %s", chat_id, e)
                    return
                logger.info("reply to chat %s failed (%s); trying again", chat_id, e)
                if e.kind == TRANSIENT:
                    self.stopping.wait(0.5 * attempt)
