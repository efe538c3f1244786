"""Helpers for the dashboard tests: a fake executor facade, the OpenAPI validator, a stack."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import requests
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ipc.codec import Reply
from tests.conftest import Instance
from tests.polling import poll
from tools.supervisor_client import Supervisor
from web.openapi import document

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DOC_URI = "urn:bot:openapi"


@dataclass
class FakeCommands:
    """Stands in for ``ipc.facade.Facade``: scripted replies, every call recorded."""

    replies: dict[str, Reply] = field(default_factory=dict)
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    def _reply(self, cmd: str, source: str = "", who: str = "") -> Reply:
        self.calls.append((cmd, source, who))
        return self.replies.get(cmd, Reply(ok=False, error="executor unavailable"))

    def status(self) -> Reply:
        return self._reply("status")

    def pause(self, source: str, who: str = "") -> Reply:
        return self._reply("pause", source, who)

    def resume(self, source: str, who: str = "") -> Reply:
        return self._reply("resume", source, who)

    def close_all(self, source: str, who: str = "") -> Reply:
        return self._reply("close_all", source, who)


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def response_schema(doc: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    """The documented schema of one response (KeyError if it is not documented)."""
    resp = doc["paths"][path][method]["responses"][str(status)]
    return resp["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def validate(path: str, method: str, status: int, body: Any,
             doc: dict[str, Any] | None = None) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``body`` matches the OpenAPI document."""
    doc = doc or document()
    response_schema(doc, path, method, status)  # documented at all?
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012))
    ref = f"{DOC_URI}#/" + _pointer("paths", path, method, "responses", str(status), "content",
                                    "application/json", "schema")
    Draft202012Validator({"$ref": ref}, registry=registry).validate(body)


@dataclass
class Stack:
    """A running instance and how to reach its dashboard."""

    inst: Instance
    run_output: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.inst.env['BOT__WEB__PORT']}"

    @property
    def token(self) -> str:
        return (self.inst.home / "web.token").read_text().strip()

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def sup(self) -> Supervisor:
        return self.inst.supervisor()

    def get(self, path: str, **kw: Any) -> requests.Response:
        return requests.get(self.url + path, headers=kw.pop("headers", self.auth), timeout=10,
                            **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return requests.post(self.url + path, headers=kw.pop("headers", self.auth), timeout=10,
                             **kw)

    def program(self, name: str) -> dict[str, Any]:
        return next(p for p in self.sup().processes() if p["name"] == name)

    def wait_web(self, timeout_s: float = 20.0) -> int:
        """The web program's pid once it is RUNNING and answering /healthz."""
        def up() -> int | None:
            info = self.program("web")
            if info["statename"] != "RUNNING":
                return None
            try:
                ok = requests.get(self.url + "/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return None
            return int(info["pid"]) if ok else None
        return poll(up, timeout_s, "the web program to answer /healthz", interval_s=0.1)


def wait_for(fn: Any, timeout_s: float, what: str) -> Any:
    return poll(fn, timeout_s, what, interval_s=0.05)


def now_ms() -> int:
    return time.time_ns() // 1_000_000
