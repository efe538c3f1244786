"""Small text helpers for replies: HTML escaping, aligned tables, numbers for a phone screen.

Every reply uses Telegram's HTML parse mode, so **every** piece of text that did not come
from this package (pair names, process names, thoughts, alert texts, errors) goes through
``esc``. Tables are ``<pre>`` blocks (monospace, aligned) kept to about 32 columns so they do
not wrap on a phone. Numbers that may be missing show as ``-``.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from decimal import Decimal

Num = float | int | Decimal | None
MAX_TEXT = 3800  # Telegram's limit is 4096 characters; keep room for markup
_NUMBER = re.compile(r"[+-]?[\d,.]+%?")


def esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def _float(x: Num) -> float | None:
    """``x`` as a finite float, or None (missing, NaN, infinite)."""
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):  # e.g. a string from a malformed event
        return None
    return v if math.isfinite(v) else None


def table(rows: Sequence[Sequence[str]]) -> str:
    """A ``<pre>`` block: columns of numbers (``+1,234.50``, ``12%``) right-aligned, others left."""
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    cols = [[r[i] if i < len(r) else "" for r in rows] for i in range(width)]
    sizes = [max(len(c) for c in col) for col in cols]
    right = [all(_numeric(c) for c in col if c) for col in cols]
    lines = []
    for r in rows:
        cells = [(r[i] if i < len(r) else "") for i in range(width)]
        out = [c.rjust(sizes[i]) if right[i] else c.ljust(sizes[i]) for i, c in enumerate(cells)]
        lines.append(" ".join(out).rstrip())
    return "<pre>" + esc("\n".join(lines)) + "</pre>"


def _numeric(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def price(x: Num) -> str:
    v = _float(x)
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.2f}"
    if abs(v) >= 1:
        return f"{v:.4f}"
    return f"{v:.6g}"


def qty(x: Num) -> str:
    v = _float(x)
    if v is None:
        return "-"
    text = f"{Decimal(str(x)):.8f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def money(x: Num) -> str:
    """A signed amount in the quote currency: ``+12.30``, ``-1,234.00``."""
    v = _float(x)
    return "-" if v is None else f"{v:+,.2f}"


def amount(x: Num) -> str:
    """An unsigned amount: ``10,234.50``."""
    v = _float(x)
    return "-" if v is None else f"{v:,.2f}"


def pct(x: Num, signed: bool = False) -> str:
    """A fraction as a percentage: ``0.0123`` -> ``1.23%``."""
    v = _float(x)
    if v is None:
        return "-"
    return f"{v * 100:+.2f}%" if signed else f"{v * 100:.2f}%"


def duration(seconds: Num) -> str:
    """``45s``, ``12m``, ``3h 12m``, ``2d 4h``."""
    v = _float(seconds)
    if v is None:
        return "-"
    s = max(0, int(v))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60}m"
    return f"{s // 86400}d {s % 86400 // 3600}h"


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to ``limit`` characters (plain text: cut before escaping)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
