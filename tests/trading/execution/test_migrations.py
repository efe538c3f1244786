"""Schema migrations: fresh db, idempotent re-open, refusal of a newer schema, atomic steps."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from trading.execution import migrations
from trading.execution.ledger import Ledger
from trading.execution.migrations import LATEST, MIGRATIONS, Migration, MigrationError, migrate

TABLES = {"intents_seen", "orders", "fills", "positions", "trades", "equity", "daily_pnl",
          "risk_locks", "audit", "state"}


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_versions_are_consecutive_from_one() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))


def test_fresh_db_gets_every_table_and_the_latest_version(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "a.db")
    assert migrate(conn) == list(range(1, LATEST + 1))
    assert migrations.current_version(conn) == LATEST
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert TABLES <= names


def test_reopen_is_a_no_op(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "a.db")
    migrate(conn)
    before = _schema(conn)
    assert migrate(conn) == []
    assert _schema(conn) == before


def test_ledger_open_twice_keeps_data(db_path: Path) -> None:
    led = Ledger.open(db_path)
    led.set_flag("paused", "1", ts=1)
    led.close()
    led = Ledger.open(db_path)
    assert led.get_flag("paused") == "1"
    assert migrations.current_version(led.conn) == LATEST
    led.close()


def test_newer_schema_is_refused_and_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = _connect(path)
    conn.execute("CREATE TABLE x (a)")
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    digest = _sha(path)
    with pytest.raises(MigrationError, match=f"schema version {LATEST + 1}, newer than"):
        Ledger.open(path)
    with pytest.raises(MigrationError, match="nothing was changed"):
        Ledger.open_readonly(path)
    assert _sha(path) == digest
    assert not Path(f"{path}-wal").exists()
    assert _connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_failing_migration_leaves_the_previous_version_whole(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "a.db")
    migrate(conn)
    broken = (*MIGRATIONS, Migration(LATEST + 1, "broken", (
        "CREATE TABLE half_done (a)", "INSERT INTO no_such_table VALUES (1)")))
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        migrate(conn, broken)
    assert migrations.current_version(conn) == LATEST
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'"
                        ).fetchone()[0] == 0
    assert not conn.in_transaction


def test_a_gap_in_versions_is_refused(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "a.db")
    with pytest.raises(MigrationError, match="cannot take migration 2"):
        migrate(conn, (Migration(2, "skips 1", ("CREATE TABLE t (a)",)),))
    assert migrations.current_version(conn) == 0
