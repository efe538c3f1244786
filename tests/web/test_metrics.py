"""``/metrics``: Prometheus text format, counters from what the bus delivered."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from ipc.codec import Reply
from tests.web.support import AUTH, FakeCommands
from tests.web.test_api import ev
from web.context import WebContext
from web.pollers import poll_executor

SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_]+="(?:[^"\\]|\\.)*"'
                    r'(,[a-zA-Z_]+="(?:[^"\\]|\\.)*")*\})? -?[0-9.e+-]+(inf)?$')


def scrape(client: FlaskClient) -> dict[str, float]:
    resp = client.get("/metrics", headers=AUTH)
    assert resp.status_code == 200
    assert resp.content_type == "text/plain; version=0.0.4; charset=utf-8"
    out = {}
    for line in resp.get_data(as_text=True).splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) [a-z_]+ .+$", line), line
            continue
        assert SAMPLE.match(line), line
        name, _, value = line.rpartition(" ")
        out[name] = float(value)
    return out


def test_counters_gauges_and_latency_summary(client: FlaskClient, ctx: WebContext,
                                             commands: FakeCommands) -> None:
    t_bar = ctx.live._clock() - 0.25  # a bar that closed 250 ms ago (monotonic clock)
    for _ in range(2):
        ctx.live.apply(ev("bar", "BTC/USD", src="feed", bar_ts=60.0, close=1.0, t_bar=t_bar))
    ctx.live.apply(ev("signal", "BTC/USD", src="scanner-0", bar_ts=60.0, t_bar=t_bar, signals=[
        {"strategy": "trend", "side": "long", "strength": 0.5}]))
    ctx.live.apply(ev("order", "BTC/USD", src="executor", state="filled"))
    ctx.live.apply(ev("alert", "feed", src="watchdog", level="critical", text='feed "died"'))
    ctx.live.apply(ev("heartbeat", src="feed", pid=1, state="running", uptime_s=1.0))
    commands.replies["status"] = Reply(ok=True, result={"equity": 10_100.5, "paused": True,
                                                        "open_positions": 2})
    poll_executor(commands, ctx.live, ctx.hub)()
    m = scrape(client)
    assert m['bot_bars_total{pair="BTC/USD"}'] == 2
    assert m['bot_signals_total{pair="BTC/USD"}'] == 1
    assert m['bot_strategy_signals_total{strategy="trend",side="long"}'] == 1
    assert m['bot_orders_total{state="filled"}'] == 1
    assert m['bot_alerts_total{level="critical"}'] == 1
    assert m['bot_events_total{type="bar"}'] == 2
    assert m['bot_process_up{program="feed"}'] == 1
    assert (m["bot_equity"], m["bot_paused"], m["bot_open_positions"]) == (10_100.5, 1.0, 2.0)
    assert m["bot_executor_available"] == 1
    assert m['bot_latency_seconds_count{event="bar"}'] == 2
    assert 0.25 <= m['bot_latency_seconds{event="bar",quantile="0.5"}'] < 60


def test_ledger_gauges_appear_once_there_is_a_ledger(client: FlaskClient,
                                                     filled: WebContext) -> None:
    m = scrape(client)
    assert m["bot_trades_closed"] == 2
    assert abs(m["bot_realised_pnl"] - 2.274) < 1e-9
    assert "bot_equity" not in m  # the executor never answered
