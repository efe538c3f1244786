"""Router + Control against the fake Bot API (in process): replies, strangers, confirmations."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.web.telegram.fake_bot_api import TOKEN, FakeBotApi, Sent, callback, message
from tests.web.telegram.stubs import Clock, StubFacade
from web.telegram import commands
from web.telegram.api import BotApi
from web.telegram.auth import Auth, Refusals
from web.telegram.confirm import Confirmations
from web.telegram.control import Control
from web.telegram.router import HINT, Router

ME, OTHER, STRANGER = 111, 333, 222


@dataclass
class Bot:
    router: Router
    fake: FakeBotApi
    facade: StubFacade
    clock: Clock
    audits: list[tuple[str, str]]

    def say(self, chat: int, text: str, **kw: int) -> list[Sent]:
        since = time.monotonic()
        self.router.handle({"update_id": 1, **message(chat, text, **kw)})
        return self.fake.messages(since=since)

    def tap(self, chat: int, data: str, message_id: int) -> None:
        self.router.handle({"update_id": 2, **callback(chat, data, message_id)})


@pytest.fixture
def bot(fake_api: FakeBotApi) -> Iterator[Bot]:
    stopping = threading.Event()
    api = BotApi(TOKEN, fake_api.url, stopping, timeout_s=3)
    facade, clock, audits = StubFacade(), Clock(), []
    ctl = Control(facade, Confirmations(30.0, clock), api)  # type: ignore[arg-type]
    info = {"help": commands.help_text, "status": lambda: "STATUS"}
    router = Router(api, Auth.of([ME, OTHER]), Refusals(lambda w, a: audits.append((w, a))),
                    ctl, info, stopping, username=lambda: "test_bot")
    yield Bot(router, fake_api, facade, clock, audits)
    stopping.set()


def test_allowed_chat_gets_replies(bot: Bot) -> None:
    [reply] = bot.say(ME, "/status")
    assert reply.chat_id == ME and reply.text == "STATUS"
    assert "/kill - " in bot.say(ME, "/help@test_bot")[0].text
    assert bot.say(ME, "/nonsense")[0].text == HINT
    assert bot.say(ME, "hello")[0].text == HINT
    assert bot.say(ME, "/status@other_bot") == []  # addressed to another bot in a group


def test_a_stranger_gets_nothing_and_changes_nothing(bot: Bot) -> None:
    for text in ("/status", "/pause", "/kill", "hello"):
        assert bot.say(STRANGER, text) == []
    bot.tap(STRANGER, "cf:whatever:yes", 5)
    assert bot.facade.calls == [] and bot.fake.calls_of("answerCallbackQuery") == []
    assert bot.audits == [("222", "/status"), ("222", "/pause"), ("222", "/kill"),
                          ("222", "message"), ("222", "callback")]


def test_pause_and_resume_act_at_once_with_source_and_who(bot: Bot) -> None:
    [reply] = bot.say(ME, "/pause")
    assert reply.text == "✅ /pause: pause done"
    assert bot.facade.calls == [("pause", {"source": "telegram", "who": "111"})]
    bot.say(ME, "/resume")
    assert bot.facade.commands() == ["pause", "resume"]


def test_executor_down_says_the_outcome_is_unknown(bot: Bot) -> None:
    bot.facade.up = False
    [reply] = bot.say(ME, "/pause")
    assert reply.text == ("⚠️ /pause failed: executor unavailable (outcome unknown: check "
                          "/status)")


def test_a_stale_control_command_is_not_acted_on(bot: Bot) -> None:
    [reply] = bot.say(ME, "/pause", date=int(time.time()) - 600)
    assert "ignored" in reply.text and "10 min ago" in reply.text
    assert bot.facade.calls == []


def ask_kill(bot: Bot) -> tuple[Sent, str, str]:
    [prompt] = bot.say(ME, "/kill")
    (yes_label, yes), (_, no) = prompt.buttons()
    assert yes_label == "Yes, kill" and "Kill switch" in prompt.text
    assert bot.facade.calls == []  # nothing done by asking
    return prompt, yes, no


def test_kill_needs_the_confirming_tap_from_the_same_chat(bot: Bot) -> None:
    prompt, yes, _ = ask_kill(bot)
    bot.tap(OTHER, yes, prompt.message_id)  # another allowed chat: no effect
    assert bot.facade.calls == []
    bot.tap(STRANGER, yes, prompt.message_id)  # a stranger: refused
    assert bot.facade.calls == [] and bot.audits == [("222", "callback")]
    bot.tap(ME, yes, prompt.message_id)
    assert bot.facade.calls == [("kill", {"source": "telegram", "who": "111"})]
    assert prompt.edits == ["✅ /kill: kill done · closed 2"]
    bot.tap(ME, yes, prompt.message_id)  # a second tap does nothing more
    assert bot.facade.commands() == ["kill"]
    answers = [c.params.get("text") for c in bot.fake.calls_of("answerCallbackQuery")]
    assert answers == ["Not your confirmation", "Working on it…",
                       "This prompt is no longer valid"]


def test_kill_cancelled(bot: Bot) -> None:
    prompt, _, no = ask_kill(bot)
    bot.tap(ME, no, prompt.message_id)
    assert bot.facade.calls == [] and prompt.edits == ["/kill cancelled: nothing done."]


def test_kill_times_out(bot: Bot) -> None:
    prompt, yes, _ = ask_kill(bot)
    bot.clock.t += 30.5
    bot.tap(ME, yes, prompt.message_id)
    assert bot.facade.calls == []
    assert prompt.edits == ["⌛ /kill not confirmed within 30 s: nothing done."]


def test_unanswered_prompts_are_edited_when_they_expire(bot: Bot) -> None:
    [prompt] = bot.say(ME, "/close_all")
    assert prompt.buttons()[0][0] == "Yes, close all"
    bot.router.control.expire()
    assert prompt.edits == []
    bot.clock.t += 31
    bot.router.control.expire()
    assert prompt.edits == ["⌛ /close_all not confirmed within 30 s: nothing done."]
    assert bot.facade.calls == []
