from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.web.telegram.stubs import Clock
from web.telegram.watch import DailySchedule, ExecutorWatch, parse_hhmm


def test_one_alert_per_outage_and_one_recovery() -> None:
    clock = Clock()
    w = ExecutorWatch(down_after_s=20, clock=clock)
    lines = []
    for ok in [True] * 3 + [False] * 10 + [True] + [False] * 2:
        clock.t += 5
        lines.append(w.observe(ok))
    alerts = [x for x in lines if x]
    assert len(alerts) == 2
    assert alerts[0].startswith("🛑 executor unreachable for 25s")
    assert alerts[1] == "✅ executor reachable again"
    assert lines.index(alerts[0]) == 3 + 4  # the 5th failed ping: 25 s > 20 s


def test_an_executor_that_never_answers_is_reported() -> None:
    clock = Clock()
    w = ExecutorWatch(down_after_s=20, clock=clock)
    clock.t += 21
    assert w.observe(False) is not None


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_daily_summary_once_a_day_at_the_utc_time() -> None:
    now = [ts("2024-03-09T19:59:00")]
    sched = DailySchedule("20:00", wall_clock=lambda: now[0])
    assert not sched.due()
    now[0] = ts("2024-03-09T20:00:00")
    assert sched.due() and not sched.due()
    now[0] = ts("2024-03-10T19:00:00")
    assert not sched.due()
    now[0] = ts("2024-03-12T21:00:00")  # asleep two days: one summary, not three
    assert sched.due() and not sched.due()
    assert sched.next_at == ts("2024-03-13T20:00:00")


def test_started_after_the_time_waits_for_tomorrow() -> None:
    sched = DailySchedule("20:00", wall_clock=lambda: ts("2024-03-09T20:30:00"))
    assert sched.next_at == ts("2024-03-10T20:00:00")


@pytest.mark.parametrize("bad", ["24:00", "8:00", "20:60", "", "20-00"])
def test_bad_times_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_hhmm(bad)
