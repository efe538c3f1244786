"""Query-parameter parsing for the API views: one-line 400 errors naming the parameter.

Every view declares the parameters it knows; an unknown one is an error too (a typo like
``?limt=5`` would otherwise be ignored silently). Values are parsed strictly: integers are
plain decimal digits, pairs match ``BASE/QUOTE`` as in the config.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask import request

from config.schema import PAIR_PATTERN
from web.errors import ApiError

_INT = re.compile(r"^[0-9]{1,18}$")
_PAIR = re.compile(PAIR_PATTERN)


def bad(message: str) -> ApiError:
    return ApiError(400, message)


def check_known(allowed: Iterable[str]) -> None:
    """400 if the query string has a parameter not in ``allowed`` (or one given twice)."""
    names = set(allowed)
    for name in request.args:
        if name not in names:
            known = ", ".join(sorted(names)) or "none"
            raise bad(f"unknown parameter {name!r}; allowed: {known}")
        if len(request.args.getlist(name)) > 1:
            raise bad(f"parameter {name!r} given more than once")


def int_arg(name: str, default: int | None, lo: int, hi: int) -> int | None:
    """``?name=`` as an int in ``lo..hi``; ``default`` when absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _INT.match(raw):
        raise bad(f"{name} must be an integer {lo}..{hi}, got {raw[:40]!r}")
    value = int(raw)
    if not lo <= value <= hi:
        raise bad(f"{name} must be {lo}..{hi}, got {value}")
    return value


def pair_arg(name: str, known: Iterable[str] | None = None, required: bool = False) -> str | None:
    """``?name=BASE/QUOTE``; with ``known``, it must be one of them."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        if required:
            raise bad(f"{name} is required, e.g. {name}=BTC/USD")
        return None
    if not _PAIR.match(raw):
        raise bad(f"{name} must look like BTC/USD, got {raw[:40]!r}")
    if known is not None:
        pairs = list(known)
        if raw not in pairs:
            raise bad(f"{name} {raw!r} is not traded; known: {', '.join(pairs)}")
    return raw
