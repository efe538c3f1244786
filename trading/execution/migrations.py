"""Schema migrations of the ledger database, versioned with ``PRAGMA user_version``.

Semantics:
- :data:`MIGRATIONS` is an ordered tuple; migration ``n`` takes the schema from version ``n-1``
  to ``n``. Versions are 1, 2, 3, ... with no gaps (checked at import). Never edit a released
  migration: append a new one.
- :func:`migrate` applies each missing migration in its own ``BEGIN IMMEDIATE`` transaction,
  together with the ``user_version`` bump, so a crash leaves the database at a whole version.
  The version is re-read inside the transaction, so two openers cannot both apply a step.
- :func:`check_version` refuses a database whose version is *newer* than this code knows
  (downgraded code must not write to a schema it does not understand); it only reads.

Column conventions (see also :mod:`trading.execution.ledger`): timestamps are integer
milliseconds since the Unix epoch (UTC); accounting amounts (quantities, prices, fees, costs,
P&L) are TEXT decimals written by Python's ``Decimal``; valuations (equity, cash, unrealised,
ATR, ratios) are REAL. Enumerations carry CHECK constraints.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import NamedTuple

from trading.execution.states import ORDER_KINDS, ORDER_STATES, PURPOSES

__all__ = ["Migration", "MIGRATIONS", "LATEST", "MigrationError", "current_version",
           "check_version", "migrate"]

logger = logging.getLogger(__name__)


class MigrationError(RuntimeError):
    """The database schema cannot be used by (or brought up to date with) this code."""


class Migration(NamedTuple):
    version: int
    description: str
    statements: tuple[str, ...]


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


_V1 = (
    """CREATE TABLE intents_seen (
        intent_id TEXT PRIMARY KEY,
        ts INTEGER NOT NULL,
        outcome TEXT NOT NULL)""",
    f"""CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        cl_ord_id TEXT NOT NULL UNIQUE,
        intent_id TEXT,
        pair TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        kind TEXT NOT NULL CHECK (kind IN {_in(ORDER_KINDS)}),
        purpose TEXT NOT NULL CHECK (purpose IN {_in(PURPOSES)}),
        qty TEXT NOT NULL,
        limit_price TEXT,
        trigger_price TEXT,
        filled_qty TEXT NOT NULL DEFAULT '0',
        state TEXT NOT NULL CHECK (state IN {_in(ORDER_STATES)}),
        txid TEXT,
        reason TEXT,
        stop TEXT,
        atr REAL,
        strategies TEXT NOT NULL DEFAULT '[]',
        created_ts INTEGER NOT NULL,
        updated_ts INTEGER NOT NULL)""",
    "CREATE INDEX orders_state ON orders(state)",
    "CREATE INDEX orders_txid ON orders(txid)",
    """CREATE TABLE positions (
        id INTEGER PRIMARY KEY,
        pair TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
        qty TEXT NOT NULL,
        cost TEXT NOT NULL,
        avg_entry TEXT NOT NULL,
        stop TEXT,
        initial_stop TEXT,
        atr REAL,
        strategies TEXT NOT NULL DEFAULT '[]',
        entry_qty TEXT NOT NULL,
        entry_cost TEXT NOT NULL,
        exit_qty TEXT NOT NULL DEFAULT '0',
        exit_proceeds TEXT NOT NULL DEFAULT '0',
        realised_pnl TEXT NOT NULL DEFAULT '0',
        fees TEXT NOT NULL DEFAULT '0',
        opened_ts INTEGER NOT NULL,
        closed_ts INTEGER,
        updated_ts INTEGER NOT NULL)""",
    "CREATE UNIQUE INDEX positions_open_pair ON positions(pair) WHERE state = 'open'",
    """CREATE TABLE fills (
        id INTEGER PRIMARY KEY,
        fill_id TEXT NOT NULL UNIQUE,
        cl_ord_id TEXT,
        position_id INTEGER NOT NULL REFERENCES positions(id),
        pair TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        qty TEXT NOT NULL,
        price TEXT NOT NULL,
        cost TEXT NOT NULL,
        fee TEXT NOT NULL,
        realised TEXT NOT NULL,
        ts INTEGER NOT NULL)""",
    "CREATE INDEX fills_cl_ord_id ON fills(cl_ord_id)",
    "CREATE INDEX fills_position ON fills(position_id)",
    """CREATE TABLE trades (
        id INTEGER PRIMARY KEY,
        position_id INTEGER NOT NULL UNIQUE REFERENCES positions(id),
        pair TEXT NOT NULL,
        qty TEXT NOT NULL,
        entry TEXT NOT NULL,
        exit TEXT NOT NULL,
        pnl TEXT NOT NULL,
        fees TEXT NOT NULL,
        return_pct REAL NOT NULL,
        r_multiple REAL,
        strategies TEXT NOT NULL DEFAULT '[]',
        opened_ts INTEGER NOT NULL,
        closed_ts INTEGER NOT NULL)""",
    "CREATE INDEX trades_closed ON trades(closed_ts)",
    "CREATE INDEX trades_pair ON trades(pair, closed_ts)",
    """CREATE TABLE equity (
        ts INTEGER PRIMARY KEY,
        equity REAL NOT NULL,
        cash REAL NOT NULL,
        unrealised REAL NOT NULL)""",
    """CREATE TABLE daily_pnl (
        day TEXT PRIMARY KEY,
        start_equity REAL,
        realised TEXT NOT NULL DEFAULT '0',
        fees TEXT NOT NULL DEFAULT '0',
        trades INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE risk_locks (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '*',
        until_ts INTEGER,
        reason TEXT NOT NULL DEFAULT '',
        created_ts INTEGER NOT NULL,
        cleared_ts INTEGER)""",
    "CREATE INDEX risk_locks_active ON risk_locks(cleared_ts, until_ts)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        command TEXT NOT NULL,
        source TEXT NOT NULL,
        args TEXT NOT NULL DEFAULT '{}',
        result TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_ts INTEGER NOT NULL)""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial ledger schema", _V1),
)
LATEST = MIGRATIONS[-1].version

if [m.version for m in MIGRATIONS] != list(range(1, len(MIGRATIONS) + 1)):  # pragma: no cover
    raise MigrationError("MIGRATIONS must be numbered 1, 2, 3, ... without gaps")


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_version(conn: sqlite3.Connection, path: str, latest: int = LATEST) -> int:
    """The database's version; :class:`MigrationError` if it is newer than ``latest``."""
    version = current_version(conn)
    if version > latest:
        raise MigrationError(f"ledger {path} has schema version {version}, newer than the "
                             f"{latest} this code knows: upgrade the bot (nothing was changed)")
    return version


def migrate(conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply the missing migrations, one transaction each; the versions applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    applied: list[int] = []
    for migration in migrations:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = current_version(conn)
            if version >= migration.version:
                conn.execute("COMMIT")
                continue
            if version != migration.version - 1:
                raise MigrationError(f"ledger at schema version {version} cannot take "
                                     f"migration {migration.version}")
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        logger.info("ledger migrated to v%d: %s", migration.version, migration.description)
        applied.append(migration.version)
    return applied
