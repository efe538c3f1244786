"""Booking one fill: the fill row, its order, the position, the closed trade and the day's P&L.

Semantics (the caller, :meth:`Ledger.apply_fill`, runs :func:`apply_fill` inside ONE
``BEGIN IMMEDIATE`` transaction, so all of it is written or none of it):
- Idempotent by ``fill_id`` (the exchange's trade id): the same fill again is a no-op returning
  ``False``; the same id with a different pair/side/qty/price is an error.
- A fill is never dropped for being late: it is booked even if its order is already final or
  unknown to the ledger (``cl_ord_id`` kept as given). The order's ``filled_qty`` grows and its
  state advances to ``partially_filled``/``filled`` when that is a legal or stale edge; a final
  order keeps its state (e.g. Kraken's "cancelled and filled").
- A buy opens or increases the pair's long position; the first buy of an entry order seeds the
  position's stop/ATR/strategies from that order. A sell reduces it; selling more than is held
  is an error (spot is long-only). Reaching zero closes the position and writes a ``trades`` row.
- ``daily_pnl`` is keyed by the fill's UTC day; ``realised`` there is net of fees.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal, localcontext

from trading.execution import ledger_math
from trading.execution.ledger_math import Book
from trading.execution.ledger_types import Fill, LedgerError, dec_str, strategies_json
from trading.execution.states import FINAL_STATES, OrderState, PositionState, is_stale, transition

__all__ = ["apply_fill", "utc_day", "ensure_day"]

logger = logging.getLogger(__name__)

_BOOK_FIELDS = ("qty", "cost", "entry_qty", "entry_cost", "exit_qty", "exit_proceeds")


def utc_day(ts_ms: int) -> str:
    return datetime.fromtimestamp(ts_ms // 1000, UTC).strftime("%Y-%m-%d")


def ensure_day(conn: sqlite3.Connection, day: str) -> None:
    """Create the day's row; its start equity is the last snapshot before 00:00 UTC (if any)."""
    start_ms = int(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC).timestamp() * 1000)
    conn.execute("INSERT OR IGNORE INTO daily_pnl (day, start_equity) VALUES (?, (SELECT equity "
                 "FROM equity WHERE ts < ? ORDER BY ts DESC LIMIT 1))", (day, start_ms))


def _same_fill(row: sqlite3.Row, fill: Fill, qty: Decimal, price: Decimal) -> bool:
    return (row["pair"] == fill.pair and row["side"] == fill.side
            and Decimal(row["qty"]) == qty and Decimal(row["price"]) == price)


def _book_of(row: sqlite3.Row | None) -> Book:
    if row is None:
        return Book()
    values = {k: Decimal(row[k]) for k in _BOOK_FIELDS}
    return Book(realised=Decimal(row["realised_pnl"]), fees=Decimal(row["fees"]), **values)


def _advance_order(conn: sqlite3.Connection, order: sqlite3.Row, qty: Decimal, ts: int) -> None:
    filled = Decimal(order["filled_qty"]) + qty
    current = order["state"]
    target = OrderState.FILLED if filled >= Decimal(order["qty"]) else OrderState.PARTIALLY_FILLED
    state = current
    if filled > Decimal(order["qty"]):
        logger.warning("order %s overfilled: %s of %s", order["cl_ord_id"], filled, order["qty"])
    if current in FINAL_STATES or current == target or is_stale(current, target):
        if current in FINAL_STATES and current != OrderState.FILLED:
            logger.warning("fill on %s order %s booked; state kept", current, order["cl_ord_id"])
    else:
        transition(current, target)
        state = target
    conn.execute("UPDATE orders SET filled_qty = ?, state = ?, updated_ts = ? WHERE id = ?",
                 (dec_str(filled), state, ts, order["id"]))


def _seed(pos: sqlite3.Row | None, order: sqlite3.Row | None) -> dict[str, object]:
    """Stop/ATR/strategies of the position after a buy of ``order``."""
    stop = pos["stop"] if pos else None
    initial_stop = pos["initial_stop"] if pos else None
    atr = pos["atr"] if pos else None
    strategies: list[str] = json.loads(pos["strategies"]) if pos else []
    if order is not None and order["purpose"] == "entry":
        if stop is None and order["stop"] is not None:
            stop = initial_stop = order["stop"]
        atr = order["atr"] if atr is None else atr
        strategies += json.loads(order["strategies"])
    return {"stop": stop, "initial_stop": initial_stop, "atr": atr,
            "strategies": strategies_json(strategies)}


