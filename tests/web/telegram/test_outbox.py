from __future__ import annotations

from tests.web.telegram.stubs import Clock
from web.telegram.api import RATE_LIMITED, REJECTED, TRANSIENT, ApiError
from web.telegram.outbox import Outbox


class Sender:
    def __init__(self) -> None:
        self.errors: list[ApiError] = []
        self.sent: list[tuple[int, str]] = []

    def __call__(self, chat: int, text: str) -> None:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((chat, text))


def test_every_allowed_chat_gets_each_message_in_order() -> None:
    s = Sender()
    box = Outbox(s, [111, 222], clock=Clock())
    box.put("a")
    box.put("b")
    assert box.flush() == 4
    assert s.sent == [(111, "a"), (222, "a"), (111, "b"), (222, "b")]


def test_transient_errors_retry_later_then_drop() -> None:
    clock = Clock()
    s = Sender()
    box = Outbox(s, [111], max_attempts=3, retry_s=2.0, clock=clock)
    box.put("a")
    box.put("b")
    s.errors = [ApiError(TRANSIENT, "down")] * 3
    assert box.flush() == 0 and len(box) == 2  # kept, order kept
    assert box.flush() == 0  # not due yet: nothing is tried
    assert len(s.errors) == 2
    clock.t += 2
    assert box.flush() == 0 and len(s.errors) == 1
    clock.t += 4
    assert box.flush() == 1  # third failure drops "a", then "b" goes
    assert s.sent == [(111, "b")] and box.dropped == 1


def test_rate_limited_is_kept_and_rejected_is_dropped() -> None:
    s = Sender()
    box = Outbox(s, [111], clock=Clock())
    box.put("a")
    s.errors = [ApiError(RATE_LIMITED, "429", 3.0)]
    assert box.flush() == 0 and len(box) == 1
    assert box.flush() == 1 and s.sent == [(111, "a")]
    box.put("b")
    s.errors = [ApiError(REJECTED, "blocked by the user")]
    assert box.flush() == 0 and len(box) == 0 and box.dropped == 1


def test_bounded() -> None:
    box = Outbox(Sender(), [111, 222], max_items=5, clock=Clock())
    for i in range(10):
        box.put(str(i))
    assert len(box) == 5 and box.dropped == 15
