"""The ledger handle: WAL, one writer, read-only readers, pending-before-send, locks, audit."""
from __future__ import annotations

import sqlite3
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from tests.trading.execution.helpers import T0, entry_order
from trading.execution.ledger import Fill, Ledger, LedgerError
from trading.execution.states import OrderState

S = OrderState


def test_writer_pragmas(ledger: Ledger, db_path: Path) -> None:
    assert ledger.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert ledger.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert ledger.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert ledger.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_second_writer_is_refused_until_the_first_closes(ledger: Ledger, db_path: Path) -> None:
    with pytest.raises(LedgerError, match="already open for writing"):
        Ledger.open(db_path)
    ledger.close()
    second = Ledger.open(db_path)
    second.close()


def test_readonly_sees_commits_and_cannot_write(ledger: Ledger, db_path: Path) -> None:
    reader = Ledger.open_readonly(db_path)
    assert reader.get_flag("paused") is None
    ledger.set_flag("paused", "1")
    assert reader.get_flag("paused") == "1"  # committed after the reader opened
    with pytest.raises(sqlite3.OperationalError, match="readonly|read-only"):
        reader.conn.execute("INSERT INTO state VALUES ('x', 'y', 1)")
    assert not hasattr(reader, "set_flag")
    reader.close()
    assert ledger.get_flag("x") is None


def test_readonly_works_after_the_writer_closed(db_path: Path) -> None:
    led = Ledger.open(db_path)
    led.set_flag("paused", "0")
    led.close()
    with Ledger.open_readonly(db_path) as reader:
        assert reader.get_flag("paused") == "0"


def test_readonly_of_a_missing_db_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="does not exist"):
        Ledger.open_readonly(tmp_path / "nope.db")
    assert not (tmp_path / "nope.db").exists()


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bot.db"
    bad.write_bytes(b"this is not sqlite at all, just some text" * 40)
    with pytest.raises(LedgerError, match="not a usable SQLite database"):
        Ledger.open(bad)


def test_intent_is_acted_on_once_even_across_restarts(ledger: Ledger, db_path: Path) -> None:
    assert ledger.record_intent("i1", ts=T0) is True
    assert ledger.record_intent("i1", ts=T0 + 5) is False
    ledger.close()
    led = Ledger.open(db_path)
    assert led.record_intent("i1") is False
    assert led.intent_outcome("i1") == "received"
    led.set_intent_outcome("i1", "rejected: max open positions")
    assert led.intent_outcome("i1") == "rejected: max open positions"
    with pytest.raises(LedgerError, match="never recorded"):
        led.set_intent_outcome("i2", "expired")
    led.close()


def test_pending_before_send_survives_a_crash_and_reconciles(ledger: Ledger,
                                                             db_path: Path) -> None:
    assert ledger.record_intent("e1")
    assert ledger.record_order_pending(entry_order("e1")) is True
    assert ledger.record_order_pending(entry_order("e1")) is False  # replay
    assert ledger.intent_outcome("e1") == "ordered e1"
    ledger.close()  # "crash" before the send returned
    led = Ledger.open(db_path)
    pending = led.non_final_orders()
    assert [(o.cl_ord_id, o.state) for o in pending] == [("e1", S.PENDING)]
    # reconciliation found it on the exchange by client order id:
    assert led.update_order("e1", S.OPEN, txid="OABCDE-1") is True
    assert led.update_order("e1", S.OPEN, txid="OABCDE-1") is False  # replay
    assert led.order_by_txid("OABCDE-1").cl_ord_id == "e1"  # type: ignore[union-attr]
    led.close()


def test_same_client_id_for_another_order_is_refused(ledger: Ledger) -> None:
    ledger.record_order_pending(entry_order("e1"))
    with pytest.raises(LedgerError, match="already used by a different order"):
        ledger.record_order_pending(entry_order("e1", qty="2"))
    assert ledger.order("e1").qty == Decimal("0.75")  # type: ignore[union-attr]


@pytest.mark.parametrize(("kw", "msg"), [
    ({"side": "short"}, "side 'short' is not one of"),
    ({"qty": "0"}, "qty must be > 0"),
    ({"qty": "nan"}, "qty must be finite"),
    ({"limit_price": None}, "limit_price is required"),
    ({"kind": "market"}, "limit_price is required for"),  # a market order with a limit price
    ({"cl_ord_id": ""}, "cl_ord_id must be a non-empty string"),
    ({"ts": "now"}, "ts must be integer milliseconds"),
])
def test_bad_orders_are_refused_in_one_line(ledger: Ledger, kw: dict[str, object],
                                            msg: str) -> None:
    with pytest.raises(LedgerError, match=msg) as e:
        ledger.record_order_pending(entry_order(**kw))  # type: ignore[arg-type]
    assert "\n" not in str(e.value)
    assert ledger.non_final_orders() == []


