"""Talk to systemd over the sd_notify datagram protocol, in a few lines of socket code.

Under ``Type=notify`` systemd passes ``$NOTIFY_SOCKET``, an AF_UNIX datagram
socket (a path, or an abstract name when it starts with ``@``). Each message is
newline-separated ``KEY=value`` assignments: ``READY=1`` once the first frame
is up, ``STATUS=...`` for ``systemctl status``, ``WATCHDOG=1`` as a sign of
life, ``STOPPING=1`` on the way out, and ``EXTEND_TIMEOUT_USEC=...`` while a
slow start-up is still making progress (a Pi Zero on a slow card, an emulated
machine): each one gives the start that much more time from now, so a start
that keeps moving is never killed by ``TimeoutStartSec=`` and one that hangs
still is.

Without ``$NOTIFY_SOCKET`` (a desktop, a test, a terminal) nothing happens at
all. Sending never raises and never blocks: the station's main loop must not
die or stall because the service manager is busy.

The watchdog is pinged by the main loop itself through :class:`WatchdogPinger`
(no helper thread), so a hung loop stops the pings and systemd restarts it.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Self

log = logging.getLogger(__name__)


def _socket_address(value: str) -> str | bytes:
    """``$NOTIFY_SOCKET`` as a socket address: ``@name`` is the abstract name ``\\0name``."""
    if value.startswith("@"):
        return b"\0" + value[1:].encode()
    return value


class Notifier:
    """sd_notify sender. ``env``: the environment to read ``NOTIFY_SOCKET``,
    ``WATCHDOG_USEC`` and ``WATCHDOG_PID`` from (default: this process's).

    Holds a socket: call :meth:`close` or use it as a context manager.
    """

    def __init__(self, env: Mapping[str, str] = os.environ) -> None:
        value = env.get("NOTIFY_SOCKET", "")
        self._address: str | bytes | None = _socket_address(value) if value else None
        self._watchdog_s = _watchdog_interval_s(env)
        self._socket: socket.socket | None = None
        self._last_status: str | None = None
        self._failing = False
        if self._address is not None:
            try:
                self._socket = socket.socket(
                    socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                )
                # A full receive queue must cost a dropped message, not a stalled loop.
                self._socket.setblocking(False)
            except OSError as exc:
                log.warning(
                    "sd_notify disabled: cannot create a socket for %s: %s", value, exc
                )
                self._socket = None

    @property
    def enabled(self) -> bool:
        """True when a service manager listens (``$NOTIFY_SOCKET`` set and usable)."""
        return self._socket is not None

    def watchdog_interval_s(self) -> float | None:
        """The service's watchdog timeout, s, or None when no watchdog applies
        to this process (``WATCHDOG_USEC`` unset, invalid or 0, or
        ``WATCHDOG_PID`` naming another process)."""
        return self._watchdog_s

    def ready(self) -> bool:
        """Tell systemd start-up is complete (the first frame is on screen)."""
        return self._send("READY=1")

    def status(self, text: str) -> bool:
        """Show ``text`` as the service's status line. A text equal to the last
        one sent is not sent again, so the loop may call this every pass."""
        line = " ".join(text.split())  # a newline would end the assignment
        if line == self._last_status:
            return False
        sent = self._send(f"STATUS={line}")
        if sent:
            self._last_status = line
        return sent

    def extend_timeout(self, budget_s: float) -> bool:
        """Ask for ``budget_s`` (s, > 0) more before the unit's current
        timeout (start-up, or stop) may fire; the next sign of progress must
        come within it. Only matters once the original timeout has passed."""
        if not budget_s > 0:
            raise ValueError(f"budget_s must be > 0 s, got {budget_s}")
        return self._send(f"EXTEND_TIMEOUT_USEC={round(budget_s * 1_000_000)}")

    def watchdog(self) -> bool:
        """A sign of life for the service watchdog."""
        return self._send("WATCHDOG=1")

    def stopping(self) -> bool:
        """Tell systemd the station is shutting down on purpose."""
        return self._send("STOPPING=1")

    def pinger(self) -> WatchdogPinger:
        """A :class:`WatchdogPinger` sending through this notifier at the
        service's watchdog interval (it never pings when there is none)."""
        return WatchdogPinger(self.watchdog, self._watchdog_s)

    def _send(self, message: str) -> bool:
        """Send one datagram; True when it went out. Errors are logged, once
        per run of failures, and swallowed."""
        if self._socket is None or self._address is None:
            return False
        try:
            self._socket.sendto(message.encode(), self._address)
        except OSError as exc:
            if not self._failing:
                log.warning(
                    "sd_notify: could not send %r: %s", message.split("=", 1)[0], exc
                )
            self._failing = True
            return False
        self._failing = False
        return True

    def close(self) -> None:
        """Release the socket; later calls send nothing."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _watchdog_interval_s(env: Mapping[str, str]) -> float | None:
    """``WATCHDOG_USEC`` in s, if it is meant for this process (see sd_watchdog_enabled(3))."""
    pid = env.get("WATCHDOG_PID")
    if pid:
        try:
            if int(pid) != os.getpid():
                return None
        except ValueError:
            log.warning("ignoring WATCHDOG_PID=%r: not a process id", pid)
            return None
    usec = env.get("WATCHDOG_USEC")
    if not usec:
        return None
    try:
        value = int(usec)
    except ValueError:
        log.warning(
            "ignoring WATCHDOG_USEC=%r: not a whole number of microseconds", usec
        )
        return None
    return value / 1_000_000 if value > 0 else None


class WatchdogPinger:
    """Decides, from the loop's own clock, when the main loop pings the watchdog.

    The main loop calls :meth:`maybe_ping` on every pass; it pings at most once
    per half watchdog interval. There is no thread: if the loop stalls, the
    pings stop and systemd restarts the service, which is the point.

    ``ping``: sends one sign of life (e.g. :meth:`Notifier.watchdog`).
    ``watchdog_s``: the watchdog timeout, s; None disables pinging.
    """

    def __init__(self, ping: Callable[[], object], watchdog_s: float | None) -> None:
        if watchdog_s is not None and watchdog_s <= 0:
            raise ValueError(f"watchdog_s must be > 0 s or None, got {watchdog_s}")
        self._ping = ping
        self._period_s = watchdog_s / 2 if watchdog_s is not None else None
        self._last_ping_at: float | None = None

    @property
    def period_s(self) -> float | None:
        """Time between pings, s (half the watchdog timeout), or None when disabled."""
        return self._period_s

    def next_ping_at(self) -> float | None:
        """When the next ping is due (loop clock, s): the loop must wake by
        then. None when disabled; before the first ping, due at once (-inf)."""
        if self._period_s is None:
            return None
        if self._last_ping_at is None:
            return float("-inf")
        return self._last_ping_at + self._period_s

    def maybe_ping(self, now: float) -> bool:
        """Ping if half the watchdog interval has passed since the last ping.

        ``now``: the loop's clock, s. Returns True when it pinged.
        """
        due_at = self.next_ping_at()
        if due_at is None or now < due_at:
            return False
        self._ping()
        self._last_ping_at = now
        return True
