"""Benchmarks: ``python -m bench`` (``make bench``). Numbers, not pass/fail."""
