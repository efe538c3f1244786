"""The steps of ``make run``: port checks, starting supervisord, waiting for programs.

A program counts as up when it is RUNNING, or when it exited with an expected
code on purpose (e.g. ``telegram`` exits 0 when not configured). FATAL means
supervisord gave up: ``wait_until_up`` stops waiting at once and returns the
program's log tail. BACKOFF is waited out until the deadline, since
supervisord may still bring the program up.
"""
from __future__ import annotations

import configparser
import errno
import os
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from config import Config, ConfigError, Paths
from tools.supervisor_client import Supervisor
from web.token import TokenError, ensure_token

TAIL_LINES = 20
POLL_S = 0.2


class LaunchError(RuntimeError):
    """supervisord could not be started; the text is for the user."""


def _bus_ports(cfg: Config) -> list[tuple[str, int]]:
    if cfg.runtime.bus_transport != "tcp":
        return []
    port = cfg.runtime.bus_tcp_port
    return [("runtime.bus_tcp_port", port), ("runtime.bus_tcp_port + 1", port + 1)]


#: TCP ports each program binds, by program name; a program's issue adds its line.
PROGRAM_PORTS: dict[str, Callable[[Config], list[tuple[str, int]]]] = {
    "bus": _bus_ports,
    "web": lambda cfg: [("web.port", cfg.web.port)],
    "exchange-sim": lambda cfg: [("sim.port", cfg.sim.port)] if cfg.market.source == "sim" else [],
}


def configured_programs(conf: Path) -> list[str]:
    parser = configparser.RawConfigParser()
    parser.read(conf)
    return [s.split(":", 1)[1] for s in parser.sections()
            if s.startswith(("program:", "eventlistener:"))]


def check_ports(cfg: Config, programs: list[str]) -> None:
    """Raise :class:`ConfigError` naming the key if a port we need is taken."""
    for program in programs:
        for key, port in PROGRAM_PORTS.get(program, lambda _: [])(cfg):
            host = cfg.web.host if key == "web.port" else "127.0.0.1"
            if _in_use(host, port):
                raise ConfigError(f"{key} = {port}: {host}:{port} is already in use "
                                  f"(another instance or program?); choose a free port")


def _in_use(host: str, port: int) -> bool:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
        return False
    except OSError as err:
        return err.errno == errno.EADDRINUSE
    finally:
        probe.close()


def supervisor_env(cfg: Config, paths: Paths) -> dict[str, str]:
    """The environment supervisord.conf expands (and every program inherits)."""
    return dict(os.environ, BOT_HOME=str(paths.home), BOT_PYTHON=sys.executable,
                BOT_AUTOSTART_SIM="true" if cfg.market.source == "sim" else "false",
                BOT_SCANNERS=str(cfg.scanner.processes))


def prepare_token(cfg: Config, paths: Paths) -> None:
    """Create the dashboard token (unless ``web.token`` is set) before any program starts,
    so ``make run`` can print the dashboard link and the ``web`` program finds the same one."""
    try:
        ensure_token(paths, cfg)
    except (TokenError, OSError) as err:
        raise LaunchError(str(err)) from None


def start_supervisord(conf: Path, cfg: Config, paths: Paths) -> None:
    prepare_token(cfg, paths)
    proc = subprocess.run([sys.executable, "-m", "supervisor.supervisord", "-c", str(conf)],
                          env=supervisor_env(cfg, paths), cwd=conf.parent, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise LaunchError(f"supervisord did not start: {detail[-1] if detail else proc.returncode}")


def wait_until_up(sup: Supervisor, timeout_s: float) -> str | None:
    """None once every autostart program is up, else a failure report."""
    deadline = time.monotonic() + timeout_s
    while not sup.is_running():
        if time.monotonic() > deadline:
            return "supervisord did not answer on its socket"
        time.sleep(POLL_S)
    configs = {c["name"]: c for c in sup.configs() if c.get("autostart")}
    while True:
        infos = {p["name"]: p for p in sup.processes() if p["name"] in configs}
        pending = [p for p in infos.values() if not _up(p, configs[p["name"]])]
        fatal = [p for p in pending if p["statename"] == "FATAL"]
        if fatal or (pending and time.monotonic() > deadline):
            return _report((fatal or pending)[0], configs, timeout_s)
        if not pending and len(infos) == len(configs):
            return None
        time.sleep(POLL_S)


def all_up(sup: Supervisor) -> bool:
    """Every autostart program is RUNNING, or EXITED with an expected code (e.g. telegram
    when it is not configured)."""
    configs = {c["name"]: c for c in sup.configs() if c.get("autostart")}
    infos = {p["name"]: p for p in sup.processes() if p["name"] in configs}
    return len(infos) == len(configs) and all(_up(p, configs[n]) for n, p in infos.items())


def _up(info: dict[str, Any], cfg: dict[str, Any]) -> bool:
    if info["statename"] == "RUNNING":
        return True
    return info["statename"] == "EXITED" and info["exitstatus"] in cfg.get("exitcodes", [0])


def _report(info: dict[str, Any], configs: dict[str, dict[str, Any]], timeout_s: float) -> str:
    name = info["name"]
    conf = configs[name]
    logs = [conf.get(k) for k in ("stderr_logfile", "stdout_logfile")]
    log = next((f for f in logs if f and f.lower() not in ("none", "auto")), "")
    lines = [f"program {info['group']}:{name} did not come up within {timeout_s:.0f} s: "
             f"{info['statename']} {info.get('description', '')}".rstrip()]
    lines += [f"--- last lines of {log} ---", *tail(Path(log))] if log else []
    return "\n".join(lines)


def tail(path: Path, n: int = TAIL_LINES) -> list[str]:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return [line.rstrip("\n") for line in deque(fh, maxlen=n)]
    except OSError:
        return [f"(no log at {path})"]


def print_programs(sup: Supervisor) -> None:
    for p in sup.processes():
        label = p["name"] if p["group"] == p["name"] else f"{p['group']}:{p['name']}"
        print(f"  {label:<24} {p['statename']:<9} {p['description']}")


def dashboard_line(cfg: Config, paths: Paths, sup: Supervisor) -> str:
    if not any(p["name"] == "web" for p in sup.processes()):
        return "dashboard: not part of this build yet"
    try:
        token = ensure_token(paths, cfg)
    except (TokenError, OSError):
        token = ""
    suffix = f"/#token={token}" if token else "/"
    return f"dashboard: http://{cfg.web.host}:{cfg.web.port}{suffix}"
