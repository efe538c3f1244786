"""Endpoint strings for the bus and the command channel, and binding them safely.

``Endpoints.for_run_dir(run_dir)`` gives ``ipc://`` sockets under one directory (the
default: ``${BOT_HOME}/run``); ``Endpoints.for_tcp(host, base_port)`` gives
``tcp://host:base`` (bus in), ``base+1`` (bus out) and ``base+2+i`` for the i-th entry of
``SERVICES`` (command channel).

Caveats:

- Unix socket paths are limited to 107 bytes; ``for_run_dir`` and ``bind`` refuse longer
  ones with a clear error instead of libzmq's.
- libzmq silently *replaces* an existing ipc socket file on bind, so a second bus would
  steal the first one's clients. ``bind`` therefore connects to an existing file first and
  refuses with "address in use" when something answers; a stale file left by a killed
  process (nothing answers) is replaced, which is what a restart needs.
- ``SERVICES`` is append-only: a port belongs to a service by its index. Processes that run
  several copies (scanner shards) need distinct names, which only exist for ipc.
"""
from __future__ import annotations

import errno
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq

logger = logging.getLogger(__name__)

SERVICES = ("executor", "scanner", "scorer", "feed", "web", "telegram", "trainer")
IPC_PATH_MAX = 107
_IPC = "ipc://"
_TCP = "tcp://"


class EndpointError(Exception):
    """An endpoint could not be bound. ``str(e)`` is one line naming the endpoint."""


@dataclass(frozen=True)
class Endpoints:
    """Where the bus and each service's command socket live.

    ``command_base`` is ``ipc://<run dir>`` or ``tcp://<host>:<base port>``.
    """

    bus_in: str
    bus_out: str
    command_base: str

    @classmethod
    def for_run_dir(cls, run_dir: Path | str) -> Endpoints:
        """ipc sockets ``bus-in.sock``, ``bus-out.sock`` and ``cmd-<service>.sock`` in run_dir."""
        run = Path(run_dir).absolute()
        longest = max(("bus-out", *(f"cmd-{s}" for s in SERVICES)), key=len)
        if len(f"{run}/{longest}.sock".encode()) > IPC_PATH_MAX:
            raise ValueError(
                f"run dir {str(run)!r} is too long for unix sockets "
                f"(socket paths must be <= {IPC_PATH_MAX} bytes)"
            )
        return cls(f"{_IPC}{run}/bus-in.sock", f"{_IPC}{run}/bus-out.sock", f"{_IPC}{run}")

    @classmethod
    def for_tcp(cls, host: str, base_port: int) -> Endpoints:
        """tcp ports base (bus in), base+1 (bus out), base+2+i (command of SERVICES[i])."""
        if not 1 <= base_port <= 65535 - 2 - len(SERVICES):
            raise ValueError(f"base port {base_port} leaves no room for the bus and services")
        return cls(
            f"{_TCP}{host}:{base_port}", f"{_TCP}{host}:{base_port + 1}",
            f"{_TCP}{host}:{base_port}",
        )

    def command(self, service: str) -> str:
        """The command endpoint of ``service``.

        :raises ValueError: for tcp, when ``service`` is not in ``SERVICES``
        """
        if self.command_base.startswith(_IPC):
            return f"{self.command_base}/cmd-{service}.sock"
        host, _, port = self.command_base[len(_TCP):].rpartition(":")
        if service not in SERVICES:
            raise ValueError(f"no tcp port for service {service!r}; known: {', '.join(SERVICES)}")
        return f"{_TCP}{host}:{int(port) + 2 + SERVICES.index(service)}"

    def __call__(self, service: str) -> str:
        return self.command(service)


def ipc_path(endpoint: str) -> str | None:
    """The filesystem path of an ``ipc://`` endpoint (None for other transports/abstract)."""
    if not endpoint.startswith(_IPC):
        return None
    path = endpoint[len(_IPC):]
    return None if path.startswith("@") else path


def _ipc_in_use(path: str) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(0.2)
    try:
        probe.connect(path)
    except OSError:
        return False  # refused / not a socket: stale or absent, safe to replace
    finally:
        probe.close()
    return True


def prepare_ipc(endpoint: str) -> None:
    """Check an ipc endpoint's path length and create its directory (mode 0700).

    :raises EndpointError: path too long, directory not creatable, or socket in use
    """
    path = ipc_path(endpoint)
    if path is None:
        return
    if len(path.encode()) > IPC_PATH_MAX:
        raise EndpointError(
            f"cannot bind {endpoint}: ipc path is {len(path.encode())} bytes, max {IPC_PATH_MAX}"
        )
    directory = os.path.dirname(path) or "."
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError as e:
        raise EndpointError(
            f"cannot bind {endpoint}: cannot create directory {directory!r}: {e.strerror}"
        ) from None
    if os.path.exists(path) and _ipc_in_use(path):
        raise EndpointError(f"cannot bind {endpoint}: address already in use")


def bind(sock: zmq.Socket[Any], endpoint: str, what: str = "socket",
         error: type[EndpointError] = EndpointError) -> None:
    """Bind ``sock`` to ``endpoint`` or raise ``error`` with one line naming the endpoint."""
    try:
        prepare_ipc(endpoint)
        sock.bind(endpoint)
    except EndpointError as e:
        raise error(f"{what}: {e}") from None
    except zmq.ZMQError as e:
        reason = "address already in use" if e.errno == errno.EADDRINUSE else e.strerror
        raise error(f"{what}: cannot bind {endpoint}: {reason}") from None
    logger.debug("%s bound on %s", what, endpoint)
