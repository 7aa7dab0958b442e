"""CPU starvation for the bench: other processes keep every core busy.

:class:`Hog` starts one process per core spinning in plain Python, at this
process's priority (or ``nice`` levels below it), as a runaway job on a
loaded Pi would. The bench runs the real-time set while they spin and
reports the cue lateness there: what the station's priority (and its unit's
``Nice=`` / ``CPUWeight=``) decides on a loaded Pi.
"""

from __future__ import annotations

import os
import subprocess
import sys

#: Spins, and ends once its parent is gone (a bench killed with SIGKILL, or
#: stopped at a breakpoint and abandoned, must not leave cores busy: every
#: later measurement on the machine would be skewed). It looks every ~100 000
#: iterations (a few ms); the parent's pid comes on its command line (it may
#: be gone before the child runs a line).
_SPIN = ("import os, sys\nparent = int(sys.argv[1])\nwhile os.getppid() == parent:\n"
         "    for _ in range(100_000):\n        pass\n")


class Hog:
    """``n`` spinning processes (None: one per core), ``nice`` levels below
    this process (0: the same priority). Use as a context manager; the
    processes are ended by their pids on exit."""

    def __init__(self, n: int | None = None, nice: int = 0) -> None:
        if not 0 <= nice <= 19:
            raise ValueError(f"hog nice must be within 0..19, got {nice}")
        self.n = n or os.cpu_count() or 1
        self.nice = nice
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> Hog:
        nice = self.nice
        for _ in range(self.n):
            self.procs.append(subprocess.Popen(
                [sys.executable, "-c", _SPIN, str(os.getpid())], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=(lambda: os.nice(nice)) if nice else None))
        return self

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []

    def __exit__(self, *exc: object) -> None:
        self.close()
