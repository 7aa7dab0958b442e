"""A serial remote for tests: the test's end of a pty pair.

The station opens :attr:`PtyRemote.path` (the pty's slave, or a symlink to
it) as its serial port. The test writes to it and reads the station's lines
with a real timeout (s), reached only when something is broken.

Two ways to talk, on the same buffer:

- bytes, for the link's framing: :meth:`~PtyRemote.write` sends raw bytes
  (garbage, floods, half lines), :meth:`~PtyRemote.raw_line` returns the
  station's next line as the bytes it wrote;
- lines, for a remote's conversation: :meth:`~PtyRemote.send` one command,
  :meth:`~PtyRemote.line`, :meth:`~PtyRemote.until` and :meth:`~PtyRemote.rest`
  give decoded text.

:meth:`~PtyRemote.unplug` closes the pty (the station's port fails as a
USB device pulled out does); :meth:`~PtyRemote.plug` opens a fresh one. With
``link`` the pty is reached through that symlink, so a re-plug is a new pty
behind the same name, as a USB device coming back under /dev/serial/by-id.
"""

from __future__ import annotations

import os
import select
import threading
import time
from pathlib import Path

#: Most bytes taken from the pty per read.
_CHUNK = 65536


class PtyRemote:
    """The test's end of a pty: ``write``/``send`` to the station, read its
    lines with ``raw_line``/``line``/``until``/``rest``.

    ``timeout_s``: how long a read waits for a line by default, s.
    ``link``: a path to publish the pty under (a symlink, replaced on each
    :meth:`plug`); None: :attr:`path` is the pty's own name.
    """

    def __init__(self, timeout_s: float = 10.0, link: Path | None = None) -> None:
        self.timeout_s = timeout_s
        self.link = link
        self._lock = threading.Lock()  # writers on several threads (a flood and the test)
        self.master = self.slave = -1
        self.path = ""
        self.buf = b""
        self.plug()

    # ------------------------------------------------------------ the cable

    def plug(self) -> None:
        """Open a fresh pty (after :meth:`unplug`); nothing read before carries over."""
        self.master, self.slave = os.openpty()
        name = os.ttyname(self.slave)
        if self.link is None:
            self.path = name
        else:
            tmp = self.link.with_suffix(".new")
            tmp.unlink(missing_ok=True)
            tmp.symlink_to(name)
            tmp.replace(self.link)  # atomic: the station never sees the name missing
            self.path = str(self.link)
        self.buf = b""

    def unplug(self) -> None:
        """Close the pty (the station's port fails) and remove ``link``. Safe twice."""
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self.master = self.slave = -1
        if self.link is not None:
            self.link.unlink(missing_ok=True)

    close = unplug

    def __enter__(self) -> PtyRemote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.unplug()

    # ------------------------------------------------------------ to the station

    def write(self, data: bytes) -> None:
        """Write ``data`` as it is, all of it (from any thread)."""
        view = memoryview(data)
        with self._lock:
            while view:
                view = view[os.write(self.master, view):]

    def send(self, line: str) -> None:
        """Write one command line (the newline is added)."""
        self.write(line.encode() + b"\n")

    # ------------------------------------------------------------ from the station

    def raw_line(self, timeout: float | None = None) -> bytes:
        """The station's next line as the bytes it wrote, without the ``\\n``;
        TimeoutError after ``timeout`` s (default ``timeout_s``)."""
        timeout = self.timeout_s if timeout is None else timeout
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line from the station within {timeout} s; "
                                   f"have {self.buf[-200:]!r}")
            self._fill(left)
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def line(self, timeout: float | None = None) -> str:
        """The station's next line as text, without its line end; TimeoutError
        after ``timeout`` s (default ``timeout_s``)."""
        return self.raw_line(timeout).decode(errors="replace").rstrip("\r")

    def until(self, want: str | tuple[str, ...], timeout: float | None = None) -> list[str]:
        """Lines up to and including the first that starts with ``want`` (or
        one of them); each line waited for up to ``timeout`` s."""
        seen: list[str] = []
        while True:
            try:
                seen.append(self.line(timeout))
            except TimeoutError as e:
                raise TimeoutError(f"no {want!r}: {e}; saw {seen[-8:]}") from None
            if seen[-1].startswith(want):
                return seen

    def rest(self) -> list[str]:
        """Every whole line written and not read yet, without waiting (after the
        station exited: the answers that follow its last STATE)."""
        while self._fill(0):
            pass
        *lines, self.buf = self.buf.split(b"\n")
        return [ln.decode(errors="replace").rstrip("\r") for ln in lines]

    def drain(self, wait_s: float, keep: int = 200_000) -> None:
        """Read what the station wrote within ``wait_s`` s, as a remote that
        keeps up does, keeping only the last ``keep`` bytes (a flood's answers)."""
        if self._fill(wait_s):
            self.buf = self.buf[-keep:]

    def _fill(self, wait_s: float) -> bool:
        """Add what can be read within ``wait_s`` s to the buffer; False if nothing."""
        if self.master < 0:
            time.sleep(min(wait_s, 0.01))  # unplugged: nothing will come
            return False
        try:
            if not select.select([self.master], [], [], wait_s)[0]:
                return False
            data = os.read(self.master, _CHUNK)
        except (OSError, ValueError):  # closed under us (unplugged from another thread)
            time.sleep(min(wait_s, 0.01))
            return False
        self.buf += data
        return bool(data)
