"""A one-entry memo keyed by the *content* of input arrays (private).

Several indicators share expensive intermediate results: ATR, +DI, -DI and ADX all smooth
the same true range, and the three DM-based ones the same directional movement; hammer,
shooting star and doji share their candle averages. A strategy usually computes them back
to back on the same bars, so each shared step keeps its last result and hands it out again
when called with equal arrays and parameters.

Semantics: the key is a 128-bit hash (xxh3) of each array's bytes plus their shape, so an
array mutated in place -- e.g. a reused buffer refilled from shared memory -- is a miss,
never a stale hit (a false hit needs a 128-bit collision). Hashing reads the arrays without
copying them: ~0.2 us per array at 500 bars, ~13 us at 100k (strided arrays, such as the
columns of a window, are copied first). Results are shared, so callers
must treat them as read-only. One entry per step; thread-safe under the GIL (the entry is
replaced in one assignment), at worst a miss.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import numpy as np
import xxhash

T = TypeVar("T")


class LastCall(Generic[T]):
    """Remembers the result of the last call of one computation."""

    __slots__ = ("_entry",)

    def __init__(self) -> None:
        self._entry: tuple[tuple[object, ...], T] | None = None

    def get(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        """The remembered value when ``key`` equals the last one, else ``compute()``."""
        entry = self._entry
        if entry is not None and entry[0] == key:
            return entry[1]
        value = compute()
        self._entry = (key, value)
        return value


_hash = xxhash.xxh3_128_intdigest


def key_of(period: int, *arrays: np.ndarray) -> tuple[object, ...]:
    """A memo key: the period, the arrays' (common) shape and each one's content hash."""
    try:
        return (period, arrays[0].shape, *map(_hash, arrays))
    except (BufferError, ValueError):  # a strided view: hash a contiguous copy
        return (period, arrays[0].shape, *(_hash(np.ascontiguousarray(a)) for a in arrays))