def test_illegal_and_stale_updates(ledger: Ledger) -> None:
    ledger.record_order_pending(entry_order("e1"))
    ledger.update_order("e1", S.OPEN, txid="T1")
    with pytest.raises(LedgerError, match="illegal order transition open -> rejected"):
        ledger.update_order("e1", S.REJECTED)
    with pytest.raises(LedgerError, match="already has txid T1"):
        ledger.update_order("e1", S.OPEN, txid="T2")
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.update_order("nope", S.OPEN)
    ledger.apply_fill(Fill("f1", "BTC/USD", "buy", "0.75", "100", "0", T0, cl_ord_id="e1"))
    assert ledger.order("e1").state == S.FILLED  # type: ignore[union-attr]
    assert ledger.update_order("e1", S.OPEN) is False  # late acknowledgement: stale
    assert ledger.update_order("e1", S.PARTIALLY_FILLED) is False
    with pytest.raises(LedgerError, match="filled -> cancelled"):
        ledger.update_order("e1", S.CANCELLED)
    assert ledger.order("e1").state == S.FILLED  # type: ignore[union-attr]
    assert ledger.non_final_orders() == []


def test_lost_order_is_resolved_later(ledger: Ledger) -> None:
    ledger.record_order_pending(entry_order("e2"))
    assert ledger.update_order("e2", S.UNKNOWN, reason="timeout") is True
    assert ledger.non_final_orders()[0].state == S.UNKNOWN
    assert ledger.update_order("e2", S.REJECTED, reason="EOrder:Insufficient funds") is True
    o = ledger.order("e2")
    assert (o.state, o.reason) == (S.REJECTED, "EOrder:Insufficient funds")  # type: ignore[union-attr]


def test_open_report_after_a_timeout_keeps_open(ledger: Ledger) -> None:
    ledger.record_order_pending(entry_order("e3"))
    ledger.update_order("e3", S.OPEN, txid="T3")
    assert ledger.update_order("e3", S.UNKNOWN) is False  # the WS already said open
    assert ledger.order("e3").state == S.OPEN  # type: ignore[union-attr]


def test_locks_survive_a_restart(ledger: Ledger, db_path: Path) -> None:
    a = ledger.add_lock("daily_loss", reason="-5% today", ts=T0)
    b = ledger.add_lock("cooldown", "BTC/USD", until_ts=T0 + 60_000, reason="stopped out")
    assert ledger.add_lock("daily_loss", reason="again") == a  # same active lock reused
    ledger.close()
    led = Ledger.open(db_path)
    assert [lk.id for lk in led.active_locks(T0)] == [a, b]
    assert [lk.kind for lk in led.active_locks(T0 + 60_000)] == ["daily_loss"]
    assert led.clear_lock("daily_loss", ts=T0 + 1) == 1
    assert led.clear_lock("daily_loss") == 0
    assert [lk.id for lk in led.active_locks(T0 + 2)] == [b]
    assert led.clear_lock("cooldown", "ETH/USD") == 0
    led.close()
    with Ledger.open_readonly(db_path) as reader:
        assert [lk.scope for lk in reader.active_locks(T0 + 2)] == ["BTC/USD"]


def test_audit_records_who_from_where_without_secrets(ledger: Ledger) -> None:
    ledger.audit("pause", "telegram:12345", {"reason": "news", "token": "s3cr3t"}, "ok", ts=T0)
    ledger.audit("resume", "web:127.0.0.1", result="ok", ts=T0 + 1)
    log = ledger.audit_log(10)
    assert [(e.command, e.source) for e in log] == [("resume", "web:127.0.0.1"),
                                                    ("pause", "telegram:12345")]
    assert log[1].args == {"reason": "news", "token": "***"}
    assert "s3cr3t" not in str(ledger.conn.execute("SELECT * FROM audit").fetchall())
    with pytest.raises(LedgerError, match="needs a command and a source"):
        ledger.audit("pause", "")


def test_flags(ledger: Ledger) -> None:
    assert ledger.get_flag("paused", "0") == "0"
    ledger.set_flag("paused", "1")
    ledger.set_flag("paused", "1")
    assert ledger.get_flag("paused") == "1"
    with pytest.raises(LedgerError, match="str value"):
        ledger.set_flag("paused", 1)  # type: ignore[arg-type]
