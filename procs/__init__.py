"""Supervised programs, one module each (``python -m procs.<name>``): thin wiring of
config, ipc and domain objects, then a loop. ``procs.runtime`` is their shared boot."""
