"""Crash points: fault injection for the crash tests; no-ops in production.

``BOT_TEST_CRASH_POINTS="after_record:0.2,after_send:0.1"`` makes the process SIGKILL itself
at a named point with that probability (each pass draws anew), exactly like ``kill -9`` at
the worst moment: after an order was recorded as pending but before it was sent, or after
the exchange executed it but before the outcome was recorded. Unset (always, outside the
tests) it costs one dict lookup.
"""
from __future__ import annotations

import os
import random
import signal

_POINTS: dict[str, float] = {}
for _item in filter(None, os.environ.get("BOT_TEST_CRASH_POINTS", "").split(",")):
    _name, _, _p = _item.partition(":")
    _POINTS[_name.strip()] = float(_p or 1.0)


def crash_point(name: str) -> None:
    p = _POINTS.get(name)
    if p is not None and random.random() < p:
        os.kill(os.getpid(), signal.SIGKILL)
