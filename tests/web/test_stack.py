"""The API of the real ``web`` program (gunicorn under supervisord) over a running stack."""
from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.polling import poll
from tests.web.support import Stack, validate

pytestmark = pytest.mark.slow

GETS = ["/api/v1/status", "/api/v1/trades", "/api/v1/positions", "/api/v1/performance",
        "/api/v1/strategies", "/api/v1/risk", "/api/v1/thoughts", "/api/v1/scanner",
        "/api/v1/candles?pair=BTC/USD", "/api/v1/openapi.json", "/healthz"]
CONTROLS = ["/api/v1/control/pause", "/api/v1/control/resume", "/api/v1/control/close_all"]


def _ready(stack: Stack) -> bool:
    status = stack.get("/api/v1/status").json()
    scanner = stack.get("/api/v1/scanner").json()
    thoughts = stack.get("/api/v1/thoughts").json()["thoughts"]
    return (all(p["last_bar_ts"] for p in status["pairs"])
            and all(r["price"] and r["sparkline"] for r in scanner["pairs"]) and bool(thoughts))


def alive(stack: Stack) -> set[str]:
    return {p["name"] for p in stack.get("/api/v1/status").json()["processes"] if p["alive"]}


def test_make_run_prints_the_dashboard_link_with_the_token(stack: Stack) -> None:
    assert f"dashboard: {stack.url}/#token={stack.token}" in stack.run_output


def test_every_endpoint_answers_in_the_documented_shape(stack: Stack) -> None:
    stack.wait_web()
    poll(lambda: _ready(stack), 30.0, "prices, bars and thoughts in the API")
    doc = stack.get("/api/v1/openapi.json").json()
    for path in GETS:
        resp = stack.get(path)
        assert resp.status_code == 200, path
        validate(path.split("?")[0], "get", 200, resp.json(), doc)
    # a heartbeat sent before the web process subscribed is lost: wait for the next ones
    poll(lambda: {"bus", "feed", "scanner-0", "scanner-1", "scorer", "web"} <= alive(stack),
         30.0, "every process's heartbeat")


def test_without_the_token_everything_but_healthz_is_401(stack: Stack) -> None:
    before = stack.get("/api/v1/status").json()["paused"]
    for path in [*GETS[:-1], "/metrics"]:
        resp = requests.get(stack.url + path, timeout=10)
        assert resp.status_code == 401, path
    for path in CONTROLS:
        resp = requests.post(stack.url + path, headers={"Authorization": "Bearer x"}, timeout=10)
        assert (resp.status_code, resp.json()) == (401, {"error": "missing or invalid access "
                                                                  "token"})
    assert stack.get("/api/v1/status").json()["paused"] == before
    assert requests.get(stack.url + "/healthz", timeout=10).status_code == 200


def test_bad_parameters_are_400_over_http(stack: Stack) -> None:
    resp = stack.get("/api/v1/trades?limit=zero")
    assert resp.status_code == 400 and "limit" in resp.json()["error"]


def test_metrics_count_what_the_bus_carries(stack: Stack) -> None:
    def bars() -> float | None:
        text = stack.get("/metrics").text
        lines = [ln for ln in text.splitlines() if ln.startswith('bot_bars_total{pair="BTC/USD"}')]
        return float(lines[0].split()[-1]) if lines else None
    first = poll(bars, 20.0, "a bar counter")
    poll(lambda: (bars() or 0) > first, 20.0, "the bar counter to grow")
    assert 'bot_process_up{program="feed"} 1.0' in stack.get("/metrics").text


def test_signal_latency_in_metrics_regression_signals_had_no_t_bar(stack: Stack) -> None:
    """Signals carry their bar's close time, so ``/metrics`` has bar close -> signal."""
    line = 'bot_latency_seconds{event="signal",quantile="0.5"}'
    poll(lambda: line in stack.get("/metrics").text, 20.0, "a bar close -> signal latency")


def _control(stack: Stack, path: str) -> tuple[int, Any]:
    resp = stack.post(path)
    return resp.status_code, resp.json()


def test_controls_with_the_executor_stopped_are_503(stack: Stack) -> None:
    sup = stack.sup()._proxy().supervisor
    sup.stopProcess("bot:executor")
    try:
        doc = stack.get("/api/v1/openapi.json").json()
        for path in CONTROLS:
            status, body = _control(stack, path)
            assert (status, body) == (503, {"error": "executor unavailable"}), path
            validate(path, "post", 503, body, doc)
    finally:
        sup.startProcess("bot:executor")
    assert stack.program("executor")["statename"] == "RUNNING"
