"""Field decoders for Kraken WebSocket v2 messages: exact numbers and RFC 3339 times.

Semantics:
- Numbers arrive as JSON numbers (``0.10000000``) and must be read with
  ``json.loads(..., parse_float=Decimal)`` so trailing zeros survive for the book checksum;
  numeric strings (``"0.10000000"``) are accepted too. Booleans, NaN/Infinity and absurd
  magnitudes are rejected (a huge exponent would make ``format(d, "f")`` enormous).
- Timestamps are RFC 3339 UTC strings with up to nine fractional digits
  (``2023-10-04T15:25:00.000000000Z``); they become float seconds since the epoch.

Every decoder raises :class:`FieldError` (a ``ValueError``) with a short reason.
"""

from __future__ import annotations

import calendar
import re
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["FieldError", "exact", "positive", "non_negative", "rfc3339_s", "text", "uint32"]

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|z|[+-]\d{2}:\d{2})")
MAX_ADJUSTED = 40     # |10**40|: far beyond any price or quantity
MIN_EXPONENT = -40    # 40 decimal places


class FieldError(ValueError):
    """A field has the wrong type or an invalid value."""


def exact(value: Any, what: str) -> Decimal:
    """A finite Decimal of sane magnitude from a JSON number (Decimal/int) or numeric string."""
    if isinstance(value, bool):
        raise FieldError(f"{what} is a boolean")
    if isinstance(value, str):
        if not _NUMBER.fullmatch(value):
            raise FieldError(f"{what} is not numeric")
        value = Decimal(value)
    elif isinstance(value, int):
        value = Decimal(value)
    elif not isinstance(value, Decimal):
        raise FieldError(f"{what} has type {type(value).__name__}, not a number")
    try:
        sane = value.is_finite() and (value.is_zero() or abs(value.adjusted()) <= MAX_ADJUSTED)
        sane = sane and value.as_tuple().exponent >= MIN_EXPONENT  # type: ignore[operator]
    except (InvalidOperation, TypeError):
        sane = False
    if not sane:
        raise FieldError(f"{what} is not finite or out of range")
    return value


def positive(value: Any, what: str) -> Decimal:
    number = exact(value, what)
    if number <= 0:
        raise FieldError(f"{what} is not positive")
    return number


def non_negative(value: Any, what: str) -> Decimal:
    number = exact(value, what)
    if number < 0:
        raise FieldError(f"{what} is negative")
    return number


def uint32(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
        raise FieldError(f"{what} is not an unsigned 32-bit integer")
    return value


def text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise FieldError(f"{what} is not a short non-empty string")
    return value


def rfc3339_s(value: Any, what: str) -> float:
    """Seconds since the epoch (float, microsecond precision) from an RFC 3339 string."""
    match = _RFC3339.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise FieldError(f"{what} is not an RFC 3339 time")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61):
        raise FieldError(f"{what} is not a valid time")
    try:
        whole = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    except (ValueError, OverflowError):
        raise FieldError(f"{what} is not a valid time") from None
    zone = match.group(8)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        whole -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    fraction = match.group(7)
    micros = round(float(fraction) * 1e6) if fraction else 0
    return whole + micros / 1e6
