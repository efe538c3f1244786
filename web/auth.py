"""Access-token checks for the REST API, ``/metrics`` and the WebSocket.

Semantics and caveats:

- Every ``/api/v1/*`` route and ``/metrics`` need ``Authorization: Bearer <token>``; the
  WebSocket takes the same header or ``{"type": "auth", "token": "..."}`` as its first
  message (browsers cannot set headers on a WebSocket). ``/healthz``, the page and its
  static files are public: the page holds no data until it has the token.
- A request without a valid token is answered 401 before any view runs, so a POST without
  one has no effect at all.
- Tokens are compared with :func:`hmac.compare_digest` over bytes (constant time for equal
  lengths). The token is never logged, echoed or put into an error message.
"""
from __future__ import annotations

import hmac
import logging
from collections.abc import Callable

from flask import Flask, Response, jsonify, request

logger = logging.getLogger(__name__)

PROTECTED_PREFIXES = ("/api/v1/", "/metrics")
UNAUTHORIZED = "missing or invalid access token"


def token_matches(presented: str | None, token: str) -> bool:
    """True when ``presented`` equals ``token`` (constant time); never for an empty token."""
    if not presented or not token:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), token.encode("utf-8"))


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def protected(path: str) -> bool:
    return path == "/metrics" or path.startswith(PROTECTED_PREFIXES[0])


def unauthorized() -> Response:
    resp = jsonify(error=UNAUTHORIZED)
    resp.status_code = 401
    resp.headers["WWW-Authenticate"] = 'Bearer realm="bot"'
    return resp


def install(app: Flask, token_of: Callable[[], str]) -> None:
    """Refuse every protected request that lacks the token (``token_of()`` gives it)."""

    @app.before_request
    def _check_token() -> Response | None:
        if not protected(request.path):
            return None
        if token_matches(bearer(request.headers.get("Authorization")), token_of()):
            return None
        logger.info("refused %s %s from %s: no valid token", request.method, request.path,
                    request.remote_addr)
        return unauthorized()
