"""JSON errors for the API: every failure is ``{"error": "<one line>"}`` with its status.

``ApiError(status, message)`` raised in a view becomes that response. Flask's own HTTP
errors (404, 405, ...) under ``/api/v1`` and ``/metrics`` become JSON too; an unexpected
exception is logged with its traceback and answered 500 with a generic message, so no
internal detail (paths, SQL, secrets) reaches the client.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """A client-visible error: ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> Response:
    resp = jsonify(error=message)
    resp.status_code = status
    return resp


def install(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(err: ApiError) -> Response:
        return error_response(err.status, err.message)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Response | HTTPException:
        if not request.path.startswith(("/api/", "/metrics", "/healthz")):
            return err
        status = err.code or 500
        message = f"{err.name.lower()}: {request.method} {request.path}"
        return error_response(status, message)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Response:
        logger.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(500, "internal error (see the web log)")
