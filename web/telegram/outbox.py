"""Delivery of alert messages to every allowed chat: in order, with retries, bounded.

``put(text)`` queues one message per allowed chat; ``flush()`` (the alert thread, a few times
a second) sends what is due. A send that will be retried stops that flush, so messages keep
their order:

- ``rate_limited`` (429): kept; the API's gate holds every request until ``retry_after``.
- ``transient`` (network, 5xx, bad body): kept and retried after 2, 4, 8 s; dropped (and
  logged) after ``max_attempts`` tries. A message whose send timed out may have arrived:
  a retry can then duplicate it, which beats losing an alert.
- ``rejected`` / ``unauthorized`` / ``conflict`` (e.g. the user blocked the bot): dropped
  and logged; retrying cannot help.
At most ``max_items`` messages wait; the oldest are dropped (and counted) beyond that.
"""
from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from web.telegram.api import RATE_LIMITED, TRANSIENT, ApiError

logger = logging.getLogger(__name__)


@dataclass
class _Item:
    chat_id: int
    text: str
    attempts: int = 0
    not_before: float = 0.0


class Outbox:
    def __init__(self, send: Callable[[int, str], object], chat_ids: Iterable[int],
                 max_attempts: int = 4, retry_s: float = 2.0, max_items: int = 100,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._send = send
        self.chat_ids = tuple(chat_ids)
        self.max_attempts = max_attempts
        self.retry_s = retry_s
        self.max_items = max_items
        self._clock = clock
        self._items: deque[_Item] = deque()
        self.delivered = 0
        self.dropped = 0

    def put(self, text: str) -> None:
        for chat in self.chat_ids:
            if len(self._items) >= self.max_items:
                self._items.popleft()
                self.dropped += 1
                logger.warning("alert outbox full: dropped the oldest message")
            self._items.append(_Item(chat, text))

    def __len__(self) -> int:
        return len(self._items)

    def flush(self) -> int:
        """Send every due message in order; how many were delivered. Raises ``Stopped``."""
        sent = 0
        while self._items and self._items[0].not_before <= self._clock():
            item = self._items[0]
            try:
                self._send(item.chat_id, item.text)
            except ApiError as e:
                if self._keep(item, e):
                    return sent
                self._items.popleft()
                self.dropped += 1
                continue
            self._items.popleft()
            self.delivered += 1
            sent += 1
        return sent

    def _keep(self, item: _Item, e: ApiError) -> bool:
        """Whether to retry ``item`` after ``e`` (and when)."""
        if e.kind == RATE_LIMITED:
            return True
        item.attempts += 1
        if e.kind == TRANSIENT and item.attempts < self.max_attempts:
            item.not_before = self._clock() + self.retry_s * 2 ** (item.attempts - 1)
            logger.info("alert to chat %s not sent (%s); retry %d in %.0f s", item.chat_id, e,
                        item.attempts, item.not_before - self._clock())
            return True
        logger.error("alert to chat %s dropped after %d tries: %s", item.chat_id,
                     item.attempts, e)
        return False
