"""A small client for one instance's supervisord, over its unix socket.

Talks XML-RPC through supervisor's own transport, so it sees exactly what
``supervisorctl`` sees. Every call returns or raises within a few seconds; a
missing or dead socket means "not running", never a hang.
"""
from __future__ import annotations

import os
import socket
import xmlrpc.client
from pathlib import Path
from typing import Any

from supervisor.xmlrpc import SupervisorTransport

RUNNING = "RUNNING"
GAVE_UP = ("FATAL",)
CONNECT_TIMEOUT_S = 3.0


class Supervisor:
    def __init__(self, socket_path: Path, pidfile: Path) -> None:
        self.socket_path = socket_path
        self.pidfile = pidfile

    def _proxy(self) -> Any:
        transport = SupervisorTransport(None, None, f"unix://{self.socket_path}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)

    def is_running(self) -> bool:
        """True when supervisord answers on this instance's socket."""
        if not self.socket_path.exists() or not self._socket_answers():
            return False
        try:
            return self._proxy().supervisor.getState()["statename"] == RUNNING
        except (OSError, xmlrpc.client.Error):
            return False

    def _socket_answers(self) -> bool:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.settimeout(CONNECT_TIMEOUT_S)
        try:
            probe.connect(str(self.socket_path))
            return True
        except OSError:
            return False
        finally:
            probe.close()

    def processes(self) -> list[dict[str, Any]]:
        return self._proxy().supervisor.getAllProcessInfo()

    def configs(self) -> list[dict[str, Any]]:
        return self._proxy().supervisor.getAllConfigInfo()

    def stop(self, name: str) -> None:
        """Stop one program (``name`` as supervisorctl shows it inside the group, e.g. scorer)."""
        self._proxy().supervisor.stopProcess(f"bot:{name}")

    def start(self, name: str) -> None:
        self._proxy().supervisor.startProcess(f"bot:{name}")

    def shutdown(self) -> None:
        self._proxy().supervisor.shutdown()

    def pid(self) -> int | None:
        """supervisord's pid from its pid file, or None."""
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def clear_stale(self) -> list[str]:
        """Remove a pid file / socket left by a crash or reboot; return what was removed."""
        removed = []
        pid = self.pid()
        if self.pidfile.exists() and (pid is None or not is_supervisord(pid)):
            self.pidfile.unlink(missing_ok=True)
            removed.append(str(self.pidfile))
        if self.socket_path.exists() and not self._socket_answers():
            self.socket_path.unlink(missing_ok=True)
            removed.append(str(self.socket_path))
        return removed


def pid_alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def is_supervisord(pid: int) -> bool:
    """True if ``pid`` is a live supervisord (a reused pid is not)."""
    if not pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"supervisord" in cmdline and pid != os.getpid()
