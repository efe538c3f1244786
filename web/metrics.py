"""``GET /metrics``: Prometheus text format (0.0.4), behind the same token as the API.

Counters count what this web process saw on the bus since it started (a restart resets
them, as Prometheus expects of counters). Gauges come from the executor's latest status,
the ledger and heartbeats. ``bot_latency_seconds`` is a summary of bar close -> event
arrival here for bar, signal and intent events (quantiles over the last 1024 of each).
Scrape config: ``authorization: {type: Bearer, credentials_file: .../web.token}``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
from flask import Blueprint, Response

from ipc import messages as m
from web.api_status import processes
from web.context import WebContext, current
from web.pollers import executor_view

logger = logging.getLogger(__name__)

bp = Blueprint("metrics", __name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
QUANTILES = (0.5, 0.9, 0.99)
PER_PAIR = {m.BAR: "bot_bars_total", m.SIGNAL: "bot_signals_total", m.INTENT: "bot_intents_total"}
STATUS_GAUGES = ("equity", "cash", "unrealised", "day_pnl", "open_positions")

Sample = tuple[dict[str, str], float]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _line(name: str, labels: dict[str, str], value: float) -> str:
    if labels:
        body = ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items())
        return f"{name}{{{body}}} {float(value)!r}"
    return f"{name} {float(value)!r}"


def _family(name: str, kind: str, help_: str, samples: Iterable[Sample]) -> list[str]:
    return [f"# HELP {name} {help_}", f"# TYPE {name} {kind}",
            *(_line(name, labels, value) for labels, value in samples)]


def _processes(c: WebContext) -> list[str]:
    procs = processes(c)
    return [*_family("bot_process_up", "gauge", "1 while the program's heartbeat is fresh.",
                     [({"program": p["name"]}, 1.0 if p["alive"] else 0.0) for p in procs]),
            *_family("bot_process_heartbeat_age_seconds", "gauge", "Age of the last heartbeat.",
                     [({"program": p["name"]}, p["age_s"]) for p in procs
                      if p["age_s"] is not None])]


def _counters(c: WebContext) -> list[str]:
    counts = c.live.counts()
    out: list[str] = []
    for type_, name in PER_PAIR.items():
        out += _family(name, "counter", f"{type_} events seen, per pair.",
                       [({"pair": pair}, n) for pair, n in sorted(counts.get(type_, {}).items())])
    fired, _ = c.live.fired()
    out += _family("bot_strategy_signals_total", "counter", "Strategy results seen, per side.",
                   [({"strategy": s, "side": side}, n) for s, sides in sorted(fired.items())
                    for side, n in sorted(sides.items())])
    for prefix, name, label in (("order.", "bot_orders_total", "state"),
                                ("alert.", "bot_alerts_total", "level")):
        out += _family(name, "counter", f"{prefix[:-1]} events seen, per {label}.",
                       [({label: k[len(prefix):]}, sum(v.values()))
                        for k, v in sorted(counts.items()) if k.startswith(prefix)])
    out += _family("bot_events_total", "counter", "Bus events seen, per type.",
                   [({"type": t}, sum(v.values())) for t, v in sorted(counts.items())
                    if "." not in t])
    return out


def _money(c: WebContext) -> list[str]:
    ex = executor_view(c.live)
    status = ex["status"] if ex["available"] else {}
    out = _family("bot_executor_available", "gauge", "1 while the executor answers status.",
                  [({}, 1.0 if ex["available"] else 0.0)])
    for key in STATUS_GAUGES:
        value = status.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out += _family(f"bot_{key}", "gauge", f"Executor status {key}.", [({}, value)])
    if isinstance(status.get("paused"), bool):
        out += _family("bot_paused", "gauge", "1 while paused.", [({}, float(status["paused"]))])
    perf = c.ledger.query(lambda r: r.performance(2), None)
    if perf is not None:
        out += _family("bot_realised_pnl", "gauge", "Realised P&L net of fees (ledger).",
                       [({}, float(perf.realised_pnl))])
        out += _family("bot_trades_closed", "gauge", "Closed trades (ledger).",
                       [({}, float(perf.trades))])
        out += _family("bot_max_drawdown_ratio", "gauge", "Largest drawdown, fraction of peak.",
                       [({}, perf.max_drawdown)])
    return out


def _latency(c: WebContext) -> list[str]:
    name = "bot_latency_seconds"
    out = [f"# HELP {name} Bar close to arrival at the web process, per event type.",
           f"# TYPE {name} summary"]
    for type_, samples in sorted(c.live.latencies().items()):
        labels = {"event": type_}
        if samples:
            qs = np.quantile(np.asarray(samples), QUANTILES)
            out += [_line(name, {**labels, "quantile": str(q)}, float(v))
                    for q, v in zip(QUANTILES, qs, strict=True)]
        out += [_line(f"{name}_sum", labels, float(sum(samples))),
                _line(f"{name}_count", labels, float(len(samples)))]
    return out


def _web(c: WebContext) -> list[str]:
    return [*_family("bot_web_clients", "gauge", "Connected live clients.",
                     [({}, c.hub.clients)]),
            *_family("bot_web_messages_total", "counter", "Messages queued to live clients.",
                     [({}, c.hub.messages_out)]),
            *_family("bot_web_resyncs_total", "counter", "Client queue overflows (resyncs).",
                     [({}, c.hub.overflows())]),
            *_family("bot_web_uptime_seconds", "gauge", "Web process uptime.",
                     [({}, c.live.uptime_s())])]


def render(c: WebContext) -> str:
    lines = [*_processes(c), *_counters(c), *_money(c), *_latency(c), *_web(c)]
    return "\n".join(lines) + "\n"


@bp.get("/metrics")
def metrics() -> Response:
    return Response(render(current()), content_type=CONTENT_TYPE)
