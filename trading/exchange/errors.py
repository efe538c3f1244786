"""Errors raised by the Kraken client.

Semantics:
- :class:`KrakenError`: Kraken *answered* and reported an error in the response's ``error``
  array (this happens with HTTP 200 too). The request was rejected, so nothing happened.
  Subclasses mark the cases callers handle differently: :class:`KrakenRateLimited`,
  :class:`KrakenInvalidNonce`, :class:`KrakenAuthError`.
- :class:`KrakenUnavailable`: no usable answer (timeout, connection error, HTTP 5xx, a body
  that is not Kraken JSON). For a private write such as AddOrder the outcome is *unknown*: the
  order may or may not exist. Reconcile (query by ``cl_ord_id``) before anything is resent.

Caveat: Kraken also reports ``EService:Unavailable`` / ``EService:Busy`` in the error array;
those are :class:`KrakenError` with ``retryable`` set (the request was not processed), not
:class:`KrakenUnavailable`.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "KrakenError",
    "KrakenRateLimited",
    "KrakenInvalidNonce",
    "KrakenAuthError",
    "KrakenUnavailable",
    "from_errors",
]

RATE_LIMIT_PREFIXES = (
    "EAPI:Rate limit exceeded", "EService:Throttled", "EOrder:Rate limit exceeded",
)
NONCE_PREFIXES = ("EAPI:Invalid nonce",)
AUTH_PREFIXES = ("EAPI:Invalid key", "EAPI:Invalid signature", "EGeneral:Permission denied")
SERVICE_PREFIXES = ("EService:Unavailable", "EService:Busy")


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _matches(errors: Sequence[str], prefixes: tuple[str, ...]) -> bool:
    # Kraken sometimes inserts a space after the colon ("EService: Throttled: 1700000000").
    squashed = [e.replace(": ", ":") for e in errors]
    return any(e.startswith(p) for e in squashed for p in prefixes)


class KrakenError(Exception):
    """Kraken rejected the request; ``errors`` is its ``error`` array, ``str()`` the first one."""

    def __init__(self, errors: Sequence[str], endpoint: str | None = None) -> None:
        self.errors: list[str] = [str(e) for e in errors] or ["EGeneral:Unknown error"]
        self.endpoint = endpoint
        super().__init__(_one_line(self.errors[0]))

    @property
    def is_rate_limit(self) -> bool:
        return _matches(self.errors, RATE_LIMIT_PREFIXES)

    @property
    def is_invalid_nonce(self) -> bool:
        return _matches(self.errors, NONCE_PREFIXES)

    @property
    def is_auth(self) -> bool:
        return _matches(self.errors, AUTH_PREFIXES)

    @property
    def retryable(self) -> bool:
        """True when the same request may simply be sent again later (not processed)."""
        return self.is_rate_limit or _matches(self.errors, SERVICE_PREFIXES)


class KrakenRateLimited(KrakenError):
    """``EAPI:Rate limit exceeded``, ``EService:Throttled`` or ``EOrder:Rate limit exceeded``."""


class KrakenInvalidNonce(KrakenError):
    """``EAPI:Invalid nonce``: another signer used this key, or the nonce file was lost."""


class KrakenAuthError(KrakenError):
    """``EAPI:Invalid key`` / ``EAPI:Invalid signature`` / ``EGeneral:Permission denied``."""


class KrakenUnavailable(Exception):
    """No usable answer from Kraken (transport error, timeout, HTTP 5xx, non-JSON body)."""

    def __init__(self, reason: str, endpoint: str | None = None) -> None:
        self.endpoint = endpoint
        super().__init__(_one_line(reason))


def from_errors(errors: Sequence[str], endpoint: str | None = None) -> KrakenError:
    """Build the most specific :class:`KrakenError` subclass for Kraken's ``error`` array."""
    probe = KrakenError(errors, endpoint)
    if probe.is_rate_limit:
        return KrakenRateLimited(errors, endpoint)
    if probe.is_invalid_nonce:
        return KrakenInvalidNonce(errors, endpoint)
    if probe.is_auth:
        return KrakenAuthError(errors, endpoint)
    return probe
