"""The emulator's aiohttp server: Kraken REST, WebSocket v2 on ``/v2``, and test hooks.

One asyncio loop does everything: a clock task calls :meth:`SimServer.step` every
``tick_s`` seconds (``bar_seconds / SUBSTEPS`` clamped to 0.1-0.25 s, so at most 10 book
updates per second per pair) to advance the market, fill resting orders, move the books and
broadcast ``ohlc`` / ``book`` diffs, and sends heartbeats once a second.

Test hooks, outside Kraken's namespace:
- ``GET /_sim/state``: ``{"sim_time", "orders": [{txid, cl_ord_id, status, ...}], "trades",
  "balances", "regimes", "events", "faults"}``;
- ``POST /_sim/fault`` with a JSON object, one fault per key (see
  :mod:`trading.exchange.sim.faults`): 200 ``{"ok": true, "applied": [...]}``, or 400
  ``{"ok": false, "error": "..."}`` for an unknown key or a bad value (nothing applied).

Binds only the host given (127.0.0.1 by the ``exchange-sim`` program); a port in use raises
``OSError`` from :meth:`SimServer.start`.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web

from trading.exchange.sim.auth import Authenticator
from trading.exchange.sim.faults import FaultError, Faults
from trading.exchange.sim.pricepath import SUBSTEPS
from trading.exchange.sim.rest import Rest
from trading.exchange.sim.venue import SimSettings, Venue
from trading.exchange.sim.ws import Hub

logger = logging.getLogger(__name__)
HEARTBEAT_S = 1.0
MIN_TICK_S, MAX_TICK_S = 0.1, 0.25
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def tick_seconds(bar_seconds: float) -> float:
    return min(MAX_TICK_S, max(MIN_TICK_S, bar_seconds / SUBSTEPS))


class SimServer:
    def __init__(self, settings: SimSettings, key: str, secret: str,
                 host: str = "127.0.0.1", port: int = 8765) -> None:
        self.host, self.port = host, port
        self.venue = Venue(settings, time.monotonic(), time.time())
        self.faults = Faults()
        self.hub = Hub(self.venue, self.faults)
        self.rest = Rest(self.venue, Authenticator(key, secret), self.faults)
        self.tick_s = tick_seconds(settings.bar_seconds)
        self.app = web.Application(middlewares=[self._delay])
        self.app.add_routes(self.rest.routes() + [
            web.get("/v2", self.hub.handle),
            web.get("/_sim/state", self.handle_state),
            web.post("/_sim/fault", self.handle_fault)])
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # -- HTTP ---------------------------------------------------------------------------------
    @web.middleware
    async def _delay(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.faults.delay_ms and request.path.startswith("/0/"):
            await asyncio.sleep(self.faults.delay_ms / 1000)
        return await handler(request)

    async def handle_state(self, _request: web.Request) -> web.Response:
        state = self.venue.state() | {"faults": self.faults.describe()}
        return web.Response(body=orjson.dumps(state), content_type="application/json")

    async def handle_fault(self, request: web.Request) -> web.Response:
        try:
            body = orjson.loads(await request.read())
            drop_ws = self.faults.apply(body, list(self.venue.pairs.pairs))
        except (orjson.JSONDecodeError, FaultError) as err:
            msg = str(err) if isinstance(err, FaultError) else f"body is not JSON: {err}"
            return web.Response(body=orjson.dumps({"ok": False, "error": msg}), status=400,
                                content_type="application/json")
        logger.info("fault applied: %s", body, extra={"fields": {"fault": body}})
        for pair, regime in self.faults.take_regimes().items():
            self.venue.market.force_regime(pair, regime)
        for text in self.faults.take_raw():
            for conn in list(self.hub.conns):
                self.hub.send(conn, text)
        dropped = await self.hub.drop_all() if drop_ws else 0
        return web.Response(body=orjson.dumps({"ok": True, "applied": sorted(body),
                                               "ws_dropped": dropped}),
                            content_type="application/json")

    # -- the market clock -------------------------------------------------------------------
    def step(self, now: float) -> None:
        """Advance to real monotonic time ``now`` and broadcast what changed."""
        changes = self.venue.tick(now)
        self.hub.publish_ohlc(changes)
        self.hub.publish_books(self.venue.step_books(self.hub.watched_books()))

    async def _clock(self) -> None:
        next_beat = time.monotonic() + HEARTBEAT_S
        while True:
            now = time.monotonic()
            try:
                self.step(now)
                if now >= next_beat:
                    self.hub.heartbeat()
                    next_beat = now + HEARTBEAT_S
            except Exception:  # keep the market running; the error is in the log
                logger.exception("market step failed")
            await asyncio.sleep(self.tick_s)

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        """Bind and start serving; raises ``OSError`` if the port is taken."""
        self.app.on_shutdown.append(lambda _app: self.hub.drop_all())
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            raise
        self._tasks.append(asyncio.create_task(self._clock()))
        logger.info("Kraken emulator on http://%s:%d (REST /0/..., WS /v2), %d pairs, "
                    "%.3g s per bar", self.host, self.port, len(self.venue.pairs),
                    self.venue.settings.bar_seconds)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        logger.info("Kraken emulator stopped")
