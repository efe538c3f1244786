"""Test helper process: a command server with a few test handlers.

usage: helper_command_server.py ENDPOINT SERVICE
Handlers: ``echo`` (returns args), ``boom`` (raises), ``sleep`` (touches ``marker`` if given, sleeps
``seconds``, then returns them), ``count`` (increments and returns a counter, after sleeping
``seconds`` if given), ``status`` (a fixed dict), and ``pause``/``resume``/``close_all``/
``kill`` (return ``{"cmd": name, **args}`` so tests can see what the facade sent).
"""
from __future__ import annotations

import functools
import signal
import sys
import time
from pathlib import Path
from typing import Any

from ipc.command import CommandServer, Handler

calls = 0


def count(args: dict[str, Any]) -> int:
    global calls
    time.sleep(float(args.get("seconds", 0)))  # simulates a slow handler
    calls += 1
    return calls


def boom(args: dict[str, Any]) -> None:
    raise RuntimeError("kaboom\nsecond line")


def sleep(args: dict[str, Any]) -> float:
    if args.get("marker"):
        Path(args["marker"]).touch()  # tells the test the handler has started
    time.sleep(float(args["seconds"]))  # simulates a hung handler
    return float(args["seconds"])


def control(name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"cmd": name, **args}


def main() -> None:
    endpoint, service = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    handlers: dict[str, Handler] = {
        "echo": lambda args: args, "boom": boom, "sleep": sleep, "count": count,
        "status": lambda args: {"paused": False, "positions": 0},
    }
    for name in ("pause", "resume", "close_all", "kill"):
        handlers[name] = functools.partial(control, name)
    server = CommandServer(endpoint, service, handlers)
    try:
        while True:
            server.poll(1.0)
    finally:
        server.close()


if __name__ == "__main__":
    main()
