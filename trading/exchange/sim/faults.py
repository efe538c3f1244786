"""Test faults injected through ``POST /_sim/fault`` (outside Kraken's namespace).

The body is a JSON object with one fault per key; several keys may be combined. Every key and
value is checked before anything is applied, so a body with an unknown key or a bad value
changes nothing and gets HTTP 400 (:class:`FaultError`). Faults:

- ``{"drop_ws": true}``: close every WebSocket connection now (the server does it);
- ``{"corrupt_checksum": "BTC/USD"}``: the next book message for that pair (snapshot or update,
  to every client it goes to) carries a wrong checksum;
- ``{"reject_private": {"count": 3, "error": "EAPI:Rate limit exceeded"}}``: the next ``count``
  private calls get that error before authentication (no nonce is consumed);
- ``{"delay_ms": 1500}``: every Kraken REST response (``/0/...``) waits that long, until set to
  0; WebSocket traffic and ``/_sim/*`` are not delayed;
- ``{"drop_addorder_response": 1}``: the next N AddOrder calls are executed but never answered
  (the connection stays silent until the client gives up);
- ``{"regime": {"BTC/USD": "trend_up", ...}}``: from its next bar on, each listed pair's
  price process stays in that regime (``range``, ``trend_up``, ``trend_down``, ``breakout``,
  ``crash``, or ``rally``: a clean steep rise that never occurs by itself) and its book
  leans with it (scenario tests of strategies and the scorer);
- ``{"send_raw": ["{\"channel\": ...", ...]}``: send these texts as they are to every
  WebSocket connection now (malformed-input tests of the feed).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from trading.exchange.sim.pricepath import REGIMES

MAX_DELAY_MS = 120_000


class FaultError(ValueError):
    """The fault request is invalid; ``str(err)`` says which key and why."""


@dataclass
class Faults:
    delay_ms: int = 0
    reject_count: int = 0
    reject_error: str = "EAPI:Rate limit exceeded"
    drop_addorder: int = 0
    corrupt: set[str] = field(default_factory=set)
    raw: list[str] = field(default_factory=list)
    regimes: dict[str, str] = field(default_factory=dict)

    def take_regimes(self) -> dict[str, str]:
        """Pair -> regime to force now (consumes them)."""
        regimes, self.regimes = self.regimes, {}
        return regimes

    def take_raw(self) -> list[str]:
        """The texts to send to every WebSocket connection now (consumes them)."""
        raw, self.raw = self.raw, []
        return raw

    def take_reject(self) -> str | None:
        """The error for this private call, if one is due (consumes one)."""
        if self.reject_count <= 0:
            return None
        self.reject_count -= 1
        return self.reject_error

    def take_drop_addorder(self) -> bool:
        if self.drop_addorder <= 0:
            return False
        self.drop_addorder -= 1
        return True

    def take_corrupt(self, symbol: str) -> bool:
        if symbol not in self.corrupt:
            return False
        self.corrupt.discard(symbol)
        return True

    def apply(self, body: Any, symbols: Collection[str]) -> bool:
        """Check then apply ``body``; return True if ``drop_ws`` was asked for."""
        if not isinstance(body, dict) or not body:
            raise FaultError("body must be a non-empty JSON object")
        unknown = sorted(set(body) - _CHECKS.keys())
        if unknown:
            raise FaultError(f"unknown fault key(s): {', '.join(unknown)}; known: "
                             f"{', '.join(sorted(_CHECKS))}")
        for key, value in body.items():
            _CHECKS[key](value, symbols)
        if "corrupt_checksum" in body:
            self.corrupt.add(body["corrupt_checksum"])
        if "reject_private" in body:
            self.reject_count = body["reject_private"]["count"]
            self.reject_error = body["reject_private"]["error"]
        if "delay_ms" in body:
            self.delay_ms = body["delay_ms"]
        if "drop_addorder_response" in body:
            self.drop_addorder = int(body["drop_addorder_response"])
        self.raw.extend(body.get("send_raw", []))
        self.regimes.update(body.get("regime", {}))
        return bool(body.get("drop_ws"))

    def describe(self) -> dict[str, Any]:
        return {"delay_ms": self.delay_ms, "drop_addorder_response": self.drop_addorder,
                "reject_private": {"count": self.reject_count, "error": self.reject_error},
                "corrupt_checksum": sorted(self.corrupt)}


def _count(value: Any, key: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FaultError(f"{key}: expected an integer >= 0, got {value!r}")


def _check_drop_ws(value: Any, _symbols: Collection[str]) -> None:
    if value is not True:
        raise FaultError(f"drop_ws: expected true, got {value!r}")


def _check_corrupt(value: Any, symbols: Collection[str]) -> None:
    if value not in symbols:
        raise FaultError(f"corrupt_checksum: {value!r} is not a configured pair")


def _check_reject(value: Any, _symbols: Collection[str]) -> None:
    if not isinstance(value, dict) or set(value) != {"count", "error"}:
        raise FaultError('reject_private: expected {"count": N, "error": "E..."}')
    _count(value["count"], "reject_private.count")
    if not isinstance(value["error"], str) or not value["error"].startswith("E"):
        raise FaultError(f"reject_private.error: expected a Kraken error string, "
                         f"got {value['error']!r}")


def _check_delay(value: Any, _symbols: Collection[str]) -> None:
    _count(value, "delay_ms")
    if value > MAX_DELAY_MS:
        raise FaultError(f"delay_ms: at most {MAX_DELAY_MS}")


def _check_drop_addorder(value: Any, _symbols: Collection[str]) -> None:
    if value is True:
        return
    _count(value, "drop_addorder_response")


def _check_raw(value: Any, _symbols: Collection[str]) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FaultError(f"send_raw: expected a list of strings, got {value!r:.60}")


def _check_regime(value: Any, symbols: Collection[str]) -> None:
    if not isinstance(value, dict) or not value:
        raise FaultError('regime: expected {"PAIR": "<regime>"}')
    for pair, regime in value.items():
        if pair not in symbols:
            raise FaultError(f"regime: {pair!r} is not a configured pair")
        if regime not in REGIMES:
            raise FaultError(f"regime: {regime!r} is not one of {', '.join(REGIMES)}")


_CHECKS = {"drop_ws": _check_drop_ws, "corrupt_checksum": _check_corrupt,
           "reject_private": _check_reject, "delay_ms": _check_delay,
           "drop_addorder_response": _check_drop_addorder, "send_raw": _check_raw,
           "regime": _check_regime}
