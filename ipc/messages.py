"""Names on the wire: schema version, event types, command names and the topic rule.

This module must not depend on any non-stdlib module (nor on anything else in the
project), so every process, tool and test can import it without pulling in ZeroMQ,
orjson or the config loader.

Semantics and caveats:

- An event's topic is ``type`` or ``type.key`` (``"heartbeat"``, ``"bar.BTC/USD"``).
- ZeroMQ filters subscriptions by **byte prefix**, not by segment: subscribing to
  ``"bar"`` also matches a future type ``"barrier"``, and ``"bar.BTC"`` matches
  ``"bar.BTC/USD"`` and ``"bar.BTCX/USD"``. Subscribe to ``topic(BAR) + "."`` for all
  bars, or to the full ``topic(BAR, pair)`` for one pair. No two types below share a
  prefix; keep it that way when adding one.
- ``SCHEMA_VERSION`` is bumped when an envelope or body field changes meaning. A reader
  rejects bodies with a newer version than its own (see ``ipc.codec``).
- Adding a type or command is backwards compatible; renaming one is not.
"""
from __future__ import annotations

SCHEMA_VERSION = 1

# Event types (the first segment of every topic).
HEARTBEAT = "heartbeat"
ALERT = "alert"
BAR = "bar"
BOOK = "book"
SIGNAL = "signal"
INTENT = "intent"
ORDER = "order"
FILL = "fill"
POSITION = "position"
RISK = "risk"
THOUGHT = "thought"
MODEL = "model"
TICK = "tick"

EVENT_TYPES = (
    HEARTBEAT, ALERT, BAR, BOOK, SIGNAL, INTENT, ORDER, FILL, POSITION, RISK, THOUGHT, MODEL,
    TICK,
)

# Command names (REQ/REP command channel).
PING = "ping"
STATUS = "status"
PAUSE = "pause"
RESUME = "resume"
CLOSE_ALL = "close_all"
KILL = "kill"
AUDIT = "audit"   # record a front end's action (e.g. a refused stranger) in the ledger

COMMANDS = (PING, STATUS, PAUSE, RESUME, CLOSE_ALL, KILL, AUDIT)

# Envelope fields every event body carries; event fields may not reuse these names.
ENVELOPE_FIELDS = ("v", "type", "ts", "src")

TOPIC_SEP = "."


def topic(type_: str, key: str | None = None) -> str:
    """The topic of an event: ``type`` or ``type.key``.

    :param type_: event type, one of ``EVENT_TYPES`` (or a new non-empty name without ".")
    :param key: optional sub-key, e.g. a pair ``"BTC/USD"``; may itself contain "."
    :return: ``"bar.BTC/USD"`` for ``topic(BAR, "BTC/USD")``, ``"heartbeat"`` for
        ``topic(HEARTBEAT)``
    :raises ValueError: on an empty type, a type containing ".", or an empty key
    """
    if not type_ or TOPIC_SEP in type_:
        raise ValueError(f"event type must be a non-empty name without '.', got {type_!r}")
    if key is None:
        return type_
    if not key:
        raise ValueError(f"event key must be non-empty or None (type {type_!r})")
    return f"{type_}{TOPIC_SEP}{key}"


def split_topic(topic_: str) -> tuple[str, str | None]:
    """Inverse of ``topic``: ``"bar.BTC/USD"`` -> ``("bar", "BTC/USD")``."""
    type_, sep, key = topic_.partition(TOPIC_SEP)
    return type_, (key if sep else None)
