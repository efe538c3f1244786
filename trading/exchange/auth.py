"""Kraken private REST request signing (``API-Sign``), a pure function.

Semantics, per Kraken's "Spot REST authentication" guide::

    API-Sign = base64(HMAC-SHA512(key=base64decode(secret),
                                  msg=urlpath + SHA256(nonce + postdata).digest()))

``urlpath`` is the URI path starting at ``/0/private/`` (no host, no query). ``postdata`` is the
exact form-encoded body that is sent; the nonce is also inside it.

Caveats:
- Sign the *same bytes* you send. Pass the already-encoded body as a ``str`` when the body is
  built elsewhere; a ``dict`` is encoded here with ``urllib.parse.urlencode`` (insertion order).
- The secret must be base64-decoded before use and the SHA-256 digest is the *raw* digest, not
  hex; both mistakes produce a well-formed but wrong signature (``EAPI:Invalid signature``).
- Nonces must strictly increase per API key; that is :mod:`trading.exchange.nonce`'s job.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from collections.abc import Mapping
from typing import Any

__all__ = ["kraken_signature", "encode_body"]


def encode_body(data: Mapping[str, Any]) -> str:
    """Form-encode ``data`` exactly as it will be sent (insertion order kept)."""
    return urllib.parse.urlencode(dict(data))


def _nonce_of(data: Mapping[str, Any] | str) -> str:
    if isinstance(data, str):
        values = urllib.parse.parse_qs(data, keep_blank_values=True).get("nonce")
        if not values:
            raise ValueError("POST body has no nonce")
        return values[0]
    if "nonce" not in data:
        raise ValueError("POST data has no nonce")
    return str(data["nonce"])


def kraken_signature(urlpath: str, data: Mapping[str, Any] | str, secret: str) -> str:
    """Return the ``API-Sign`` header value for a private Kraken REST call.

    :param urlpath: e.g. ``"/0/private/AddOrder"``.
    :param data: the POST fields (a mapping incl. ``nonce``) or the already-encoded body.
    :param secret: the API secret exactly as Kraken shows it (base64 text).
    :return: the base64-encoded HMAC-SHA512 signature.
    """
    postdata = data if isinstance(data, str) else encode_body(data)
    nonce = _nonce_of(data)
    digest = hashlib.sha256((nonce + postdata).encode()).digest()
    mac = hmac.new(base64.b64decode(secret), urlpath.encode() + digest, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()
