"""The poll loop against the fake Bot API: offsets, faults, 429 gate, going away, stopping."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.polling import poll
from tests.web.telegram.fake_bot_api import TOKEN, FakeBotApi
from web.telegram.api import BotApi
from web.telegram.backoff import Backoff
from web.telegram.poller import Poller
from web.telegram.states import Poll


@dataclass
class Run:
    poller: Poller
    fake: FakeBotApi
    stopping: threading.Event
    thread: threading.Thread
    seen: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        return list(self.seen)


@pytest.fixture
def run(fake_api: FakeBotApi) -> Iterator[Run]:
    stopping = threading.Event()
    seen: list[str] = []

    def handle(raw: Any) -> None:
        if "message" not in raw:
            return
        text = raw["message"]["text"]
        if text == "boom":
            raise RuntimeError("handler bug")
        if text == "stop-now":
            stopping.set()
        seen.append(text)

    api = BotApi(TOKEN, fake_api.url, stopping, timeout_s=3)
    poller = Poller(api, handle, stopping, long_poll_s=1,
                    backoff=Backoff(base_s=0.1, cap_s=0.4))
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    r = Run(poller, fake_api, stopping, thread, seen)
    yield r
    stopping.set()
    fake_api.wake()
    thread.join(5)


def test_updates_are_handled_in_order_and_confirmed(run: Run) -> None:
    ids = [run.fake.push_message(111, t) for t in ("a", "boom", "b")]
    run.fake.push({"edited_message": {}})  # not for us: skipped, but moved past
    poll(lambda: run.texts() == ["a", "b"], 5, "updates a and b")
    poll(lambda: run.poller.offset == ids[-1] + 2, 5, "the offset past every update")
    assert run.poller.username == "test_bot" and run.poller.state is Poll.POLLING
    poll(lambda: run.fake.calls_of("getUpdates")[-1].params.get("offset") == str(ids[-1] + 2),
         5, "a getUpdates that confirms them all")


@pytest.mark.parametrize("kind", ["500", "html500", "garbage"])
def test_server_faults_back_off_and_resume(run: Run, kind: str) -> None:
    poll(lambda: run.poller.polls >= 1, 5, "a first poll")
    run.fake.fault("getUpdates", kind, count=3)
    poll(lambda: run.poller.errors >= 3, 10, "three failed polls")
    run.fake.push_message(111, "after")
    poll(lambda: run.texts() == ["after"], 10, "the update after the faults")
    assert run.thread.is_alive() and run.poller.backoff.failures == 0


def test_a_429_is_honoured_no_request_before_retry_after(run: Run) -> None:
    poll(lambda: run.poller.polls >= 1, 5, "a first poll")
    run.fake.fault("getUpdates", "429", retry_after=2)
    poll(lambda: any(c.fault == "429" for c in run.fake.calls), 5, "the 429")
    t429 = next(c.t for c in run.fake.calls if c.fault == "429")
    run.fake.push_message(111, "later")
    poll(lambda: run.texts() == ["later"], 10, "the update after the 429")
    after = [c.t - t429 for c in run.fake.calls if c.t > t429]
    assert after and min(after) >= 2.0


def test_the_server_going_away_and_coming_back(run: Run) -> None:
    poll(lambda: run.poller.polls >= 1, 5, "a first poll")
    run.fake.go_away()
    poll(lambda: run.poller.state is Poll.BACKOFF, 10, "backoff while the server is gone")
    run.fake.come_back()
    run.fake.push_message(111, "back")
    poll(lambda: run.texts() == ["back"], 10, "the update after the server came back")
    assert run.thread.is_alive()


def test_stopping_ends_the_loop_and_confirms_handled_updates(run: Run) -> None:
    uid = run.fake.push_message(111, "stop-now")  # its handler sets `stopping`
    run.thread.join(5)
    assert not run.thread.is_alive() and run.poller.state is Poll.STOPPED
    last = run.fake.calls_of("getUpdates")[-1].params
    assert last["offset"] == str(uid + 1) and last["timeout"] == "0"  # confirmed, no wait


def test_an_unexpected_error_does_not_end_polling(run: Run) -> None:
    real = run.poller.api.get_updates
    failed: list[int] = []

    def flaky(offset: int | None, long_poll_s: int) -> list[Any]:
        if not failed:
            failed.append(1)
            raise RuntimeError("a bug somewhere below the poller")
        return real(offset, long_poll_s)

    run.poller.api.get_updates = flaky  # type: ignore[method-assign]
    run.fake.wake()
    run.fake.push_message(111, "still here")
    poll(lambda: run.texts() == ["still here"], 10, "the update after the error")
    assert failed and run.thread.is_alive()
