"""Wire format of events and commands: orjson bodies, never pickle.

Events are ZeroMQ multipart messages ``[topic, body]``: ``topic`` is UTF-8 bytes (see
``ipc.messages.topic``) and ``body`` is a JSON object with the envelope ``v`` (schema
version, int), ``type`` (str), ``ts`` (int, ms since the Unix epoch, sender's wall clock)
and ``src`` (sending process name), plus the event's own fields.

Commands travel over REQ/REP as one frame each way:
request ``{"v", "id", "cmd", "args", "src", "ts", "exp"}`` and reply
``{"v", "id", "ok", "result"}`` or ``{"v", "id", "ok": false, "error"}``.
``exp`` (ms since the epoch, optional) is when the caller stops waiting; a server skips
requests that arrive after it.

Caveats:

- ``decode`` and friends raise ``BadMessage`` with one line saying what was wrong and a
  short ``kind`` (e.g. ``"frames"``, ``"json"``, ``"envelope"``, ``"version"``) so a
  reader can log each kind of fault once instead of once per message.
- Bodies with a schema version newer than ``SCHEMA_VERSION`` are rejected: an old reader
  must not guess at fields whose meaning changed. Older versions are accepted.
- Event fields may not reuse the envelope names ``v``, ``type``, ``ts``, ``src``
  (``encode`` raises ``ValueError``): a bar's volume is ``vol``, its time ``t``/``bar_ts``.
- numpy scalars and arrays in fields are serialised (as numbers / nested lists); other
  objects raise ``TypeError`` at encode time. Large arrays belong in shared memory.
- ``ts`` is wall-clock time and may jump (NTP); use it for display and expiry, not for
  latency measurement: events carry ``time.monotonic()`` stamps for that (``t_bar``,
  ``t_signal``, ``t_decided``; read them with ``stamp``), one clock per host.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from ipc.messages import ENVELOPE_FIELDS, SCHEMA_VERSION, TOPIC_SEP, split_topic, topic

logger = logging.getLogger(__name__)

_DUMPS_OPTS = orjson.OPT_SERIALIZE_NUMPY
Frame = bytes | bytearray | memoryview


class BadMessage(ValueError):
    """A received message that does not follow the wire format. ``str(e)`` is one line."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


@dataclass(frozen=True)
class Event:
    """One decoded event. ``data`` holds the fields beyond the envelope."""

    topic: str
    type: str
    ts: int
    src: str
    v: int
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str | None:
        """The topic's key (``"BTC/USD"`` for ``"bar.BTC/USD"``), or None."""
        return split_topic(self.topic)[1]


@dataclass(frozen=True)
class Request:
    """One decoded command request."""

    id: str
    cmd: str
    args: dict[str, Any]
    src: str
    ts: int
    v: int
    exp: int | None = None


@dataclass(frozen=True)
class Reply:
    """The outcome of a command: ``result`` when ``ok``, else a one-line ``error``."""

    ok: bool
    result: Any = None
    error: str | None = None


def now_ms() -> int:
    """Wall-clock milliseconds since the Unix epoch."""
    return time.time_ns() // 1_000_000


def _dumps(obj: Mapping[str, Any], what: str) -> bytes:
    try:
        return orjson.dumps(obj, option=_DUMPS_OPTS)
    except orjson.JSONEncodeError as e:
        raise TypeError(f"{what} is not JSON-serialisable: {e}") from None


def _loads_object(frame: Frame, what: str) -> dict[str, Any]:
    try:
        body = orjson.loads(frame)
    except orjson.JSONDecodeError as e:
        raise BadMessage("json", f"{what} is not JSON: {e}") from None
    if not isinstance(body, dict):
        raise BadMessage("json", f"{what} is not a JSON object (got {type(body).__name__})")
    return body


def _field(body: Mapping[str, Any], name: str, typ: type, what: str) -> Any:
    if name not in body:
        raise BadMessage("envelope", f"{what} lacks field {name!r}")
    value = body[name]
    # bool is an int subclass; a boolean version or timestamp is a sender bug.
    if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
        raise BadMessage(
            "envelope", f"{what} field {name!r} must be {typ.__name__}, got {type(value).__name__}"
        )
    return value


def _version(body: Mapping[str, Any], what: str) -> int:
    v: int = _field(body, "v", int, what)
    if v > SCHEMA_VERSION:
        raise BadMessage(
            "version", f"{what} has schema version {v}, newer than supported {SCHEMA_VERSION}"
        )
    if v < 1:
        raise BadMessage("version", f"{what} has invalid schema version {v}")
    return v


