"""`make run / status / stop` end to end: real supervisord, real programs, kill -9."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from config import REPO_ROOT, load_config
from ipc.bus import Subscriber
from procs.runtime import endpoints_for
from tests.conftest import Instance, poll
from tools.launch import configured_programs
from tools.supervisor_client import pid_alive

pytestmark = pytest.mark.slow
CONF = REPO_ROOT / "supervisord.conf"


def running(inst: Instance) -> dict[str, dict]:
    return {p["name"]: p for p in inst.supervisor().processes() if p["statename"] == "RUNNING"}


def test_run_kill_each_program_stop(instance: Instance) -> None:
    out = instance.make("run")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "bot is running" in out.stdout and "make stop" in out.stdout
    procs = running(instance)
    # telegram is not configured: it exits 0 at once and supervisord leaves it stopped
    assert {re.sub(r"-\d+$", "", name) for name in procs} == \
        set(configured_programs(CONF)) - {"telegram"}
    assert set(procs) == {"bus", "watchdog", "exchange-sim", "feed", "scanner-0", "scanner-1",
                          "scorer", "executor", "web"}
    telegram = next(p for p in instance.supervisor().processes() if p["name"] == "telegram")
    assert telegram["statename"] == "EXITED" and telegram["exitstatus"] == 0

    again = instance.make("run")
    assert again.returncode == 0 and "already running" in again.stdout

    for name, info in procs.items():
        os.kill(info["pid"], signal.SIGKILL)
        back = poll(lambda: (p := running(instance).get(name)) and p["pid"] != info["pid"] and p,
                    timeout_s=5.0)
        assert pid_alive(back["pid"])

    status = instance.make("status")
    assert status.returncode == 0 and "bot:bus" in status.stdout and "RUNNING" in status.stdout

    supervisord_pid = instance.supervisor().pid()
    stop = instance.make("stop")
    assert stop.returncode == 0, stop.stderr
    assert supervisord_pid and not pid_alive(supervisord_pid)
    assert not any(p["pid"] and pid_alive(p["pid"]) for p in procs.values())
    assert list(instance.paths.run.glob("*.sock")) == []
    assert not instance.paths.supervisor_pidfile.exists()
    assert "not running" in instance.make("status").stdout


def test_watchdog_alerts_when_the_bus_is_killed(instance: Instance) -> None:
    assert instance.make("run").returncode == 0
    cfg = load_config(instance.env)
    sub = Subscriber(endpoints_for(cfg, instance.paths).bus_out, ["alert"])
    try:
        bus_pid = running(instance)["bus"]["pid"]
        # the subscription reaches the bus once our heartbeat-free socket is connected
        poll(lambda: running(instance).get("watchdog"), 5.0)
        os.kill(bus_pid, signal.SIGKILL)
        alert = poll(lambda: sub.recv(timeout_s=0.2), timeout_s=10.0)
        assert alert.type == "alert" and alert.data["program"] == "bot:bus"
        assert alert.data["event"] == "PROCESS_STATE_EXITED" and alert.data["level"] == "error"
    finally:
        sub.close()


def test_two_instances_side_by_side(instance: Instance) -> None:
    other = Instance.new()
    try:
        assert instance.make("run").returncode == 0
        assert other.make("run").returncode == 0
        mine, theirs = running(instance), running(other)
        assert set(mine) == set(theirs)
        assert {p["pid"] for p in mine.values()}.isdisjoint(p["pid"] for p in theirs.values())
        assert instance.make("stop").returncode == 0
        assert set(running(other)) == set(theirs)  # untouched by the other's stop
    finally:
        other.teardown()


def test_config_error_stops_make_run_with_one_line(instance: Instance) -> None:
    instance.env["BOT__WEB__PORT"] = "70000"
    out = instance.make("run")
    assert out.returncode != 0
    lines = [line for line in out.stderr.splitlines() if not line.startswith("make")]
    assert lines == ["config error: web.port = 70000 (from env BOT__WEB__PORT) is not allowed: "
                     "expected an integer >= 1 and <= 65535"]
    assert not instance.supervisor().is_running()


def test_missing_bot_home_parent(instance: Instance) -> None:
    instance.env["BOT_HOME"] = str(instance.home / "missing" / "home")
    out = instance.make("run")
    assert out.returncode != 0
    assert "parent directory" in out.stderr and "does not exist" in out.stderr
    assert "Traceback" not in out.stderr


def test_port_in_use_is_one_clear_line(instance: Instance) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        instance.env |= {"BOT__RUNTIME__BUS_TRANSPORT": "tcp",
                         "BOT__RUNTIME__BUS_TCP_PORT": str(port)}
        out = instance.make("run")
    assert out.returncode != 0
    assert f"runtime.bus_tcp_port = {port}: 127.0.0.1:{port} is already in use" in out.stderr
    assert "Traceback" not in out.stderr


def test_stale_pidfile_and_socket_do_not_block_run(instance: Instance) -> None:
    paths = instance.paths
    paths.prepare()
    dead = subprocess.Popen(["true"])
    dead.wait()
    paths.supervisor_pidfile.write_text(f"{dead.pid}\n")
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(paths.supervisor_socket))  # the file stays after close: nobody listens
    stale.close()
    out = instance.make("run")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "removed stale" in out.stdout
    assert running(instance)


def test_program_that_does_not_come_up_shows_its_log_tail(instance: Instance) -> None:
    instance.paths.prepare()
    (instance.paths.run / "bus-in.sock").mkdir()  # the bus cannot bind its endpoint
    instance.env["BOT__RUNTIME__START_TIMEOUT_SECONDS"] = "5"
    out = instance.make("run")
    assert out.returncode != 0
    assert "program bot:bus did not come up" in out.stderr
    assert "cannot bind" in out.stderr  # the bus's own one-line error, from its log tail
    assert not instance.supervisor().is_running()


def test_supervisorctl_works_from_repo_root_without_c() -> None:
    inst = Instance.new(home=REPO_ROOT / "var")
    if inst.supervisor().is_running():
        pytest.skip("a default instance (./var) is already running here")
    try:
        assert inst.make("run").returncode == 0
        ctl = str(Path(sys.executable).parent / "supervisorctl")
        env = {k: v for k, v in inst.env.items() if k != "BOT_HOME"}
        status = subprocess.run([ctl, "status"], cwd=REPO_ROOT, env=env, capture_output=True,
                                text=True, timeout=30)
        assert "bot:bus" in status.stdout and "RUNNING" in status.stdout, status
        old = running(inst)["bus"]["pid"]
        restart = subprocess.run([ctl, "restart", "bot:bus"], cwd=REPO_ROOT, env=env,
                                 capture_output=True, text=True, timeout=30)
        assert "bot:bus: started" in restart.stdout, restart
        assert running(inst)["bus"]["pid"] != old
    finally:
        inst.teardown()


def test_make_stop_removes_the_namespace_shared_memory(instance: Instance) -> None:
    assert instance.make("run").returncode == 0
    segments = [f"bot.{instance.namespace}.bars", f"bot.{instance.namespace}.books"]
    poll(lambda: instance.shm_segments() == segments, 10.0, "the feed's segments")
    other = Instance.new()
    survivor = subprocess.run([sys.executable, "-c", "import sys; from shared.bars import BarStore;"
                               "BarStore.create(sys.argv[1], ['ETH/USD'])", other.namespace],
                              cwd=REPO_ROOT, timeout=30)
    try:
        assert survivor.returncode == 0
        out = instance.make("stop")
        assert out.returncode == 0 and "removed shared memory" in out.stdout
        assert instance.shm_segments() == []
        assert other.shm_segments() == [f"bot.{other.namespace}.bars"]  # another namespace: kept
    finally:
        other.teardown()


def test_real_kraken_market_leaves_the_emulator_stopped(instance: Instance) -> None:
    closed = f"127.0.0.1:{instance.env['BOT__SIM__PORT']}"  # nothing listens there
    instance.env |= {"BOT__MARKET__SOURCE": "kraken", "BOT__MARKET__REST_URL": f"http://{closed}",
                     "BOT__MARKET__WS_URL": f"ws://{closed}/v2"}
    out = instance.make("run")
    assert out.returncode == 0, out.stdout + out.stderr
    states = {p["name"]: p["statename"] for p in instance.supervisor().processes()}
    assert states["exchange-sim"] == "STOPPED"
    assert states["feed"] == "RUNNING"  # retrying until the exchange answers
