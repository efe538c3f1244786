from __future__ import annotations

import random

import pytest

from web.telegram.backoff import Backoff


def test_doubles_up_to_the_cap_and_resets() -> None:
    b = Backoff(base_s=1.0, cap_s=15.0, jitter=0.0)
    assert [b.next() for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 15.0, 15.0]
    b.reset()
    assert b.next() == 1.0


def test_jitter_stays_within_bounds() -> None:
    b = Backoff(base_s=2.0, cap_s=2.0, jitter=0.2, rng=random.Random(1))
    delays = [b.next() for _ in range(200)]
    assert min(delays) >= 1.6 and max(delays) <= 2.4 and len(set(delays)) > 100


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="bad backoff"):
        Backoff(base_s=0)
    with pytest.raises(ValueError, match="bad backoff"):
        Backoff(base_s=5, cap_s=1)
