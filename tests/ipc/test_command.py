"""Command channel and facade against real server processes."""
from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest
import zmq

from ipc.codec import Reply
from ipc.command import CommandClient
from ipc.endpoints import Endpoints
from ipc.facade import Facade
from tests.ipc.support import Spawn, wait_until

Proc = subprocess.Popen[bytes]


@pytest.fixture
def server(spawn: Spawn, endpoints: Endpoints) -> Proc:
    proc = spawn("helper_command_server.py", endpoints.command("executor"), "executor")
    client = CommandClient(endpoints.command("executor"), "executor", src="test")
    wait_until(lambda: client.call("ping").ok, 10.0, "the command server")
    return proc


@pytest.fixture
def client(endpoints: Endpoints) -> CommandClient:
    return CommandClient(endpoints.command("executor"), "executor", src="test")


def timed(fn: object, *args: object, **kwargs: object) -> tuple[Reply, float]:
    t0 = time.monotonic()
    reply = fn(*args, **kwargs)  # type: ignore[operator]
    return reply, time.monotonic() - t0


def test_round_trip_and_errors(server: Proc, client: CommandClient) -> None:
    ping = client.call("ping")
    assert ping.ok and ping.result["pid"] == server.pid
    assert ping.result["service"] == "executor" and ping.result["uptime_s"] >= 0
    assert client.call("echo", pair="BTC/USD", n=2) == Reply(True, {"pair": "BTC/USD", "n": 2})
    assert client.call("nope") == Reply(ok=False, error="unknown command 'nope'")
    boom = client.call("boom")
    assert boom == Reply(ok=False, error="boom failed: RuntimeError: kaboom second line")
    assert client.call("ping").ok  # the server survived the handler's exception


def test_bad_request_is_answered(server: Proc, endpoints: Endpoints) -> None:
    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(endpoints.command("executor"))
    try:
        req.send(b"\x80 not json")
        assert req.poll(2000), "no reply to a malformed request"
        assert b"bad request: request is not JSON" in req.recv()
    finally:
        req.close(0)
        ctx.term()


def test_concurrent_calls_from_threads(server: Proc, client: CommandClient) -> None:
    replies: dict[int, Reply] = {}

    def worker(i: int) -> None:
        replies[i] = client.call("echo", i=i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert replies == {i: Reply(True, {"i": i}) for i in range(8)}


def test_no_server_is_unavailable_fast(client: CommandClient) -> None:
    reply, elapsed = timed(client.call, "status")
    assert reply == Reply(ok=False, error="executor unavailable")
    assert elapsed < 2.0


def test_hung_server_then_recovers(server: Proc, client: CommandClient,
                                   endpoints: Endpoints, run_dir: Path) -> None:
    other: list[tuple[Reply, float]] = []
    other_client = CommandClient(endpoints.command("executor"), "executor", src="other")
    marker = run_dir / "hung"
    hung = threading.Thread(target=lambda: other.append(
        timed(other_client.call, "sleep", seconds=3.0, marker=str(marker))))
    hung.start()
    wait_until(marker.exists, 5.0, "the handler to hang")
    reply, elapsed = timed(client.call, "count")  # queued behind the hung handler
    hung.join(timeout=5)
    assert reply == Reply(ok=False, error="executor unavailable") and elapsed < 2.0
    assert other and other[0][0].ok is False and other[0][1] < 2.0
    wait_until(lambda: client.call("ping").ok, 5.0, "the server to recover")
    # The "count" the caller was told failed expired in the queue and was never run.
    assert client.call("count") == Reply(ok=True, result=1)


def test_retry_runs_the_handler_once(server: Proc, client: CommandClient) -> None:
    # 1.0 s > timeout 0.8 s: the first attempt times out, the retry (same id) gets the
    # first attempt's reply from the server's cache instead of running "count" again.
    reply, elapsed = timed(client.call, "count", seconds=1.0)
    assert reply == Reply(ok=True, result=1) and 0.8 < elapsed < 2.0
    assert client.call("count") == Reply(ok=True, result=2)


def test_facade(server: Proc, endpoints: Endpoints) -> None:
    facade = Facade(endpoints, src="web")
    assert facade.ping("executor").result["pid"] == server.pid
    assert facade.status() == Reply(True, {"paused": False, "positions": 0})
    for method in (facade.pause, facade.resume, facade.close_all, facade.kill):
        reply = method("telegram", who="chat:42")
        assert reply.ok and reply.result == {
            "cmd": method.__name__, "source": "telegram", "who": "chat:42"}


def test_facade_without_executor(endpoints: Endpoints) -> None:
    facade = Facade(endpoints.command, src="cli")
    reply, elapsed = timed(facade.close_all, "cli", who="ops")
    assert reply == Reply(ok=False, error="executor unavailable")
    assert elapsed < 2.0
    assert Facade(Endpoints.for_tcp("127.0.0.1", 7100), src="cli").ping("nope").ok is False