def encode(type: str, src: str, key: str | None = None, **fields: Any) -> list[bytes]:
    """Build the frames ``[topic, body]`` of one event stamped now.

    :raises ValueError: if a field reuses an envelope name or the type/key is invalid
    :raises TypeError: if a field value is not JSON-serialisable
    """
    clash = [name for name in ENVELOPE_FIELDS if name in fields]
    if clash:
        raise ValueError(f"event {type!r}: field(s) {clash} clash with the envelope")
    body = {"v": SCHEMA_VERSION, "type": type, "ts": now_ms(), "src": src, **fields}
    return [topic(type, key).encode(), _dumps(body, f"event {type!r} from {src!r}")]


def decode(frames: Sequence[Frame]) -> Event:
    """Parse the frames of one event.

    :raises BadMessage: wrong frame count, non-UTF-8 topic, body not a JSON object,
        missing or ill-typed envelope field, newer schema version, or topic/type mismatch
    """
    if len(frames) != 2:
        raise BadMessage("frames", f"expected 2 frames [topic, body], got {len(frames)}")
    try:
        topic_ = bytes(frames[0]).decode()
    except UnicodeDecodeError:
        raise BadMessage("topic", "topic frame is not UTF-8") from None
    what = f"event on {topic_!r}"
    body = _loads_object(frames[1], f"body of {what}")
    v = _version(body, what)
    type_ = _field(body, "type", str, what)
    ts = _field(body, "ts", int, what)
    src = _field(body, "src", str, what)
    if topic_ != type_ and not topic_.startswith(type_ + TOPIC_SEP):
        raise BadMessage("topic", f"topic {topic_!r} does not match type {type_!r}")
    data = {k: val for k, val in body.items() if k not in ENVELOPE_FIELDS}
    return Event(topic=topic_, type=type_, ts=ts, src=src, v=v, data=data)


def stamp(body: Mapping[str, Any], key: str) -> float | None:
    """A ``time.monotonic()`` stamp an event carries (``t_bar``, ``t_signal``...) as a float;
    None if the field is absent or not a number (a stamp only measures, it never decides)."""
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def new_request_id() -> str:
    """A short random request id (unique enough for in-flight correlation)."""
    return uuid.uuid4().hex[:16]


def encode_request(
    cmd: str, args: Mapping[str, Any], src: str, req_id: str | None = None,
    exp: int | None = None,
) -> bytes:
    """The body of one command request. ``exp``: ms since the epoch the caller waits until."""
    body: dict[str, Any] = {
        "v": SCHEMA_VERSION, "id": req_id or new_request_id(), "cmd": cmd, "args": dict(args),
        "src": src, "ts": now_ms(),
    }
    if exp is not None:
        body["exp"] = exp
    return _dumps(body, f"request {cmd!r}")


def decode_request(frame: Frame) -> Request:
    """Parse one command request body. :raises BadMessage: when malformed."""
    body = _loads_object(frame, "request")
    v = _version(body, "request")
    req_id = _field(body, "id", str, "request")
    cmd = _field(body, "cmd", str, "request")
    args = _field(body, "args", dict, "request")
    src = _field(body, "src", str, "request")
    ts = _field(body, "ts", int, "request")
    exp = _field(body, "exp", int, "request") if body.get("exp") is not None else None
    return Request(id=req_id, cmd=cmd, args=args, src=src, ts=ts, v=v, exp=exp)


def encode_reply(req_id: str, reply: Reply) -> bytes:
    """The body of one reply. A result that can't be serialised becomes an error reply."""
    if reply.ok:
        try:
            return _dumps({"v": SCHEMA_VERSION, "id": req_id, "ok": True, "result": reply.result},
                          "reply result")
        except TypeError as e:
            reply = Reply(ok=False, error=str(e))
    error = (reply.error or "failed").replace("\n", " ")
    return _dumps({"v": SCHEMA_VERSION, "id": req_id, "ok": False, "error": error}, "reply")


def decode_reply(frame: Frame) -> tuple[str, Reply]:
    """Parse one reply body into ``(request id, Reply)``. :raises BadMessage: when malformed."""
    body = _loads_object(frame, "reply")
    _version(body, "reply")
    req_id = _field(body, "id", str, "reply")
    ok = _field(body, "ok", bool, "reply")
    if ok:
        return req_id, Reply(ok=True, result=body.get("result"))
    error = body.get("error")
    return req_id, Reply(ok=False, error=error if isinstance(error, str) else "failed")
