"""Strictly increasing, persisted nonces for Kraken private REST calls.

Semantics: each :meth:`NonceSource.next` returns ``max(now_in_microseconds, last + 1)`` and
writes it to ``path`` before returning (tmp file + fsync + ``os.replace`` + directory fsync), so
a nonce handed out is never handed out again, even after a crash, a restart or a clock step
backwards. An exclusive ``flock`` on ``path + ".lock"`` makes the read-increment-write atomic
across processes too; a thread lock covers threads.

Caveats:
- Kraken rejects any nonce <= the last one it accepted for the key (``EAPI:Invalid nonce``) and
  that can't be undone. Microseconds are larger than the milliseconds most tools use, so a key
  used before by such a tool keeps working; a key once used with *nanosecond* nonces does not.
- Requests signed in order can still *arrive* out of order if sent concurrently: one signer,
  one request at a time per key (the executor), or set a nonce window on the key.
- Costs one small fsync'd write per private call (fine at Kraken's rate limits).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["NonceSource"]

logger = logging.getLogger(__name__)


def _now_us() -> int:
    return time.time_ns() // 1000


class NonceSource:
    """Hands out strictly increasing integers, persisted in a small text file."""

    def __init__(self, path: str | os.PathLike[str], clock_us: Callable[[], int] = _now_us) -> None:
        self.path = Path(path)
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._clock_us = clock_us
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def next(self) -> int:
        """The next nonce; persisted before it is returned."""
        with self._lock, open(self._lock_path, "a+") as lock_file:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            try:
                nonce = max(self._clock_us(), self.last() + 1)
                self._write(nonce)
                return nonce
            finally:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)

    def last(self) -> int:
        """The last persisted nonce (0 if none)."""
        try:
            text = self.path.read_text().strip()
        except FileNotFoundError:
            return 0
        try:
            return int(text)
        except ValueError:
            # A torn or edited file must never let a nonce go backwards: refuse to guess.
            raise RuntimeError(f"nonce file {self.path} is corrupt ({text[:40]!r})") from None

    def _write(self, nonce: int) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, f"{nonce}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
