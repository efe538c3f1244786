"""Who may use the bot: an allow-list of chat ids (and optionally user ids).

Semantics:

- A message or button press is allowed only if its chat id is in ``chat_ids`` and, when
  ``user_ids`` is non-empty, its sender's user id is in ``user_ids`` too (so a group chat can
  be allowed while only some of its members may act). An empty ``chat_ids`` allows no one.
- Everything else is refused: no reply, no data, no effect. ``Refusals.refuse`` logs each one
  and hands it to ``audit(who, action)`` (the executor's audit log, via the facade), which
  must not block: the caller passes a function that queues the call.
- Only the command word (first token, at most 32 characters) of a stranger's text is logged or
  audited, never the rest of what they sent.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

MAX_ACTION_CHARS = 32


@dataclass(frozen=True)
class Auth:
    chat_ids: frozenset[int]
    user_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, chat_ids: Iterable[int], user_ids: Iterable[int] = ()) -> Auth:
        return cls(frozenset(int(c) for c in chat_ids), frozenset(int(u) for u in user_ids))

    def allows(self, chat_id: int | None, user_id: int | None) -> bool:
        if chat_id is None or chat_id not in self.chat_ids:
            return False
        return not self.user_ids or (user_id is not None and user_id in self.user_ids)


def action_of(text: str | None, kind: str) -> str:
    """What a stranger tried, for the log and the audit: the command word or the update kind."""
    word = (text or "").strip().split(maxsplit=1)
    if word and word[0].startswith("/"):
        return word[0][:MAX_ACTION_CHARS]
    return kind


class Refusals:
    """Logs and audits every refused update."""

    def __init__(self, audit: Callable[[str, str], None]) -> None:
        self._audit = audit
        self.count = 0

    def refuse(self, chat_id: int | None, user_id: int | None, action: str) -> None:
        self.count += 1
        who = str(chat_id) if chat_id is not None else "?"
        logger.warning("refused %s from chat %s (user %s): not in telegram.allowed_chat_ids",
                       action, who, user_id if user_id is not None else "?",
                       extra={"fields": {"chat_id": chat_id, "user_id": user_id,
                                         "action": action}})
        try:
            self._audit(who, action)
        except Exception:  # auditing must never break the poll loop
            logger.exception("could not queue the audit of a refusal")
