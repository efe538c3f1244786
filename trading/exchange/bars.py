"""Assemble closed OHLCV bars from Kraken WebSocket v2 ``ohlc`` messages, for one pair.

Semantics:
- Bars are keyed by ``interval_begin``. A message with the forming bar's ``interval_begin``
  replaces it (Kraken re-sends the running candle on every trade); a newer one closes the
  forming bar, which is returned once as closed, and starts a new forming bar; an older one is
  out of order and is dropped with a log line.
- A bar never closes twice and nothing at or before ``last_closed_ts`` is emitted again
  (seed it from REST or shared memory with :meth:`BarAssembler.seed`).
- If the new bar starts more than one interval after the previous bar (forming or last closed),
  the step reports the missing range ``[gap_from, gap_to)`` so the caller can backfill it from
  REST. Kraken sends candles on trades only, so a quiet interval also looks like a gap; REST
  OHLC has a row for it.

Caveat: with no trade in the next interval the forming bar does not close by itself;
:meth:`close_if_due` closes it by wall clock (later updates for it are then dropped).
Arrays are (6,) float64 ``[ts, open, high, low, close, volume]``, ts = interval begin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from trading.exchange.ws import OhlcMsg

__all__ = ["BarAssembler", "BarStep"]

logger = logging.getLogger(__name__)

EPS = 1e-6  # interval_begin values are exact to the microsecond


@dataclass(frozen=True, slots=True)
class BarStep:
    """The outcome of feeding one message."""

    accepted: bool
    closed: np.ndarray | None = None     # (6,) the bar this message closed, if any
    forming: np.ndarray | None = None    # (6,) the forming bar after this message
    gap_from: float | None = None        # first missing interval_begin, if bars are missing
    gap_to: float | None = None          # exclusive end of the missing range

    @property
    def has_gap(self) -> bool:
        return self.gap_from is not None


def _row(msg: OhlcMsg) -> np.ndarray:
    return np.array([msg.interval_begin_s, msg.open, msg.high, msg.low, msg.close, msg.volume],
                    dtype=np.float64)


class BarAssembler:
    """Per pair: the forming bar plus the last closed bar's ts."""

    def __init__(self, interval_s: float, pair: str = "",
                 last_closed_ts: float | None = None) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.interval_s = float(interval_s)
        self.pair = pair
        self.last_closed_ts = last_closed_ts
        self.forming: np.ndarray | None = None

    def seed(self, last_closed_ts: float) -> None:
        """Closed bars up to ``last_closed_ts`` exist elsewhere: never emit them again."""
        if self.last_closed_ts is None or last_closed_ts > self.last_closed_ts:
            self.last_closed_ts = last_closed_ts
        if self.forming is not None and self.forming[0] <= last_closed_ts + EPS:
            self.forming = None

    def _gap(self, ts: float) -> tuple[float | None, float | None]:
        prev = self.forming[0] if self.forming is not None else self.last_closed_ts
        if prev is None or ts <= prev + self.interval_s + EPS:
            return None, None
        return prev + self.interval_s, ts

    def feed(self, msg: OhlcMsg) -> BarStep:
        ts = msg.interval_begin_s
        if self.last_closed_ts is not None and ts <= self.last_closed_ts + EPS:
            logger.debug("ohlc %s: bar %s already closed; dropped", self.pair or msg.pair, ts)
            return BarStep(accepted=False, forming=self.forming)
        forming = self.forming
        if forming is not None and abs(ts - forming[0]) <= EPS:
            self.forming = _row(msg)
            return BarStep(accepted=True, forming=self.forming)
        if forming is not None and ts < forming[0]:
            logger.warning("ohlc %s: out-of-order bar %s (forming %s); dropped",
                           self.pair or msg.pair, ts, forming[0])
            return BarStep(accepted=False, forming=forming)
        gap_from, gap_to = self._gap(ts)
        if forming is not None:
            self.last_closed_ts = float(forming[0])
        self.forming = _row(msg)
        return BarStep(accepted=True, closed=forming, forming=self.forming,
                       gap_from=gap_from, gap_to=gap_to)

    def close_if_due(self, now_s: float, grace_s: float = 2.0) -> np.ndarray | None:
        """Close the forming bar once its interval (plus ``grace_s``) has passed."""
        forming = self.forming
        if forming is None or now_s < forming[0] + self.interval_s + grace_s:
            return None
        self.last_closed_ts = float(forming[0])
        self.forming = None
        return forming
