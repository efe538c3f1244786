"""Test helper process: beat every INTERVAL_S from a heartbeat thread until killed.

usage: helper_heartbeat.py BUS_IN SRC INTERVAL_S
"""
from __future__ import annotations

import signal
import sys
import threading

from ipc.bus import Publisher
from ipc.heartbeat import Heartbeat


def main() -> None:
    bus_in, src, interval = sys.argv[1], sys.argv[2], float(sys.argv[3])
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    pub = Publisher(bus_in, src)
    beat = Heartbeat(pub, interval_s=interval, state_fn=lambda: "running")
    beat.start_thread()
    done.wait()
    beat.stop()
    pub.close()


if __name__ == "__main__":
    main()
