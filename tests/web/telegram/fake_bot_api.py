"""A fake Telegram Bot API on 127.0.0.1, for the tests and the benchmark.

A Flask app served by werkzeug's threaded server in a background thread, speaking the Bot
API's wire format at ``/bot<token>/<method>`` (parameters in the query string or form, as
pyTelegramBotAPI sends them): ``getMe``, ``getUpdates`` (long poll: waits up to ``timeout``
seconds for an update at or after ``offset``; updates below ``offset`` are forgotten, as
Telegram does), ``sendMessage``, ``answerCallbackQuery``, ``editMessageText``. Another method
or a wrong token gets Telegram's JSON error (404 / 401).

Test hooks: ``push_message`` / ``push_callback`` inject updates (waking a waiting long poll;
``wake()`` wakes it with nothing);
``fault(method, kind, count, retry_after)`` makes the next ``count`` calls of ``method`` (or
``"*"``) fail with ``"429"`` (JSON with ``parameters.retry_after``), ``"500"`` (JSON error),
``"html500"`` (an HTML error page) or ``"garbage"`` (HTTP 200 with a body that is not JSON);
``go_away()`` closes the listening socket (connections are refused) and ``come_back()`` listens
again on the same port. Every request is recorded as a ``Call`` (method, params, arrival time
on ``time.monotonic``), including failed ones, with the fault it got. Every response says
``Connection: close`` so going away really drops the client. Like Telegram, it refuses
(400 "can't parse entities") HTML that uses other tags, is unbalanced or has a bare <, >, &.
"""
from __future__ import annotations

import itertools
import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request
from werkzeug.serving import BaseWSGIServer, make_server

from tests.conftest import free_port

TOKEN = "123456:TEST-TOKEN"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Test", "username": "test_bot"}
MAX_LONG_POLL_S = 30.0
_HTML_SPLIT = re.compile(r"(<[^<>]*>)")
_HTML_TAG = re.compile(r"<(/?)(b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|"
                       r"blockquote)(?: [^<>]*)?>")
_BARE_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, str]
    t: float
    fault: str | None = None


@dataclass
class Sent:
    """A message the bot sent (and its later edits)."""

    message_id: int
    chat_id: int
    text: str
    markup: dict[str, Any] | None
    t: float
    edits: list[str] = field(default_factory=list)

    def buttons(self) -> list[tuple[str, str]]:
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def message(chat_id: int, text: str, user_id: int | None = None, date: int | None = None,
            message_id: int = 1) -> dict[str, Any]:
    """The body of a text-message update (add ``update_id`` to make an update)."""
    user = user_id if user_id is not None else chat_id
    return {"message": {
        "message_id": message_id, "date": int(time.time()) if date is None else date,
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
        "from": {"id": user, "is_bot": False, "first_name": f"user{user}"}, "text": text}}


def callback(chat_id: int, data: str, message_id: int, user_id: int | None = None,
             callback_id: str = "cb1") -> dict[str, Any]:
    """The body of a button-press (callback query) update on message ``message_id``."""
    user = user_id if user_id is not None else chat_id
    return {"callback_query": {
        "id": callback_id, "chat_instance": "ci", "data": data,
        "from": {"id": user, "is_bot": False, "first_name": f"user{user}"},
        "message": {"message_id": message_id, "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"}, "text": "prompt"}}}


def html_problem(text: str) -> str | None:
    """What Telegram's HTML parse mode would refuse in ``text`` (None if it is fine): a tag it
    does not support, unbalanced tags, or a bare ``<``, ``>`` or ``&``."""
    stack: list[str] = []
    for part in _HTML_SPLIT.split(text):
        if part.startswith("<") and part.endswith(">"):
            m = _HTML_TAG.fullmatch(part)
            if m is None:
                return f"unsupported tag {part!r}"
            if not m.group(1):
                stack.append(m.group(2))
            elif not stack or stack.pop() != m.group(2):
                return f"unexpected end tag {part!r}"
        elif "<" in part or ">" in part:
            return "a bare < or >"
        elif _BARE_AMP.search(part):
            return "a bare &"
    return f"unclosed <{stack[-1]}>" if stack else None


def _ok(result: Any) -> Response:
    return Response(json.dumps({"ok": True, "result": result}), mimetype="application/json")


def _error(code: int, description: str, **params: Any) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if params:
        body["parameters"] = params
    return Response(json.dumps(body), status=code, mimetype="application/json")


