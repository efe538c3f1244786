from __future__ import annotations

import itertools

from tests.web.telegram.stubs import Clock
from web.telegram.confirm import NO, YES, Confirmations, button_data, parse_button
from web.telegram.states import Confirm


def make(clock: Clock, timeout_s: float = 30.0) -> Confirmations:
    counter = itertools.count(1)
    return Confirmations(timeout_s, clock, new_token=lambda: f"t{next(counter)}")


def test_button_data_round_trips_and_rejects_foreign_data() -> None:
    assert parse_button(button_data("abc", YES)) == ("abc", YES)
    assert parse_button(button_data("abc", NO)) == ("abc", NO)
    for bad in (None, "", "cf:abc", "cf::yes", "cf:abc:maybe", "xx:abc:yes", "cf:a:yes:1"):
        assert parse_button(bad) is None


def test_yes_from_the_same_chat_within_the_limit_confirms_once() -> None:
    clock = Clock()
    c = make(clock)
    p = c.ask("kill", 111, 5)
    clock.t += 29.9
    tap = c.tap(p.token, YES, 111)
    assert tap.outcome == "confirmed" and tap.prompt is p and p.state is Confirm.CONFIRMED
    assert c.tap(p.token, YES, 111).outcome == "unknown"  # acts at most once
    assert c.pending() == 0


def test_cancel_refuses() -> None:
    c = make(Clock())
    p = c.ask("close_all", 111, None)
    assert c.tap(p.token, NO, 111).outcome == "refused"
    assert p.state is Confirm.REFUSED


def test_a_tap_after_the_limit_expires_even_if_yes() -> None:
    clock = Clock()
    c = make(clock)
    p = c.ask("kill", 111, None)
    clock.t += 30.01
    assert c.tap(p.token, YES, 111).outcome == "expired"
    assert p.state is Confirm.EXPIRED


def test_a_tap_from_another_chat_changes_nothing() -> None:
    c = make(Clock())
    p = c.ask("kill", 111, None)
    tap = c.tap(p.token, YES, 333)
    assert tap.outcome == "not_yours" and p.state is Confirm.ASKED
    assert c.tap(p.token, YES, 111).outcome == "confirmed"


def test_expire_due_returns_only_overdue_prompts() -> None:
    clock = Clock()
    c = make(clock)
    old = c.ask("kill", 111, None)
    clock.t += 20
    young = c.ask("close_all", 111, None)
    c.attach_message(old.token, 77)
    clock.t += 10.5
    due = c.expire_due()
    assert due == [old] and old.state is Confirm.EXPIRED and old.message_id == 77
    assert young.state is Confirm.ASKED and c.pending() == 1
    assert c.expire_due() == []


def test_pending_prompts_are_bounded() -> None:
    c = make(Clock())
    first = c.ask("kill", 1, None)
    for i in range(40):
        c.ask("kill", 1, None)
    assert c.pending() <= 32
    assert first.state is Confirm.EXPIRED
