"""BotApi against the fake Bot API: every fault becomes one ApiError kind; 429 closes the gate."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest

from tests.web.telegram.fake_bot_api import TOKEN, FakeBotApi
from web.telegram.api import (
    CONFLICT,
    RATE_LIMITED,
    REJECTED,
    TRANSIENT,
    UNAUTHORIZED,
    ApiError,
    BotApi,
    Gate,
    Stopped,
    keyboard,
)


@pytest.fixture
def api(fake_api: FakeBotApi) -> Iterator[BotApi]:
    yield BotApi(TOKEN, fake_api.url, threading.Event(), timeout_s=3)


def test_calls_reach_the_fake_with_telegram_parameters(api: BotApi, fake_api: FakeBotApi) -> None:
    assert api.get_me()["username"] == "test_bot"
    mid = api.send(111, "<b>hi</b> &amp; bye", keyboard([("Yes", "cf:t:yes")]))
    sent = fake_api.sent[mid]
    assert sent.chat_id == 111 and sent.text == "<b>hi</b> &amp; bye"
    assert sent.buttons() == [("Yes", "cf:t:yes")]
    call = fake_api.calls_of("sendMessage")[-1]
    assert call.params["parse_mode"] == "HTML"
    assert json.loads(call.params["link_preview_options"]) == {"is_disabled": True}
    api.edit(111, mid, "done")
    api.answer_callback("cb1", "ok")
    assert sent.edits == ["done"]
    assert [c.method for c in fake_api.calls] == ["getMe", "sendMessage", "editMessageText",
                                                 "answerCallbackQuery"]


def test_get_updates_long_polls_and_returns_raw_updates(api: BotApi, fake_api: FakeBotApi) -> None:
    assert api.get_updates(None, 0) == []
    uid = fake_api.push_message(111, "/status")
    updates = api.get_updates(None, 5)
    assert [u["update_id"] for u in updates] == [uid]
    assert updates[0]["message"]["text"] == "/status"
    params = fake_api.calls_of("getUpdates")[-1].params
    assert params["timeout"] == "5" and json.loads(params["allowed_updates"]) == [
        "message", "callback_query"]
    assert api.get_updates(uid + 1, 0) == []  # confirmed updates are gone


@pytest.mark.parametrize(("kind", "expected"), [("500", TRANSIENT), ("html500", TRANSIENT),
                                                ("garbage", TRANSIENT)])
def test_server_faults_are_transient(api: BotApi, fake_api: FakeBotApi, kind: str,
                                     expected: str) -> None:
    fake_api.fault("getUpdates", kind)
    with pytest.raises(ApiError) as err:
        api.get_updates(None, 0)
    assert err.value.kind == expected and "getUpdates" in str(err.value)
    assert api.get_updates(None, 0) == []  # the next call works


def test_429_closes_the_gate_for_every_method(api: BotApi, fake_api: FakeBotApi) -> None:
    fake_api.fault("sendMessage", "429", retry_after=1)
    with pytest.raises(ApiError) as err:
        api.send(111, "x")
    assert err.value.kind == RATE_LIMITED and err.value.retry_after == 1
    t429 = fake_api.calls_of("sendMessage")[-1].t
    assert api.gate.remaining() > 0.5
    api.get_me()  # waits for the gate
    assert fake_api.calls_of("getMe")[-1].t - t429 >= 1.0


def test_gone_server_is_transient_and_the_token_never_shows(api: BotApi,
                                                            fake_api: FakeBotApi) -> None:
    fake_api.go_away()
    with pytest.raises(ApiError) as err:
        api.get_me()
    assert err.value.kind == TRANSIENT and TOKEN not in str(err.value)
    assert "TEST-TOKEN" not in repr(err.value.args)
    fake_api.come_back()
    assert api.get_me()["is_bot"] is True


def test_wrong_token_is_unauthorized(fake_api: FakeBotApi) -> None:
    bad = BotApi("999:WRONG", fake_api.url, threading.Event(), timeout_s=3)
    with pytest.raises(ApiError) as err:
        bad.get_me()
    assert err.value.kind == UNAUTHORIZED


def test_unknown_method_is_rejected_and_conflict_is_its_own_kind(api: BotApi) -> None:
    err = api._from_telegram("x", _telegram_error(400, "Bad Request: chat not found"))
    assert err.kind == REJECTED
    assert api._from_telegram("x", _telegram_error(409, "Conflict")).kind == CONFLICT


def _telegram_error(code: int, description: str) -> object:
    from telebot.apihelper import ApiTelegramException

    class R:
        status_code = code
        reason = description
    return ApiTelegramException("x", R(), {"ok": False, "error_code": code,
                                           "description": description})


def test_gate_wait_is_cut_short_by_stopping() -> None:
    stopping = threading.Event()
    gate = Gate(stopping)
    gate.close_for(30)
    threading.Timer(0.05, stopping.set).start()
    t0 = time.monotonic()
    with pytest.raises(Stopped):
        gate.wait()
    assert time.monotonic() - t0 < 5


def test_refused_html_is_sent_again_as_plain_text(api: BotApi, fake_api: FakeBotApi) -> None:
    mid = api.send(111, "<div>a &amp; b</div>")  # a tag Telegram does not support
    assert fake_api.sent[mid].text == "a & b"
    first, second = fake_api.calls_of("sendMessage")
    assert first.params["parse_mode"] == "HTML" and "parse_mode" not in second.params


def test_a_malformed_error_code_is_transient(api: BotApi) -> None:
    assert api._from_telegram("x", _telegram_error("oops", "?")).kind == TRANSIENT  # type: ignore[arg-type]
