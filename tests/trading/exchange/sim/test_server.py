"""The server in-process (no clock task): REST details that are awkward to hit end to end."""
from __future__ import annotations

import asyncio
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from trading.exchange import kraken_signature
from trading.exchange.sim.keys import load_or_create_keys
from trading.exchange.sim.server import SimServer, tick_seconds
from trading.exchange.sim.venue import SimSettings

SETTINGS = SimSettings(pairs=("BTC/USD", "ETH/USD"), timeframe_minutes=1, history_bars=1000,
                       bar_seconds=60.0)


def with_client(fn: Callable[[TestClient, SimServer], Awaitable[None]], tmp_path: Any) -> None:
    key, secret = load_or_create_keys(tmp_path / "sim-keys.json")
    server = SimServer(SETTINGS, key, secret)
    server.secret = secret  # type: ignore[attr-defined]

    async def main() -> None:
        async with TestClient(TestServer(server.app)) as client:
            await fn(client, server)

    asyncio.run(main())


async def get(client: TestClient, path: str, **params: Any) -> Any:
    resp = await client.get(path, params=params)
    return await resp.json()


def test_ohlc_interval_aggregation_and_since(tmp_path: Any) -> None:
    async def check(client: TestClient, _server: SimServer) -> None:
        five = (await get(client, "/0/public/OHLC", pair="XXBTZUSD", interval=5))["result"]
        rows = five["XXBTZUSD"]
        assert all(r[0] % 300 == 0 for r in rows) and 199 <= len(rows) <= 201
        assert five["last"] == rows[-2][0]
        ones = (await get(client, "/0/public/OHLC", pair="XBTUSD"))["result"]["XXBTZUSD"]
        since = ones[-5][0]
        tail = (await get(client, "/0/public/OHLC", pair="XBTUSD", since=since))["result"]
        assert [r[0] for r in tail["XXBTZUSD"]] == [r[0] for r in ones[-4:]]
        future = (await get(client, "/0/public/OHLC", pair="XBTUSD", since=ones[-1][0] + 999))
        assert len(future["result"]["XXBTZUSD"]) == 1  # the forming bar is always present
        bad = await get(client, "/0/public/OHLC", pair="XBTUSD", interval=7)
        assert bad == {"error": ["EGeneral:Invalid arguments"]}

    with_client(check, tmp_path)


def test_public_post_unknown_method_and_ticker(tmp_path: Any) -> None:
    async def check(client: TestClient, _server: SimServer) -> None:
        resp = await client.post("/0/public/AssetPairs", data={"pair": "ETHUSD"})
        assert list((await resp.json())["result"]) == ["XETHZUSD"]
        resp = await client.get("/0/public/Nope")
        assert resp.status == 404 and (await resp.json())["error"] == ["EGeneral:Unknown method"]
        tick = (await get(client, "/0/public/Ticker", pair="XBTUSD"))["result"]["XXBTZUSD"]
        assert float(tick["b"][0]) < float(tick["a"][0])
        status = (await get(client, "/0/public/SystemStatus"))["result"]
        assert status["status"] == "online" and status["timestamp"].endswith("Z")

    with_client(check, tmp_path)


def test_resting_order_fills_as_the_market_moves(tmp_path: Any) -> None:
    async def check(client: TestClient, server: SimServer) -> None:
        secret = server.secret  # type: ignore[attr-defined]
        key = load_or_create_keys(tmp_path / "sim-keys.json")[0]
        nonce = iter(range(time.time_ns(), time.time_ns() + 100))

        async def private(method: str, **fields: str) -> Any:
            body = urllib.parse.urlencode({"nonce": next(nonce), **fields})
            path = f"/0/private/{method}"
            resp = await client.post(path, data=body, headers={
                "API-Key": key, "API-Sign": kraken_signature(path, body, secret),
                "Content-Type": "application/x-www-form-urlencoded"})
            return await resp.json()

        last = server.venue.market.last_price("BTC/USD")
        out = await private("AddOrder", pair="XBTUSD", type="buy", ordertype="limit",
                            volume="0.01", price=f"{last * 1.2:.1f}", oflags="post")
        txid = out["result"]["txid"][0]
        assert (await private("QueryOrders", txid=txid))["result"][txid]["status"] == "canceled"
        out = await private("AddOrder", pair="XBTUSD", type="sell", ordertype="limit",
                            volume="0.01", price=f"{last * 1.5:.1f}")
        assert out["error"] == ["EOrder:Insufficient funds"]
        out = await private("AddOrder", pair="XBTUSD", type="buy", ordertype="limit",
                            volume="0.01", price=f"{last * 0.998:.1f}", cl_ord_id="dip")
        txid = out["result"]["txid"][0]
        hold = (await private("BalanceEx"))["result"]["ZUSD"]["hold_trade"]
        assert float(hold) > 0
        t0, k = server.venue.clock.t0, 0
        while (await private("OpenOrders"))["result"]["open"] and k < 2000:
            k += 1
            server.step(t0 + k * SETTINGS.bar_seconds / 4)  # a quarter bar per step
        info = (await private("QueryOrders", txid=txid, trades="true"))["result"][txid]
        assert info["status"] == "closed" and info["price"] == f"{last * 0.998:.1f}"
        trade = (await private("TradesHistory"))["result"]["trades"][info["trades"][0]]
        assert trade["maker"] is True
        bal = (await private("BalanceEx"))["result"]
        assert bal["ZUSD"]["hold_trade"] == "0.0000" and bal["XXBT"]["balance"] == "0.0100000000"
    with_client(check, tmp_path)


def test_tick_is_bounded() -> None:
    assert tick_seconds(60.0) == 0.25 and tick_seconds(0.2) == 0.1 and tick_seconds(1.8) == 0.15
