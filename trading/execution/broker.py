"""Broker: the one interface the executor places orders through (paper or Kraken).

Semantics:

- ``place(order)`` sends one order and returns what is known right after: the exchange id,
  the state, and every fill so far. It is called only after the executor has recorded the
  order as pending, and never twice for one ``cl_ord_id``.
- A timeout or an ambiguous error raises :class:`OrderOutcomeUnknown`: the order may or may
  not exist. The caller must ``query`` by ``cl_ord_id`` before it does anything else with it,
  never resend blindly. A clear refusal (bad volume, insufficient funds, ...) is returned
  as a ``rejected`` result with the exchange's reason.
- ``query(cl_ord_id)`` returns the order's current result, or None when the exchange has no
  order with that id (it never arrived: safe to record as rejected, never to resend).
- Fills carry the exchange's trade id as ``fill_id`` so applying them twice is harmless.
- Market orders only for now (entries and exits); ``cancel`` exists for ``kill``.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal

from trading.execution.ledger_types import Fill


class BrokerError(Exception):
    """The broker cannot work at all (no keys, exchange unreachable at start)."""


class OrderOutcomeUnknown(BrokerError):
    """The order may or may not have reached the exchange: query before anything else."""


@dataclass(frozen=True, slots=True)
class OrderRequest:
    cl_ord_id: str
    pair: str
    side: str            # "buy" | "sell"
    qty: Decimal         # already rounded to the pair's lot precision
    purpose: str         # "entry" | "exit" | "stop"


@dataclass(frozen=True, slots=True)
class OrderResult:
    cl_ord_id: str
    state: str       # an OrderState: open, partially_filled, filled, cancelled, rejected
    txid: str | None = None
    reason: str | None = None
    fills: tuple[Fill, ...] = field(default_factory=tuple)

    @property
    def filled_qty(self) -> Decimal:
        return sum((Decimal(str(f.qty)) for f in self.fills), Decimal(0))


class Broker(ABC):
    name: str

    @abstractmethod
    def place(self, order: OrderRequest) -> OrderResult: ...

    @abstractmethod
    def query(self, cl_ord_id: str) -> OrderResult | None: ...

    @abstractmethod
    def cancel(self, cl_ord_id: str) -> OrderResult | None: ...

    @abstractmethod
    def balances(self) -> dict[str, Decimal]:
        """Asset (normalised code, e.g. ``BTC``, ``USD``) -> total balance."""

    def close(self) -> None:
        """Release connections (default: nothing to do)."""
