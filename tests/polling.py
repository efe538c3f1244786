"""Waiting for a condition in tests: poll with a deadline, never sleep as synchronisation."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll(fn: Callable[[], T | None], timeout_s: float, what: str = "condition",
         interval_s: float = 0.01) -> T:
    """Call ``fn`` until it returns something truthy; fail naming ``what`` after the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(interval_s)  # polling interval, not synchronisation
