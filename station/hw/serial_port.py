"""A serial port for the remote: opening it (a device exclusively), saying
why it did not open, waking a reader blocked in ``read()``, closing it.

:class:`~station.hw.serial_link.SerialRemote` owns the threads and the
reconnects; this module knows pyserial's ports and the tty underneath.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable
from typing import Any

import serial

#: Read timeout, s, on a port without ``cancel_read`` (socket://, loop://):
#: bounds how long its reader takes to notice close() or a failed write. A
#: port with it (a device on POSIX) blocks in read() and is woken by
#: :func:`cancel_read`, so nothing wakes the reader while the remote is quiet.
READ_TIMEOUT_S = 0.2
#: Write timeout, s: a remote that stops reading costs at most this per line.
WRITE_TIMEOUT_S = 0.25


def list_ports() -> list[str]:
    """Serial device paths present now (for a self-test listing), sorted."""
    from serial.tools import list_ports as lp

    return sorted(p.device for p in lp.comports())


def open_port(url: str, baud: int, open_fn: Callable[..., Any] = serial.serial_for_url) -> Any:
    """Open ``url`` (a device path or a pyserial URL) at ``baud`` 8N1; a device
    exclusively: a second program on the same tty would silently take some
    of the remote's bytes. ``SerialException`` says why not, in words; a
    malformed URL raises pyserial's ``ValueError``."""
    extra = {} if "://" in url else {"exclusive": True}  # flock(LOCK_EX | LOCK_NB)
    try:
        port = open_fn(url, baudrate=baud, timeout=READ_TIMEOUT_S, write_timeout=WRITE_TIMEOUT_S, **extra)
    except (serial.SerialException, OSError) as e:
        raise serial.SerialException(why_not_open(url, e)) from None
    if extra:
        _claim_tty(port)
    if callable(getattr(port, "cancel_read", None)):
        port.timeout = None  # block until bytes come; close() and a failed write cancel it
    return port


def cancel_read(port: Any) -> None:
    """Wake a reader blocked in ``port.read()`` (a pending cancel also ends
    the next read at once, so none is lost). A port without ``cancel_read``
    ends its read at the read timeout anyway. Call with the lock that guards
    closing the port held (it is not closed under it)."""
    cancel = getattr(port, "cancel_read", None)
    try:
        if cancel is not None and port.is_open:
            cancel()
    except (serial.SerialException, OSError, ValueError):
        pass


def close_port(port: Any, io_lock: threading.Lock) -> None:
    """Cancel a write in flight, then close ``port`` under ``io_lock`` (the
    lock a writer holds while it writes); a port already gone is no error."""
    try:
        port.cancel_write()
    except (AttributeError, serial.SerialException, OSError, ValueError):
        pass
    with io_lock:
        try:
            port.close()
        except (serial.SerialException, OSError):
            pass  # it is gone either way


def why_not_open(url: str, e: BaseException) -> str:
    """Why ``url`` did not open, in words: another program holding it is named."""
    text = str(e) or type(e).__name__
    held = "exclusively lock" in text or getattr(e, "errno", None) == errno.EBUSY or "Errno 16" in text
    if held:
        return (f"another program holds {url} (a serial terminal, ModemManager, a second "
                f"station?): close it; retrying")
    return text


def _claim_tty(port: Any) -> None:
    """Make the open tty exclusive (TIOCEXCL): a later open by another
    (non-root) program fails with EBUSY instead of sharing the bytes."""
    try:
        fd = port.fileno()
    except (AttributeError, OSError, ValueError, serial.SerialException):
        return
    try:
        import fcntl
        import termios

        fcntl.ioctl(fd, termios.TIOCEXCL)
    except (ImportError, OSError, AttributeError):
        pass  # not a tty (a pipe, a test double): the flock still holds
