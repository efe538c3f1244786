from __future__ import annotations

from typing import Any

import pytest

from web.telegram.incoming import CALLBACK, MESSAGE, Incoming, parse_update, update_id


def test_text_message() -> None:
    inc = parse_update({"update_id": 5, "message": {
        "message_id": 1, "date": 1700000000, "text": "/Status@Test_Bot extra",
        "chat": {"id": -100, "type": "group"}, "from": {"id": 7}}})
    assert inc == Incoming(MESSAGE, -100, 7, date=1700000000, text="/Status@Test_Bot extra")
    assert inc.command == "status" and inc.mention == "Test_Bot"


def test_callback_query() -> None:
    inc = parse_update({"update_id": 6, "callback_query": {
        "id": "cb", "data": "cf:t:yes", "from": {"id": 7},
        "message": {"message_id": 42, "chat": {"id": 111}}}})
    assert inc is not None and inc.kind == CALLBACK
    assert (inc.chat_id, inc.user_id, inc.text, inc.callback_id, inc.message_id) == (
        111, 7, "cf:t:yes", "cb", 42)
    assert inc.command is None


@pytest.mark.parametrize("raw", [None, [], "x", {}, {"update_id": 1},
                                 {"message": {"sticker": {}}}, {"message": "x"},
                                 {"callback_query": {"data": "x"}}, {"edited_message": {}}])
def test_anything_else_is_ignored(raw: Any) -> None:
    assert parse_update(raw) is None


def test_plain_text_has_no_command_and_ids_must_be_ints() -> None:
    inc = parse_update({"message": {"text": "hi", "chat": {"id": "111"}, "from": {"id": True}}})
    assert inc is not None and inc.command is None and inc.chat_id is None and inc.user_id is None
    assert update_id({"update_id": 3}) == 3
    assert update_id({"update_id": "3"}) is None and update_id({"update_id": True}) is None
