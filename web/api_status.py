"""``GET /api/v1/status`` (the bot at a glance) and ``GET /healthz`` (is the web up).

Status is built from what this process already holds (heartbeats, the executor and
supervisord pollers, shared memory), so it answers in milliseconds even when the executor
is down. A process is ``alive`` while its last heartbeat is at most
``max(3 s, 3 heartbeat periods)`` old. ``paused``/``killed`` come from the executor's
latest status (or, failing that, the latest ``risk`` event); null while neither is known.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from flask import Blueprint, Response, jsonify

from ipc import messages as m
from shared.errors import StoreError
from web.context import WebContext, current
from web.live_state import Seen
from web.params import check_known
from web.pollers import executor_view

logger = logging.getLogger(__name__)

bp = Blueprint("status", __name__)


def _max_age(c: WebContext) -> float:
    return max(3.0, 3 * c.cfg.runtime.heartbeat_seconds)


def processes(c: WebContext) -> list[dict[str, Any]]:
    """Every process known from heartbeats or supervisord, sorted by name."""
    beats = c.live.by_key(m.HEARTBEAT)
    sup = {p["name"]: p for p in c.live.supervisor() or []}
    out = []
    for name in sorted(set(beats) | set(sup)):
        hb: Seen | None = beats.get(name)
        age = c.live.age_s(hb)
        sv = sup.get(name, {})
        out.append({
            "name": name,
            "state": None if hb is None else hb.data.get("state"),
            "pid": hb.data.get("pid") if hb is not None else (sv.get("pid") or None),
            "alive": age is not None and age <= _max_age(c),
            "last_heartbeat_ts": None if hb is None else hb.ts,
            "age_s": age,
            "uptime_s": None if hb is None else hb.data.get("uptime_s"),
            "supervisor_state": sv.get("statename"),
        })
    return out


def pairs(c: WebContext) -> list[dict[str, Any]]:
    store = c.market.bars()
    out = []
    for pair in c.cfg.trading.pairs:
        last_ts, count = None, 0
        if store is not None:
            try:
                last_ts, count = store.last_ts(pair), store.count(pair)
            except (KeyError, StoreError):
                pass
        out.append({"pair": pair, "last_bar_ts": last_ts, "bars": count})
    return out


def _flags(c: WebContext, ex: dict[str, Any]) -> tuple[Any, Any]:
    if ex["available"]:
        return ex["status"].get("paused"), ex["status"].get("killed")
    risk = c.live.latest(m.RISK)
    if risk is not None:
        return risk.data.get("paused"), risk.data.get("killed")
    return None, None


def _model(c: WebContext) -> dict[str, Any] | None:
    seen = c.live.latest(m.MODEL)
    return None if seen is None else {**seen.data, "age_s": c.live.age_s(seen)}


def build_status(c: WebContext) -> dict[str, Any]:
    procs = processes(c)
    ex = executor_view(c.live)
    paused, killed = _flags(c, ex)
    uptimes = [p["uptime_s"] for p in procs
               if p["alive"] and isinstance(p["uptime_s"], int | float)]
    status = ex["status"] or {}
    return {
        "server_ts": time.time_ns() // 1_000_000,
        "mode": status.get("mode", c.cfg.app.mode),
        "market": c.cfg.market.source,
        "broker": status.get("broker", c.cfg.execution.broker),
        "paused": paused,
        "killed": killed,
        "uptime_s": max(uptimes) if uptimes else None,
        "web_uptime_s": c.live.uptime_s(),
        "executor": ex,
        "processes": procs,
        "pairs": pairs(c),
        "model": _model(c),
        "alerts": c.live.alerts(10),
        "clients": c.hub.clients,
    }


@bp.get("/api/v1/status")
def status() -> Response:
    check_known(())
    return jsonify(build_status(current()))


@bp.get("/healthz")
def healthz() -> Response:
    c = current()
    return jsonify(status="ok", uptime_s=c.live.uptime_s(),
                   last_event_age_s=c.live.last_event_age_s())
