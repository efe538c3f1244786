"""POST control/*: the executor's answer, 503 when it is down, 409 when it refuses."""
from __future__ import annotations

import orjson
import pytest
from flask.testing import FlaskClient

from ipc.codec import Reply
from tests.web.support import AUTH, FakeCommands, validate
from web.context import WebContext

ACTIONS = ("pause", "resume", "close_all")


@pytest.mark.parametrize("action", ACTIONS)
def test_success_reports_the_executors_answer(client: FlaskClient, ctx: WebContext,
                                              commands: FakeCommands, action: str) -> None:
    data = {"paused": action == "pause", "killed": False, "text": f"{action} done"}
    if action == "close_all":
        data["closed"] = 2
    commands.replies[action] = Reply(ok=True, result=data)
    ctx.live.set_executor({"mode": "paper", "paused": action != "pause", "killed": False})
    queue = ctx.hub.register()
    resp = client.post(f"/api/v1/control/{action}", headers=AUTH)
    assert resp.status_code == 200
    validate(f"/api/v1/control/{action}", "post", 200, resp.get_json())
    assert resp.get_json() == {"ok": True, "action": action, "result": data}
    assert commands.calls == [(action, "web", "127.0.0.1")]
    seen, _ = ctx.live.executor()
    assert seen is not None and seen.data["paused"] is data["paused"]
    [msg], resync = queue.take(0.0)
    pushed = orjson.loads(msg)
    assert (resync, pushed["type"], pushed["data"]["status"]["paused"]) == (
        False, "executor", data["paused"])


@pytest.mark.parametrize("action", ACTIONS)
def test_executor_down_is_503_unavailable(client: FlaskClient, commands: FakeCommands,
                                          action: str) -> None:
    resp = client.post(f"/api/v1/control/{action}", headers=AUTH)
    assert (resp.status_code, resp.get_json()) == (503, {"error": "executor unavailable"})
    validate(f"/api/v1/control/{action}", "post", 503, resp.get_json())
    assert [c[0] for c in commands.calls] == [action]


def test_a_refusal_is_409_with_the_executors_reason(client: FlaskClient,
                                                   commands: FakeCommands) -> None:
    commands.replies["resume"] = Reply(ok=False, error="killed: restart the executor first")
    resp = client.post("/api/v1/control/resume", headers=AUTH)
    assert resp.status_code == 409
    validate("/api/v1/control/resume", "post", 409, resp.get_json())
    assert resp.get_json()["error"] == "killed: restart the executor first"
