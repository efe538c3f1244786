from __future__ import annotations

from web.telegram.auth import Auth, Refusals, action_of


def test_only_allowed_chats() -> None:
    auth = Auth.of([111, -100222])
    assert auth.allows(111, 5) and auth.allows(-100222, None)
    assert not auth.allows(222, 222) and not auth.allows(None, 111)


def test_empty_allow_list_answers_no_one() -> None:
    assert not Auth.of([]).allows(111, 111)


def test_user_ids_narrow_an_allowed_chat() -> None:
    auth = Auth.of([-100], user_ids=[7])
    assert auth.allows(-100, 7)
    assert not auth.allows(-100, 8) and not auth.allows(-100, None)
    assert not auth.allows(-200, 7)  # an allowed user in a chat that is not allowed


def test_action_is_the_command_word_only() -> None:
    assert action_of("/kill now please", "message") == "/kill"
    assert action_of("hello there", "message") == "message"
    assert action_of("/" + "x" * 100, "message") == "/" + "x" * 31
    assert action_of("", "callback") == "callback"


def test_each_refusal_is_audited_and_audit_failures_are_contained() -> None:
    seen: list[tuple[str, str]] = []
    r = Refusals(lambda who, action: seen.append((who, action)))
    r.refuse(222, 9, "/kill")
    r.refuse(None, None, "callback")
    assert seen == [("222", "/kill"), ("?", "callback")] and r.count == 2

    def boom(who: str, action: str) -> None:
        raise RuntimeError("queue broken")
    Refusals(boom).refuse(222, 9, "/pnl")  # must not raise
