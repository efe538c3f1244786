"""Errors raised by the shared-memory stores.

Every error is a :class:`StoreError`, and every message is one line that names the
segment and says what to do, because these messages end up in supervisord logs and in
Telegram alerts where nobody reads a traceback.
"""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class StoreError(Exception):
    """Base class for every shared-memory store error."""


class StoreNotFound(StoreError):
    """A reader asked for a store whose segment does not exist (the writer is not running)."""


class LayoutMismatch(StoreError):
    """A segment exists but holds another layout, version or pair list than the one asked for.

    The segment is never modified or removed when this is raised; the operator removes it
    (``make stop``) once the process that owns it is stopped.
    """


class TornRead(StoreError):
    """No consistent snapshot could be read within the retry budget (about 50 ms)."""


class ReadOnlyStore(StoreError):
    """A write was attempted on a store opened with ``attach()`` (read-only)."""
