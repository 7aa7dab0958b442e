"""The benchmark's measures of the real ``station run`` process from outside:
start-up to the first frame, CPU while resting and while waiting in the
menu, resident memory.

CPU comes from ``/proc/<pid>/stat`` (utime + stime, every thread of the
process) over a window of real time, as a percentage of one core; memory is
``VmRSS`` of ``/proc/<pid>/status``. A pty stands in for the serial remote,
so ``REP`` lines put the station into a rest exactly as a remote would.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from station.bench.child import FIRST_FRAME, THREADS

_TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")
#: Every idle window, the station's and the peer's, starts this long after
#: the screen it measures appeared (the rest's first frame, the menu's): the
#: frame drawn for a change is the answer to that change, not idle time. The
#: station's resting CPU from the ``CUE rest`` line is reported beside it.
SETTLE_S = 0.5


def _schedstat_s(path: str) -> float | None:
    """Time on a CPU, s, from a ``schedstat`` file (ns resolution), or None."""
    try:
        with open(path) as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def cpu_s(pid: int) -> float:
    """CPU time (s) used so far by process ``pid``: the sum of its live
    threads' ``/proc/<pid>/task/<tid>/schedstat`` (ns) where the kernel has
    it, else utime + stime of ``/proc/<pid>/stat`` (10 ms ticks: 0.1 % of a
    core over 10 s)."""
    threads = thread_stats(pid)
    if threads and all(t[3] for t in threads.values()):
        return sum(t[1] for t in threads.values())  # threads that ended are not counted
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


def thread_stats(pid: int) -> dict[int, tuple[str, float, int, bool]]:
    """Per thread of ``pid``: tid -> (kernel name, CPU s so far, context
    switches so far, whether the CPU time has ns resolution). A voluntary switch is the thread going to sleep, so
    their count over a window is how often the thread woke."""
    out = {}
    for name in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{name}/stat") as f:
                raw = f.read()
            with open(f"/proc/{pid}/task/{name}/status") as f:
                status = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw.rsplit(")", 1)[1].split()
        switches = sum(int(line.split()[1]) for line in status.splitlines()
                       if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))
        cpu = _schedstat_s(f"/proc/{pid}/task/{name}/schedstat")
        fine = cpu is not None
        if cpu is None:
            cpu = (int(fields[11]) + int(fields[12])) * _TICK_S
        out[int(name)] = (comm, cpu, switches, fine)
    return out


def idle_window(pid: int, window_s: float) -> dict:
    """CPU and wake-ups of process ``pid`` over the next ``window_s`` s (the
    threads alive at its end; a thread that ends within it is not counted):
    ``{"cpu_pct", "wakeups_per_s", "threads": [{"tid", "name", "cpu_pct",
    "wakeups_per_s"}, ...]}`` (busiest first; % of one core)."""
    s0, t0 = thread_stats(pid), time.monotonic()
    time.sleep(window_s)
    s1 = thread_stats(pid)
    dt = time.monotonic() - t0
    threads: list[dict] = []
    for tid, (name, cpu, sw, _) in s1.items():
        name0, cpu0, sw0, _ = s0.get(tid, (name, 0.0, 0, True))
        threads.append({"tid": tid, "name": name, "cpu_pct": 100 * (cpu - cpu0) / dt,
                        "wakeups_per_s": (sw - sw0) / dt})
    threads.sort(key=lambda t: (-t["wakeups_per_s"], -t["cpu_pct"]))
    return {"cpu_pct": sum(t["cpu_pct"] for t in threads), "threads": threads,
            "wakeups_per_s": sum(t["wakeups_per_s"] for t in threads)}


class StationProcess:
    """``station ARGS`` in a child process (through :mod:`station.bench.child`)
    with a pty as its serial remote: an argument ``"{tty}"`` becomes the
    pty's path. ``env``: extra environment.

    ``started_at`` / ``first_frame_at``: time.monotonic() s; ``stderr``: the
    lines it printed. Use as a context manager; :meth:`stop` sends SIGTERM."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None,
                 module: str = "station.bench.child") -> None:
        self.master, self._slave = os.openpty()
        self.tty = os.ttyname(self._slave)
        self.stderr: list[str] = []
        self.first_frame_at: float | None = None
        self._frame = threading.Event()
        self.thread_names: dict[int, str] = {}  # tid -> Python thread name (after names())
        self._names = threading.Event()
        self._buf = b""
        full_env = dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1", **(env or {}))
        argv = [sys.executable, "-m", module,
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
            elif line.startswith(THREADS):
                self.thread_names.update({int(k): v for k, v in
                                          json.loads(line[len(THREADS):]).items()})
                self._names.set()
            else:
                self.stderr.append(line)

    def wait_first_frame(self, timeout_s: float = 20.0) -> float:
        """Seconds from process start to its first frame. Raises TimeoutError."""
        if not self._frame.wait(timeout_s) or self.first_frame_at is None:
            raise TimeoutError(f"no first frame within {timeout_s} s; stderr: {self.stderr[-5:]}")
        return self.first_frame_at - self.started_at

    def names(self, timeout_s: float = 3.0) -> dict[int, str]:
        """Ask the child (SIGUSR1) for its Python threads' names by tid."""
        self._names.clear()
        self.proc.send_signal(signal.SIGUSR1)
        self._names.wait(timeout_s)
        return self.thread_names

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

    def __enter__(self) -> StationProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def measure_app(workdir: Path, config: Path, *, idle_s: float, memory_after_s: float,
                env: dict[str, str] | None = None, say=lambda text: None) -> dict:
    """Start-up, resting and menu CPU, memory of the real ``station run``.

    Returns ``{"startup_s": [..], "rest_cpu_pct", "rest_from_cue_pct",
    "menu_cpu_pct", "rss_mb", "rss_after_s", "exit_codes": [..], "stderr": [..]}``
    (% of one core; the windows start :data:`SETTLE_S` after the screen
    appeared; ``rest_from_cue_pct`` also counts the rest's first frame).
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
        cue_cpu, cue_at = cpu_s(rest.pid), time.monotonic()
        time.sleep(SETTLE_S)
        w = idle_window(rest.pid, idle_s)
        out["rest_from_cue_pct"] = 100.0 * (cpu_s(rest.pid) - cue_cpu) / (time.monotonic() - cue_at)
        out["rest_cpu_pct"], out["rest_threads"] = w["cpu_pct"], _named(w, rest.names())
        say(f"bench: station run (menu), {idle_s:g} s of CPU while waiting")
        with StationProcess(common + dev, env) as menu:
            out["startup_s"].append(menu.wait_first_frame())
            time.sleep(SETTLE_S)
            w = idle_window(menu.pid, idle_s)
            out["menu_cpu_pct"], out["menu_threads"] = w["cpu_pct"], _named(w, menu.names())
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


def _named(window: dict, names: dict[int, str]) -> list[dict]:
    """The window's threads with their Python names where the child told."""
    return [dict(t, name=names.get(t["tid"], t["name"])) for t in window["threads"]]


def measure_peer(*, idle_s: float, size: tuple[int, int], env: dict[str, str] | None = None,
                 say=lambda text: None) -> dict:
    """Idle CPU of the peer design (:mod:`station.bench.peer`, run by
    :mod:`station.bench.peer_run`) resting and in
    its menu, measured as :func:`measure_app` measures the station.
    Returns ``{"rest_cpu_pct", "menu_cpu_pct", "rest_threads", "menu_threads",
    "startup_s": [..]}``."""
    out: dict = {"startup_s": []}
    full = dict(env or {}, STATION_BENCH_PEER_SIZE=f"{size[0]}x{size[1]}")
    for kind in ("rest", "menu"):
        say(f"bench: the peer design ({kind}), {idle_s:g} s of CPU")
        with StationProcess([kind], full, module="station.bench.peer_run") as p:
            out["startup_s"].append(p.wait_first_frame())
            time.sleep(SETTLE_S)  # past the first frames' font rendering, as the station's
            w = idle_window(p.pid, idle_s)
            out[f"{kind}_cpu_pct"], out[f"{kind}_threads"] = w["cpu_pct"], _named(w, p.names())
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
