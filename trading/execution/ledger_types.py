"""Value types of the ledger, and the exact-decimal helpers its accounting uses.

Numbers: accounting amounts (quantities, prices, fees, costs, P&L) are :class:`~decimal.Decimal`
in Python and TEXT in SQLite, so that fees and P&L add up exactly. Inputs may be ``Decimal``,
``int``, ``str`` or ``float`` (a float is taken by its shortest ``repr``, e.g. ``0.1`` ->
``Decimal("0.1")``). Valuations and statistics (equity, ATR, returns, ratios) are ``float``.
Timestamps are integer milliseconds since the Unix epoch, UTC.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["LedgerError", "NewOrder", "Order", "Fill", "Position", "Trade", "DailyPnl",
           "RiskLock", "AuditEntry", "EquityPoint", "ClosedResult", "Performance",
           "to_decimal", "dec_str", "check_ts", "to_jsonable"]

Number = Decimal | int | str | float


class LedgerError(Exception):
    """Bad input or an impossible request; nothing in the ledger was changed."""


def to_decimal(value: Number, what: str, *, positive: bool = False,
               non_negative: bool = False) -> Decimal:
    """``value`` as a finite Decimal; one-line :class:`LedgerError` naming ``what`` if not."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str | float):
        raise LedgerError(f"{what} must be a number, got {value!r}")
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise LedgerError(f"{what} must be a number, got {value!r}") from None
    if not d.is_finite():
        raise LedgerError(f"{what} must be finite, got {value!r}")
    if positive and d <= 0:
        raise LedgerError(f"{what} must be > 0, got {value!r}")
    if non_negative and d < 0:
        raise LedgerError(f"{what} must be >= 0, got {value!r}")
    return d


def check_ts(ts: object, what: str) -> int:
    """``ts`` as integer ms since the epoch; one-line :class:`LedgerError` if it is not."""
    if isinstance(ts, bool) or not isinstance(ts, int) or ts < 0:
        raise LedgerError(f"{what} must be integer milliseconds since the epoch, got {ts!r}")
    return ts


def dec_str(d: Decimal) -> str:
    """Canonical TEXT form: plain notation, no exponent, no trailing zeros (``"0"`` for 0)."""
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


def opt_dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@dataclass(frozen=True)
class NewOrder:
    """An order about to be sent. ``stop``/``atr``/``strategies`` (entry orders) seed the
    position a buy fill of this order opens."""
    cl_ord_id: str
    pair: str
    side: str
    kind: str
    qty: Number
    purpose: str
    ts: int
    intent_id: str | None = None
    limit_price: Number | None = None
    trigger_price: Number | None = None
    stop: Number | None = None
    atr: float | None = None
    strategies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Order:
    id: int
    cl_ord_id: str
    intent_id: str | None
    pair: str
    side: str
    kind: str
    purpose: str
    qty: Decimal
    limit_price: Decimal | None
    trigger_price: Decimal | None
    filled_qty: Decimal
    state: str
    txid: str | None
    reason: str | None
    stop: Decimal | None
    atr: float | None
    strategies: tuple[str, ...]
    created_ts: int
    updated_ts: int


@dataclass(frozen=True)
class Fill:
    """An execution. ``fill_id`` is the exchange's trade id (unique). ``fee`` is in the quote
    currency. ``realised``/``position_id`` are set by the ledger (ignored on input)."""
    fill_id: str
    pair: str
    side: str
    qty: Number
    price: Number
    fee: Number
    ts: int
    cl_ord_id: str | None = None
    realised: Decimal | None = None
    position_id: int | None = None
    cost: Number | None = None     # the exchange's cost (quote); None: qty x price, exactly


@dataclass(frozen=True)
class Position:
    id: int
    pair: str
    state: str
    qty: Decimal
    cost: Decimal
    avg_entry: Decimal
    stop: Decimal | None
    initial_stop: Decimal | None
    atr: float | None
    strategies: tuple[str, ...]
    entry_qty: Decimal
    entry_cost: Decimal
    exit_qty: Decimal
    exit_proceeds: Decimal
    realised_pnl: Decimal
    fees: Decimal
    opened_ts: int
    closed_ts: int | None
    updated_ts: int


@dataclass(frozen=True)
class Trade:
    id: int
    position_id: int
    pair: str
    qty: Decimal
    entry: Decimal
    exit: Decimal
    pnl: Decimal
    fees: Decimal
    return_pct: float
    r_multiple: float | None
    strategies: tuple[str, ...]
    opened_ts: int
    closed_ts: int


@dataclass(frozen=True)
class ClosedResult:
    """One closed trade for Kelly sizing; ``r_multiple`` is None without an initial stop."""
    pnl: float
    return_pct: float
    r_multiple: float | None
    pair: str = ""
    strategies: tuple[str, ...] = ()
    closed_ts: int = 0


@dataclass(frozen=True)
class DailyPnl:
    day: str
    start_equity: float | None
    realised: Decimal
    fees: Decimal
    trades: int


@dataclass(frozen=True)
class RiskLock:
    id: int
    kind: str
    scope: str
    until_ts: int | None
    reason: str
    created_ts: int
    cleared_ts: int | None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    ts: int
    command: str
    source: str
    args: dict[str, Any]
    result: str


@dataclass(frozen=True)
class EquityPoint:
    ts: int
    equity: float
    cash: float
    unrealised: float


@dataclass(frozen=True)
class Performance:
    realised_pnl: Decimal        # all realised P&L booked, net of every fee (open positions too)
    closed_pnl: Decimal          # sum of closed trades' P&L
    fees: Decimal
    trades: int
    wins: int
    losses: int
    win_rate: float | None       # wins / trades (a trade wins if pnl > 0)
    profit_factor: float | None  # gross wins / gross losses; None without losing trades
    sharpe: float | None         # mean / stdev of per-trade returns, not annualised
    max_drawdown: float          # largest peak-to-trough fall of equity, fraction of the peak
    max_drawdown_abs: float
    equity_curve: list[tuple[int, float]] = field(default_factory=list)


def to_jsonable(obj: Any) -> Any:
    """A dataclass (or list of them) as plain JSON types: Decimal -> float, tuples -> lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Decimal):
        return float(obj)
    if isinstance(obj, list | tuple):
        return [to_jsonable(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    return obj


def strategies_json(names: tuple[str, ...] | list[str]) -> str:
    return json.dumps(sorted(set(names)))
