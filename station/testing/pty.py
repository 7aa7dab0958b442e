"""A serial remote for tests: the test's end of a pty pair, line by line.

The station opens ``path`` (the pty's slave) as its ``--serial`` port; the
test writes command lines and reads the station's lines with a real timeout
(s), reached only when something is broken. Closing it is an unplug.
"""

from __future__ import annotations

import os
import select
import time


class PtyRemote:
    """The test's end of a pty: ``send`` lines, read them with ``line``/``until``."""

    def __init__(self, timeout_s: float = 10.0) -> None:
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)
        self.timeout_s = timeout_s
        self.buf = b""

    def send(self, line: str) -> None:
        """Write one command line (the newline is added)."""
        os.write(self.master, line.encode() + b"\n")

    def line(self, timeout: float | None = None) -> str:
        """The station's next line, without its line end; TimeoutError after ``timeout`` s."""
        timeout = self.timeout_s if timeout is None else timeout
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line from the station within {timeout} s; have {self.buf!r}")
            if select.select([self.master], [], [], left)[0]:
                self.buf += os.read(self.master, 4096)
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode().rstrip("\r")

    def until(self, want: str, timeout: float | None = None) -> list[str]:
        """Lines up to and including the first that starts with ``want``."""
        seen = []
        while True:
            seen.append(self.line(timeout))
            if seen[-1].startswith(want):
                return seen

    def rest(self) -> list[str]:
        """Every whole line written and not read yet, without waiting (after the
        station exited: the answers that follow its last STATE)."""
        while select.select([self.master], [], [], 0)[0]:
            self.buf += os.read(self.master, 4096)
        *lines, self.buf = self.buf.split(b"\n")
        return [ln.decode().rstrip("\r") for ln in lines]

    def close(self) -> None:
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
