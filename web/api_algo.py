"""``GET /api/v1/strategies`` (Algo Pulse) and ``GET /api/v1/risk`` (Risk Shield).

- ``strategies``: for each configured strategy, whether it is enabled, its base confluence
  weight (``ai.weights.<name>``), how often it said long/short/flat in the ``signal`` events
  this web process has seen (``since_ts``), its last long/short, and its hit rate over the
  last ``HIT_RATE_TRADES`` closed trades it took part in (a trade wins if its P&L > 0;
  null before its first trade).
- ``risk``: the latest ``risk`` event of the executor (``available`` false and nulls until
  one arrives; ``age_s`` says how old it is), the active locks (from the event, else from
  the ledger; ``until_ts`` as the source gives it) and the configured limits the gauges are
  drawn against. Fractions are of equity (0.05 = 5 %); ``exposure`` is in the quote
  currency. The event's ``daily_loss``/``kelly`` are accepted for ``daily_loss_used``/
  ``kelly_fraction``.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from flask import Blueprint, Response, jsonify

from ipc import messages as m
from web.context import WebContext, current
from web.params import check_known

logger = logging.getLogger(__name__)

bp = Blueprint("algo", __name__)

HIT_RATE_TRADES = 1000
RISK_FIELDS = ("equity", "peak_equity", "drawdown", "daily_loss_used", "daily_loss_limit",
               "kelly_fraction", "risk_of_ruin", "exposure", "exposure_fraction", "stake",
               "open_positions", "entries_allowed", "paused", "killed")
#: response field -> the names the executor's ``risk`` event may use for it, in order
ALIASES = {"daily_loss_used": ("daily_loss_used", "daily_loss"),
           "kelly_fraction": ("kelly_fraction", "kelly")}
LOCK_FIELDS = ("kind", "scope", "until_ts", "reason")


def strategy_names(c: WebContext) -> list[str]:
    return list(c.cfg.strategies.__struct_fields__)


def _hits(c: WebContext) -> dict[str, tuple[int, int]]:
    trades = c.ledger.query(lambda r: r.trades(HIT_RATE_TRADES), [])
    out: dict[str, tuple[int, int]] = {}
    for t in trades:
        for name in t.strategies:
            n, wins = out.get(name, (0, 0))
            out[name] = (n + 1, wins + (1 if t.pnl > 0 else 0))
    return out


def build_strategies(c: WebContext) -> dict[str, Any]:
    fired, last = c.live.fired()
    hits = _hits(c)
    rows = []
    for name in strategy_names(c):
        counts = fired.get(name, {})
        trades, wins = hits.get(name, (0, 0))
        rows.append({
            "name": name,
            "enabled": bool(getattr(getattr(c.cfg.strategies, name), "enabled", True)),
            "weight": float(getattr(c.cfg.ai.weights, name, 1.0)),
            "signals": {side: int(counts.get(side, 0)) for side in ("long", "short", "flat")},
            "last": last.get(name),
            "trades": trades,
            "wins": wins,
            "hit_rate": round(wins / trades, 4) if trades else None,
        })
    return {"since_ts": c.live.started_ms, "strategies": rows}


def _locks(c: WebContext, data: dict[str, Any] | None) -> list[dict[str, Any]]:
    if data is not None and isinstance(data.get("locks"), list):
        return [{k: lock.get(k) for k in LOCK_FIELDS} for lock in data["locks"]
                if isinstance(lock, dict)]
    now = time.time_ns() // 1_000_000
    rows = c.ledger.query(lambda r: r.active_locks(now), [])
    return [{k: getattr(lock, k) for k in LOCK_FIELDS} for lock in rows]


def _field(data: dict[str, Any] | None, name: str) -> Any:
    if data is None:
        return None
    for alias in ALIASES.get(name, (name,)):
        if data.get(alias) is not None:
            return data[alias]
    return None


def _positive(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and x > 0


def build_risk(c: WebContext) -> dict[str, Any]:
    seen = c.live.latest(m.RISK)
    data = None if seen is None else seen.data
    r = c.cfg.risk
    out: dict[str, Any] = {"available": seen is not None, "age_s": c.live.age_s(seen)}
    out.update({k: _field(data, k) for k in RISK_FIELDS})
    if out["exposure_fraction"] is None and _positive(out["equity"]) and \
            isinstance(out["exposure"], int | float):
        out["exposure_fraction"] = out["exposure"] / out["equity"]
    reasons = None if data is None else data.get("reasons")
    out["reasons"] = [str(x) for x in reasons] if isinstance(reasons, list) else []
    out["locks"] = _locks(c, data)
    out["limits"] = {"max_daily_loss": r.max_daily_loss, "drawdown_halt": r.drawdown_halt,
                     "max_risk_of_ruin": r.max_risk_of_ruin, "kelly_fraction": r.kelly_fraction,
                     "max_open_positions": r.max_open_positions,
                     "max_risk_per_trade": r.max_risk_per_trade}
    return out


@bp.get("/api/v1/strategies")
def strategies() -> Response:
    check_known(())
    return jsonify(build_strategies(current()))


@bp.get("/api/v1/risk")
def risk() -> Response:
    check_known(())
    return jsonify(build_risk(current()))
