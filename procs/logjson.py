"""Structured logging: one JSON object per line on stderr.

Each line carries ``ts`` (ISO 8601 UTC, ms), ``level``, ``proc`` (the program
name), ``logger``, ``msg`` and ``fields`` (whatever was passed as
``extra={"fields": {...}}``), plus ``exc`` when an exception is logged.
supervisord captures stderr into ``${BOT_HOME}/logs/<program>.log`` and rotates
it. Secrets never reach a line: every value registered with
:func:`add_secret` (the config's secret keys are registered at boot) is
replaced by ``***`` in the message, the fields and the traceback.
"""
from __future__ import annotations

import logging
import sys
import threading
from datetime import UTC, datetime
from typing import Any

import orjson

_secrets: set[str] = set()
_lock = threading.Lock()
MIN_SECRET_LEN = 4


def add_secret(value: str) -> None:
    """Never let ``value`` appear in a log line from now on."""
    if value and len(value) >= MIN_SECRET_LEN:
        with _lock:
            _secrets.add(value)
            _secrets.add(orjson.dumps(value).decode()[1:-1])  # as it appears inside JSON


def redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line with secrets redacted."""

    def __init__(self, proc: str) -> None:
        super().__init__()
        self.proc = proc

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "proc": self.proc,
            "logger": record.name,
            "msg": record.getMessage(),
            "fields": getattr(record, "fields", {}) or {},
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        text = orjson.dumps(line, default=str).decode()
        return redact(text) if _secrets else text


def setup_logging(proc: str, level: str = "INFO") -> None:
    """Route the root logger to stderr as JSON lines; idempotent."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(proc))
    root.addHandler(handler)
    root.setLevel(level)
