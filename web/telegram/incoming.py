"""Reading raw Bot API updates into the few fields this bot uses.

``parse_update(raw)`` returns an ``Incoming`` for a text message or a button press
(callback query), or None for anything else (edited messages, stickers, malformed input).
It never raises: updates come from the network. ``update_id(raw)`` is read separately so the
poller can move past an update it could not parse.

Commands: ``/name`` or ``/name@botname`` as the first word, case-insensitive; ``command`` is
``name`` (lower case) and ``mention`` is ``botname`` (or None). Anything after the first word
is ignored (no command here takes arguments).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MESSAGE, CALLBACK = "message", "callback"


@dataclass(frozen=True)
class Incoming:
    kind: str                  # MESSAGE or CALLBACK
    chat_id: int | None
    user_id: int | None
    date: int | None = None    # message time, seconds since the epoch (Telegram's clock)
    text: str = ""             # message text, or a button's callback data
    callback_id: str = ""      # callback query id (CALLBACK only)
    message_id: int | None = None  # the message a button belongs to (CALLBACK only)

    @property
    def command(self) -> str | None:
        word = self.text.strip().split(maxsplit=1)
        if self.kind != MESSAGE or not word or not word[0].startswith("/"):
            return None
        return word[0][1:].partition("@")[0].lower() or None

    @property
    def mention(self) -> str | None:
        word = self.text.strip().split(maxsplit=1)
        if self.command is None or "@" not in word[0]:
            return None
        return word[0].partition("@")[2] or None


def update_id(raw: Any) -> int | None:
    value = raw.get("update_id") if isinstance(raw, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _int(obj: Any, *path: str) -> int | None:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj if isinstance(obj, int) and not isinstance(obj, bool) else None


def _message(msg: Any) -> Incoming | None:
    if not isinstance(msg, dict) or not isinstance(msg.get("text"), str):
        return None
    return Incoming(MESSAGE, _int(msg, "chat", "id"), _int(msg, "from", "id"),
                    date=_int(msg, "date"), text=msg["text"])


def _callback(cq: Any) -> Incoming | None:
    if not isinstance(cq, dict) or not isinstance(cq.get("id"), str):
        return None
    data = cq.get("data")
    return Incoming(CALLBACK, _int(cq, "message", "chat", "id"), _int(cq, "from", "id"),
                    text=data if isinstance(data, str) else "", callback_id=cq["id"],
                    message_id=_int(cq, "message", "message_id"))


def parse_update(raw: Any) -> Incoming | None:
    if not isinstance(raw, dict):
        return None
    if "message" in raw:
        return _message(raw["message"])
    if "callback_query" in raw:
        return _callback(raw["callback_query"])
    return None