class FakeBotApi:
    def __init__(self, token: str = TOKEN, port: int | None = None) -> None:
        self.token = token
        self.port = port or free_port()
        self.calls: list[Call] = []
        self.sent: dict[int, Sent] = {}
        self._updates: list[dict[str, Any]] = []
        self._faults: list[list[Any]] = []  # [method, kind, count, retry_after]
        self._ids = itertools.count(1000)
        self._msg_ids = itertools.count(1)
        self._cond = threading.Condition()
        self._wakes = 0
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.app = self._make_app()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- lifecycle ---
    def start(self) -> FakeBotApi:
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        server = self._server
        self._thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05),
                                        daemon=True)
        self._thread.start()
        return self

    def go_away(self) -> None:
        server, self._server = self._server, None
        with self._cond:
            self._cond.notify_all()
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def come_back(self) -> None:
        self.start()

    stop = go_away

    # --- test hooks ---
    def wake(self) -> None:
        """Make every waiting long poll return now (with what it has, maybe nothing)."""
        with self._cond:
            self._wakes += 1
            self._cond.notify_all()

    def push(self, update: dict[str, Any]) -> int:
        with self._cond:
            uid = next(self._ids)
            self._updates.append({"update_id": uid, **update})
            self._cond.notify_all()
        return uid

    def push_message(self, chat_id: int, text: str, user_id: int | None = None,
                     date: int | None = None) -> int:
        return self.push(message(chat_id, text, user_id, date, next(self._msg_ids)))

    def push_callback(self, chat_id: int, data: str, message_id: int,
                      user_id: int | None = None) -> int:
        return self.push(callback(chat_id, data, message_id, user_id,
                                  f"cb{next(self._msg_ids)}"))

    def fault(self, method: str, kind: str, count: int = 1,
              retry_after: float | None = None) -> None:
        with self._cond:
            self._faults.append([method, kind, count, retry_after])
            self._cond.notify_all()  # a waiting long poll returns, so the next call gets it

    def calls_of(self, method: str | None = None, since: float = 0.0) -> list[Call]:
        return [c for c in list(self.calls) if (method is None or c.method == method)
                and c.t >= since]

    def messages(self, chat_id: int | None = None, since: float = 0.0) -> list[Sent]:
        return [m for m in list(self.sent.values())
                if (chat_id is None or m.chat_id == chat_id) and m.t >= since]

    # --- the app ---
    def _take_fault(self, method: str) -> tuple[str, float | None] | None:
        with self._cond:
            for f in self._faults:
                if f[0] in (method, "*") and f[2] > 0:
                    f[2] -= 1
                    return f[1], f[3]
        return None

    def _make_app(self) -> Flask:
        app = Flask("fake_bot_api")

        @app.route("/bot<token>/<method>", methods=["GET", "POST"])
        def api(token: str, method: str) -> Response:
            params = {k: str(v) for k, v in request.values.items()}
            fault = self._take_fault(method) if token == self.token else None
            self.calls.append(Call(method, params, time.monotonic(),
                                   fault[0] if fault else None))
            if token != self.token:
                return _error(401, "Unauthorized")
            if fault is not None:
                return self._faulty(*fault)
            handler = getattr(self, f"_m_{method}", None)
            return handler(params) if handler else _error(404, "Not Found: method not found")

        @app.after_request
        def close(resp: Response) -> Response:
            resp.headers["Connection"] = "close"
            return resp

        return app

    @staticmethod
    def _faulty(kind: str, retry_after: float | None) -> Response:
        if kind == "429":
            return _error(429, f"Too Many Requests: retry after {retry_after}",
                          retry_after=retry_after or 1)
        if kind == "500":
            return _error(500, "Internal Server Error")
        if kind == "html500":
            return Response("<html><body>502 Bad Gateway</body></html>", status=502,
                            mimetype="text/html")
        return Response("\x00garbage{not json", status=200, mimetype="application/json")

    def _m_getMe(self, params: dict[str, str]) -> Response:
        return _ok(BOT_USER)

    def _m_getUpdates(self, params: dict[str, str]) -> Response:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), MAX_LONG_POLL_S)
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            wakes = self._wakes
            while not self._updates and self._server is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left) or self._faults_pending() \
                        or self._wakes != wakes:
                    break
            return _ok(self._updates[:limit])

    def _faults_pending(self) -> bool:
        return any(f[0] in ("getUpdates", "*") and f[2] > 0 for f in self._faults)

    def _m_sendMessage(self, params: dict[str, str]) -> Response:
        if params.get("parse_mode") == "HTML" and (problem := html_problem(params["text"])):
            return _error(400, f"Bad Request: can't parse entities: {problem}")
        chat_id = int(params["chat_id"])
        markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else None
        mid = next(self._msg_ids)
        self.sent[mid] = Sent(mid, chat_id, params["text"], markup, time.monotonic())
        return _ok({"message_id": mid, "date": int(time.time()), "text": params["text"],
                    "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER})

    def _m_answerCallbackQuery(self, params: dict[str, str]) -> Response:
        return _ok(True)

    def _m_editMessageText(self, params: dict[str, str]) -> Response:
        if params.get("parse_mode") == "HTML" and (problem := html_problem(params["text"])):
            return _error(400, f"Bad Request: can't parse entities: {problem}")
        mid = int(params.get("message_id") or 0)
        msg = self.sent.get(mid)
        if msg is None or msg.chat_id != int(params.get("chat_id") or 0):
            return _error(400, "Bad Request: message to edit not found")
        msg.edits.append(params.get("text", ""))
        return _ok({"message_id": mid, "date": int(time.time()), "text": params.get("text"),
                    "chat": {"id": msg.chat_id, "type": "private"}})
