"""The REST views over a real ledger, real shared-memory stores and fed live state.

Every response is validated against the OpenAPI document; the numbers are the hand-computed
ones of ``ledger_data`` and ``market_data``.
"""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from ipc.codec import Event
from tests.web import ledger_data as L
from tests.web.support import AUTH, now_ms, validate
from web.context import WebContext

GETS = ["status", "trades", "positions", "performance", "strategies", "risk", "thoughts",
        "scanner", "candles?pair=ETH/USD", "openapi.json"]


def ev(type_: str, key: str | None = None, src: str = "test", **data: object) -> Event:
    topic = type_ if key is None else f"{type_}.{key}"
    return Event(topic=topic, type=type_, ts=now_ms(), src=src, v=1, data=dict(data))


def get(client: FlaskClient, path: str) -> dict:
    resp = client.get(f"/api/v1/{path}", headers=AUTH)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    validate(f"/api/v1/{path.split('?')[0]}", "get", 200, body)
    return body


@pytest.mark.parametrize("path", GETS)
def test_every_get_matches_the_document_with_and_without_data(
        client: FlaskClient, ctx: WebContext, path: str) -> None:
    get(client, path)  # nothing yet: empty answers, same shapes
    L.write(ctx.paths.db)
    get(client, path)


@pytest.mark.parametrize("path", GETS)
def test_every_get_matches_the_document_with_market_data(filled: WebContext, client: FlaskClient,
                                                         path: str) -> None:
    filled.live.apply(ev("thought", "ETH/USD", text="ETH/USD: 3/5 long"))
    filled.live.apply(ev("risk", equity=10_000.0, drawdown=0.01, daily_loss=0.002, kelly=0.1,
                         daily_loss_limit=0.05, exposure=100.0, locks=[]))
    filled.live.apply(ev("signal", "ETH/USD", src="scanner-0", bar_ts=1.0, signals=[
        {"strategy": "trend", "side": "long", "strength": 0.5, "stop": 49.0, "reasons": []}]))
    get(client, path)


def test_trades_page_newest_first_and_filter(client: FlaskClient, ctx: WebContext) -> None:
    L.write(ctx.paths.db)
    first = get(client, "trades?limit=1")
    assert [t["pair"] for t in first["trades"]] == ["SOL/USD"]
    assert (first["trades"][0]["pnl"], first["next_offset"]) == (-2.0, 1)
    second = get(client, "trades?limit=1&offset=1")
    assert [(t["pair"], t["pnl"], t["strategies"]) for t in second["trades"]] == [
        ("BTC/USD", 4.374, ["momentum", "trend"])]
    assert second["next_offset"] is None
    assert [t["pair"] for t in get(client, "trades?pair=BTC/USD")["trades"]] == ["BTC/USD"]
    assert [t["pair"] for t in get(client, f"trades?since={L.SOL_CLOSED}")["trades"]] == [
        "SOL/USD"]


def test_positions_are_valued_at_the_shared_memory_price(filled: WebContext,
                                                         client: FlaskClient) -> None:
    [pos] = get(client, "positions")["positions"]
    assert (pos["pair"], pos["qty"], pos["avg_entry"], pos["stop"]) == ("ETH/USD", 2.0, 50.0, 45.0)
    assert (pos["price"], pos["unrealised"]) == (55.0, 10.0)


def test_performance_totals_and_equity_curve(client: FlaskClient, ctx: WebContext) -> None:
    L.write(ctx.paths.db)
    perf = get(client, "performance")
    assert (perf["trades"], perf["wins"], perf["losses"]) == (2, 1, 1)
    assert (perf["win_rate"], perf["profit_factor"]) == (0.5, pytest.approx(2.187))
    assert perf["realised_pnl"] == pytest.approx(2.274)
    assert perf["max_drawdown_abs"] == pytest.approx(2.0)
    assert perf["max_drawdown"] == pytest.approx(2.0 / 10_004.374)
    assert [p["equity"] for p in perf["equity_curve"]] == [e for _, e in L.EQUITY]
    assert perf["equity"] is None  # the executor has not answered


def test_strategies_count_signals_and_hit_rates(client: FlaskClient, ctx: WebContext) -> None:
    L.write(ctx.paths.db)
    sig = [{"strategy": "trend", "side": "long", "strength": 0.6},
           {"strategy": "momentum", "side": "flat", "strength": 0.0},
           {"strategy": "breakout", "side": "short", "strength": 0.7}]
    ctx.live.apply(ev("signal", "BTC/USD", bar_ts=60.0, signals=sig))
    ctx.live.apply(ev("signal", "ETH/USD", bar_ts=60.0, signals=sig[:1]))
    rows = {s["name"]: s for s in get(client, "strategies")["strategies"]}
    assert list(rows) == ["trend", "mean_reversion", "momentum", "breakout", "reversal"]
    assert rows["trend"]["signals"] == {"long": 2, "short": 0, "flat": 0}
    assert rows["trend"]["last"] == {"pair": "ETH/USD", "side": "long", "strength": 0.6,
                                     "bar_ts": None}
    assert rows["momentum"]["signals"] == {"long": 0, "short": 0, "flat": 1}
    assert rows["momentum"]["last"] is None
    assert (rows["trend"]["trades"], rows["trend"]["hit_rate"]) == (2, 0.5)
    assert (rows["momentum"]["trades"], rows["momentum"]["hit_rate"]) == (1, 1.0)
    assert (rows["breakout"]["trades"], rows["breakout"]["hit_rate"]) == (0, None)
    assert (rows["trend"]["weight"], rows["reversal"]["weight"]) == (2.5, 1.0)


