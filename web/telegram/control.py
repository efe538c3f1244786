"""The control commands: ``/pause`` and ``/resume`` at once, ``/close_all`` and ``/kill`` only
after a confirming tap.

- ``run(action, chat, user)`` performs ``pause``/``resume`` through the facade and returns the
  reply text; for ``close_all``/``kill`` it sends the prompt with a Yes/Cancel keyboard itself
  and returns None. Nothing is done until ``on_tap`` sees the confirming tap.
- ``on_tap`` answers every button press from an allowed chat (so the client stops spinning)
  and edits the prompt to show the outcome; only CONFIRMED calls the executor, once.
- ``expire`` edits prompts nobody answered within the limit ("nothing done").
Every executor call carries ``source="telegram"`` and ``who=<chat id>`` for its audit log. A
reply of "executor unavailable" means the outcome is unknown; the text says to check /status.
"""
from __future__ import annotations

import logging

from ipc.codec import Reply
from ipc.facade import Facade
from web.telegram import confirm
from web.telegram.api import ApiError, BotApi, keyboard
from web.telegram.confirm import Confirmations, Prompt
from web.telegram.fmt import esc
from web.telegram.incoming import Incoming

logger = logging.getLogger(__name__)

SOURCE = "telegram"
IMMEDIATE = ("pause", "resume")
CONFIRMED_FIRST: dict[str, tuple[str, str]] = {
    "close_all": ("⚠️ <b>Close all</b>: close every open position at market?", "Yes, close all"),
    "kill": ("🛑 <b>Kill switch</b>: emergency stop - close every position and stop trading?",
             "Yes, kill"),
}
ACTIONS = IMMEDIATE + tuple(CONFIRMED_FIRST)
TAP_ANSWERS = {"confirmed": "Working on it…", "refused": "Cancelled",
               "expired": "Too late: nothing done", "not_yours": "Not your confirmation",
               "unknown": "This prompt is no longer valid"}


def result_text(action: str, reply: Reply) -> str:
    if not reply.ok:
        error = reply.error or "failed"
        hint = " (outcome unknown: check /status)" if "unavailable" in error else ""
        return f"⚠️ /{action} failed: {esc(error)}{hint}"
    data = reply.result if isinstance(reply.result, dict) else {}
    text = data.get("text") if isinstance(data.get("text"), str) else "done"
    extra = f" · closed {data['closed']}" if isinstance(data.get("closed"), int) else ""
    return f"✅ /{action}: {esc(text)}{extra}"


class Control:
    def __init__(self, facade: Facade, confirms: Confirmations, api: BotApi) -> None:
        self.facade = facade
        self.confirms = confirms
        self.api = api

    def _call(self, action: str, chat_id: int) -> Reply:
        return getattr(self.facade, action)(source=SOURCE, who=str(chat_id))

    def run(self, action: str, chat_id: int, user_id: int | None) -> str | None:
        if action in IMMEDIATE:
            return result_text(action, self._call(action, chat_id))
        question, yes = CONFIRMED_FIRST[action]
        prompt = self.confirms.ask(action, chat_id, user_id)
        text = f"{question}\nTap within {self.confirms.timeout_s:.0f} s."
        buttons = [(yes, confirm.button_data(prompt.token, confirm.YES)),
                   ("Cancel", confirm.button_data(prompt.token, confirm.NO))]
        try:
            message_id = self.api.send(chat_id, text, keyboard(buttons))
        except ApiError as e:  # the prompt then expires unseen: nothing is done
            logger.error("could not send the /%s prompt to chat %s: %s", action, chat_id, e)
            return None
        if message_id is not None:
            self.confirms.attach_message(prompt.token, message_id)
        return None

    def on_tap(self, inc: Incoming) -> None:
        parsed = confirm.parse_button(inc.text)
        if parsed is None or inc.chat_id is None:
            self._answer(inc.callback_id, TAP_ANSWERS["unknown"])
            return
        tap = self.confirms.tap(parsed[0], parsed[1], inc.chat_id)
        self._answer(inc.callback_id, TAP_ANSWERS[tap.outcome])
        prompt = tap.prompt
        if prompt is None or tap.outcome == "not_yours":
            return
        if tap.outcome == "confirmed":
            body = result_text(prompt.action, self._call(prompt.action, prompt.chat_id))
        elif tap.outcome == "refused":
            body = f"/{prompt.action} cancelled: nothing done."
        else:
            body = self._expired_text(prompt)
        self._edit(prompt.chat_id, inc.message_id or prompt.message_id, body)

    def expire(self) -> None:
        for prompt in self.confirms.expire_due():
            self._edit(prompt.chat_id, prompt.message_id, self._expired_text(prompt))

    def _expired_text(self, prompt: Prompt) -> str:
        return (f"⌛ /{prompt.action} not confirmed within {self.confirms.timeout_s:.0f} s: "
                "nothing done.")

    def _answer(self, callback_id: str, text: str) -> None:
        try:
            self.api.answer_callback(callback_id, text)
        except ApiError as e:
            logger.info("could not answer a button press: %s", e)

    def _edit(self, chat_id: int, message_id: int | None, text: str) -> None:
        if message_id is None:
            return
        try:
            self.api.edit(chat_id, message_id, text)
        except ApiError as e:
            logger.warning("could not edit the prompt in chat %s: %s; sending instead",
                           chat_id, e)
            try:
                self.api.send(chat_id, text)
            except ApiError as e2:
                logger.error("could not tell chat %s the outcome: %s", chat_id, e2)
