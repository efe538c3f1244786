"""``python -m tools.cmd <command>``: the operator's side of the command facade.

Sends ``ping``, ``status``, ``pause``, ``resume``, ``close_all`` or ``kill``
through :class:`ipc.facade.Facade`, the same path the dashboard and Telegram
use, to this instance (``BOT_HOME`` / ``BOT__...`` as for ``make``). Prints
the reply as JSON; exits 0 when the executor said yes, 1 when it refused or
was unavailable (that answer comes within 2 s, never a hang), 2 on bad config.
"""
from __future__ import annotations

import argparse
import getpass
import logging
import sys

import orjson

from config import ConfigError, Paths, load_config
from ipc.facade import Facade
from procs.runtime import endpoints_for

CONTROL = ("pause", "resume", "close_all", "kill")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cmd", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("ping", "status", *CONTROL))
    parser.add_argument("--service", default="executor", help="for ping: which process")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the reply says it all; no retry chatter
    try:
        cfg = load_config()
        paths = Paths.from_env()
        paths.check()
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 2
    facade = Facade(endpoints_for(cfg, paths), src="cli")
    if args.command == "ping":
        reply = facade.ping(args.service)
    elif args.command == "status":
        reply = facade.status()
    else:
        reply = getattr(facade, args.command)(source="cli", who=getpass.getuser())
    body = {"ok": True, "result": reply.result} if reply.ok else {"ok": False, "error": reply.error}
    print(orjson.dumps(body, option=orjson.OPT_INDENT_2, default=str).decode())
    return 0 if reply.ok else 1


if __name__ == "__main__":
    sys.exit(main())
