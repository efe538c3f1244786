"""Helpers for the end-to-end Telegram tests: chat with the real program, fake the executor."""
from __future__ import annotations

import threading
import time
from typing import Any

from config import load_config
from ipc.command import CommandServer
from procs.runtime import endpoints_for
from tests.conftest import Instance, poll
from tests.web.telegram.fake_bot_api import FakeBotApi, Sent
from tests.web.telegram.stubs import StubFacade


def ask(fake: FakeBotApi, chat: int, text: str, marker: str, timeout_s: float = 10.0) -> Sent:
    """Send ``text`` from ``chat`` and return the first later message to it containing
    ``marker`` (alerts may arrive in between)."""
    since = time.monotonic()
    fake.push_message(chat, text)
    return poll(lambda: next((m for m in fake.messages(chat, since) if marker in m.text), None),
                timeout_s, f"the reply to {text!r} containing {marker!r}")


def program(inst: Instance, name: str) -> dict[str, Any]:
    return next(p for p in inst.supervisor().processes() if p["name"] == name)


class FakeExecutor:
    """Answers the executor's command channel like the contract says and records every call.

    The placeholder (or real) executor is stopped through supervisord first, so this one
    owns ``cmd-executor.sock``; its state is a :class:`StubFacade`.
    """

    def __init__(self, inst: Instance) -> None:
        inst.supervisor()._proxy().supervisor.stopProcess("bot:executor", True)
        self.stub = StubFacade()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        endpoint = endpoints_for(load_config(inst.env), inst.paths).command("executor")
        handlers = {name: self._handler(name) for name in
                    ("status", "pause", "resume", "close_all", "kill", "audit")}
        self.server = CommandServer(endpoint, "executor", handlers)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _handler(self, name: str) -> Any:
        def handle(args: dict[str, Any]) -> Any:
            self.calls.append((name, dict(args)))
            return getattr(self.stub, name)(**args).result
        return handle

    def _serve(self) -> None:
        while not self._stop.is_set():
            self.server.poll(0.1)

    def commands(self) -> list[tuple[str, str]]:
        """``(command, who)`` of every control command received."""
        return [(c, a.get("who", "")) for c, a in list(self.calls) if c != "audit" and
                c != "status"]

    def audits(self) -> list[dict[str, Any]]:
        return [a for c, a in list(self.calls) if c == "audit"]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.server.close()
