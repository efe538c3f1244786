"""HTTP transport for Kraken REST: signing, error mapping, pacing and bounded retries.

Semantics:
- Public calls: ``GET {base}/0/public/{Method}?...``. Private calls: ``POST
  {base}/0/private/{Method}`` with a form-encoded body that carries ``nonce``, and the headers
  ``API-Key`` and ``API-Sign`` (:func:`trading.exchange.auth.kraken_signature` over the exact
  body bytes sent). Every request has a ``User-Agent``.
- A response whose ``error`` array holds entries raises :class:`KrakenError` (also with HTTP
  200); entries starting with ``W`` are warnings and are only logged. HTTP 5xx, timeouts,
  connection errors and non-JSON bodies raise :class:`KrakenUnavailable`.
- Private calls are paced by a :class:`CallCounter` (cost per method, Kraken's REST counter)
  and public calls by an optional second counter.
- ``retry=True`` calls are retried (at most ``max_attempts`` in all) on rate limits,
  ``EService:Unavailable/Busy``, an invalid nonce and transport errors, sleeping
  :func:`backoff`. ``retry=False`` (AddOrder) is sent exactly once, whatever happens.

Caveat: each retry of a private call is signed with a fresh nonce, so a retried call is a new
request to Kraken; only idempotent calls may use ``retry=True``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from trading.exchange.auth import encode_body, kraken_signature
from trading.exchange.errors import KrakenError, KrakenUnavailable, from_errors
from trading.exchange.nonce import NonceSource
from trading.exchange.ratelimit import CallCounter, backoff

__all__ = ["Transport", "USER_AGENT", "PRIVATE_COST"]

logger = logging.getLogger(__name__)

USER_AGENT = "kraken-pi-bot/0.1"
# Kraken REST counter: ledger/trade-history calls +2; AddOrder/CancelOrder use the separate
# trading-engine limiter (0 here); everything else +1.
PRIVATE_COST = {"Ledgers": 2, "QueryLedgers": 2, "TradesHistory": 2, "QueryTrades": 2,
                "AddOrder": 0, "CancelOrder": 0}


class Transport:
    """Sends one Kraken REST call, with pacing and (optionally) bounded retries."""

    def __init__(self, base_url: str, key: str | None, secret: str | None,
                 nonce: NonceSource | None, timeout_s: float, counter: CallCounter,
                 public_counter: CallCounter | None, session: requests.Session,
                 max_attempts: int = 4, backoff_base_s: float = 0.5, backoff_cap_s: float = 8.0,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: Callable[[], float] = random.random) -> None:
        self.base_url = base_url.rstrip("/")
        self._key, self._secret, self._nonce = key, secret, nonce
        self.timeout_s = timeout_s
        self.counter, self.public_counter = counter, public_counter
        self.session = session
        self.max_attempts = max(1, max_attempts)
        self._backoff = (backoff_base_s, backoff_cap_s, rng)
        self._sleep = sleep

    @property
    def can_sign(self) -> bool:
        return bool(self._key and self._secret and self._nonce)

    def public(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._with_retries(method, lambda: self._public_once(method, params), True)

    def private(self, method: str, data: Mapping[str, Any] | None = None,
                retry: bool = True) -> Any:
        if not self.can_sign:
            raise RuntimeError(f"{method}: no API key/secret/nonce source configured")
        return self._with_retries(method, lambda: self._private_once(method, data or {}), retry)

    def _with_retries(self, method: str, once: Callable[[], Any], retry: bool) -> Any:
        attempts = self.max_attempts if retry else 1
        for attempt in range(attempts):
            try:
                return once()
            except KrakenError as exc:
                if exc.is_rate_limit:
                    self.counter.penalize()
                if not (retry and (exc.retryable or exc.is_invalid_nonce)) \
                        or attempt + 1 >= attempts:
                    raise
                reason = str(exc)
            except KrakenUnavailable as exc:
                if not retry or attempt + 1 >= attempts:
                    raise
                reason = str(exc)
            delay = backoff(attempt, *self._backoff)
            logger.warning("%s: %s; retry %d in %.2f s", method, reason, attempt + 1, delay)
            self._sleep(delay)
        raise AssertionError("unreachable")

    def _public_once(self, method: str, params: Mapping[str, Any] | None) -> Any:
        if self.public_counter is not None:
            self.public_counter.cost(1)
        url = f"{self.base_url}/0/public/{method}"
        return self._send(method, lambda: self.session.get(
            url, params=dict(params or {}), headers={"User-Agent": USER_AGENT},
            timeout=self.timeout_s))

    def _private_once(self, method: str, data: Mapping[str, Any]) -> Any:
        self.counter.cost(PRIVATE_COST.get(method, 1))
        assert self._nonce is not None and self._secret is not None and self._key is not None
        path = f"/0/private/{method}"
        body = encode_body({"nonce": self._nonce.next(), **data})
        headers = {
            "User-Agent": USER_AGENT,
            "API-Key": self._key,
            "API-Sign": kraken_signature(path, body, self._secret),
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        }
        return self._send(method, lambda: self.session.post(
            self.base_url + path, data=body.encode(), headers=headers, timeout=self.timeout_s))

    def _send(self, method: str, request: Callable[[], requests.Response]) -> Any:
        try:
            response = request()
        except requests.RequestException as exc:
            raise KrakenUnavailable(f"{type(exc).__name__}: {exc}", method) from exc
        return _decode(method, response)


def _decode(method: str, response: requests.Response) -> Any:
    status = response.status_code
    if status >= 500:
        raise KrakenUnavailable(f"HTTP {status}", method)
    try:
        body = response.json()
    except ValueError:
        raise KrakenUnavailable(f"HTTP {status} with a non-JSON body", method) from None
    raw_errors = body.get("error", []) if isinstance(body, dict) else None
    if not isinstance(raw_errors, list):
        raise KrakenUnavailable(f"HTTP {status} with an unexpected body", method)
    errors = [str(e) for e in raw_errors if not str(e).startswith("W")]
    for warning in (str(e) for e in raw_errors if str(e).startswith("W")):
        logger.warning("%s: Kraken warning %s", method, warning)
    if errors:
        raise from_errors(errors, method)
    if status >= 400:
        raise KrakenError([f"EGeneral:HTTP {status}"], method)
    if "result" not in body:
        raise KrakenUnavailable("response has no result", method)
    return body["result"]
