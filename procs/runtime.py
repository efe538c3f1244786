"""What every supervised process does first: config, logging, signals, bus, heartbeat.

``boot(name)`` loads and validates the config; a bad value prints one line
(``<name>: config error: web.port = ...``) and exits with code 2 before any
socket or segment is touched. It then switches logging to JSON lines, registers
the config's secrets for redaction, and turns SIGTERM/SIGINT into
``rt.stopping`` so loops can finish their work and exit 0 within
supervisord's ``stopwaitsecs``. ``rt.publisher`` / ``rt.heartbeat`` connect to
the bus lazily: a process that never publishes opens no socket.
"""
from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from types import FrameType
from typing import NoReturn

from config import SECRET_KEYS, Config, ConfigError, Paths, load_config
from ipc.bus import Publisher
from ipc.endpoints import Endpoints
from ipc.heartbeat import Heartbeat
from procs.logjson import add_secret, setup_logging

logger = logging.getLogger(__name__)


def endpoints_for(cfg: Config, paths: Paths) -> Endpoints:
    """This instance's ZeroMQ endpoints: unix sockets under run/, or loopback TCP."""
    if cfg.runtime.bus_transport == "tcp":
        return Endpoints.for_tcp("127.0.0.1", cfg.runtime.bus_tcp_port)
    return Endpoints.for_run_dir(paths.run)


@dataclass
class Runtime:
    name: str
    cfg: Config
    paths: Paths
    stopping: threading.Event = field(default_factory=threading.Event)
    #: What the heartbeat reports as this process's state (set before the first beat).
    state: Callable[[], str] | None = None

    @cached_property
    def endpoints(self) -> Endpoints:
        return endpoints_for(self.cfg, self.paths)

    @cached_property
    def publisher(self) -> Publisher:
        return Publisher(self.endpoints.bus_in, self.name)

    @cached_property
    def heartbeat(self) -> Heartbeat:
        return Heartbeat(self.publisher, self.cfg.runtime.heartbeat_seconds, self.state)

    def close(self) -> None:
        if "heartbeat" in self.__dict__:
            self.heartbeat.stop()
        if "publisher" in self.__dict__:
            self.publisher.close()


def fail(name: str, message: str, code: int = 2) -> NoReturn:
    """Print one line for the user (and supervisord's log) and exit."""
    print(f"{name}: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def boot(name: str, on_stop: Callable[[], None] | None = None) -> Runtime:
    try:
        cfg = load_config()
        paths = Paths.from_env()
        paths.check()
    except ConfigError as err:
        fail(name, str(err))
    setup_logging(name, cfg.app.log_level)
    for key in SECRET_KEYS:
        section, _, attr = key.partition(".")
        add_secret(getattr(getattr(cfg, section), attr))
    rt = Runtime(name=name, cfg=cfg, paths=paths)

    def _stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("stopping on %s", signal.Signals(signum).name)
        rt.stopping.set()
        if on_stop is not None:
            on_stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    return rt
