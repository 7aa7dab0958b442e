"""The main loop's inbox (station.runtime.inbox) waited on by the real clock:
an item posted from any thread ends the wait at once, a signal handed to
another thread cuts it short (empty, so the main thread runs the handler),
and closing gives the signal wake-up back."""

from __future__ import annotations

import queue
import signal
import threading
import time

import pytest

from station.runtime.clock import Clock
from station.runtime.inbox import Inbox


def wakeup_fd() -> int:
    """The process's signal wake-up fd now (-1: none), left as it was."""
    fd = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(fd)
    return fd


def test_an_item_from_another_thread_ends_a_wait_without_timeout() -> None:
    inbox = Inbox()
    try:
        threading.Timer(0.05, inbox.put, args=("press",)).start()
        assert Clock().get(inbox, None) == "press"
        assert inbox.empty()
        with pytest.raises(queue.Empty):
            Clock().get(inbox, 0.01)  # the first item's wake-up is used up: nothing is there
    finally:
        inbox.close()


@pytest.mark.timeout(30)
def test_a_signal_to_another_thread_cuts_the_wait_short_and_its_handler_runs() -> None:
    inbox = Inbox()
    seen: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: seen.append(signum))
    before = wakeup_fd()
    try:
        inbox.watch_signals()
        t = threading.Timer(0.05, lambda: signal.pthread_kill(threading.get_ident(), signal.SIGUSR1))
        t.start()
        t0 = time.monotonic()
        with pytest.raises(queue.Empty):
            Clock().get(inbox, 20.0)
        waited = time.monotonic() - t0
        time.sleep(0)  # bytecode: the handler has run by now
        assert seen == [signal.SIGUSR1]
        assert waited < 10.0  # not the 20 s timeout (generous: a loaded machine)
    finally:
        inbox.close()
        signal.signal(signal.SIGUSR1, previous)
    assert wakeup_fd() == before  # given back


def test_a_put_after_close_neither_fails_nor_writes_to_the_closed_fd() -> None:
    inbox = Inbox()
    inbox.close()
    inbox.put("late note")  # a device thread posting while the station closes
    assert inbox.get_nowait() == "late note"
