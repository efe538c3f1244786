"""JSON Schemas (2020-12, as OpenAPI 3.1 uses) of every API response body.

Objects list every property and forbid others, so a field added to a view without being
documented here fails the tests that validate real responses. Pass-through data from other
processes (the executor's status, model status, alerts) is left open.
"""
from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

NUM: Schema = {"type": "number"}
INT: Schema = {"type": "integer"}
STR: Schema = {"type": "string"}
BOOL: Schema = {"type": "boolean"}
ANY_OBJ: Schema = {"type": "object"}


def null(s: Schema) -> Schema:
    """``s`` or null."""
    return {"anyOf": [s, {"type": "null"}]}


def arr(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(props: dict[str, Schema], optional: tuple[str, ...] = (), open_: bool = False) -> Schema:
    out: Schema = {"type": "object", "properties": props,
                   "required": [k for k in props if k not in optional]}
    if not open_:
        out["additionalProperties"] = False
    return out


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


OHLCV = {"type": "array", "items": NUM, "minItems": 6, "maxItems": 6,
         "description": "[ts seconds, open, high, low, close, volume]"}

SCHEMAS: dict[str, Schema] = {
    "Error": obj({"error": STR}),
    "Health": obj({"status": {"const": "ok"}, "uptime_s": NUM,
                   "last_event_age_s": null(NUM)}),
    "Process": obj({"name": STR, "state": null(STR), "pid": null(INT), "alive": BOOL,
                    "last_heartbeat_ts": null(INT), "age_s": null(NUM),
                    "uptime_s": null(NUM), "supervisor_state": null(STR)}),
    "PairStatus": obj({"pair": STR, "last_bar_ts": null(NUM), "bars": INT}),
    "Executor": obj({"available": BOOL, "age_s": null(NUM), "error": null(STR),
                     "status": null(ANY_OBJ)}),
    "Status": obj({
        "server_ts": INT, "mode": {"enum": ["paper", "live"]}, "market": STR, "broker": STR,
        "paused": null(BOOL), "killed": null(BOOL), "uptime_s": null(NUM),
        "web_uptime_s": NUM, "executor": ref("Executor"), "processes": arr(ref("Process")),
        "pairs": arr(ref("PairStatus")), "model": null(ANY_OBJ), "alerts": arr(ANY_OBJ),
        "clients": INT}),
    "Trade": obj({"id": INT, "position_id": INT, "pair": STR, "qty": NUM, "entry": NUM,
                  "exit": NUM, "pnl": NUM, "fees": NUM, "return_pct": NUM,
                  "r_multiple": null(NUM), "strategies": arr(STR), "opened_ts": INT,
                  "closed_ts": INT}),
    "Trades": obj({"trades": arr(ref("Trade")), "limit": INT, "offset": INT,
                   "next_offset": null(INT)}),
    "Position": obj({"pair": STR, "qty": NUM, "avg_entry": NUM, "cost": NUM,
                     "stop": null(NUM), "initial_stop": null(NUM), "strategies": arr(STR),
                     "opened_ts": INT, "realised_pnl": NUM, "fees": NUM, "price": null(NUM),
                     "unrealised": null(NUM)}),
    "Positions": obj({"positions": arr(ref("Position"))}),
    "Performance": obj({
        "realised_pnl": NUM, "closed_pnl": NUM, "fees": NUM, "trades": INT, "wins": INT,
        "losses": INT, "win_rate": null(NUM), "profit_factor": null(NUM),
        "sharpe": null(NUM), "max_drawdown": NUM, "max_drawdown_abs": NUM,
        "equity_curve": arr(obj({"ts": INT, "equity": NUM})), "equity": null(NUM),
        "cash": null(NUM), "unrealised": null(NUM), "day_pnl": null(NUM)}),
    "Strategy": obj({
        "name": STR, "enabled": BOOL, "weight": NUM,
        "signals": obj({"long": INT, "short": INT, "flat": INT}),
        "last": null(obj({"pair": STR, "side": STR, "strength": null(NUM),
                          "bar_ts": null(NUM)})),
        "trades": INT, "wins": INT, "hit_rate": null(NUM)}),
    "Strategies": obj({"since_ts": INT, "strategies": arr(ref("Strategy"))}),
    "Lock": obj({"kind": null(STR), "scope": null(STR), "until_ts": null(NUM),
                 "reason": null(STR)}),
    "Risk": obj({
        "available": BOOL, "age_s": null(NUM), "equity": null(NUM),
        "peak_equity": null(NUM), "drawdown": null(NUM), "daily_loss_used": null(NUM),
        "daily_loss_limit": null(NUM), "kelly_fraction": null(NUM),
        "risk_of_ruin": null(NUM), "exposure": null(NUM), "exposure_fraction": null(NUM),
        "stake": null(NUM), "open_positions": null(INT), "entries_allowed": null(BOOL),
        "paused": null(BOOL), "killed": null(BOOL), "reasons": arr(STR),
        "locks": arr(ref("Lock")),
        "limits": obj({"max_daily_loss": NUM, "drawdown_halt": NUM, "max_risk_of_ruin": NUM,
                       "kelly_fraction": NUM, "max_open_positions": INT,
                       "max_risk_per_trade": NUM})}),
    "Thought": obj({"ts": INT, "src": STR, "pair": null(STR), "text": STR}),
    "Thoughts": obj({"thoughts": arr(ref("Thought"))}),
    "SignalBrief": obj({"strategy": null(STR), "side": null(STR), "strength": null(NUM)}),
    "ScannerRow": obj({
        "pair": STR, "price": null(NUM), "change_pct": null(NUM), "last_bar_ts": null(NUM),
        "bid": null(NUM), "ask": null(NUM), "sparkline": arr(NUM),
        "signals": arr(ref("SignalBrief")), "signal_bar_ts": null(NUM)}),
    "Scanner": obj({"spark_bars": INT, "pairs": arr(ref("ScannerRow"))}),
    "Marker": obj({"ts": NUM, "side": {"enum": ["buy", "sell"]}, "price": NUM, "qty": NUM}),
    "Candles": obj({"pair": STR, "candles": arr(OHLCV), "forming": null(OHLCV),
                    "markers": arr(ref("Marker"))}),
    "ControlResult": obj({"ok": {"const": True}, "action": STR,
                          "result": obj({"paused": BOOL, "killed": BOOL, "closed": INT,
                                         "text": STR},
                                        optional=("paused", "killed", "closed", "text"),
                                        open_=True)}),
}
