"""Kraken's error strings, exactly as the real API words them, and the exception carrying one.

Every REST answer is HTTP 200 with ``{"error": [...], "result": ...}``; a handler raises
:class:`KrakenError` and the server turns it into ``{"error": [message]}``.

Caveat: ``DUPLICATE_CL_ORD_ID`` is not documented by Kraken (its docs only say uniqueness is
enforced among open orders); the wording here is a best guess and clients should treat any
``EOrder:`` error on AddOrder as "not placed".
"""
from __future__ import annotations

INVALID_KEY = "EAPI:Invalid key"
INVALID_SIGNATURE = "EAPI:Invalid signature"
INVALID_NONCE = "EAPI:Invalid nonce"
RATE_LIMIT = "EAPI:Rate limit exceeded"
INVALID_ARGUMENTS = "EGeneral:Invalid arguments"
UNKNOWN_METHOD = "EGeneral:Unknown method"
UNKNOWN_PAIR = "EQuery:Unknown asset pair"
ORDER_MINIMUM = "EOrder:Order minimum not met"
COST_MINIMUM = "EOrder:Cost minimum not met"
INSUFFICIENT_FUNDS = "EOrder:Insufficient funds"
UNKNOWN_ORDER = "EOrder:Unknown order"
INVALID_ORDER = "EOrder:Invalid order"
DUPLICATE_CL_ORD_ID = "EOrder:Duplicate cl_ord_id"


def invalid_argument(name: str) -> str:
    """``EGeneral:Invalid arguments:<name>`` (e.g. ``volume``, ``price``, ``ordertype``)."""
    return f"{INVALID_ARGUMENTS}:{name}"


def invalid_price_precision(pair_name: str, decimals: int) -> str:
    """Kraken's answer to a price with more decimals than the pair allows."""
    return (f"EOrder:Invalid price:{pair_name} price can only be specified up to "
            f"{decimals} decimals.")


class KrakenError(Exception):
    """A request failed; ``str(err)`` is the Kraken error string sent to the client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
