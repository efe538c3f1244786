"""``POST /api/v1/control/pause | resume | close_all``: operator commands to the executor.

Each goes through :class:`ipc.facade.Facade` with ``source="web"`` and ``who`` = the client's
address (the executor writes both to its audit log) and reports the executor's answer:

- 200 ``{"ok": true, "action", "result"}`` with the executor's reply data
  (``paused``, ``killed``, ``closed`` for close_all, ``text``);
- 503 ``{"error": "executor unavailable"}`` when it did not answer (~1.6 s): the outcome is
  unknown, so the UI says so and the status poller shows the truth once it is back;
- 409 ``{"error": "<the executor's reason>"}`` when it answered but refused.

The token check runs before any of this, so a request without it changes nothing. After a
success the new ``paused``/``killed`` state is pushed to every live client at once.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify, request

from web.context import current
from web.errors import error_response
from web.live_messages import message
from web.params import check_known
from web.pollers import executor_view

logger = logging.getLogger(__name__)

bp = Blueprint("control", __name__)

SOURCE = "web"
UNAVAILABLE = "executor unavailable"
ACTIONS = ("pause", "resume", "close_all")


def run(action: str) -> Response:
    check_known(())
    c = current()
    who = request.remote_addr or ""
    reply = getattr(c.commands, action)(SOURCE, who)
    if not reply.ok:
        error = reply.error or "failed"
        logger.warning("%s from %s: %s", action, who, error)
        if "unavailable" in error:
            return error_response(503, UNAVAILABLE)
        return error_response(409, error)
    result: dict[str, Any] = (reply.result if isinstance(reply.result, dict)
                              else {"text": str(reply.result)})
    logger.info("%s from %s: %s", action, who, result.get("text", "ok"))
    c.live.merge_executor(result)
    c.hub.broadcast(message("executor", executor_view(c.live)), "executor")
    return jsonify(ok=True, action=action, result=result)


@bp.post("/api/v1/control/pause")
def pause() -> Response:
    return run("pause")


@bp.post("/api/v1/control/resume")
def resume() -> Response:
    return run("resume")


@bp.post("/api/v1/control/close_all")
def close_all() -> Response:
    return run("close_all")
