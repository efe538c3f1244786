"""Confirmations for dangerous commands: ask with an inline keyboard, act only on the right tap.

``ask`` creates a prompt (ASKED) bound to the asking chat with a random token; the keyboard's
buttons carry ``cf:<token>:yes`` / ``cf:<token>:no``. ``tap`` applies a button press:

- from the same chat within ``timeout_s`` -> CONFIRMED (yes) or REFUSED (no);
- after the limit -> EXPIRED (nothing is done, whatever was tapped);
- from another chat -> ``not_yours``: no transition, the prompt keeps waiting for its chat;
- an unknown token (finished, forgotten, or from before a restart) -> ``unknown``.

``expire_due`` moves every prompt past its limit to EXPIRED so the caller can edit it.
Finished prompts are forgotten at once, so a second tap on the same prompt is ``unknown``:
a prompt acts at most once. Thread-safe (one lock). Times are ``clock()`` seconds
(monotonic by default): wall-clock jumps do not shorten or extend the limit.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from web.telegram.states import Confirm, ConfirmEvent, next_confirm

logger = logging.getLogger(__name__)

PREFIX = "cf"
YES, NO = "yes", "no"
MAX_PENDING = 32


@dataclass
class Prompt:
    """One pending (or just finished) confirmation."""

    token: str
    action: str
    chat_id: int
    user_id: int | None
    asked_at: float
    deadline: float
    state: Confirm = Confirm.ASKED
    message_id: int | None = None


@dataclass(frozen=True)
class Tap:
    """What a button press did: ``outcome`` is a final state's value, ``not_yours`` or
    ``unknown``; ``prompt`` is None only for ``unknown``."""

    outcome: str
    prompt: Prompt | None


def button_data(token: str, answer: str) -> str:
    return f"{PREFIX}:{token}:{answer}"


def parse_button(data: str | None) -> tuple[str, str] | None:
    """``(token, answer)`` from a button's callback data, or None if it is not ours."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != PREFIX or parts[2] not in (YES, NO) or not parts[1]:
        return None
    return parts[1], parts[2]


class Confirmations:
    def __init__(self, timeout_s: float = 30.0, clock: Callable[[], float] = time.monotonic,
                 new_token: Callable[[], str] = lambda: secrets.token_hex(6)) -> None:
        self.timeout_s = timeout_s
        self._clock = clock
        self._new_token = new_token
        self._lock = threading.Lock()
        self._pending: dict[str, Prompt] = {}

    def ask(self, action: str, chat_id: int, user_id: int | None) -> Prompt:
        """A new ASKED prompt for ``action`` from ``chat_id``."""
        now = self._clock()
        prompt = Prompt(self._new_token(), action, chat_id, user_id, now, now + self.timeout_s)
        with self._lock:
            if len(self._pending) >= MAX_PENDING:  # never grows without bound
                oldest = min(self._pending.values(), key=lambda p: p.asked_at)
                self._finish(oldest, ConfirmEvent.EXPIRE)
            self._pending[prompt.token] = prompt
        return prompt

    def attach_message(self, token: str, message_id: int) -> None:
        """Remember which message shows the prompt (to edit it when it expires)."""
        with self._lock:
            if token in self._pending:
                self._pending[token].message_id = message_id

    def tap(self, token: str, answer: str, chat_id: int) -> Tap:
        with self._lock:
            prompt = self._pending.get(token)
            if prompt is None:
                return Tap("unknown", None)
            if prompt.chat_id != chat_id:
                logger.warning("confirmation %s for chat %s tapped from chat %s: ignored",
                               prompt.action, prompt.chat_id, chat_id)
                return Tap("not_yours", prompt)
            if self._clock() > prompt.deadline:
                event = ConfirmEvent.EXPIRE
            else:
                event = ConfirmEvent.CONFIRM if answer == YES else ConfirmEvent.REFUSE
            self._finish(prompt, event)
            return Tap(prompt.state.value, prompt)

    def expire_due(self) -> list[Prompt]:
        """Every ASKED prompt past its deadline, now EXPIRED (and forgotten)."""
        now = self._clock()
        with self._lock:
            due = [p for p in self._pending.values() if now > p.deadline]
            for prompt in due:
                self._finish(prompt, ConfirmEvent.EXPIRE)
        return due

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def _finish(self, prompt: Prompt, event: ConfirmEvent) -> None:
        prompt.state = next_confirm(prompt.state, event)
        del self._pending[prompt.token]
        logger.info("confirmation %s for chat %s: %s", prompt.action, prompt.chat_id,
                    prompt.state.value)
