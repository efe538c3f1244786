"""Helpers for the shared-memory tests: self-checking bar/book values, polling, helper processes.

Values are derived from a counter so any snapshot can be checked on its own:
bar ``k`` is ``[60k, k, k+0.5, k-0.5, k+0.25, 2k]``; forming update ``m`` has all six fields
equal to ``m``; book update ``m`` has ``1 + m % depth`` levels per side with bid prices
``m, m-1, ...``, ask prices ``m+1, m+2, ...``, every qty ``m`` and ts ``m``.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from shared.books import Book
from tests.polling import poll

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PAIRS = ("AAA/USD", "BBB/USD")
PAIR = PAIRS[0]
DEPTH = 25

_BAR_A = np.array([0.0, 0.0, 0.5, -0.5, 0.25, 0.0])
_BAR_B = np.array([60.0, 1.0, 1.0, 1.0, 1.0, 2.0])

T = TypeVar("T")


def bar(k: int) -> np.ndarray:
    return _BAR_A + _BAR_B * k


def bars(k0: int, n: int) -> np.ndarray:
    return _BAR_A + _BAR_B * (k0 + np.arange(n, dtype=np.float64))[:, None]


def window_ok(rows: np.ndarray) -> bool:
    """Every row is a valid bar and the rows are consecutive bars."""
    if len(rows) == 0:
        return True
    return bool(np.array_equal(rows, bars(int(rows[0, 1]), len(rows))))


def forming_row(m: int) -> np.ndarray:
    return np.full(6, float(m))


def forming_ok(row: np.ndarray | None) -> bool:
    if row is None:
        return True
    a, b, c, d, e, f = row.tolist()
    return a == b == c == d == e == f


def book_for(m: int, depth: int = DEPTH) -> tuple[np.ndarray, np.ndarray, float]:
    k = 1 + m % depth
    i = np.arange(k, dtype=np.float64)
    bids = np.column_stack([m - i, np.full(k, float(m))])
    asks = np.column_stack([m + 1 + i, np.full(k, float(m))])
    return bids, asks, float(m)


def book_ok(book: Book | None, depth: int = DEPTH) -> bool:
    if book is None:
        return True
    bids, asks, ts = book_for(int(book.ts), depth)
    return bool(np.array_equal(book.bids, bids) and np.array_equal(book.asks, asks))


wait_for = poll


class Helper:
    """A helper script run as a real OS process, with line-oriented JSON on stdout."""

    def __init__(self, script: str, *args: str) -> None:
        self.name = f"{script} {' '.join(args)}"
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / script), *args],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=self._stderr, bufsize=0,
        )
        self._buf = b""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def readline(self, timeout: float) -> str:
        """Next stdout line; fails on timeout or if the process exits first."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{self.name}: no output within {timeout:.0f} s")
                if sel.select(left):
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        raise AssertionError(
                            f"{self.name} exited ({self.proc.wait()}) without output; "
                            f"stderr: {self.stderr()[-2000:]}"
                        )
                    self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode()

    def json(self, timeout: float) -> dict[str, Any]:
        return json.loads(self.readline(timeout))

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout)

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def stop(self) -> None:
        """Kill (by PID) if still running and release resources."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stderr.close()


#: the ``spawn`` fixture: ``spawn(script, *args) -> Helper``
Spawn = Callable[..., Helper]
