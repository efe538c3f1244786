"""The Bot API calls this bot makes, through pyTelegramBotAPI's ``apihelper``, with one 429 gate.

Semantics and caveats:

- ``apihelper`` is module-global: ``BotApi`` sets its ``API_URL`` (from ``telegram.api_url``,
  so tests use a fake server) and timeouts, so there is one ``BotApi`` per process.
- Every call first waits for the **gate**: a 429 answer with ``retry_after`` closes it for
  that long, for every method and thread, so no request leaves before Telegram allows it.
  A wait is cut short only by ``stopping`` (then ``Stopped`` is raised).
- Failures become one ``ApiError`` with a ``kind``: ``rate_limited`` (429), ``transient``
  (network error, timeout, 5xx, a body that is not the Bot API's JSON), ``conflict`` (409:
  another poller of this token, or a webhook), ``unauthorized`` (401/404: bad token) or
  ``rejected`` (any other 4xx, e.g. the user blocked the bot). Callers decide what to retry.
- The token is part of every URL, so error text is scrubbed of it before it goes anywhere.
- Updates are returned as raw dicts (``web.telegram.incoming`` reads them): one malformed
  update must not stop the poller from learning its ``update_id`` and moving past it.
"""
from __future__ import annotations

import html
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import requests
from telebot import apihelper, types

logger = logging.getLogger(__name__)

RATE_LIMITED, TRANSIENT, CONFLICT = "rate_limited", "transient", "conflict"
UNAUTHORIZED, REJECTED = "unauthorized", "rejected"
CONNECT_TIMEOUT_S = 5
MAX_RETRY_AFTER_S = 3600.0
UPDATE_KINDS = ["message", "callback_query"]
_TAG = re.compile(r"<[^>]*>")


class Stopped(Exception):
    """The process is stopping: the call was not made."""


class ApiError(Exception):
    """A failed Bot API call. ``str(e)`` is one line without the token."""

    def __init__(self, kind: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.retry_after = retry_after


class Gate:
    """Closed until a time (after a 429); ``wait`` blocks while it is closed."""

    def __init__(self, stopping: threading.Event, clock: Callable[[], float] = time.monotonic):
        self._stopping = stopping
        self._clock = clock
        self._lock = threading.Lock()
        self._open_at = 0.0

    def close_for(self, seconds: float) -> None:
        with self._lock:
            self._open_at = max(self._open_at, self._clock() + seconds)

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._open_at - self._clock())

    def wait(self) -> None:
        while (left := self.remaining()) > 0:
            if self._stopping.wait(left):
                raise Stopped()
        if self._stopping.is_set():
            raise Stopped()


def plain_text(html_text: str) -> str:
    """The text of an HTML message without its tags and entities."""
    return html.unescape(_TAG.sub("", html_text))


def keyboard(buttons: Sequence[tuple[str, str]]) -> types.InlineKeyboardMarkup:
    """One row of inline buttons ``(label, callback data)``."""
    markup = types.InlineKeyboardMarkup()
    markup.row(*(types.InlineKeyboardButton(label, callback_data=data)
                 for label, data in buttons))
    return markup