def test_risk_waits_for_the_executor_then_maps_its_event(client: FlaskClient,
                                                          ctx: WebContext) -> None:
    before = get(client, "risk")
    assert (before["available"], before["drawdown"], before["locks"]) == (False, None, [])
    assert before["limits"]["max_daily_loss"] == ctx.cfg.risk.max_daily_loss
    lock = {"kind": "cooldown", "scope": "BTC/USD", "until_ts": 1.7e9, "reason": "after exit"}
    ctx.live.apply(ev("risk", src="executor", equity=10_000.0, peak_equity=10_500.0,
                      drawdown=0.0476, daily_loss=0.01, daily_loss_limit=0.05, kelly=0.12,
                      risk_of_ruin=0.004, exposure=2_500.0, open_positions=1, locks=[lock],
                      reasons=["cooldown BTC/USD"], entries_allowed=True))
    risk = get(client, "risk")
    assert risk["available"] is True
    assert (risk["daily_loss_used"], risk["kelly_fraction"]) == (0.01, 0.12)
    assert risk["exposure_fraction"] == pytest.approx(0.25)
    assert (risk["locks"], risk["reasons"]) == ([lock], ["cooldown BTC/USD"])


def test_thoughts_newest_first_and_limited(client: FlaskClient, ctx: WebContext) -> None:
    for i in range(5):
        ctx.live.apply(ev("thought", "BTC/USD", src="scorer", text=f"t{i}"))
    assert [t["text"] for t in get(client, "thoughts?n=3")["thoughts"]] == ["t4", "t3", "t2"]
    assert get(client, "thoughts")["thoughts"][0] == {
        "ts": pytest.approx(now_ms(), abs=5_000), "src": "scorer", "pair": "BTC/USD",
        "text": "t4"}


def test_scanner_reads_prices_books_and_signals(filled: WebContext, client: FlaskClient) -> None:
    filled.live.apply(ev("signal", "ETH/USD", bar_ts=123.0, signals=[
        {"strategy": "trend", "side": "long", "strength": 0.5, "reasons": ["x"]}]))
    body = get(client, "scanner")
    rows = {r["pair"]: r for r in body["pairs"]}
    assert list(rows) == list(filled.cfg.trading.pairs)
    eth = rows["ETH/USD"]
    assert (eth["price"], eth["change_pct"], eth["bid"], eth["ask"]) == (55.0, 7.8431, 54.9, 55.1)
    assert len(eth["sparkline"]) == body["spark_bars"] == 60
    assert eth["signals"] == [{"strategy": "trend", "side": "long", "strength": 0.5}]
    assert eth["signal_bar_ts"] == 123.0
    assert (rows["BTC/USD"]["bid"], rows["BTC/USD"]["signals"]) == (None, [])


def test_candles_carry_forming_bar_and_fill_markers(filled: WebContext,
                                                    client: FlaskClient) -> None:
    body = get(client, "candles?pair=ETH/USD&limit=10")
    assert len(body["candles"]) == 10
    assert body["candles"][-1][4] == pytest.approx(56.9)
    assert body["forming"][4] == 55.0
    assert body["markers"] == [{"ts": L.ETH_OPENED / 1000, "side": "buy", "price": 50.0,
                                "qty": 2.0}]
    assert get(client, "candles?pair=BTC/USD")["markers"] == []  # BTC fills predate the window


def test_status_joins_heartbeats_supervisor_and_executor(filled: WebContext,
                                                         client: FlaskClient) -> None:
    filled.live.apply(ev("heartbeat", src="feed", pid=11, state="running", uptime_s=42.0))
    filled.live.set_supervisor([{"name": "feed", "statename": "RUNNING", "pid": 11},
                                {"name": "telegram", "statename": "EXITED", "pid": 0}])
    filled.live.set_executor({"mode": "paper", "paused": True, "killed": False})
    body = get(client, "status")
    procs = {p["name"]: p for p in body["processes"]}
    assert procs["feed"]["alive"] and procs["feed"]["supervisor_state"] == "RUNNING"
    assert (procs["telegram"]["alive"], procs["telegram"]["pid"]) == (False, None)
    assert (body["paused"], body["killed"], body["uptime_s"]) == (True, False, 42.0)
    assert body["executor"]["available"] is True
    eth = next(p for p in body["pairs"] if p["pair"] == "ETH/USD")
    assert eth["bars"] == 70


def test_healthz_needs_no_token(client: FlaskClient) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200
    validate("/healthz", "get", 200, resp.get_json())
