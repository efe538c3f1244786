"""Checks a private REST call's ``API-Key`` / ``API-Sign`` / nonce the way Kraken does.

Order of checks and the error each failure gives (exact strings):
1. ``API-Key`` header missing or not the emulator's key -> ``EAPI:Invalid key``;
2. no ``nonce`` field, or one that is not a non-negative integer -> ``EAPI:Invalid nonce``;
3. ``API-Sign`` missing or not equal to ``kraken_signature(path, raw_body, secret)`` ->
   ``EAPI:Invalid signature`` (the signature is over the exact body bytes received);
4. nonce not greater than the last accepted one for this key -> ``EAPI:Invalid nonce``.
A rejected request never advances the nonce. The nonce lives in memory only: a restarted
emulator accepts any nonce again (real Kraken never forgets).
"""
from __future__ import annotations

import hmac
import urllib.parse
from collections.abc import Mapping

from trading.exchange.auth import kraken_signature
from trading.exchange.sim import errors
from trading.exchange.sim.errors import KrakenError


class Authenticator:
    """Verifies signed requests for one API key and tracks its nonce."""

    def __init__(self, key: str, secret: str) -> None:
        self._key, self._secret = key, secret
        self.last_nonce = -1

    def verify(self, path: str, headers: Mapping[str, str], body: str) -> dict[str, str]:
        """Return the request's form fields, or raise :class:`KrakenError`."""
        key = headers.get("API-Key", "")
        if not hmac.compare_digest(key.encode(), self._key.encode()):
            raise KrakenError(errors.INVALID_KEY)
        fields = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        nonce_text = fields.get("nonce", "")
        if not nonce_text.isdigit():
            raise KrakenError(errors.INVALID_NONCE)
        expected = kraken_signature(path, body, self._secret)
        if not hmac.compare_digest(headers.get("API-Sign", "").encode(), expected.encode()):
            raise KrakenError(errors.INVALID_SIGNATURE)
        nonce = int(nonce_text)
        if nonce <= self.last_nonce:
            raise KrakenError(errors.INVALID_NONCE)
        self.last_nonce = nonce
        return fields