class BotApi:
    def __init__(self, token: str, api_url: str, stopping: threading.Event,
                 timeout_s: float = 10.0) -> None:
        self.token = token
        self.timeout_s = timeout_s
        self.gate = Gate(stopping)
        base = api_url.rstrip("/").replace("{", "{{").replace("}", "}}")
        apihelper.API_URL = base + "/bot{0}/{1}"
        apihelper.CONNECT_TIMEOUT = CONNECT_TIMEOUT_S
        apihelper.READ_TIMEOUT = timeout_s
        apihelper.LONG_POLLING_TIMEOUT = 0  # used when a call passes 0 (confirm): no wait

    def get_me(self) -> dict[str, Any]:
        me = self._call("getMe", apihelper.get_me)
        if not isinstance(me, dict):
            raise ApiError(TRANSIENT, "getMe: result is not an object")
        return me

    def get_updates(self, offset: int | None, long_poll_s: int) -> list[Any]:
        result = self._call("getUpdates", apihelper.get_updates, offset=offset,
                            timeout=long_poll_s + 5, long_polling_timeout=long_poll_s,
                            allowed_updates=UPDATE_KINDS)
        if not isinstance(result, list):
            raise ApiError(TRANSIENT, "getUpdates: result is not a list")
        return result

    def send(self, chat_id: int, text: str,
             markup: types.InlineKeyboardMarkup | None = None) -> int | None:
        """Send an HTML message; its message id (None if the reply did not say). Should
        Telegram refuse the markup (a bug here), the text goes again as plain text."""
        try:
            return self._send(chat_id, text, markup, "HTML")
        except ApiError as e:
            if e.kind != REJECTED or "parse entities" not in str(e):
                raise
            logger.error("Telegram refused a message's HTML (%s); sent as plain text", e)
            return self._send(chat_id, plain_text(text), markup, None)

    def _send(self, chat_id: int, text: str, markup: types.InlineKeyboardMarkup | None,
              parse_mode: str | None) -> int | None:
        msg = self._call("sendMessage", apihelper.send_message, chat_id, text,
                         reply_markup=markup, parse_mode=parse_mode, timeout=self.timeout_s,
                         link_preview_options=types.LinkPreviewOptions(is_disabled=True))
        mid = msg.get("message_id") if isinstance(msg, dict) else None
        return mid if isinstance(mid, int) else None

    def answer_callback(self, callback_id: str, text: str = "") -> None:
        self._call("answerCallbackQuery", apihelper.answer_callback_query, callback_id,
                   text=text or None)

    def edit(self, chat_id: int, message_id: int, text: str) -> None:
        """Replace a message's text (and remove its keyboard)."""
        try:
            self._call("editMessageText", apihelper.edit_message_text, text=text,
                       chat_id=chat_id, message_id=message_id, parse_mode="HTML",
                       timeout=self.timeout_s)
        except ApiError as e:
            if "not modified" not in str(e):
                raise

    def confirm(self, offset: int) -> None:
        """Acknowledge every update below ``offset`` with one getUpdates that does not wait.
        Used while stopping, so it skips the stop check (not the caller's gate check)."""
        self._request("getUpdates", apihelper.get_updates, offset=offset, limit=1, timeout=2,
                      long_polling_timeout=0)

    def _call(self, method: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.gate.wait()
        return self._request(method, fn, *args, **kwargs)

    def _request(self, method: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self.token, *args, **kwargs)
        except apihelper.ApiTelegramException as e:
            raise self._from_telegram(method, e) from None
        except apihelper.ApiHTTPException as e:
            status = getattr(e.result, "status_code", 0)
            kind = REJECTED if 400 <= status < 500 and status != 429 else TRANSIENT
            raise ApiError(kind, f"{method}: HTTP {status} without a Bot API body") from None
        except apihelper.ApiInvalidJSONException:
            raise ApiError(TRANSIENT, f"{method}: the reply is not JSON") from None
        except requests.RequestException as e:
            raise ApiError(TRANSIENT, f"{method}: {type(e).__name__}: {self._clean(e)}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ApiError(TRANSIENT, f"{method}: malformed reply ({type(e).__name__})") from None

    def _from_telegram(self, method: str, e: apihelper.ApiTelegramException) -> ApiError:
        code = e.error_code if isinstance(e.error_code, int) else 500  # malformed: transient
        detail = f"{method}: {code} {self._clean(e.description)}"
        if code == 429:
            params = e.result_json.get("parameters") or {}
            raw = params.get("retry_after", 1) if isinstance(params, dict) else 1
            retry = min(MAX_RETRY_AFTER_S, max(0.0, float(raw))) if isinstance(
                raw, int | float) else 1.0
            self.gate.close_for(retry)
            logger.warning("Telegram said 429 on %s: no requests for %.1f s", method, retry)
            return ApiError(RATE_LIMITED, detail, retry)
        if code == 409:
            return ApiError(CONFLICT, detail)
        if code in (401, 404):
            return ApiError(UNAUTHORIZED, detail)
        return ApiError(TRANSIENT if code >= 500 else REJECTED, detail)

    def _clean(self, e: object) -> str:
        text = str(e).replace("\n", " ")
        if self.token:
            text = text.replace(self.token, "***")
        return text[:300]
