"""``WS /ws/live``: the dashboard's live feed (flask-sock on gunicorn's threaded worker).

Protocol: the client authenticates with ``Authorization: Bearer <token>`` on the upgrade
request or with ``{"type": "auth", "token": "..."}`` as its first message (within
``AUTH_TIMEOUT_S``); a wrong or missing token gets ``{"type": "error"}`` and close code 4401.
Then the server sends a ``snapshot`` and streams hub messages, batching whatever queued up
since the last send into one frame (see :mod:`web.live_messages`). Messages from the
client after auth are read and ignored.

Caveats:

- Each connection holds one gunicorn thread for its lifetime (plus simple-websocket's
  reader thread), so ``web.server.THREADS`` bounds the number of open dashboards.
- Sends use ``sendall`` with a ``SEND_TIMEOUT_S`` socket timeout: a client that stops
  reading for that long is disconnected (its browser reconnects and gets a snapshot);
  until then its queue in the hub overflows into ``resync``, never into memory. Server
  pings every ``PING_S`` (the reader thread only reads when data is waiting, so the socket
  timeout never fires on an idle but healthy client).
"""
from __future__ import annotations

import logging
import socket
import time
from typing import Any

import orjson
from flask import request
from flask_sock import Sock
from simple_websocket import ConnectionClosed
from wsproto.events import TextMessage

from web.auth import bearer, token_matches
from web.context import WebContext, current
from web.hub import ClientQueue
from web.live_messages import frame, message
from web.server import trim_heap
from web.snapshot import snapshot_message

logger = logging.getLogger(__name__)

sock = Sock()

AUTH_TIMEOUT_S = 5.0
SEND_TIMEOUT_S = 20.0
TAKE_S = 1.0
#: At most one frame per client per this many seconds: under a burst, events that arrive
#: meanwhile share one frame (fewer sends and compressions); an isolated event goes at once.
MIN_FRAME_GAP_S = 0.025
PING_S = 15
MAX_IN_BYTES = 4096
CLOSE_UNAUTHORIZED = 4401
OPTIONS = {"ping_interval": PING_S, "max_message_size": MAX_IN_BYTES}


def send_text(ws: Any, text: str) -> None:
    """Send one text frame completely (or raise): simple-websocket's ``send`` uses
    ``socket.send``, which may write part of a frame on a socket with a timeout."""
    if not ws.connected:
        raise ConnectionClosed(ws.close_reason, ws.close_message)
    ws.sock.sendall(ws.ws.send(TextMessage(data=text)))


def _first_message_token(ws: Any) -> str | None:
    raw = ws.receive(timeout=AUTH_TIMEOUT_S)
    if raw is None:
        return None
    try:
        msg = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if isinstance(msg, dict) and msg.get("type") == "auth" and isinstance(msg.get("token"), str):
        return str(msg["token"])
    return None


def authenticate(ws: Any, token: str) -> bool:
    if token_matches(bearer(request.headers.get("Authorization")), token):
        return True
    if token_matches(_first_message_token(ws), token):
        return True
    logger.info("refused live client %s: no valid token", request.remote_addr)
    send_text(ws, message("error", {"error": "missing or invalid access token"}).decode())
    ws.close(CLOSE_UNAUTHORIZED, "unauthorized")
    return False


def _abort(raw: socket.socket) -> None:
    try:
        raw.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _drain(ws: Any) -> None:
    while ws.receive(timeout=0) is not None:
        pass


def _resync(ws: Any, c: WebContext) -> None:
    send_text(ws, message("resync", None).decode())
    send_text(ws, snapshot_message(c).decode())


def _pump(ws: Any, c: WebContext, q: ClientQueue, last: float) -> float:
    """Send what is queued (or a resync); returns the time of the last frame sent."""
    batch, resync = q.take(TAKE_S)
    if not resync and batch and (gap := last + MIN_FRAME_GAP_S - time.monotonic()) > 0:
        c.hub.stopping.wait(gap)
        more, resync = q.take(0.0)
        batch += more
    if resync:
        _resync(ws, c)
    elif batch:
        send_text(ws, frame(batch))
    else:
        return last
    return time.monotonic()


@sock.route("/ws/live")
def live(ws: Any) -> None:
    c = current()
    if not authenticate(ws, c.token):
        return
    raw: socket.socket = ws.sock
    raw.settimeout(SEND_TIMEOUT_S)
    q = c.hub.register(abort=lambda: _abort(raw))
    who = request.remote_addr
    logger.info("live client %s connected (%d open)", who, c.hub.clients)
    try:
        send_text(ws, snapshot_message(c).decode())
        last = 0.0
        while ws.connected and not c.hub.stopping.is_set():
            _drain(ws)
            last = _pump(ws, c, q, last)
    except (OSError, ConnectionClosed) as err:
        logger.info("live client %s gone: %s", who, type(err).__name__)
    finally:
        c.hub.unregister(q)
        trim_heap()  # a client's buffers and queue are garbage now: return the pages
        logger.info("live client %s disconnected (%d open)", who, c.hub.clients)
