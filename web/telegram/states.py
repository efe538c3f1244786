"""States of the Telegram front end: the confirmation state machine and the poller's states.

Dependency-free (stdlib only) so any module or test can import it.

Confirmation of a dangerous command (``/close_all``, ``/kill``), with its named transitions::

    ASKED --confirm--> CONFIRMED   the same chat tapped "yes" within the time limit
    ASKED --refuse---> REFUSED     the same chat tapped "cancel"
    ASKED --expire---> EXPIRED     no tap within the limit (or a tap after it)

CONFIRMED, REFUSED and EXPIRED are final: nothing leaves them, so one prompt acts at most once.
A tap from another chat is not a transition (the prompt stays ASKED for its own chat).
"""
from __future__ import annotations

from enum import StrEnum


class Confirm(StrEnum):
    ASKED = "asked"
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    EXPIRED = "expired"


class ConfirmEvent(StrEnum):
    CONFIRM = "confirm"
    REFUSE = "refuse"
    EXPIRE = "expire"


CONFIRM_TRANSITIONS: dict[tuple[Confirm, ConfirmEvent], Confirm] = {
    (Confirm.ASKED, ConfirmEvent.CONFIRM): Confirm.CONFIRMED,  # ASKED -> CONFIRMED
    (Confirm.ASKED, ConfirmEvent.REFUSE): Confirm.REFUSED,     # ASKED -> REFUSED
    (Confirm.ASKED, ConfirmEvent.EXPIRE): Confirm.EXPIRED,     # ASKED -> EXPIRED
}
CONFIRM_FINAL = frozenset({Confirm.CONFIRMED, Confirm.REFUSED, Confirm.EXPIRED})


class BadTransition(ValueError):
    """An event that is not allowed in the current state (a bug in the caller)."""


def next_confirm(state: Confirm, event: ConfirmEvent) -> Confirm:
    """The state after ``event``; :raises BadTransition: if ``state`` does not allow it."""
    try:
        return CONFIRM_TRANSITIONS[(state, event)]
    except KeyError:
        raise BadTransition(f"confirmation: no transition {event.value!r} "
                            f"from {state.value!r}") from None


class Poll(StrEnum):
    """What the update poller is doing (reported in this process's heartbeat)."""

    STARTING = "starting"
    POLLING = "polling"            # long-polling getUpdates normally
    BACKOFF = "backoff"            # waiting after a network error, 5xx or bad body
    RATE_LIMITED = "rate_limited"  # waiting out a 429's retry_after
    STOPPED = "stopped"
