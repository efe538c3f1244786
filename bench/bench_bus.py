"""Event bus latency: one-way publisher process -> proxy process -> subscriber (this process).

Every measurement runs the real pieces as separate processes: ``python -m ipc.bus`` (the
XSUB/XPUB proxy) on ipc sockets in a temp dir, and a sender process started from this
module (``python -m bench.bench_bus send ...``). The sender stamps ``time.monotonic_ns()``
(CLOCK_MONOTONIC, shared by all processes on Linux) before it builds a message; the
receiver subtracts it once the message is decoded. Sends are paced ~2 ms apart, so each
sample includes the thread wake-ups of an idle pipeline (see notes/latency-floor.md);
the first ``WARMUP`` messages (which also cover the slow-joiner window) are discarded.

- ``event``: ``Publisher.publish`` of a small bar event, ``Subscriber.recv`` (orjson).
- ``raw``: a (500, 6) float64 array as ``[topic, header_json, buffer]`` sent with
  ``copy=False`` and rebuilt with ``np.frombuffer`` (the pyzmq example pattern).
- ``pickle``: the same array as ``pickle.dumps(protocol=5)`` in one frame. Only for
  comparison: the bot never unpickles anything it receives.
"""
from __future__ import annotations

import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import zmq

from bench.common import Row, percentile
from ipc.bus import Publisher, Subscriber
from ipc.endpoints import Endpoints

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
WARMUP = 200
PACE_S = 0.002
SHAPE = (500, 6)
KINDS = ("event", "raw", "pickle")


def _python(*args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, *args], cwd=REPO, env=env)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=2)


@contextmanager
def _bus() -> Iterator[Endpoints]:
    """A proxy process on ipc sockets in a fresh temp dir; stopped and removed after."""
    run_dir = Path(tempfile.mkdtemp(prefix="bb", dir="/tmp"))
    ep = Endpoints.for_run_dir(run_dir)
    proc = _python("-m", "ipc.bus", ep.bus_in, ep.bus_out)
    try:
        deadline = time.monotonic() + 10
        while not (run_dir / "bus-out.sock").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("bus proxy did not start")
            time.sleep(0.01)
        yield ep
    finally:
        _stop(proc)
        shutil.rmtree(run_dir, ignore_errors=True)


class _Receiver:
    """The measuring end: a Subscriber for events, a raw SUB socket for arrays."""

    def __init__(self, bus_out: str, kind: str) -> None:
        self.kind = kind
        self._ctx: zmq.Context[Any] = zmq.Context()
        self._sub = Subscriber(bus_out, ["bar."], ctx=self._ctx) if kind == "event" else None
        self._raw: zmq.Socket[Any] = self._ctx.socket(zmq.SUB)
        self._raw.setsockopt(zmq.RCVHWM, 10_000)
        if self._sub is None:
            self._raw.setsockopt(zmq.SUBSCRIBE, b"arr")
            self._raw.connect(bus_out)

    def recv(self) -> tuple[int, int, int] | None:
        """``(seq, t_sent_ns, t_received_ns)`` of the next message, or None after 0.5 s."""
        if self._sub is not None:
            ev = self._sub.recv(timeout_s=0.5)
            return None if ev is None else (ev.data["seq"], ev.data["t"], time.monotonic_ns())
        if not self._raw.poll(500):
            return None
        frames = self._raw.recv_multipart(copy=False)
        head = orjson.loads(frames[1].bytes)
        if self.kind == "raw":
            arr = np.frombuffer(frames[2].buffer, dtype=head["dtype"]).reshape(head["shape"])
        else:
            arr = pickle.loads(frames[2].buffer)  # trusted: our own sender, benchmark only
        t_recv = time.monotonic_ns()
        assert arr.shape == SHAPE
        return head["seq"], head["t"], t_recv

    def close(self) -> None:
        if self._sub is not None:
            self._sub.close()
        self._raw.close(linger=0)
        self._ctx.term()


def _samples(ep: Endpoints, kind: str, reps: int) -> list[float]:
    """One-way latencies in µs of ``reps`` messages of ``kind`` through the bus."""
    total = WARMUP + reps
    receiver = _Receiver(ep.bus_out, kind)
    sender = _python("-m", "bench.bench_bus", "send", kind, ep.bus_in, str(total))
    out: list[float] = []
    try:
        while (got := receiver.recv()) is not None or sender.poll() is None:
            if got is None:
                continue
            seq, t_sent, t_recv = got
            if seq >= WARMUP:
                out.append((t_recv - t_sent) / 1000.0)
            if seq == total - 1:
                break
    finally:
        _stop(sender)
        receiver.close()
    if not out:
        raise RuntimeError(f"bench_bus {kind}: no samples received (sender rc={sender.returncode})")
    if len(out) < reps:
        logger.warning("bench_bus %s: received %d of %d samples", kind, len(out), reps)
    return out


def _send(kind: str, bus_in: str, total: int) -> None:
    """Sender process: ``total`` messages of ``kind``, ~PACE_S apart."""
    arr = np.random.default_rng(0).random(SHAPE)
    ctx = zmq.Context()
    pub = Publisher(bus_in, "bench", ctx=ctx) if kind == "event" else None
    sock = ctx.socket(zmq.PUB)
    sock.setsockopt(zmq.SNDHWM, 10_000)
    if pub is None:
        sock.connect(bus_in)
    for seq in range(total):
        t = time.monotonic_ns()
        if pub is not None:
            pub.publish("bar", "BTC/USD", seq=seq, t=t, c=101.25, vol=3.5)
        elif kind == "raw":
            arr[seq % SHAPE[0], 4] = seq
            head = orjson.dumps({"seq": seq, "t": t, "dtype": str(arr.dtype), "shape": SHAPE})
            sock.send_multipart([b"arr", head, arr.data], copy=False)
        else:
            arr[seq % SHAPE[0], 4] = seq
            blob = pickle.dumps(arr, protocol=5)
            sock.send_multipart([b"arr", orjson.dumps({"seq": seq, "t": t}), blob])
        time.sleep(PACE_S)  # pacing: each message meets an idle pipeline
    if pub is not None:
        pub.close()
    sock.close(linger=1000)
    ctx.term()


def event_latency_samples(reps: int = 1000) -> list[float]:
    """One-way latencies in µs of small bar events through a fresh bus."""
    with _bus() as ep:
        return _samples(ep, "event", reps)


def array_transfer_samples(kind: str, reps: int) -> list[float]:
    """One-way latencies in µs of a (500, 6) float64 array: ``kind`` "raw" or "pickle"."""
    if kind not in ("raw", "pickle"):
        raise ValueError(f"kind must be 'raw' or 'pickle', got {kind!r}")
    with _bus() as ep:
        return _samples(ep, kind, reps)


def run() -> list[Row]:
    """Event latency through the proxy (array transfers: see ``bench_transport``)."""
    with _bus() as ep:
        ev = [s / 1000.0 for s in _samples(ep, "event", 1000)]
    note = f"PUB proc -> proxy proc -> SUB, ipc, orjson bar event, 2 ms pace, n={len(ev)}"
    return [Row("bus event one-way p50", percentile(ev, 50), "ms", note),
            Row("bus event one-way p99", percentile(ev, 99), "ms", note)]


def main(argv: list[str]) -> None:
    if argv[:1] == ["send"]:
        _send(argv[1], argv[2], int(argv[3]))
        return
    for row in run():
        print(f"{row.name:32} {row.value:10.3f} {row.unit:3} {row.note}")


if __name__ == "__main__":
    main(sys.argv[1:])
