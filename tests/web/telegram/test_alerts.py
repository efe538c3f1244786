from __future__ import annotations

import pytest

from tests.web.telegram.stubs import Clock
from web.telegram.alerts import AlertQueue, compose
from web.telegram.fmt import MAX_TEXT


def test_a_burst_becomes_one_message_after_the_batch_window() -> None:
    clock = Clock()
    q = AlertQueue(batch_s=1.0, clock=clock)
    q.add("a")
    clock.t += 0.5
    q.add("b")
    assert q.take() is None  # the oldest line is only 0.5 s old
    clock.t += 0.5
    assert q.take() == "a\nb"
    assert q.take() is None and q.pending() == 0


def test_a_crash_loop_is_rate_limited_and_summarised() -> None:
    clock = Clock()
    q = AlertQueue(batch_s=1.0, burst=5, per_minute=12, max_lines=3, clock=clock)
    messages = []
    for _ in range(600):  # 10 minutes, one crash alert every second
        q.add(f"scanner-0 died (pid {int(clock.t)})")
        clock.t += 1.0
        if (m := q.take()) is not None:
            messages.append(m)
    assert len(messages) <= 5 + 12 * 10  # the bucket: burst + 12/min
    assert len(messages) >= 100  # but alerts keep flowing
    assert any("more alerts" in m for m in messages)


def test_identical_lines_merge_and_the_queue_is_bounded() -> None:
    clock = Clock()
    q = AlertQueue(batch_s=0.0, max_pending=4, clock=clock)
    for line in ["a", "b", "x", "x", "z", "x"]:
        q.add(line)
    text = q.take()
    assert text == "x (x3)\nz\n… 2 older alerts dropped (too many at once)"


def test_compose_cuts_long_batches_at_a_line() -> None:
    text = compose([f"line {i} " + "z" * 300 for i in range(30)], max_lines=30)
    assert len(text) <= MAX_TEXT + 2 and text.endswith("\n…")
    assert compose(["a", "b", "c"], max_lines=2).endswith("+1 more alerts (see the dashboard "
                                                          "or <code>make logs</code>)")


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="alert queue"):
        AlertQueue(burst=0)
