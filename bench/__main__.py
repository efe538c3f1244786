"""Run every benchmark, print one table, write ``bench/results/latest.json``.

Each ``bench/bench_<topic>.py`` module exposes ``run() -> list[Row]``; a
module that fails is reported as a row with its error and the others still
run. Numbers are medians and percentiles: the machines are shared and noisy.
"""
from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path

import bench
from bench.common import Row

RESULTS = Path(__file__).resolve().parent / "results"


def _modules(only: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                   if m.name.startswith("bench_"))
    return [n for n in names if not only or any(o in n for o in only)]


def main(argv: list[str]) -> int:
    rows: list[Row] = []
    failed = 0
    for name in _modules(argv):
        t0 = time.monotonic()
        try:
            rows += importlib.import_module(f"bench.{name}").run()
        except Exception as err:  # a broken benchmark must not hide the others
            failed += 1
            traceback.print_exc()
            rows.append(Row(f"{name} FAILED", float("nan"), "", f"{type(err).__name__}: {err}"))
        print(f"# {name}: {time.monotonic() - t0:.1f} s", file=sys.stderr)
    width = max((len(r.name) for r in rows), default=10)
    print(f"{'benchmark':<{width}}  {'value':>12}  unit    note")
    for r in rows:
        print(f"{r.name:<{width}}  {r.value:>12.3f}  {r.unit:<6}  {r.note}")
    RESULTS.mkdir(exist_ok=True)
    payload = {"ts": time.time(), "rows": [asdict(r) for r in rows]}
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=1, allow_nan=True))
    print(f"wrote {RESULTS / 'latest.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
