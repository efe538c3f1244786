"""Signal memory: a strategy's recent long/short keeps counting for a few bars.

The strategies signal *events* (a crossover, a thrust, a close through a level) on the bar
they happen, so setups that agree rarely fire on the very same bar. Confluence therefore
looks at each strategy's latest active signal while it is fresh.

Semantics (one ``SignalMemory`` per pair, fed every bar's signals in bar order):

- An active signal replaces what the strategy had; so does a signal on the other side.
- A flat signal is replaced by the strategy's last active one if that fired at most
  ``bars`` bars earlier (by ``bar_ts``, ``interval_s`` apart); its strength fades linearly,
  ``strength x (1 - age / (bars + 1))``, and its first reason says how old it is.
- ``bars = 0`` keeps nothing: same-bar agreement only.
- Only the past is used: a held signal is one the strategy really gave on an earlier bar.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from trading.strategies.signal import Signal


class SignalMemory:
    def __init__(self, bars: int, interval_s: float) -> None:
        if bars < 0 or interval_s <= 0:
            raise ValueError(f"signal memory: bars {bars} / interval {interval_s} out of range")
        self.bars, self.interval_s = bars, interval_s
        self.last: dict[str, Signal] = {}

    def _held(self, now: Signal) -> Signal:
        past = self.last.get(now.strategy)
        if past is None or self.bars == 0:
            return now
        age = round((now.bar_ts - past.bar_ts) / self.interval_s)
        if not 0 < age <= self.bars:
            return now
        fade = 1.0 - age / (self.bars + 1)
        note = f"held from {age} bar{'s' if age > 1 else ''} ago"
        return replace(past, strength=past.strength * fade, bar_ts=now.bar_ts,
                       reasons=(note, *past.reasons))

    def update(self, signals: Sequence[Signal]) -> list[Signal]:
        """The signals confluence should use at this bar (see the module docstring)."""
        out = []
        for s in signals:
            if s.active:
                self.last[s.strategy] = s
                out.append(s)
            else:
                out.append(self._held(s))
        return out
