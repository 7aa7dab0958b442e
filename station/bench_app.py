"""The benchmark's measures of the real ``station run`` process from outside:
start-up to the first frame, CPU while resting and while waiting in the
menu, resident memory.

CPU comes from ``/proc/<pid>/stat`` (utime + stime, every thread of the
process) over a window of real time, as a percentage of one core; memory is
``VmRSS`` of ``/proc/<pid>/status``. A pty stands in for the serial remote,
so ``REP`` lines put the station into a rest exactly as a remote would.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .bench_child import FIRST_FRAME

_TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """CPU time (user + system, s) used so far by process ``pid``."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * _TICK_S  # utime, stime


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid``, MB (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no VmRSS in /proc/{pid}/status")


def cpu_percent(pid: int, window_s: float) -> float:
    """Percent of one core process ``pid`` used over the next ``window_s`` s."""
    c0, t0 = cpu_s(pid), time.monotonic()
    time.sleep(window_s)
    return 100.0 * (cpu_s(pid) - c0) / (time.monotonic() - t0)


class StationProcess:
    """``station ARGS`` in a child process (through :mod:`station.bench_child`)
    with a pty as its serial remote: an argument ``"{tty}"`` becomes the
    pty's path. ``env``: extra environment.

    ``started_at`` / ``first_frame_at``: time.monotonic() s; ``stderr``: the
    lines it printed. Use as a context manager; :meth:`stop` sends SIGTERM."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.master, self._slave = os.openpty()
        self.tty = os.ttyname(self._slave)
        self.stderr: list[str] = []
        self.first_frame_at: float | None = None
        self._frame = threading.Event()
        self._buf = b""
        full_env = dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1", **(env or {}))
        argv = [sys.executable, "-m", "station.bench_child",
                *(self.tty if a == "{tty}" else a for a in args)]
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(argv, env=full_env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            line = line.rstrip("\n")
            if line.startswith(FIRST_FRAME) and self.first_frame_at is None:
                self.first_frame_at = float(line[len(FIRST_FRAME):])
                self._frame.set()
            else:
                self.stderr.append(line)

    def wait_first_frame(self, timeout_s: float = 20.0) -> float:
        """Seconds from process start to its first frame. Raises TimeoutError."""
        if not self._frame.wait(timeout_s) or self.first_frame_at is None:
            raise TimeoutError(f"no first frame within {timeout_s} s; stderr: {self.stderr[-5:]}")
        return self.first_frame_at - self.started_at

    def send(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def wait_line(self, prefix: str, timeout_s: float = 10.0) -> str:
        """The first line from the station starting with ``prefix``."""
        end = time.monotonic() + timeout_s
        while True:
            while b"\n" in self._buf:
                raw, self._buf = self._buf.split(b"\n", 1)
                text = raw.decode(errors="replace").rstrip("\r")
                if text.startswith(prefix):
                    return text
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {prefix!r} line from the station within {timeout_s} s")
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                self._buf += os.read(self.master, 4096)

    def drain(self) -> None:
        """Read what the station wrote to the pty (it must not fill up)."""
        while select.select([self.master], [], [], 0)[0]:
            self._buf += os.read(self.master, 4096)
        self._buf = self._buf[-4096:]

    def stop(self, timeout_s: float = 10.0) -> int:
        """SIGTERM, wait for the exit code (SIGKILL after ``timeout_s``)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=2)
        return self.proc.returncode

    def close(self) -> None:
        self.stop()
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> "StationProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def measure_app(workdir: Path, config: Path, *, idle_s: float, memory_after_s: float,
                env: dict[str, str] | None = None, say=lambda text: None) -> dict:
    """Start-up, resting and menu CPU, memory of the real ``station run``.

    Returns ``{"startup_s": [..], "rest_cpu_pct", "menu_cpu_pct", "rss_mb",
    "rss_after_s", "exit_codes": [..], "stderr": [..]}``.
    """
    common = ["--config", str(config), "run"]
    dev = ["--display", "window", "--pins", "mock", "--db", str(workdir / "app.sqlite3")]
    out: dict = {"startup_s": [], "exit_codes": [], "stderr": []}
    rest_s = idle_s + 5.0  # the count-in (last 3 s) is not idle
    say(f"bench: station run cluster, then {idle_s:g} s of CPU while resting")
    rest_args = common + ["cluster", "--rest", f"{rest_s:g}", "--duration", "240", "--sets", "1",
                          "--serial", "{tty}", *dev]
    with StationProcess(rest_args, env) as rest:
        out["startup_s"].append(rest.wait_first_frame())
        rest.wait_line("HELLO")
        _past_warnings(rest)
        for _ in range(5):
            rest.send("REP")
        rest.wait_line("CUE rest")
        out["rest_cpu_pct"] = cpu_percent(rest.pid, idle_s)
        say(f"bench: station run (menu), {idle_s:g} s of CPU while waiting")
        with StationProcess(common + dev, env) as menu:
            out["startup_s"].append(menu.wait_first_frame())
            out["menu_cpu_pct"] = cpu_percent(menu.pid, idle_s)
            out["exit_codes"].append(menu.stop())
            out["stderr"] += menu.stderr
        left = memory_after_s - (time.monotonic() - rest.started_at)
        if left > 0:
            say(f"bench: resident memory at {memory_after_s:g} s (waiting {left:.0f} s)")
            end = time.monotonic() + left
            while time.monotonic() < end:
                rest.drain()
                time.sleep(min(1.0, max(0.0, end - time.monotonic())))
        out["rss_mb"] = rss_mb(rest.pid)
        out["rss_after_s"] = time.monotonic() - rest.started_at
        out["exit_codes"].append(rest.stop())
        out["stderr"] += rest.stderr
    return out



def _past_warnings(proc: StationProcess, tries: int = 3) -> None:
    """Acknowledge guardrail warnings (a press each) until the set is READY."""
    for _ in range(tries):
        try:
            proc.wait_line("STATE READY", timeout_s=2.0)
            return
        except TimeoutError:
            proc.send("REP")
    raise TimeoutError("the station never reached READY (warnings not acknowledged?)")
