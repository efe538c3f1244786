"""The SQLite ledger: the bot's money state (orders, fills, positions, trades, equity, daily P&L,
risk locks, command audit, small flags).

Semantics:
- One writer: :meth:`Ledger.open` (the executor). It holds an exclusive ``flock`` on
  ``<db>.writer.lock`` while open, so a second writer fails at once instead of interleaving.
  Every other process uses :meth:`Ledger.open_readonly` (``mode=ro`` URI), which works while
  the writer is live and refuses every write (``sqlite3.OperationalError``).
- WAL journal, ``synchronous=FULL``: a commit is fsync'd before the call returns, so anything
  the executor does *after* recording (sending an order, acknowledging a fill) survives a
  power cut too, not just a process crash. Costs one fsync per write; writes are rare.
  Keep ``bot.db``, ``bot.db-wal`` and ``bot.db-shm`` together when moving the file.
- Every writer method is ONE ``BEGIN IMMEDIATE`` transaction and is safe to replay: recording
  the same intent, order, fill, state, stop or snapshot twice changes nothing the second time.
  Bad input raises a one-line :class:`LedgerError` and leaves the ledger unchanged.
- Record before you act: ``record_intent`` -> ``record_order_pending`` -> send ->
  ``update_order``/``apply_fill``. After a crash, ``non_final_orders()`` lists what to
  reconcile with the exchange (by client order id) before taking new intents.
- Numbers and times: see :mod:`.ledger_types` (Decimal/TEXT money, float valuations,
  integer ms UTC timestamps) and :mod:`.ledger_math` (average-cost accounting, fees in P&L).
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from trading.execution import ledger_book, migrations
from trading.execution.ledger_read import LedgerReader
from trading.execution.ledger_types import (
    Fill,
    LedgerError,
    NewOrder,
    check_ts,
    dec_str,
    to_decimal,
)
from trading.execution.ledger_write import OrderWrites

__all__ = ["Ledger", "LedgerReader", "LedgerError", "NewOrder", "Fill"]

logger = logging.getLogger(__name__)

_SECRET_WORDS = ("secret", "token", "password", "passphrase", "api_key", "otp")


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _redact(args: dict[str, Any]) -> dict[str, Any]:
    return {k: "***" if any(w in k.lower() for w in _SECRET_WORDS) else v
            for k, v in args.items()}


def _finite(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LedgerError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _connect(target: str, uri: bool, busy_timeout_ms: int) -> sqlite3.Connection:
    conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False,
                           timeout=busy_timeout_ms / 1000)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return conn


def _check_version(conn: sqlite3.Connection, path: str) -> int:
    try:
        return migrations.check_version(conn, path)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise LedgerError(f"ledger {path} is not a usable SQLite database ({e})") from None
    except migrations.MigrationError:
        conn.close()
        raise


class Ledger(OrderWrites, LedgerReader):
    """The writer handle (also has every reader query). Create with :meth:`open`."""

    def __init__(self, conn: sqlite3.Connection, path: str, lock_fd: int,
                 clock: Callable[[], int]) -> None:
        super().__init__(conn, path)
        self._lock_fd = lock_fd
        self._clock = clock

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, busy_timeout_ms: int = 5000,
             clock: Callable[[], int] = _now_ms) -> Ledger:
        """Open (creating and migrating if needed) the ledger for writing."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        lock_fd = os.open(f"{p}.writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock_fd)
            raise LedgerError(f"ledger {p} is already open for writing by another "
                              "process") from None
        conn: sqlite3.Connection | None = None
        try:
            if not p.exists():
                os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            conn = _connect(str(p), False, busy_timeout_ms)
            _check_version(conn, str(p))  # before anything writes to the file
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise LedgerError(f"ledger {p}: could not enable WAL (journal mode {mode})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrations.migrate(conn)
        except BaseException:
            if conn is not None:
                conn.close()
            os.close(lock_fd)  # closing the descriptor releases the flock
            raise
        return cls(conn, str(p), lock_fd, clock)

    @staticmethod
    def open_readonly(path: str | os.PathLike[str], *,
                      busy_timeout_ms: int = 5000) -> LedgerReader:
        """Open an existing ledger read-only (safe while the writer is live)."""
        p = Path(path).resolve()
        if not p.is_file():
            raise LedgerError(f"ledger {p} does not exist (the executor creates it on start)")
        conn = _connect(f"file:{quote(str(p))}?mode=ro", True, busy_timeout_ms)
        version = _check_version(conn, str(p))
        if version < migrations.LATEST:
            conn.close()
            raise LedgerError(f"ledger {p} is at schema v{version}, this code reads "
                              f"v{migrations.LATEST}: start the executor to migrate it")
        conn.execute("PRAGMA query_only = ON")
        return LedgerReader(conn, str(p))

    def close(self) -> None:
        with self._lock:
            if self._lock_fd >= 0:
                self.conn.close()
                os.close(self._lock_fd)
                self._lock_fd = -1

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on any exception."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _ts(self, ts: int | None) -> int:
        return self._clock() if ts is None else int(ts)

    # --- fills, stops ---
    def apply_fill(self, fill: Fill) -> bool:
        """Book a fill and its effects atomically; ``False`` if this ``fill_id`` was booked."""
        if not fill.fill_id or not fill.pair or fill.side not in ("buy", "sell"):
            raise LedgerError(f"fill needs fill_id, pair and side buy/sell, got {fill!r}")
        check_ts(fill.ts, f"fill {fill.fill_id} ts")
        qty = to_decimal(fill.qty, f"fill {fill.fill_id} qty", positive=True)
        price = to_decimal(fill.price, f"fill {fill.fill_id} price", positive=True)
        fee = to_decimal(fill.fee, f"fill {fill.fill_id} fee", non_negative=True)
        cost = qty * price if fill.cost is None else \
            to_decimal(fill.cost, f"fill {fill.fill_id} cost", positive=True)
        with self._tx() as conn:
            return ledger_book.apply_fill(conn, fill, qty, price, fee, cost)

    def set_stop(self, pair: str, stop: Any, ts: int | None = None) -> bool:
        """Raise the open position's stop; ``False`` if unchanged. A lower stop is an error."""
        new = to_decimal(stop, f"stop for {pair}", positive=True)
        with self._tx() as conn:
            row = conn.execute("SELECT id, stop FROM positions WHERE pair = ? AND state = 'open'",
                               (pair,)).fetchone()
            if row is None:
                raise LedgerError(f"no open {pair} position to set a stop on")
            current = None if row["stop"] is None else to_decimal(row["stop"], "stop")
            if current is not None and new < current:
                raise LedgerError(f"stop for {pair} may only tighten: {stop} is below the "
                                  f"current {current}")
            if current is not None and new == current:
                return False
            conn.execute("UPDATE positions SET stop = ?, initial_stop = COALESCE(initial_stop, ?),"
                         " updated_ts = ? WHERE id = ?",
                         (dec_str(new), dec_str(new), self._ts(ts), row["id"]))
            return True

    # --- equity, locks, audit, flags ---
    def snapshot_equity(self, ts: int, equity: float, cash: float, unrealised: float) -> None:
        """Record equity at ``ts`` (replacing a snapshot at the same ``ts``)."""
        values = (check_ts(ts, "equity ts"), _finite(equity, "equity"), _finite(cash, "cash"),
                  _finite(unrealised, "unrealised"))
        day = ledger_book.utc_day(int(ts))
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO equity VALUES (?, ?, ?, ?)", values)
            ledger_book.ensure_day(conn, day)
            conn.execute("UPDATE daily_pnl SET start_equity = ? WHERE day = ? AND "
                         "start_equity IS NULL", (values[1], day))

    def add_lock(self, kind: str, scope: str = "*", until_ts: int | None = None,
                 reason: str = "", ts: int | None = None) -> int:
        """Add a risk lock (``until_ts`` None = until cleared); an identical active lock is
        reused. Returns the lock id."""
        if not kind or not scope:
            raise LedgerError(f"a lock needs a kind and a scope, got {kind!r}/{scope!r}")
        with self._tx() as conn:
            row = conn.execute("SELECT id FROM risk_locks WHERE kind = ? AND scope = ? AND "
                               "until_ts IS ? AND cleared_ts IS NULL", (kind, scope, until_ts)
                               ).fetchone()
            if row is not None:
                return int(row["id"])
            cur = conn.execute("INSERT INTO risk_locks (kind, scope, until_ts, reason, created_ts)"
                               " VALUES (?, ?, ?, ?, ?)", (kind, scope, until_ts, reason,
                                                           self._ts(ts)))
            return int(cur.lastrowid or 0)

    def clear_lock(self, kind: str, scope: str | None = None, ts: int | None = None) -> int:
        """Clear the uncleared locks of ``kind`` (in ``scope``, or all scopes); how many."""
        with self._tx() as conn:
            cur = conn.execute("UPDATE risk_locks SET cleared_ts = ? WHERE cleared_ts IS NULL AND "
                               "kind = ? AND (? IS NULL OR scope = ?)",
                               (self._ts(ts), kind, scope, scope))
            return cur.rowcount

    def audit(self, command: str, source: str, args: dict[str, Any] | None = None,
              result: str = "", ts: int | None = None) -> int:
        """Record who ran a command from where (``telegram:<chat>``, ``web:<ip>``, ``cli``).
        Argument names that look secret are stored as ``***``."""
        if not command or not source:
            raise LedgerError(f"audit needs a command and a source, got {command!r}/{source!r}")
        text = json.dumps(_redact(args or {}), sort_keys=True, default=str)
        with self._tx() as conn:
            cur = conn.execute("INSERT INTO audit (ts, command, source, args, result) "
                               "VALUES (?, ?, ?, ?, ?)", (self._ts(ts), command, source, text,
                                                          result))
            return int(cur.lastrowid or 0)

    def set_flag(self, key: str, value: str, ts: int | None = None) -> None:
        if not key or not isinstance(value, str):
            raise LedgerError(f"a flag needs a key and a str value, got {key!r}={value!r}")
        with self._tx() as conn:
            conn.execute("INSERT INTO state (key, value, updated_ts) VALUES (?, ?, ?) ON CONFLICT"
                         "(key) DO UPDATE SET value = excluded.value, updated_ts = "
                         "excluded.updated_ts", (key, value, self._ts(ts)))

