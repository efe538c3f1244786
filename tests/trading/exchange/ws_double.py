"""A tiny Kraken WebSocket v2 test double on 127.0.0.1 (aiohttp in a background thread).

Each accepted connection runs ``script(conn_index, ws, double)``; every text frame the client
sends is recorded per connection, and ``ping`` is answered with a documented ``pong`` unless
``mute_pings`` holds that connection's index.
"""
from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSMsgType, web

Script = Callable[[int, web.WebSocketResponse, "WsDouble"], Awaitable[None]]


class WsDouble:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.received: list[list[dict[str, Any]]] = []
        self.mute_pings: set[int] = set()
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> WsDouble:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/v2", self._handler)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"ws://127.0.0.1:{port}/v2"

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        conn = len(self.received)
        self.received.append([])
        reader = asyncio.create_task(self._read(conn, ws))
        await self.script(conn, ws, self)
        if not ws.closed:
            await reader
        return ws

    async def _read(self, conn: int, ws: web.WebSocketResponse) -> None:
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            msg = json.loads(frame.data)
            self.received[conn].append(msg)
            if msg.get("method") == "ping" and conn not in self.mute_pings:
                await ws.send_str(json.dumps({
                    "method": "pong", "req_id": msg.get("req_id"),
                    "time_in": "2023-09-24T14:10:23.799685Z",
                    "time_out": "2023-09-24T14:10:23.799703Z"}))

    async def wait_for(self, conn: int, count: int, timeout_s: float = 5.0) -> None:
        """Server side: wait (with a deadline) until the client sent ``count`` messages."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while len(self.received[conn]) < count:
            if loop.time() > deadline:
                raise TimeoutError(f"connection {conn}: {len(self.received[conn])} < {count}")
            await asyncio.sleep(0.01)
