"""The order state machine: every legal edge by name, every other edge refused."""
from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from trading.execution import states
from trading.execution.states import (
    FINAL_STATES,
    ORDER_STATES,
    ORDER_TRANSITIONS,
    IllegalTransition,
    OrderState,
    is_stale,
    transition,
)

S = OrderState
LEGAL = {(a, b) for _, a, b in ORDER_TRANSITIONS}


@pytest.mark.parametrize(("name", "src", "dst"), ORDER_TRANSITIONS)
def test_every_legal_edge_has_its_name(name: str, src: str, dst: str) -> None:
    assert transition(src, dst) == name


@pytest.mark.parametrize(("src", "dst"), sorted(
    set(itertools.product(ORDER_STATES, repeat=2)) - LEGAL))
def test_every_other_edge_is_refused_in_one_line(src: str, dst: str) -> None:
    with pytest.raises(IllegalTransition) as e:
        transition(src, dst)
    assert str(e.value) == f"illegal order transition {src} -> {dst}"


def test_named_edges_of_the_issue() -> None:
    assert transition(S.PENDING, S.OPEN) == "sent"
    assert transition(S.PENDING, S.UNKNOWN) == "lost"
    assert transition(S.OPEN, S.FILLED) == "filled"
    assert transition(S.PARTIALLY_FILLED, S.FILLED) == "filled"
    for dst in (S.OPEN, S.FILLED, S.CANCELLED, S.REJECTED):
        assert transition(S.UNKNOWN, dst) == "resolved"


def test_final_states_have_no_way_out() -> None:
    assert FINAL_STATES == {S.FILLED, S.CANCELLED, S.REJECTED}
    assert not [t for t in ORDER_TRANSITIONS if t[1] in FINAL_STATES]
    assert all(any(t[1] == s for t in ORDER_TRANSITIONS) for s in ORDER_STATES
               if s not in FINAL_STATES)


def test_unknown_state_name_is_refused() -> None:
    with pytest.raises(IllegalTransition, match="unknown order state 'done'"):
        transition(S.OPEN, "done")


def test_stale_reports_are_earlier_stages_only() -> None:
    assert is_stale(S.FILLED, S.OPEN)               # REST ack after the WS fill
    assert is_stale(S.OPEN, S.UNKNOWN)              # send timed out, but the order is known open
    assert is_stale(S.PARTIALLY_FILLED, S.PENDING)
    assert not is_stale(S.OPEN, S.FILLED)           # progress, not stale
    assert not is_stale(S.CANCELLED, S.FILLED)      # a conflict, not a late report
    assert not is_stale(S.OPEN, S.OPEN)


def test_graph_is_acyclic() -> None:
    for a, b in itertools.permutations(ORDER_STATES, 2):
        assert not (is_stale(a, b) and is_stale(b, a)), (a, b)


def test_module_depends_on_stdlib_only() -> None:
    tree = ast.parse(Path(states.__file__).read_text())
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert [getattr(n, "module", None) for n in imports] == ["__future__"]
