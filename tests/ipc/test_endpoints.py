"""Endpoints and the safe bind helper."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest
import zmq

from ipc.bus import BusError, run_proxy
from ipc.endpoints import SERVICES, EndpointError, Endpoints, bind


def test_for_run_dir(tmp_path: Path) -> None:
    ep = Endpoints.for_run_dir(Path("/var/bot/run"))
    assert ep.bus_in == "ipc:///var/bot/run/bus-in.sock"
    assert ep.bus_out == "ipc:///var/bot/run/bus-out.sock"
    assert ep.command("executor") == "ipc:///var/bot/run/cmd-executor.sock"
    assert ep("scanner-1") == "ipc:///var/bot/run/cmd-scanner-1.sock"
    with pytest.raises(ValueError, match="too long for unix sockets"):
        Endpoints.for_run_dir("/" + "x" * 100)


def test_for_tcp() -> None:
    ep = Endpoints.for_tcp("127.0.0.1", 7100)
    assert (ep.bus_in, ep.bus_out) == ("tcp://127.0.0.1:7100", "tcp://127.0.0.1:7101")
    assert ep.command("executor") == "tcp://127.0.0.1:7102"
    assert ep.command(SERVICES[-1]) == f"tcp://127.0.0.1:{7102 + len(SERVICES) - 1}"
    with pytest.raises(ValueError, match="no tcp port for service 'nope'"):
        ep.command("nope")
    with pytest.raises(ValueError, match="base port"):
        Endpoints.for_tcp("h", 65535)


def test_bind_creates_private_dir(run_dir: Path) -> None:
    ctx = zmq.Context()
    sock = ctx.socket(zmq.REP)
    try:
        bind(sock, f"ipc://{run_dir}/sub/cmd-x.sock")
        assert (run_dir / "sub" / "cmd-x.sock").exists()
        assert (run_dir / "sub").stat().st_mode & 0o777 == 0o700
    finally:
        sock.close(0)
        ctx.term()


def test_bind_errors_name_the_endpoint(run_dir: Path) -> None:
    (run_dir / "file").write_text("")
    ctx = zmq.Context()
    a, b = ctx.socket(zmq.REP), ctx.socket(zmq.REP)
    try:
        bad_dir = f"ipc://{run_dir}/file/x.sock"
        with pytest.raises(EndpointError, match=f"cannot bind {bad_dir}: cannot create dir"):
            bind(a, bad_dir)
        long_path = f"ipc://{run_dir}/{'y' * 120}.sock"
        with pytest.raises(EndpointError, match=r"ipc path is \d+ bytes, max 107"):
            bind(a, long_path)
        live = f"ipc://{run_dir}/live.sock"
        bind(a, live)
        with pytest.raises(EndpointError, match=f"cannot bind {live}: address already in use"):
            bind(b, live)  # libzmq alone would silently steal the live socket
        with pytest.raises(EndpointError, match="cannot bind foo://x"):
            bind(b, "foo://x")
    finally:
        a.close(0)
        b.close(0)
        ctx.term()


def test_stale_ipc_file_is_replaced(run_dir: Path) -> None:
    # A SIGKILLed owner leaves its socket file behind with nobody listening on it.
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(run_dir / "stale.sock"))
    stale.close()
    assert (run_dir / "stale.sock").exists()
    ctx = zmq.Context()
    sock = ctx.socket(zmq.REP)
    try:
        bind(sock, f"ipc://{run_dir}/stale.sock")
    finally:
        sock.close(0)
        ctx.term()


def test_proxy_bus_error_in_use() -> None:
    ctx = zmq.Context()
    holder = ctx.socket(zmq.PUB)
    port = holder.bind_to_random_port("tcp://127.0.0.1")
    try:
        with pytest.raises(BusError, match=f"bus in .XSUB.: cannot bind tcp://127.0.0.1:{port}: "
                                           "address already in use"):
            run_proxy(f"tcp://127.0.0.1:{port}", "tcp://127.0.0.1:0", ctx=ctx)
    finally:
        holder.close(0)
        ctx.term()
