"""Program ``exchange-sim``: the built-in Kraken emulator, when ``market.source`` is ``sim``.

Serves Kraken's REST API, WebSocket v2 (``/v2``) and the test hooks (``/_sim/state``,
``/_sim/fault``) on ``127.0.0.1:${sim.port}``, over a seeded simulated market for every
configured pair (see :mod:`trading.exchange.sim`). The API key and secret are created on
first start in ``${BOT_HOME}/sim-keys.json`` (mode 0600) and reused afterwards; the Kraken
broker signs with the same file.

Exit codes: 0 on SIGTERM/SIGINT (after closing every connection), and at once when
``market.source`` is not ``sim`` (supervisord, with ``exitcodes=0`` and
``autorestart=unexpected``, then leaves it stopped); 1 with one line when ``sim.port`` is in
use; 2 on a config error (from ``boot``).
"""
from __future__ import annotations

import asyncio
import errno
import logging
import signal
import sys

from procs.logjson import add_secret
from procs.runtime import Runtime, boot, fail
from trading.exchange.sim.keys import KEYS_FILE, load_or_create_keys

logger = logging.getLogger(__name__)
NAME = "exchange-sim"


async def serve(rt: Runtime, key: str, secret: str) -> None:
    """Run the emulator until SIGTERM/SIGINT; raises ``OSError`` if the port is taken."""
    from trading.exchange.sim.server import SimServer
    from trading.exchange.sim.venue import SimSettings

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda s=sig: _on_signal(rt, stop, s))
    if rt.stopping.is_set():  # a signal arrived before the loop took over
        stop.set()
    server = SimServer(SimSettings.from_config(rt.cfg), key, secret, "127.0.0.1",
                       rt.cfg.sim.port)
    await server.start()
    try:
        await stop.wait()
    finally:
        await server.stop()


def _on_signal(rt: Runtime, stop: asyncio.Event, sig: signal.Signals) -> None:
    logger.info("stopping on %s", sig.name)
    rt.stopping.set()
    stop.set()


def main() -> None:
    rt = boot(NAME)
    if rt.cfg.market.source != "sim":
        logger.info("market.source is %r, not 'sim': the emulator is not needed; exiting",
                    rt.cfg.market.source)
        sys.exit(0)
    rt.paths.home.mkdir(exist_ok=True)
    key, secret = load_or_create_keys(rt.paths.home / KEYS_FILE)
    add_secret(secret)
    rt.heartbeat.start_thread()
    try:
        asyncio.run(serve(rt, key, secret))
    except OSError as err:
        if err.errno != errno.EADDRINUSE:
            raise
        rt.close()
        fail(NAME, f"sim.port = {rt.cfg.sim.port}: 127.0.0.1:{rt.cfg.sim.port} is already "
                   "in use (another emulator or program?); choose another sim.port", code=1)
    finally:
        rt.close()


if __name__ == "__main__":
    main()
