"""Helpers for the end-to-end Telegram tests: chat with the real program, find a program."""
from __future__ import annotations

import time
from typing import Any

from config import load_config
from ipc.facade import Facade
from procs.runtime import endpoints_for
from tests.conftest import Instance, poll
from tests.web.telegram.fake_bot_api import FakeBotApi, Sent


def ask(fake: FakeBotApi, chat: int, text: str, marker: str, timeout_s: float = 10.0) -> Sent:
    """Send ``text`` from ``chat`` and return the first later message to it containing
    ``marker`` (alerts may arrive in between)."""
    since = time.monotonic()
    fake.push_message(chat, text)
    return poll(lambda: next((m for m in fake.messages(chat, since) if marker in m.text), None),
                timeout_s, f"the reply to {text!r} containing {marker!r}")


def program(inst: Instance, name: str) -> dict[str, Any]:
    return next(p for p in inst.supervisor().processes() if p["name"] == name)


def executor_status(inst: Instance) -> dict[str, Any] | None:
    """The real executor's ``status`` result, None while it does not answer."""
    reply = Facade(endpoints_for(load_config(inst.env), inst.paths), "test").status()
    return reply.result if reply.ok and isinstance(reply.result, dict) else None
