from __future__ import annotations

import pytest

from web.telegram.states import (
    CONFIRM_FINAL,
    BadTransition,
    Confirm,
    ConfirmEvent,
    next_confirm,
)


@pytest.mark.parametrize(("event", "to"), [(ConfirmEvent.CONFIRM, Confirm.CONFIRMED),
                                           (ConfirmEvent.REFUSE, Confirm.REFUSED),
                                           (ConfirmEvent.EXPIRE, Confirm.EXPIRED)])
def test_asked_goes_to_each_final_state(event: ConfirmEvent, to: Confirm) -> None:
    assert next_confirm(Confirm.ASKED, event) is to


@pytest.mark.parametrize("final", sorted(CONFIRM_FINAL))
@pytest.mark.parametrize("event", list(ConfirmEvent))
def test_nothing_leaves_a_final_state(final: Confirm, event: ConfirmEvent) -> None:
    with pytest.raises(BadTransition, match=f"no transition '{event.value}'"):
        next_confirm(final, event)
