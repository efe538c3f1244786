"""Crash safety: an exception inside apply_fill's transaction, and a real SIGKILL of a writer."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.trading.execution import fill_writer
from tests.trading.execution.helpers import F1, F2, F3, F4, db_state, entry_order
from trading.execution import ledger_book
from trading.execution.ledger import Ledger
from trading.execution.ledger_read import LedgerReader

REPO = Path(__file__).resolve().parents[3]


class Boom(RuntimeError):
    pass


def _boom(*_: object, **__: object) -> None:
    raise Boom("crash inside the transaction")


@pytest.mark.parametrize("step", ["_write_trade", "_add_to_day"])
def test_crash_inside_apply_fill_leaves_nothing_half_written(ledger: Ledger, step: str,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    ledger.record_order_pending(entry_order("e1"))
    ledger.apply_fill(F1)
    ledger.apply_fill(F2)
    ledger.apply_fill(F3)
    before = db_state(ledger)
    monkeypatch.setattr(ledger_book, step, _boom)
    with pytest.raises(Boom):
        ledger.apply_fill(F4)  # the closing fill: position, fill, order, trade, day all touched
    assert db_state(ledger) == before
    assert not ledger.conn.in_transaction
    monkeypatch.undo()
    assert ledger.apply_fill(F4) is True  # the retry books it completely
    assert ledger.trades()[0].pnl == Decimal("4.374")


def _check_consistent(reader: LedgerReader) -> tuple[int, Decimal]:
    q = reader.conn.execute
    assert q("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert q("PRAGMA foreign_key_check").fetchall() == []
    total = Decimal(0)
    for pid, qty, realised, state in q("SELECT id, qty, realised_pnl, state FROM positions"):
        fills = q("SELECT side, qty, realised FROM fills WHERE position_id = ?", (pid,)).fetchall()
        held = sum((Decimal(f[1]) * (1 if f[0] == "buy" else -1) for f in fills), Decimal(0))
        assert held == Decimal(qty), f"position {pid}: fills sum {held} != qty {qty}"
        assert sum((Decimal(f[2]) for f in fills), Decimal(0)) == Decimal(realised)
        assert (state == "closed") == (held == 0)
        total += Decimal(realised)
    daily = sum((Decimal(r[0]) for r in q("SELECT realised FROM daily_pnl")), Decimal(0))
    assert daily == total
    closed = q("SELECT COUNT(*) FROM positions WHERE state = 'closed'").fetchone()[0]
    assert q("SELECT COUNT(*) FROM trades").fetchone()[0] == closed
    return q("SELECT COUNT(*) FROM fills").fetchone()[0], total


def _run_and_kill(db: Path, prefix: str, after: int) -> list[str]:
    """Start the writer, SIGKILL it after ``after`` committed fills; the ids it reported."""
    env = os.environ | {"PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, fill_writer.__file__, str(db), prefix], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reported: list[str] = []
    deadline = time.monotonic() + 60
    try:
        assert proc.stdout is not None
        while len(reported) < after:
            line = proc.stdout.readline()
            assert line, f"writer exited early: {proc.stderr.read() if proc.stderr else ''}"
            reported.append(line.strip())
            assert time.monotonic() < deadline, "writer too slow"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return reported + out.split()


def test_kill_9_while_writing_fills_leaves_a_consistent_ledger(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    reported: list[str] = []
    for round_, after in enumerate((40, 97, 151)):
        reported += _run_and_kill(db, f"r{round_}", after)
        with Ledger.open_readonly(db) as reader:
            count, _ = _check_consistent(reader)
            booked = {r[0] for r in reader.conn.execute("SELECT fill_id FROM fills")}
        assert set(reported) <= booked, "a committed fill was lost"
        assert count >= len(reported)
    led = Ledger.open(db)  # the writer lock died with the process
    _check_consistent(led)
    assert led.trades(limit=1000), "the loop should have closed some positions"
    led.close()
