"""Control: the executor's side of the command facade (pause, resume, close_all, kill,
status, audit) and the periodic risk/equity report.

Semantics:

- Every control command is audited in the ledger (command, ``source:who``, result) before
  the reply leaves. ``pause`` stops new entries (positions and stops stay managed);
  ``resume`` lifts pause and kill; ``close_all`` sells every open position (allowed while
  paused or killed: rules block entries, never exits); ``kill`` is pause + close_all +
  cancel every open order, and stays in force until ``resume``.
- ``status`` is cheap enough for a dashboard poll; ``report()`` snapshots equity into the
  ledger and returns the ``risk`` event body (both the dashboard's names and the risk
  manager's own).
- The reply data follows the contract in the web and Telegram front ends: ``paused``,
  ``killed``, ``closed``, ``text``.
"""
from __future__ import annotations

import logging
from typing import Any

from trading.execution.executor import KILLED, PAUSED, Executor

logger = logging.getLogger(__name__)


class Control:
    def __init__(self, ex: Executor) -> None:
        self.ex = ex

    def _state(self, text: str, **extra: Any) -> dict[str, Any]:
        return {"paused": self.ex.flag(PAUSED), "killed": self.ex.flag(KILLED), "text": text,
                **extra}

    def _audit(self, command: str, args: dict[str, Any], result: str) -> None:
        source = f"{args.get('source') or 'unknown'}:{args.get('who') or '-'}"
        self.ex.ledger.audit(command, source, {k: v for k, v in args.items()
                                               if k not in ("source", "who")}, result)

    def pause(self, args: dict[str, Any]) -> dict[str, Any]:
        self.ex.ledger.set_flag(PAUSED, "1")
        self._audit("pause", args, "paused")
        self.ex.events.thought(None, f"paused by {args.get('source', '?')}: no new entries")
        return self._state("paused: no new entries; open positions keep their stops")

    def resume(self, args: dict[str, Any]) -> dict[str, Any]:
        self.ex.ledger.set_flag(PAUSED, "0")
        self.ex.ledger.set_flag(KILLED, "0")
        self._audit("resume", args, "resumed")
        self.ex.events.thought(None, f"resumed by {args.get('source', '?')}")
        return self._state("resumed: taking new entries")

    def _close_all(self, why: str) -> int:
        closed = 0
        for position in self.ex.open_positions():
            if self.ex.close_position(position.pair, why) is not None:
                closed += 1
        return closed

    def close_all(self, args: dict[str, Any]) -> dict[str, Any]:
        closed = self._close_all(f"close_all by {args.get('source', '?')}")
        self._audit("close_all", args, f"closed {closed}")
        return self._state(f"closed {closed} position(s)", closed=closed)

    def kill(self, args: dict[str, Any]) -> dict[str, Any]:
        self.ex.ledger.set_flag(PAUSED, "1")
        self.ex.ledger.set_flag(KILLED, "1")
        cancelled = 0
        for order in self.ex.desk.open_orders():
            result = self.ex.broker.cancel(order.cl_ord_id)
            if result is not None:
                self.ex.desk.record(result)
                cancelled += 1
        closed = self._close_all(f"kill by {args.get('source', '?')}")
        self._audit("kill", args, f"closed {closed}, cancelled {cancelled}")
        self.ex.events.alert("critical", f"KILL by {args.get('source', '?')}: closed {closed} "
                             f"position(s), cancelled {cancelled} order(s); paused until resume")
        return self._state(f"killed: closed {closed}, cancelled {cancelled}; paused until "
                           "resume", closed=closed, cancelled=cancelled)

    def audit(self, args: dict[str, Any]) -> dict[str, Any]:
        action = str(args.get("action", ""))[:200]
        self._audit(action or "audit", args, str(args.get("result", ""))[:200])
        return {"recorded": True}

    def status(self, _args: dict[str, Any]) -> dict[str, Any]:
        ex = self.ex
        pf = ex.portfolio()
        locks = [lk.to_dict() for lk in pf.locks]
        return {"mode": ex.mode, "broker": ex.broker.name, "paused": ex.flag(PAUSED),
                "killed": ex.flag(KILLED), "ready": ex.ready,
                "uptime_s": round(ex.clock() - ex.started, 3), "equity": pf.equity,
                "cash": pf.cash, "unrealised": pf.unrealised,
                "day_pnl": pf.day_pnl_realised + pf.unrealised,
                "open_positions": len(pf.positions), "locks": locks,
                "last_intent_ts": ex.last_intent_ts}

    def report(self) -> dict[str, Any]:
        """Snapshot equity into the ledger; the ``risk`` event body."""
        ex = self.ex
        now = ex.clock()
        pf = ex.portfolio()
        ex.ledger.snapshot_equity(int(now * 1000), pf.equity, pf.cash or 0.0, pf.unrealised)
        snap = ex.risk.snapshot(pf, now).to_dict()
        snap["as_of"] = snap.pop("ts", now)  # "ts" is the event envelope's
        return {**snap, "daily_loss_used": snap.get("daily_loss"),
                "kelly_fraction": snap.get("stake"), "paused": ex.flag(PAUSED),
                "killed": ex.flag(KILLED), "cash": pf.cash}

    def handlers(self) -> dict[str, Any]:
        return {"pause": self.pause, "resume": self.resume, "close_all": self.close_all,
                "kill": self.kill, "status": self.status, "audit": self.audit}
