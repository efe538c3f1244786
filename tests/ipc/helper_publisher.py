"""Test helper process: publish events round-robin until killed.

usage: helper_publisher.py BUS_IN SRC INTERVAL_S TYPE[:KEY] [TYPE[:KEY] ...]
Each event carries ``seq`` (a counter over all events sent).
"""
from __future__ import annotations

import signal
import sys
import time

from ipc.bus import Publisher


def main() -> None:
    bus_in, src, interval = sys.argv[1], sys.argv[2], float(sys.argv[3])
    specs = [(s.partition(":")[0], s.partition(":")[2] or None) for s in sys.argv[4:]]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    pub = Publisher(bus_in, src)
    seq = 0
    try:
        while True:
            for type_, key in specs:
                pub.publish(type_, key, seq=seq)
                seq += 1
            time.sleep(interval)  # pacing of the stream, not synchronisation
    finally:
        pub.close()


if __name__ == "__main__":
    main()
