"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 description of every HTTP endpoint.

The tests validate real responses against the schemas here (``web.openapi_schemas``) and
check that every route the app serves is described, so the document cannot drift from the
code. ``/ws/live`` cannot be described in OpenAPI; its protocol is in ``info.description``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from web.openapi_schemas import SCHEMAS, Schema, ref

bp = Blueprint("openapi", __name__)

API = "/api/v1"
WS_DOC = (
    "Live feed: WebSocket `/ws/live`. Authenticate with `Authorization: Bearer <token>` on "
    "the upgrade request, or send `{\"type\": \"auth\", \"token\": \"...\"}` as the first "
    "message. The server then sends a `snapshot` and streams messages `{type, key, ts, src, "
    "data}` (one per frame, or a JSON array of them): tick, bar, signal, intent, order, fill, "
    "position, risk, thought, model, heartbeat, alert, executor, processes. A client that "
    "falls behind gets `resync` followed by a fresh `snapshot`.")


def _json(schema: Schema, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERR = {"400": _json(ref("Error"), "bad parameter (the message names it)"),
       "401": _json(ref("Error"), "missing or invalid access token")}


def _param(name: str, schema: Schema, description: str, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


def _get(summary: str, body: str, params: list[Schema] | None = None) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": params or [],
                    "responses": {"200": _json(ref(body), summary), **ERR}}}


def _control(action: str, summary: str) -> dict[str, Any]:
    return {"post": {
        "summary": summary, "operationId": f"control_{action}",
        "responses": {"200": _json(ref("ControlResult"), "the executor's answer"),
                      "401": ERR["401"],
                      "409": _json(ref("Error"), "the executor refused (its reason)"),
                      "503": _json(ref("Error"), "executor unavailable: outcome unknown")}}}


def _paths() -> dict[str, Any]:
    pair = {"type": "string", "pattern": "^[A-Z0-9]{2,10}/[A-Z0-9]{2,10}$"}
    return {
        "/healthz": {"get": {"summary": "liveness of the web process (no token)",
                             "security": [],
                             "responses": {"200": _json(ref("Health"), "up")}}},
        "/metrics": {"get": {"summary": "Prometheus text format", "responses": {
            "200": {"description": "metrics",
                    "content": {"text/plain": {"schema": {"type": "string"}}}},
            "401": ERR["401"]}}},
        f"{API}/openapi.json": {"get": {"summary": "this document", "responses": {
            "200": _json({"type": "object"}, "OpenAPI 3.1"), "401": ERR["401"]}}},
        f"{API}/status": _get("mode, pause state, processes, pairs, model", "Status"),
        f"{API}/trades": _get("closed trades, newest first", "Trades", [
            _param("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                   "page size"),
            _param("offset", {"type": "integer", "minimum": 0, "default": 0}, "skip this many"),
            _param("pair", pair, "only this pair"),
            _param("since", {"type": "integer", "minimum": 0},
                   "only trades closed at or after this time (ms since the epoch)")]),
        f"{API}/positions": _get("open positions at the current price", "Positions"),
        f"{API}/performance": _get("P&L, win rate, profit factor, Sharpe, drawdown, equity",
                                   "Performance", [
            _param("points", {"type": "integer", "minimum": 2, "maximum": 2000,
                              "default": 500}, "equity curve points at most")]),
        f"{API}/strategies": _get("per-strategy signal counts, hit rate, weight",
                                  "Strategies"),
        f"{API}/risk": _get("Kelly fraction, drawdown, daily loss, risk of ruin, locks", "Risk"),
        f"{API}/thoughts": _get("the newest thoughts, newest first", "Thoughts", [
            _param("n", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                   "how many")]),
        f"{API}/scanner": _get("every pair: price, change, sparkline, signals", "Scanner"),
        f"{API}/candles": _get("candles, forming bar and fill markers of one pair", "Candles", [
            _param("pair", pair, "a configured pair", required=True),
            _param("limit", {"type": "integer", "minimum": 1, "default": 300},
                   "bars (at most trading.bar_capacity)")]),
        f"{API}/control/pause": _control("pause", "stop taking new entries"),
        f"{API}/control/resume": _control("resume", "take new entries again"),
        f"{API}/control/close_all": _control("close_all", "close every open position"),
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kraken Pi Bot dashboard API", "version": "1",
                 "description": WS_DOC},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "the dashboard token"}},
            "schemas": SCHEMAS,
        },
    }


@bp.get(f"{API}/openapi.json")
def openapi() -> Response:
    return jsonify(document())
