"""CallCounter and backoff math with an injected clock (no real waiting)."""
from __future__ import annotations

import pytest

from trading.exchange.ratelimit import CallCounter, backoff


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_starter_tier_burst_then_decay() -> None:
    clock = FakeClock()
    counter = CallCounter(max_count=15, decay_per_s=0.33, clock=clock, sleep=clock.sleep)
    for _ in range(15):
        assert counter.cost(1) == 0.0
    assert counter.level() == pytest.approx(15)
    assert counter.wait_time(1) == pytest.approx(1 / 0.33)
    waited = counter.cost(1)
    assert waited == pytest.approx(1 / 0.33)
    assert counter.level() == pytest.approx(15)
    clock.now += 10
    assert counter.level() == pytest.approx(15 - 3.3)


def test_never_exceeds_max() -> None:
    clock = FakeClock()
    counter = CallCounter(max_count=15, decay_per_s=0.33, clock=clock, sleep=clock.sleep)
    for i in range(100):
        counter.cost(2 if i % 3 == 0 else 1)
        assert counter.level() <= 15 + 1e-9
    # 100 calls, ~133 units: ~118 above the 15 burst at 0.33/s
    assert clock.now - 100.0 == pytest.approx((134 - 15) / 0.33, rel=0.02)


def test_non_blocking_and_penalize() -> None:
    clock = FakeClock()
    counter = CallCounter(max_count=2, decay_per_s=1.0, clock=clock, sleep=clock.sleep)
    assert counter.cost(2, block=False) == 0
    assert counter.cost(1, block=False) == pytest.approx(1.0)
    assert counter.level() == pytest.approx(2)  # nothing was added
    clock.now += 2
    counter.penalize()
    assert counter.wait_time(1) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        counter.wait_time(3)


def test_zero_cost_is_free() -> None:
    counter = CallCounter(max_count=1, decay_per_s=1)
    counter.penalize()
    assert counter.cost(0) == 0.0


def test_backoff_is_capped_full_jitter() -> None:
    assert backoff(0, base_s=0.5, cap_s=30, rng=lambda: 1.0) == 0.5
    assert backoff(3, base_s=0.5, cap_s=30, rng=lambda: 1.0) == 4.0
    assert backoff(20, base_s=0.5, cap_s=30, rng=lambda: 1.0) == 30.0
    assert backoff(20, base_s=0.5, cap_s=30, rng=lambda: 0.0) == 0.0
    assert backoff(4, base_s=1, cap_s=10, rng=lambda: 0.25) == 2.5
