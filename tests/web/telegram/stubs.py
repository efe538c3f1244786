"""Test doubles for the Telegram tests: a facade that records commands, a manual clock."""
from __future__ import annotations

from typing import Any

from ipc.codec import Reply


class Clock:
    """A settable clock (seconds): ``clock()`` reads it, ``clock.t += 5`` moves it."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


class StubFacade:
    """Answers like the executor (contract in helpers/CONTRACTS.md) and records every call."""

    def __init__(self, up: bool = True) -> None:
        self.up = up
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.paused = False
        self.killed = False

    def _reply(self, cmd: str, payload: Any, **args: Any) -> Reply:
        self.calls.append((cmd, args))
        if not self.up:
            return Reply(ok=False, error="executor unavailable")
        return Reply(ok=True, result=payload)

    def commands(self) -> list[str]:
        return [c for c, _ in self.calls if c not in ("ping", "status")]

    def status(self) -> Reply:
        return self._reply("status", {
            "mode": "paper", "broker": "paper", "paused": self.paused, "killed": self.killed,
            "uptime_s": 3725.0, "equity": 10234.5, "cash": 9000.0, "unrealised": 12.0,
            "day_pnl": 34.5, "open_positions": 1, "locks": [], "last_intent_ts": None})

    def ping(self) -> Reply:
        return self._reply("ping", {"pid": 1, "service": "executor", "uptime_s": 1.0})

    def _control(self, cmd: str, source: str, who: str, closed: int | None = None) -> Reply:
        data: dict[str, Any] = {"paused": self.paused, "killed": self.killed,
                                "text": f"{cmd} done"}
        if closed is not None:
            data["closed"] = closed
        return self._reply(cmd, data, source=source, who=who)

    def pause(self, source: str, who: str = "") -> Reply:
        self.paused = self.up or self.paused
        return self._control("pause", source, who)

    def resume(self, source: str, who: str = "") -> Reply:
        self.paused = self.paused and not self.up
        return self._control("resume", source, who)

    def close_all(self, source: str, who: str = "") -> Reply:
        return self._control("close_all", source, who, closed=2)

    def kill(self, source: str, who: str = "") -> Reply:
        self.killed = self.up or self.killed
        return self._control("kill", source, who, closed=2)

    def audit(self, source: str, who: str, action: str, result: str) -> Reply:
        return self._reply("audit", {"id": 1}, source=source, who=who, action=action,
                           result=result)