def _write_position(conn: sqlite3.Connection, pos: sqlite3.Row | None, pair: str, book: Book,
                    seed: dict[str, object], ts: int) -> int:
    values = {k: dec_str(getattr(book, k)) for k in _BOOK_FIELDS}
    values |= {"avg_entry": dec_str(book.avg_entry), "realised_pnl": dec_str(book.realised),
               "fees": dec_str(book.fees), "updated_ts": ts, **seed}
    if book.qty == 0:
        values |= {"state": PositionState.CLOSED, "closed_ts": ts}
    if pos is None:
        values |= {"pair": pair, "state": PositionState.OPEN, "opened_ts": ts}
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = conn.execute(f"INSERT INTO positions ({cols}) VALUES ({marks})",
                           tuple(values.values()))
        return int(cur.lastrowid or 0)
    sets = ", ".join(f"{k} = ?" for k in values)
    conn.execute(f"UPDATE positions SET {sets} WHERE id = ?", (*values.values(), pos["id"]))
    return int(pos["id"])


def _write_trade(conn: sqlite3.Connection, position_id: int) -> None:
    p = conn.execute("SELECT * FROM positions WHERE id = ?", (position_id,)).fetchone()
    book = _book_of(p)
    entry = ledger_math.ratio(book.entry_cost, book.entry_qty)
    r_multiple = None
    with localcontext() as ctx:
        ctx.prec = 50
        if p["initial_stop"] is not None and entry > Decimal(p["initial_stop"]):
            risk = (entry - Decimal(p["initial_stop"])) * book.entry_qty
            r_multiple = float(book.realised / risk)
        return_pct = float(book.realised / book.entry_cost)
    conn.execute(
        "INSERT INTO trades (position_id, pair, qty, entry, exit, pnl, fees, return_pct, "
        "r_multiple, strategies, opened_ts, closed_ts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (position_id, p["pair"], dec_str(book.entry_qty), dec_str(entry),
         dec_str(ledger_math.ratio(book.exit_proceeds, book.exit_qty)), dec_str(book.realised),
         dec_str(book.fees), return_pct, r_multiple, p["strategies"], p["opened_ts"],
         p["closed_ts"]))


def _add_to_day(conn: sqlite3.Connection, ts: int, realised: Decimal, fee: Decimal,
                closed: bool) -> None:
    day = utc_day(ts)
    ensure_day(conn, day)
    row = conn.execute("SELECT realised, fees FROM daily_pnl WHERE day = ?", (day,)).fetchone()
    with localcontext() as ctx:
        ctx.prec = 50
        conn.execute("UPDATE daily_pnl SET realised = ?, fees = ?, trades = trades + ? "
                     "WHERE day = ?", (dec_str(Decimal(row["realised"]) + realised),
                                       dec_str(Decimal(row["fees"]) + fee), int(closed), day))


def apply_fill(conn: sqlite3.Connection, fill: Fill, qty: Decimal, price: Decimal,
               fee: Decimal, cost: Decimal) -> bool:
    """Book ``fill`` (already validated; ``qty/price/fee/cost`` are its Decimals; ``cost``
    is what the exchange moved in the quote currency). See module doc."""
    old = conn.execute("SELECT * FROM fills WHERE fill_id = ?", (fill.fill_id,)).fetchone()
    if old is not None:
        if _same_fill(old, fill, qty, price):
            return False
        raise LedgerError(f"fill {fill.fill_id} was already booked with different values")
    order = None
    if fill.cl_ord_id is not None:
        order = conn.execute("SELECT * FROM orders WHERE cl_ord_id = ?",
                             (fill.cl_ord_id,)).fetchone()
        if order is not None and (order["pair"], order["side"]) != (fill.pair, fill.side):
            raise LedgerError(f"fill {fill.fill_id} ({fill.side} {fill.pair}) does not match "
                              f"order {fill.cl_ord_id} ({order['side']} {order['pair']})")
        if order is None:
            logger.warning("fill %s for unknown order %s booked", fill.fill_id, fill.cl_ord_id)
    pos = conn.execute("SELECT * FROM positions WHERE pair = ? AND state = ?",
                       (fill.pair, PositionState.OPEN)).fetchone()
    if fill.side == "buy":
        book, realised = ledger_math.buy(_book_of(pos), qty, cost, fee)
        seed = _seed(pos, order)
    else:
        if pos is None:
            raise LedgerError(f"sell fill {fill.fill_id}: no open {fill.pair} position "
                              "(spot is long-only)")
        book, realised = ledger_math.sell(_book_of(pos), qty, cost, fee, fill.pair)
        seed = {}
    position_id = _write_position(conn, pos, fill.pair, book, seed, fill.ts)
    conn.execute("INSERT INTO fills (fill_id, cl_ord_id, position_id, pair, side, qty, price, "
                 "cost, fee, realised, ts) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                 (fill.fill_id, fill.cl_ord_id, position_id, fill.pair, fill.side, dec_str(qty),
                  dec_str(price), dec_str(cost), dec_str(fee), dec_str(realised), fill.ts))
    if order is not None:
        _advance_order(conn, order, qty, fill.ts)
    if book.qty == 0:
        _write_trade(conn, position_id)
    _add_to_day(conn, fill.ts, realised, fee, closed=book.qty == 0)
    return True
