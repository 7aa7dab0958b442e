"""``python -m station.bench.child ARGS``: ``station ARGS``, telling when it drew.

The benchmark starts the real command line through this module to time
start-up: it is ``station`` itself, with the screen thread's ``on_frame``
hook set to print one line to stderr at the first frame drawn::

    bench: first frame at <time.monotonic() s>

``time.monotonic`` is the system-wide CLOCK_MONOTONIC on Linux, so the
parent compares it with the moment it started the process.
"""

from __future__ import annotations

import sys
import time

FIRST_FRAME = "bench: first frame at "


def _install_first_frame_hook() -> None:
    from station.ui.pygame import screen_thread

    original = screen_thread.ScreenThread.__init__

    def init(self, *args, **kwargs):
        done = []

        def on_frame(model: object, drawn_at: float) -> None:
            if not done:
                done.append(True)
                print(f"{FIRST_FRAME}{time.monotonic():.6f}", file=sys.stderr, flush=True)

        kwargs.setdefault("on_frame", on_frame)
        original(self, *args, **kwargs)

    screen_thread.ScreenThread.__init__ = init  # type: ignore[method-assign]  # the child's own probe


#: On SIGUSR1 the child prints this and a JSON object {tid: Python thread name}.
THREADS = "bench: threads "


def install_thread_names() -> None:
    """SIGUSR1 prints the Python threads' names by kernel tid (one line on
    stderr), so the bench can name what wakes in ``/proc/<pid>/task``."""
    import json
    import signal
    import threading

    def names(signum: int, frame: object) -> None:
        table = {t.native_id: t.name for t in threading.enumerate() if t.native_id}
        print(THREADS + json.dumps(table), file=sys.stderr, flush=True)

    signal.signal(signal.SIGUSR1, names)


#: Environment variable: ``sys.setswitchinterval`` for the child, s.
SWITCH_ENV = "STATION_BENCH_SWITCH_INTERVAL"


def main(argv: list[str] | None = None) -> int:
    import os

    if os.environ.get(SWITCH_ENV):
        sys.setswitchinterval(float(os.environ[SWITCH_ENV]))
    _install_first_frame_hook()
    install_thread_names()
    from station.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
