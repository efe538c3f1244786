"""Read-only handles on the other processes' data: the ledger and the shared-memory stores.

Both are opened lazily and re-tried, because the web program may start before the executor
has created ``bot.db`` or the feed has created the stores:

- :class:`LedgerAccess` opens ``bot.db`` with ``Ledger.open_readonly`` (SQLite ``mode=ro``:
  the web process can never write money state). A missing or not-yet-migrated ledger is
  "no data" (empty answers), not an error; an SQLite error in a query drops the handle so
  the next call re-opens it.
- :class:`Market` attaches ``BarStore``/``BookStore`` of the namespace; until they exist
  it answers None. Readers never take a lock the feed waits on (seqlock reads).

Attempts are rate-limited to one per ``retry_s`` so a missing source costs nothing per
request. Thread-safe; ``close()`` detaches everything (every attached process must).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from shared.bars import BarStore
from shared.books import BookStore
from shared.errors import StoreError
from trading.execution.ledger import Ledger, LedgerReader
from trading.execution.ledger_types import LedgerError

logger = logging.getLogger(__name__)

T = TypeVar("T")
H = TypeVar("H")
RETRY_S = 2.0


class _Lazy(Generic[H]):
    """A handle opened on first use, re-tried at most once per ``retry_s``."""

    def __init__(self, opener: Callable[[], H], what: str, retry_s: float) -> None:
        self._opener = opener
        self._what = what
        self._retry_s = retry_s
        self._lock = threading.Lock()
        self._handle: H | None = None
        self._next_try = 0.0
        self._last_error = ""

    def get(self) -> H | None:
        with self._lock:
            if self._handle is None and time.monotonic() >= self._next_try:
                self._next_try = time.monotonic() + self._retry_s
                try:
                    self._handle = self._opener()
                    logger.info("%s attached", self._what)
                except (LedgerError, StoreError, OSError, sqlite3.Error) as err:
                    if str(err) != self._last_error:
                        self._last_error = str(err)
                        logger.info("%s not available yet: %s", self._what, err)
            return self._handle

    def drop(self) -> None:
        with self._lock:
            handle, self._handle = self._handle, None
            self._next_try = 0.0
        if handle is not None:
            handle.close()  # type: ignore[attr-defined]


class LedgerAccess:
    """The ledger, read-only, or "no data" while it does not exist."""

    def __init__(self, path: Path, retry_s: float = RETRY_S) -> None:
        self.path = path
        self._lazy: _Lazy[LedgerReader] = _Lazy(
            lambda: Ledger.open_readonly(path), f"ledger {path}", retry_s)

    def query(self, fn: Callable[[LedgerReader], T], default: T) -> T:
        """``fn(reader)``, or ``default`` when there is no ledger (or the query failed)."""
        reader = self._lazy.get()
        if reader is None:
            return default
        try:
            return fn(reader)
        except sqlite3.Error as err:
            logger.warning("ledger query failed (%s); re-opening", err)
            self._lazy.drop()
            return default

    def close(self) -> None:
        self._lazy.drop()


class Market:
    """The feed's shared-memory bar and book stores, or None until they exist."""

    def __init__(self, namespace: str, retry_s: float = RETRY_S) -> None:
        self._bars: _Lazy[BarStore] = _Lazy(lambda: BarStore.attach(namespace),
                                            f"bar store {namespace}", retry_s)
        self._books: _Lazy[BookStore] = _Lazy(lambda: BookStore.attach(namespace),
                                              f"book store {namespace}", retry_s)

    def bars(self) -> BarStore | None:
        return self._bars.get()

    def books(self) -> BookStore | None:
        return self._books.get()

    def close(self) -> None:
        self._bars.drop()
        self._books.drop()
