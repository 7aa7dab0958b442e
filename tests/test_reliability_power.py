"""Reliability: power loss. ``station run`` is SIGKILLed at random moments of
a scripted session (REP lines over a pty), 50 times (seeded), on one history
file. Every time the history opens, and every rep the station told the
remote was saved (its ``SAVED <reps>`` line reached the remote before the
kill; ``CUE rep`` only says the rep sounded) is on disk."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from station.store import History

KILLS = 50


def one_life(tmp_path, n: int, seed: int) -> int:
    """Run the station on its own history file, send REPs, SIGKILL it at a
    random moment; returns the reps acknowledged before the kill."""
    rng = random.Random(seed)
    db = tmp_path / f"h{n % 2}.sqlite3"  # two workers, one file each, reopened every life
    master, slave = os.openpty()
    acked = banked = 0  # reps the remote saw SAVED: this set's, and earlier sets' of this life
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "station", "run", "rest-pause", "--display", "none", "--pins",
             "mock", "--no-sound", "--config", os.devnull, "--db", str(db),
             "--serial", os.ttyname(slave)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1"))
        buf, ready = b"", False
        kill_at = time.monotonic() + rng.uniform(0.3, 1.0)  # counted from process start
        next_rep = 0.0
        while time.monotonic() < kill_at:
            if ready and time.monotonic() >= next_rep:
                os.write(master, b"REP\n")
                next_rep = time.monotonic() + rng.choice((0.0, 0.01, 0.05))
            if select.select([master], [], [], 0.005)[0]:
                buf += os.read(master, 4096)
                lines = buf.split(b"\n")
                buf = lines.pop()
                for ln in lines:
                    ready = ready or ln.startswith(b"STATE READY")
                    if ln.startswith(b"STATE READY"):  # a new set: its SAVED counts from 0
                        banked, acked = banked + acked, 0
                    elif ln.startswith(b"SAVED "):
                        acked = int(ln.split()[1])
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        os.close(master)
        os.close(slave)
    return banked + acked


def reps_on_disk(path) -> list[int]:
    with History.open(path, 0.0, readonly=True) as h:  # opens every time, or raises
        return [sum(b["reps"] for b in s["bouts"]) for s in reversed(h.sessions(limit=None))]


@pytest.mark.timeout(300)
@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_an_acknowledged_rep(tmp_path):
    lost: list[tuple[int, int, int]] = []
    total = [0]

    def worker(w: int) -> None:
        db = tmp_path / f"h{w}.sqlite3"
        for n in range(w, KILLS, 2):
            before = len(reps_on_disk(db)) if db.exists() else 0
            acked = one_life(tmp_path, n, seed=1000 + n)
            after = reps_on_disk(db) if db.exists() else []  # opens after every kill
            on_disk = sum(after[before:])  # this life's session(s)
            total[0] += acked
            if on_disk < acked:
                lost.append((n, acked, on_disk))

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(worker, (0, 1)))
    # the kills really landed mid-set (a remote's REPs count 8 a second at most)
    assert total[0] > 20
    assert not lost, f"(life, reps acknowledged, reps on disk): {sorted(lost)}"
