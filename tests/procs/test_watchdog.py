"""The watchdog speaks supervisord's event-listener protocol and publishes alerts on the bus.

Both the bus and the watchdog run as real processes; the test plays supervisord's side
of the listener protocol on the watchdog's stdin/stdout.
"""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from config import REPO_ROOT, load_config
from ipc.bus import Subscriber
from procs.runtime import endpoints_for
from procs.watchdog import Alerts
from tests.conftest import Instance, poll


def send_event(proc: subprocess.Popen, serial: int, event: str, payload: str) -> None:
    header = (f"ver:3.0 server:supervisor serial:{serial} pool:watchdog poolserial:{serial} "
              f"eventname:{event} len:{len(payload)}\n")
    proc.stdin.write((header + payload).encode())
    proc.stdin.flush()


def read_result(proc: subprocess.Popen) -> bytes:
    line = proc.stdout.readline()          # "RESULT 2\n"
    assert line == b"RESULT 2\n"
    body = proc.stdout.read(2)
    assert proc.stdout.readline() == b"READY\n"
    return body


@pytest.fixture
def bus_and_watchdog(tmp_path) -> Iterator[tuple[subprocess.Popen, Subscriber]]:
    inst = Instance.new(home=tmp_path)
    inst.paths.prepare()
    kw = dict(cwd=REPO_ROOT, env=inst.env, stderr=subprocess.DEVNULL)
    bus = subprocess.Popen([sys.executable, "-m", "procs.bus"], **kw)
    dog = subprocess.Popen([sys.executable, "-m", "procs.watchdog"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, **kw)
    bus_out = endpoints_for(load_config(inst.env), inst.paths).bus_out
    sub = Subscriber(bus_out, ["alert", "heartbeat"])
    try:
        assert dog.stdout.readline() == b"READY\n"
        poll(lambda: (e := sub.recv(0.2)) and e.type == "heartbeat" and e.src == "watchdog", 10.0)
        yield dog, sub
    finally:
        sub.close()
        for proc in (dog, bus):
            proc.kill()
            proc.wait()


def next_alert(sub: Subscriber):
    return poll(lambda: (e := sub.recv(0.2)) and e.type == "alert" and e, 5.0)


def test_exited_program_becomes_an_alert(bus_and_watchdog) -> None:
    dog, sub = bus_and_watchdog
    send_event(dog, 1, "PROCESS_STATE_EXITED",
               "processname:scanner groupname:bot from_state:RUNNING expected:0 pid:2766")
    assert read_result(dog) == b"OK"
    alert = next_alert(sub)
    assert alert.topic == "alert.scanner" and alert.src == "watchdog"
    assert alert.data["program"] == "bot:scanner" and alert.data["level"] == "error"
    assert "died unexpectedly" in alert.data["text"]


def test_bus_alert_is_held_until_the_bus_runs_again(bus_and_watchdog) -> None:
    dog, sub = bus_and_watchdog
    send_event(dog, 1, "PROCESS_STATE_EXITED",
               "processname:bus groupname:bot from_state:RUNNING expected:0 pid:11")
    read_result(dog)
    send_event(dog, 2, "PROCESS_STATE_RUNNING",
               "processname:bus groupname:bot from_state:STARTING pid:12")
    read_result(dog)
    first, second = next_alert(sub), next_alert(sub)
    assert (first.data["event"], first.data["pid"]) == ("PROCESS_STATE_EXITED", "11")
    assert second.data["event"] == "PROCESS_STATE_RUNNING"
    assert second.data["text"] == "bot:bus is running again"


def test_alerts_policy() -> None:
    alerts = Alerts()
    running = {"processname": "feed", "groupname": "bot", "from_state": "STARTING"}
    assert alerts.on_event("PROCESS_STATE_RUNNING", running) == []  # a normal start: no noise
    backoff = alerts.on_event("PROCESS_STATE_BACKOFF", {**running, "tries": "2"})
    assert [a["level"] for a in backoff] == ["warning"]
    fatal = alerts.on_event("PROCESS_STATE_FATAL", {**running, "from_state": "BACKOFF"})
    assert [a["level"] for a in fatal] == ["critical"]
    assert [a["text"] for a in alerts.on_event("PROCESS_STATE_RUNNING", running)] == [
        "bot:feed is running again"]
    expected = alerts.on_event("PROCESS_STATE_EXITED", {**running, "expected": "1", "pid": "5"})
    assert [a["level"] for a in expected] == ["info"]
    assert alerts.on_event("PROCESS_STATE_RUNNING", running) == []
