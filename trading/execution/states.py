"""Order and position states, and the named transitions between them.

Must not depend on any non-stdlib module (it is imported by the ledger, the brokers, the
executor and the web layer alike).

Order lifecycle (every edge is listed in :data:`ORDER_TRANSITIONS`; the graph is acyclic)::

    PENDING ──sent──> OPEN ──partial_fill──> PARTIALLY_FILLED ──filled──> FILLED
       │                │ └──filled──> FILLED        └──cancelled──> CANCELLED
       │                └──cancelled──> CANCELLED
       ├──lost──> UNKNOWN ──resolved──> OPEN | PARTIALLY_FILLED | FILLED | CANCELLED | REJECTED
       ├──rejected──> REJECTED          (the exchange refused it)
       ├──abandoned──> CANCELLED        (recorded, but reconciliation found it never placed)
       └──partial_fill / filled         (a fill reported before the send was acknowledged)

- ``pending``: recorded with its client order id *before* it is sent; not known to the exchange
  (yet). After a crash the executor looks it up on the exchange by client order id.
- ``unknown``: sent, but the outcome is not known (timeout, ambiguous error). Never resend an
  unknown order; resolve it by querying the exchange.
- Final states never change again (a late fill is still recorded, the state stays).

Because the graph is acyclic, an update that arrives *late* (e.g. the REST acknowledgement
``open`` after the WebSocket already reported ``filled``) is recognisable: :func:`is_stale`.
"""

from __future__ import annotations

__all__ = [
    "OrderState", "ORDER_STATES", "FINAL_STATES", "ORDER_TRANSITIONS", "IllegalTransition",
    "transition", "is_stale", "PositionState", "SIDES", "ORDER_KINDS", "PURPOSES",
]


class OrderState:
    PENDING = "pending"
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


class PositionState:
    OPEN = "open"
    CLOSED = "closed"


S = OrderState
ORDER_STATES: tuple[str, ...] = (S.PENDING, S.OPEN, S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED,
                                 S.REJECTED, S.UNKNOWN)
FINAL_STATES: frozenset[str] = frozenset({S.FILLED, S.CANCELLED, S.REJECTED})
SIDES: tuple[str, ...] = ("buy", "sell")
ORDER_KINDS: tuple[str, ...] = ("market", "limit", "stop-loss", "stop-loss-limit")
PURPOSES: tuple[str, ...] = ("entry", "exit", "stop")

# (name, from, to)
ORDER_TRANSITIONS: tuple[tuple[str, str, str], ...] = (
    ("sent", S.PENDING, S.OPEN),                      # exchange acknowledged the order
    ("partial_fill", S.PENDING, S.PARTIALLY_FILLED),  # fill seen before the acknowledgement
    ("filled", S.PENDING, S.FILLED),                  # e.g. a market order, fill seen first
    ("rejected", S.PENDING, S.REJECTED),              # exchange refused it (definitive error)
    ("lost", S.PENDING, S.UNKNOWN),                   # timeout / ambiguous error while sending
    ("abandoned", S.PENDING, S.CANCELLED),            # reconciliation: never reached the exchange
    ("partial_fill", S.OPEN, S.PARTIALLY_FILLED),
    ("filled", S.OPEN, S.FILLED),
    ("cancelled", S.OPEN, S.CANCELLED),               # cancelled or expired
    ("filled", S.PARTIALLY_FILLED, S.FILLED),
    ("cancelled", S.PARTIALLY_FILLED, S.CANCELLED),   # rest of a partially filled order cancelled
    ("resolved", S.UNKNOWN, S.OPEN),
    ("resolved", S.UNKNOWN, S.PARTIALLY_FILLED),
    ("resolved", S.UNKNOWN, S.FILLED),
    ("resolved", S.UNKNOWN, S.CANCELLED),
    ("resolved", S.UNKNOWN, S.REJECTED),
)

_EDGES: dict[tuple[str, str], str] = {(a, b): name for name, a, b in ORDER_TRANSITIONS}


class IllegalTransition(ValueError):
    """An order state change that the state machine does not allow."""


def transition(current: str, new: str) -> str:
    """The name of the edge ``current -> new``; raises :class:`IllegalTransition` if none."""
    for state in (current, new):
        if state not in ORDER_STATES:
            raise IllegalTransition(f"unknown order state {state!r} (one of {ORDER_STATES})")
    name = _EDGES.get((current, new))
    if name is None:
        raise IllegalTransition(f"illegal order transition {current} -> {new}")
    return name


def _reachable(src: str, dst: str) -> bool:
    frontier, seen = [src], {src}
    while frontier:
        state = frontier.pop()
        for (a, b) in _EDGES:
            if a == state and b not in seen:
                if b == dst:
                    return True
                seen.add(b)
                frontier.append(b)
    return False


def is_stale(current: str, new: str) -> bool:
    """True if ``new`` is an earlier stage than ``current`` (a late, superseded report).

    ``current`` must be reachable from ``new``: e.g. ``open`` reported after ``filled``, or
    ``unknown`` (a timed-out send) after the order was already seen ``open``.
    """
    return current != new and _reachable(new, current)
