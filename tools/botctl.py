"""Operator commands behind ``make run | stop | status | logs``.

Each command addresses one instance, chosen by ``BOT_HOME`` (and configured
by ``BOT_CONFIG`` / ``BOT__SECTION__KEY``), so several instances run side by
side. ``run`` validates the config before anything starts (exit 2 with one
line on a bad value), treats a pid file or socket left by a crash as stale,
starts supervisord daemonized and waits until every autostart program is
RUNNING; if one does not come up it prints that program's log tail, stops the
instance and exits 1. ``stop`` shuts supervisord down, waits until it has
exited, then removes this instance's shared memory and sockets.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from config import REPO_ROOT, Config, ConfigError, Paths, load_config
from shared.shm import remove_namespace
from tools import launch
from tools.supervisor_client import Supervisor, pid_alive

CONF = REPO_ROOT / "supervisord.conf"
STOP_TIMEOUT_S = 90.0


def _instance() -> tuple[Config, Paths, Supervisor]:
    cfg = load_config()
    paths = Paths.from_env()
    paths.check()
    return cfg, paths, Supervisor(paths.supervisor_socket, paths.supervisor_pidfile)


def cmd_run(_: argparse.Namespace) -> int:
    cfg, paths, sup = _instance()
    if sup.is_running():
        print(f"already running (BOT_HOME={paths.home})")
        launch.print_programs(sup)
        return 0
    paths.prepare()
    for stale in sup.clear_stale():
        print(f"removed stale {stale}")
    launch.check_ports(cfg, launch.configured_programs(CONF))
    launch.start_supervisord(CONF, cfg, paths)
    failure = launch.wait_until_up(sup, cfg.runtime.start_timeout_seconds)
    if failure:
        print(failure, file=sys.stderr)
        _shutdown(sup, paths, cfg)
        return 1
    print(f"bot is running (BOT_HOME={paths.home}, namespace {cfg.runtime.namespace}, "
          f"{cfg.app.mode} mode, market {cfg.market.source})")
    launch.print_programs(sup)
    print(launch.dashboard_line(cfg, paths, sup))
    print("status: make status   logs: make logs   stop: make stop"
          "   (with the same BOT_HOME / BOT__ variables)")
    return 0


def cmd_foreground(_: argparse.Namespace) -> int:
    """Validate, prepare, then become supervisord in the foreground (a container's CMD)."""
    cfg, paths, sup = _instance()
    paths.prepare()
    sup.clear_stale()
    env = launch.supervisor_env(cfg, paths)
    os.execve(sys.executable, [sys.executable, "-m", "supervisor.supervisord", "-n",
                               "-c", str(CONF)], env)


def cmd_stop(_: argparse.Namespace) -> int:
    cfg, paths, sup = _instance()
    if sup.is_running():
        _shutdown(sup, paths, cfg)
        print(f"stopped (BOT_HOME={paths.home})")
    else:
        _cleanup(paths, cfg)
        print(f"not running (BOT_HOME={paths.home}); cleaned up leftovers")
    return 0


def _shutdown(sup: Supervisor, paths: Paths, cfg: Config) -> None:
    pid = sup.pid()
    sup.shutdown()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while pid is not None and pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid is not None and pid_alive(pid):
        print(f"supervisord (pid {pid}) still running after {STOP_TIMEOUT_S:.0f} s",
              file=sys.stderr)
        return
    _cleanup(paths, cfg)


def _cleanup(paths: Paths, cfg: Config) -> None:
    """Remove this instance's shared memory, sockets and stale pid file."""
    for name in remove_namespace(cfg.runtime.namespace):
        print(f"removed shared memory {name}")
    if paths.run.is_dir():
        for sock in paths.run.glob("*.sock"):
            if sock.is_socket():
                sock.unlink(missing_ok=True)
    paths.supervisor_pidfile.unlink(missing_ok=True)


def cmd_status(_: argparse.Namespace) -> int:
    _, paths, sup = _instance()
    if not sup.is_running():
        print(f"not running (BOT_HOME={paths.home})")
        return 3
    subprocess.call([sys.executable, "-m", "supervisor.supervisorctl", "-c", str(CONF),
                     "-s", f"unix://{paths.supervisor_socket}", "status"], cwd=REPO_ROOT)
    # supervisorctl exits non-zero for any program not RUNNING, even an expected EXITED one
    return 0 if launch.all_up(sup) else 3


def cmd_logs(args: argparse.Namespace) -> int:
    _, paths, _ = _instance()
    files = sorted(paths.logs.glob("*.log")) if paths.logs.is_dir() else []
    if not files:
        print(f"no logs yet in {paths.logs}")
        return 0
    follow = ["-F"] if args.follow else []
    tail = ["tail", "-n", str(args.lines), *follow, *(str(f) for f in files)]
    try:
        return subprocess.call(tail)
    except KeyboardInterrupt:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="botctl", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run").set_defaults(fn=cmd_run)
    sub.add_parser("foreground").set_defaults(fn=cmd_foreground)
    sub.add_parser("stop").set_defaults(fn=cmd_stop)
    sub.add_parser("status").set_defaults(fn=cmd_status)
    logs = sub.add_parser("logs")
    logs.add_argument("-n", "--lines", type=int, default=40)
    logs.add_argument("-f", "--follow", action="store_true")
    logs.set_defaults(fn=cmd_logs)
    args = parser.parse_args(argv)
    try:
        return args.fn(args)
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 2
    except launch.LaunchError as err:
        print(err, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
