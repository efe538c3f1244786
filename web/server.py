"""Serving the app with gunicorn in-process: one worker, threads (``-k gthread``).

``serve(cfg)`` runs gunicorn's arbiter in this process (the supervised ``web`` program);
it forks one worker, which builds the app (and its threads, bus sockets and shared-memory
handles) after the fork. One worker because the live hub, the pollers and the caches are
per process, and one is plenty for a personal dashboard.

Semantics and caveats:

- SIGTERM to the arbiter: workers get SIGTERM; our hook stops the live hub first, so open
  WebSockets close at once instead of holding the worker for ``GRACEFUL_S``; the arbiter
  exits 0 well within supervisord's ``stopwaitsecs`` (10 s).
- If the arbiter is killed (``kill -9``), the worker gets SIGTERM from the kernel
  (``PR_SET_PDEATHSIG``) and exits within a second or so, releasing the port: the
  restarted arbiter retries binding (gunicorn retries 5 x 1 s) until it is free.
- gunicorn's own log lines go through the root logger (JSON lines, secrets redacted);
  there is no access log (the token never travels in a URL anyway).
- ``THREADS`` bounds concurrent requests *including* open WebSockets (each holds a thread).
- The worker runs at ``nice`` +``WORKER_NICE``: when the CPU is short (a flood of events to
  many browsers), the scanners, scorer and executor go first and the dashboard lags (and
  resyncs) instead.
- Memory: the arbiter imports the app's *modules* (``factory`` is a ``"module:function"``
  path) but builds nothing; just before the fork ``gc.freeze()`` moves every object out of
  the collector's reach, so the worker shares those pages copy-on-write instead of copying
  them (measured: ~3 MB less PSS than importing only in the worker). glibc is limited to
  ``MALLOC_ARENAS`` malloc arenas (one per thread otherwise), inherited by the worker.
"""
from __future__ import annotations

import ctypes
import gc
import importlib
import logging
import os
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger

from config import Config

logger = logging.getLogger(__name__)

THREADS = 32
GRACEFUL_S = 5
#: The dashboard yields the CPU to the trading processes when they compete (2-4 cores).
WORKER_NICE = 10
PR_SET_PDEATHSIG = 1
M_ARENA_MAX = -8
MALLOC_ARENAS = 2


class RootLogger(GunicornLogger):
    """gunicorn's logger without its own handlers: records go to the root (JSON) logger."""

    def setup(self, cfg: Any) -> None:
        self.error_log.handlers.clear()
        self.error_log.propagate = True
        self.error_log.setLevel(logging.INFO)
        self.access_log.handlers.clear()
        self.access_log.propagate = False


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def limit_malloc_arenas() -> None:
    """At most ``MALLOC_ARENAS`` glibc malloc arenas from now on (no-op elsewhere)."""
    try:
        _libc().mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError) as err:
        logger.debug("mallopt not available: %s", err)


def trim_heap() -> None:
    """Give freed heap pages back to the OS (glibc ``malloc_trim``; no-op elsewhere).

    After a burst (a resync storm, many clients leaving) the heap keeps its high-water mark
    otherwise, and that is what PSS measures."""
    try:
        _libc().malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _die_with_parent() -> None:
    try:
        _libc().prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError) as err:  # not Linux: the worker notices within ~1 s
        logger.warning("cannot ask to die with the arbiter: %s", err)


def post_worker_init(worker: Any) -> None:
    """In the worker: lower priority, die with the arbiter, stop the live hub first on
    SIGTERM/SIGINT."""
    os.nice(WORKER_NICE)
    _die_with_parent()
    app = getattr(worker, "wsgi", None)
    ctx = getattr(app, "extensions", {}).get("bot")
    if ctx is None:
        return
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        previous = signal.getsignal(sig)

        def handler(signum: int, frame: FrameType | None,
                    previous: Callable[..., Any] | Any = previous) -> None:
            ctx.stopping.set()
            ctx.hub.stop(wait=False)
            if callable(previous):
                previous(signum, frame)
        signal.signal(sig, handler)


def worker_exit(_server: Any, worker: Any) -> None:
    ctx = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("bot")
    if ctx is not None:
        ctx.stop()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn with the options below; the worker builds the app by calling ``factory``
    (``"package.module:function"``), imported only there."""

    def __init__(self, factory: str, options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        module, _, name = self.factory.partition(":")
        fn: Callable[[], Any] = getattr(importlib.import_module(module), name)
        return fn()


def pre_fork(_server: Any, _worker: Any) -> None:
    """In the arbiter, just before the fork: freeze the heap for copy-on-write sharing."""
    gc.freeze()


def options(cfg: Config) -> dict[str, Any]:
    return {
        "bind": [f"{cfg.web.host}:{cfg.web.port}"],
        "workers": 1,
        "worker_class": "gthread",
        "threads": THREADS,
        "graceful_timeout": GRACEFUL_S,
        "timeout": 30,
        "keepalive": 5,
        "logger_class": RootLogger,
        "accesslog": None,
        "errorlog": "-",
        "proc_name": "bot-web",
        "pre_fork": pre_fork,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
        "preload_app": False,
        "control_socket_disable": True,  # gunicorn 25+ would create ~/.gunicorn/gunicorn.ctl
    }


def serve(cfg: Config, factory: str = "web.app:create_app") -> None:
    """Run gunicorn until SIGTERM (raises SystemExit with its exit status)."""
    limit_malloc_arenas()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no linear algebra here
    importlib.import_module(factory.partition(":")[0])  # modules only: shared after the fork
    Server(factory, options(cfg)).run()
