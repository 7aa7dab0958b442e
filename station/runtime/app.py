"""The composition root: builds the station from config and options, degrading
gracefully, and runs sets around the one main loop.

Optional peripherals degrade (no mixer -> buzzer only; no remote -> retry and
say so; no display -> the next one down); a bad config file is shown on the
screen and defaults are used, so the appliance never crash-loops on it.
A display or sound card missing at start is tried again with backoff
(station.runtime.retry) and used as soon as it appears.

Under systemd (Type=notify) the start-up says what it is doing in STATUS=
and asks for more time (EXTEND_TIMEOUT_USEC) before each slow step; READY=1
comes once the first frame is drawn, however long that takes; every
degradation (mock pins, a fallback display, no sound) stays in STATUS= after
the phase, so `systemctl status station` shows it.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, cast

from station import __version__
from station.core import guardrails
from station.core.between import Between
from station.core.events import Cue, Phase, SetStatus
from station.core.gestures import GestureConfig
from station.core.methods import PRESETS, Plan, PlanError, compile_plan
from station.runtime.clock import Clock
from station.runtime.loop import MainLoop, Note, Quit, SetResult
from station.runtime.recorder import BeginSession, EndSession, MarkInterrupted, RecentAll, RecordWarning, Sessions
from station.runtime.retry import Retrier
from station.ui import view
from station.ui.messages import Message, ShowMenu, ShowSummary, ShowWarning

if TYPE_CHECKING:
    from station.hw.speaker import Speaker
    from station.ui.switching import SwitchingScreen

DISPLAYS = ("fullscreen", "window", "terminal", "none")
#: The signals that end the station cleanly (see Station.install_signals).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

#: How long a thread waiting for the GIL waits before the running thread must
#: hand it over, s. Python's default (5 ms) let a press wait 5 ms behind the
#: screen or recorder thread's Python code: measured with `station bench`, 1 of
#: 3 30-s runs had a rep acknowledged 5.1 ms late at 5 ms, none of 4 over
#: 0.95 ms at 0.5 ms (docs/bench.md).
SWITCH_INTERVAL_S = 0.0005
_PYTHON_DEFAULT_SWITCH_S = 0.005

#: More time asked of systemd before each start-up step, s: the slowest step
#: (synthesising and speaking every cue) took 20-30 s on an emulated arm64 VM.
STEP_BUDGET_S = 90.0
#: While waiting for the first frame: ask for more time this often, s...
READY_POLL_S = 5.0
#: ...and give up (no READY: systemd's start timeout restarts us) after this, s.
FIRST_FRAME_MAX_S = 300.0
#: The keys of notes that mean the station is degraded (kept in STATUS=).
#: (History off has its own: Station._status_text.)
_DEGRADED = ("config", "pins", "display", "sound", "button", "buzzer")


@dataclass
class Options:
    """What the command line asked for; None = the config's choice."""

    method: str | None = None
    overrides: dict[str, object] = field(default_factory=dict)
    exercise: str | None = None
    load_kg: float | None = None
    pins: str | None = None
    serial: str | None = None
    display: str | None = None
    db: Path | None = None
    config: Path | None = None
    sound: bool = True
    sets: int | None = None  # stop after this many sets (None: until quit)


def load_config_or_defaults(path: Path | None):
    """(config, error text or None): a broken file gives defaults and the error."""
    from station.config import ConfigError, load_config, parse_config

    try:
        return load_config(path), None
    except ConfigError as exc:
        more = len(exc.errors) - 1
        tail = f" (and {more} more: station config check)" if more else ""
        return parse_config(""), f"config error, defaults in use: {exc}{tail}"
    except OSError as exc:
        return parse_config(""), f"config unreadable, defaults in use: {exc}"


class Station:
    """Every device around one :class:`MainLoop`. Use as a context manager."""

    def __init__(self, opts: Options, *, clock: Clock | None = None,
                 out: Callable[[str], None] | None = None) -> None:
        self.opts = opts
        self.clock = clock or Clock()
        self.say = out or (lambda text: print(text, file=sys.stderr))
        self._stack = ExitStack()
        self.notes: list[tuple[str, str]] = []
        self.problems: dict[str, str] = {}  # what is degraded, for STATUS=
        self._screens: SwitchingScreen | None = None  # while a wanted display is retried
        self.speaker: Speaker | None = None
        self._status_base: str | None = None  # the last STATUS= text before the problems
        from station.runtime.notify import Notifier

        self.notifier = Notifier()
        self._stack.callback(self.notifier.close)
        if abs(sys.getswitchinterval() - _PYTHON_DEFAULT_SWITCH_S) < 1e-9:
            sys.setswitchinterval(SWITCH_INTERVAL_S)  # unless the embedder chose one (bench)
        self.config, err = load_config_or_defaults(opts.config)
        # The loop's queue comes first: the devices post to it, and the loop
        # is built last, from the devices and their callbacks (see _build).
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.post = self.inbox.put
        if err:
            self._note("config", err)
        try:
            self._build()
        except BaseException:
            self._stack.close()
            raise

    # ------------------------------------------------------------ building

    def _note(self, key: str, text: str) -> None:
        """Say it on stderr now, and on the screen once the loop runs."""
        self.notes.append((key, text))
        if key in _DEGRADED:
            self.problems[key] = text
        self.say(f"station: {text}")
        self.post(Note(key, text))

    def _fixed(self, key: str, text: str) -> None:
        """A degraded device works now: say so (journal, screen for a few
        seconds) and drop it from STATUS=."""
        self.problems.pop(key, None)
        self.say(f"station: {text}")
        self.post(Note(key, text))
        timer = threading.Timer(5.0, lambda: self.post(Note(key, None))
                                if key not in self.problems else None)
        timer.daemon = True
        timer.start()
        self._status(self._status_base or "ready")

    def _status(self, text: str) -> None:
        """STATUS= for `systemctl status`: ``text`` and what is degraded."""
        self._status_base = text
        problems = "; ".join(self.problems.values())
        self.notifier.status(f"{text} | {problems}" if problems else text)

    def _starting(self, step: str) -> None:
        """Before a start-up step: say it, and ask systemd for time for it."""
        self.notifier.status(f"starting: {step}")
        self.notifier.extend_timeout(STEP_BUDGET_S)

    @property
    def screen(self):
        """The screen in use (the current one, when a display is retried)."""
        return self._screens.current if self._screens is not None else self._screen

    def _build(self) -> None:
        from station.hw.pins import choose_pin_factory

        cfg, opts = self.config, self.opts
        self._retrier = Retrier()
        self._late: list = []  # devices found by a retry, closed with the rest
        self._stack.callback(lambda: [dev.close() for dev in reversed(self._late)])
        self._starting("pins")
        pins = choose_pin_factory(opts.pins or cfg.pins.factory)
        self.pin_choice = pins
        if pins.note:
            self._note("pins", pins.note)
        self._starting("display")
        self._screen = self._stack.enter_context(self._open_display())
        self._open_inputs(pins.factory)
        self._starting("sound")
        sinks = self._open_sinks(pins.factory)
        self._open_remote()
        self._starting("history")
        self._open_history()
        self._open_mqtt()
        ping, status = self._open_notifier()
        remote, mqtt, g = self.remote, self.mqtt, cfg.gestures
        on_cue = _chain(None if remote is None else (lambda cue: remote.send_cue(cue.name)),
                        None if mqtt is None else mqtt.on_cue)
        on_state = _chain(None if remote is None else remote.send_state,
                          None if mqtt is None else mqtt.on_state)
        not_saved = None
        if remote is not None:
            def not_saved(n: int) -> None:
                remote.send_note(f"not saved: {n} rep(s), history off")
        self.loop = MainLoop(
            self.clock, inbox=self.inbox,
            gesture_config=GestureConfig(g.debounce_s, g.hold_s, g.end_hold_s, g.double_s),
            sinks=sinks, screen=self._screens if self._screens is not None else self._screen,
            record=self.recorder.record, after_records=self.recorder.after,
            on_cue=on_cue, on_state=on_state,
            on_saved=None if remote is None else remote.send_saved, on_not_saved=not_saved,
            ping=ping, status=status)
        self._stack.callback(self._retrier.stop)  # closed first: no try after this

    def _open_display(self):
        cfg = self.config
        wanted = self.opts.display or cfg.display.mode
        if wanted == "auto":
            wanted = "fullscreen" if self.pin_choice.name != "mock" else "window"
        chain = DISPLAYS[DISPLAYS.index(wanted):]
        graphical = [m for m in chain if m in ("fullscreen", "window")]
        first_why = None
        for mode in chain:
            if mode in ("fullscreen", "window"):
                screen, why = self._try_pygame(mode)
                if screen is not None:
                    return screen
                first_why = first_why or why
                self._note("display", why + ("; trying the next" if mode != chain[-1] else ""))
                continue
            screen = self._terminal() if mode == "terminal" else _NoScreen()
            if graphical:  # the wanted one's failure says most: on the screen, in STATUS=
                self.problems["display"] = first_why
                self.post(Note("display", first_why))
                self._retry_display(graphical, screen)
            return screen
        return _NoScreen()

    def _try_pygame(self, mode: str):
        """(a ScreenThread, "") or (None, why it cannot open)."""
        if not _screen_here():
            return None, (f"{mode} display unavailable: no screen here (no $DISPLAY, "
                          "$WAYLAND_DISPLAY or /dev/dri)")
        try:
            from station.ui.screen_thread import ScreenThread

            return ScreenThread(mode, tuple(self.config.display.window_size), self.clock.now,
                                self.post,
                                next_deadline=self._next_deadline_at), ""
        except Exception as exc:  # no video device, no pygame display...
            return None, f"{mode} display unavailable ({exc})"

    def _terminal(self):
        """The terminal display. Under the unit stdout is the journal but
        stdin is the console (tty1, TTYPath=): draw there, where the screen
        shows it, not into the log. Not a terminal at all: one plain line per
        change (a log)."""
        from station.ui.terminal import TerminalScreen

        out = None
        try:
            if not sys.stdout.isatty() and sys.stdin is not None and sys.stdin.isatty():
                out = os.fdopen(os.dup(sys.stdin.fileno()), "w", encoding="utf-8",
                                errors="replace")
                self._stack.callback(out.close)
        except (OSError, ValueError):
            out = None
        return TerminalScreen(self.clock.now, self.post, out=out)

    def _retry_display(self, modes: list[str], fallback) -> None:
        """Keep trying ``modes`` (the wanted display first) with backoff;
        switch to the first that opens. Meanwhile ``fallback`` shows."""
        from station.ui.switching import SwitchingScreen

        self._screens = screens = SwitchingScreen(fallback)
        first_why = self.problems.get("display", "display error")

        def waiting(delay_s: float) -> None:
            self.problems["display"] = f"{first_why}; next try in {delay_s:g} s"
            if self._status_base:
                self._status(self._status_base)

        def attempt() -> bool:
            for mode in modes:
                screen, _ = self._try_pygame(mode)
                if screen is not None:
                    self._late.append(screen)
                    screens.switch(screen)
                    self._fixed("display", f"{mode} display open (found on a later try)")
                    return True
            return False

        self._retrier.add("display", attempt, waiting)

    def _open_inputs(self, factory: object) -> None:
        from station.hw.buttons import ButtonInput

        pins = self.config.pins
        self.button: ButtonInput | None = None
        try:
            self.button = self._stack.enter_context(
                ButtonInput(pins.button, self.post, self.clock.now, pin_factory=factory))
        except Exception as exc:
            self.button = None
            self._note("button", f"button on BCM {pins.button} unavailable: {exc}")
        self.spotter_button = None
        if pins.spotter_button:
            try:
                self.spotter_button = self._stack.enter_context(ButtonInput(
                    pins.spotter_button, self.post, self.clock.now, source="spotter",
                    pin_factory=factory))
            except Exception as exc:
                self._note("button", f"spotter button on BCM {pins.spotter_button} unavailable: {exc}")

    def _retry_sound(self) -> None:
        """No sound card at start: try again with backoff, and once a mixer
        opens add the speaker to the cue outputs."""
        first_why = self.problems.get("sound", "no sound")

        def waiting(delay_s: float) -> None:
            self.problems["sound"] = f"{first_why}; next try in {delay_s:g} s"
            if self._status_base:
                self._status(self._status_base)

        def attempt() -> bool:
            from station.hw.speaker import Speaker

            s = self.config.sound
            speaker = Speaker(volume=s.volume, quiet=s.quiet, speech=s.speech,
                              buffer_samples=s.buffer_samples)
            if not speaker.available:
                speaker.close()
                return False
            self._late.append(speaker)
            self.speaker = speaker
            self.loop.sinks = [*self.loop.sinks, _Sink("speaker", speaker.play)]
            self._fixed("sound", "sound card found: speaker on")
            return True

        self._retrier.add("sound", attempt, waiting)

    def _open_sinks(self, factory: object) -> list:
        from station.hw.buzzer import BuzzerOutput

        sinks = []
        self.buzzer: BuzzerOutput | None = None
        try:
            self.buzzer = self._stack.enter_context(
                BuzzerOutput.from_config(self.config, pin_factory=factory))
            sinks.append(_Sink("buzzer", self.buzzer.play))
        except Exception as exc:
            self.buzzer = None
            self._note("buzzer", f"no buzzer: {exc}")
        self.speaker = None
        if self.opts.sound:
            from station.hw.speaker import Speaker

            s = self.config.sound
            _quiet_alsa()  # before the mixer opens: it underruns while the cues are prepared
            speaker = Speaker(volume=s.volume, quiet=s.quiet, speech=s.speech,
                              buffer_samples=s.buffer_samples)
            self._stack.callback(speaker.close)
            if speaker.available:
                self.speaker = speaker
                sinks.append(_Sink("speaker", speaker.play))
            else:
                self._note("sound", f"no sound: {speaker.reason}; buzzer only")
                self._retry_sound()
        return sinks

    def _open_remote(self) -> None:
        self.remote = None
        url = self.opts.serial or self.config.serial.url
        if not url:
            return
        from station.hw.serial_link import SerialRemote

        post = self.post
        said: list[str | None] = [None]

        def relay(item: object) -> None:
            from station.hw.serial_link import RemoteStatus

            if isinstance(item, RemoteStatus):
                if item.detail != said[0]:  # the journal hears each change once
                    said[0] = item.detail
                    self.say(f"station: {item.detail}")
                post(Note("remote", item.detail))
                if item.connected:  # "remote back" is news for a few seconds only
                    timer = threading.Timer(5.0, lambda: post(Note("remote", None))
                                            if self.remote and self.remote.status.connected else None)
                    timer.daemon = True
                    timer.start()
            else:
                post(item)

        remote = SerialRemote(url, relay, self.clock.now, baud=self.config.serial.baud,
                              version=__version__)
        try:
            remote.start()
        except (ValueError, TypeError) as exc:  # a URL pyserial refuses: no remote, said once
            remote.close()
            self._note("remote", f"remote off: serial url {url!r}: {exc}")
            return
        self.remote = remote
        self._stack.callback(self.remote.close)

    def _open_history(self) -> None:
        from station.config import default_db_path
        from station.runtime.recorder import Recorder

        path = self.opts.db or (Path(self.config.history.db) if self.config.history.db
                                else default_db_path())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # open_history will say what is wrong
        self.history_path = path
        self.recorder = Recorder(path, self.clock.offset_s, on_off=self._history_off)
        self._stack.callback(self._close_recorder)
        if self.recorder.off_reason:
            self._note("history", self.recorder.off_reason)
        else:
            n = self.recorder.ask(MarkInterrupted())
            if n:
                self.say(f"station: {n} set(s) cut off last time marked interrupted")

    def _history_off(self, reason: str) -> None:
        """A write failed mid-run (recorder thread): say it once on every
        channel; the set goes on."""
        self._note("history", reason)
        if self.remote is not None:
            self.remote.send_note(reason)
        notifier = getattr(self, "notifier", None)
        if notifier is not None:
            self._status(self._status_text(self._last_status))

    def _close_recorder(self) -> None:
        lost = self.recorder.close()
        if lost:
            self.say(f"station: {lost}")

    def _status_text(self, text: str) -> str:
        """The service's STATUS= line: the loop's, and "history off" while it is."""
        off = getattr(getattr(self, "recorder", None), "off_reason", None)
        return f"{text}; {off}" if off else text

    def _open_mqtt(self) -> None:
        """``[mqtt]``: publish state, cues and finished sets (station.net);
        hooks that only queue, so the loop never waits on the network."""
        self.mqtt = None
        cfg = self.config.mqtt
        if cfg is None:
            return
        try:
            from station.net.publisher import Publisher

            pub = Publisher(cfg, db_path=None if self.recorder.off_reason else self.history_path,
                            offset_s=self.clock.offset_s, now=self.clock.now, version=__version__,
                            say=lambda text: self.say(f"station: {text}"))
        except Exception as exc:  # paho missing, a bad certificate file...
            self._note("mqtt", f"gym network off: {exc}")
            return

        def close() -> None:  # the last set first reaches the outbox, then out
            flushed = threading.Event()
            self.recorder.after(flushed.set, flushed.set)  # saved or not (history off)
            flushed.wait(2.0)
            pub.close(timeout=2.0)

        self._stack.callback(close)
        pub.start()
        self.mqtt = pub

    def _open_notifier(self) -> tuple[Callable[[float], float | None] | None, Callable[[str], None]]:
        """The service manager's watchdog and STATUS line: the loop's
        (``ping``, ``status``) callbacks (``ping`` None without a watchdog)."""
        pinger = self.notifier.pinger()
        ping = None
        if pinger.period_s is not None:
            def ping(now: float) -> float | None:
                pinger.maybe_ping(now)
                nxt = pinger.next_ping_at()
                return None if nxt is None else max(0.0, nxt - now)

        def status(text: str) -> None:
            self._last_status = text
            self._status(self._status_text(text))

        self._last_status = "starting"
        self._loop_status = status  # the loop's STATUS= text (and the menu's)
        if self.recorder.off_reason:
            status("starting")
        return ping, status

    def _next_deadline_at(self) -> float | None:
        """The loop's next cue instant, s (None before it is built)."""
        loop = getattr(self, "loop", None)
        return None if loop is None else loop.next_deadline_at

    def close(self) -> None:
        """Let the last cues finish (fail then done: 3 s at most), then close all."""
        for dev in (getattr(self, "buzzer", None), getattr(self, "speaker", None)):
            if dev is not None and self.loop.quit is None:
                dev.wait_idle(3.0)
        self._stack.close()

    def __enter__(self) -> Station:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ running

    def install_signals(self) -> None:
        """SIGINT, SIGTERM and SIGHUP end the set cleanly: recorded as
        interrupted, exit 0. SIGHUP is what the kernel sends when the tty the
        unit owns (tty1) hangs up: without a handler it killed the station
        at once with its set left "running"."""
        def handler(signum: int, frame: object) -> None:
            self.notifier.stopping()
            self.loop.post(Quit(signal.Signals(signum).name))

        for sig in STOP_SIGNALS:
            signal.signal(sig, handler)

    def compile(self, method: str, overrides: dict[str, object], load_kg: float | None,
                exercise: str | None) -> Prepared:
        """Resolve a built-in method or a user preset to a plan. Raises PlanError."""
        return prepare(self.config, method, overrides, load_kg, exercise,
                       learnt_1rm=self._learnt_1rm)

    def _learnt_1rm(self, exercise: str) -> float | None:
        """A 1RM estimated from this exercise's recorded sets (the first bout
        of each, which is the straight set to failure or to its target;
        forced negatives left out: eccentrics overestimate), kg."""
        from station.core import loads

        try:
            sessions = self.recorder.ask(Sessions(200))
        except Exception:
            return None
        sets = [(s["bouts"][0]["reps"], s["bouts"][0]["load_kg"]) for s in sessions
                if s.get("exercise") == exercise and _counts_for_1rm(s.get("method"))
                and s.get("bouts") and s["bouts"][0].get("load_kg")]
        return loads.best_estimate(sets)

    def run(self) -> int:
        """Run sets until quit (or ``opts.sets``). Returns the exit code."""
        opts = self.opts
        first = getattr(self.screen, "first_frame", None)
        if first is None:
            self._ready()
        else:  # READY once the first frame is up, however long that takes
            threading.Thread(target=self._ready_after, args=(first,), name="ready",
                             daemon=True).start()
        if opts.method is None:
            return self._menu_loop()
        try:
            prep = self.compile(opts.method, opts.overrides, opts.load_kg, opts.exercise)
        except PlanError as exc:
            self.say(f"station run: {exc}")
            return 2
        for line in prep.info:
            self.say(f"station: {line}")
        return self._sets(prep)

    def _ready(self) -> None:
        self.notifier.ready()
        if self.problems:  # what is degraded, in `systemctl status` from the start
            self._status(self._status_base or "ready")

    def _ready_after(self, first_frame: threading.Event) -> None:
        """READY=1 once ``first_frame`` is set; until then ask systemd for
        more time every READY_POLL_S. No READY (systemd's start timeout
        restarts the station) if nothing is drawn in FIRST_FRAME_MAX_S."""
        waited_s = 0.0
        while not first_frame.wait(READY_POLL_S):
            waited_s += READY_POLL_S
            if self.loop.quit is not None or waited_s >= FIRST_FRAME_MAX_S:
                self.say(f"station: no frame drawn in {waited_s:g} s: not ready")
                return
            self.notifier.status(f"starting: waiting for the first frame ({waited_s:g} s)")
            self.notifier.extend_timeout(READY_POLL_S * 3)
        self._ready()

    def _sets(self, prep: Prepared) -> int:
        plan, warnings, exercise = prep.plan, prep.warnings, prep.exercise
        done = 0
        while self.loop.quit is None:
            if not self._guardrails(plan, exercise, warnings):
                break
            self.run_set(plan, exercise, prep.load_kg, prep)
            done += 1
            if self.loop.quit is not None or (self.opts.sets is not None and done >= self.opts.sets):
                break
            choice = self.loop.wait_gesture()  # on the summary: press = again, hold = leave
            if choice in (Between.QUIT, Between.LONG, Between.HOLD):
                break  # from the menu: back to it; from `station run METHOD`: exit
            if not self._confirm_again(plan, exercise):
                break
            warnings = []
        return 0

    def _past(self, now_utc, offset_s: float) -> list:
        """Recorded sets of every method since the guardrails' window began."""
        since = guardrails.lookback_start(now_utc, offset_s, self.config.guardrails.overuse_days)
        try:
            return self.recorder.ask(RecentAll(since))
        except Exception:
            return []

    def _guardrails(self, plan: Plan, exercise: str | None, warnings: list[str]) -> bool:
        """Show range and overuse warnings; a press acknowledges (never
        blocks). They are recorded with the set. False on quit."""
        lines, found = list(warnings), []
        g, cfg = self.config.guardrails, self.config
        now_utc, offset_s = _now_utc_and_offset()
        t = cfg.training
        block = guardrails.Block(t.block_weeks, t.block_start) if t.block_weeks and t.block_start \
            else None
        for w in guardrails.check_overuse(self._past(now_utc, offset_s), plan.method, exercise,
                                          now_utc, offset_s,
                                          overuse_sessions=g.overuse_sessions,
                                          overuse_days=g.overuse_days,
                                          warn_consecutive_days=g.warn_consecutive_days,
                                          muscles={n: e.muscles for n, e in cfg.exercises.items()},
                                          block=block):
            lines.append(w.text)
            found.append(w)
        self._pending_warnings = lines  # recorded with the set, in full
        if not lines:
            return True
        for line in lines:
            self.say(f"station: warning: {line}")
        shown = tuple(warnings) + guardrails.screen_lines(found)  # short lines: big text
        self.loop.present(ShowWarning(shown))
        self._warn_cue()
        return self.loop.wait_gesture() != Between.QUIT

    def _warn_cue(self) -> None:
        self.loop.sound(Cue("warn", self.clock.now()))

    def _confirm_again(self, plan: Plan, exercise: str | None) -> bool:
        """Drop sets and forced negatives: "press: again" asks first, naming
        the set it would be today (it counts toward the guardrails). True: go."""
        now_utc, offset_s = _now_utc_and_offset()
        done = guardrails.sets_today(self._past(now_utc, offset_s), plan.method, exercise,
                                     now_utc, offset_s)
        lines = guardrails.again_prompt(plan.method, exercise, done)
        if lines is None:
            return True
        self.say(f"station: {lines[0]} ({lines[1]})")
        self.loop.present(ShowWarning(tuple(lines[:-1]), "AGAIN?", lines[-1]))
        self._warn_cue()
        return self.loop.wait_gesture() == Between.PRESS

    def run_set(self, plan: Plan, exercise: str | None, load: float | None,
                prep: Prepared | None = None) -> SetResult:
        ex = self.config.exercises.get(exercise) if exercise else None
        ctx = view.Context(exercise=exercise, rest_s=plan.rest_s, eccentric_s=plan.eccentric_s,
                           title=self.opts.method if self.opts.method in self.config.presets else None,
                           strips=prep.strips if prep else (),
                           units=getattr(self.config, "units", "kg"),
                           per_dumbbell=ex is not None and ex.kind == "dumbbell",
                           plates=prep.plates if prep else (),
                           safety=prep.safety if prep else "")
        self.recorder.send(BeginSession(plan.method, exercise, load, dict(plan.params),
                                        _plan_summary(plan), self.clock.now()))
        for w in getattr(self, "_pending_warnings", []):
            self.recorder.send(RecordWarning(w, self.clock.now()))
        mqtt = getattr(self, "mqtt", None)
        if mqtt is not None:
            mqtt.context(exercise)
        result = self.loop.run_set(plan, context=ctx)
        status = result.session.set.status
        if not status.ended:  # cut off before its end (the loop quit mid-set)
            status = SetStatus.INTERRUPTED
        self.recorder.send(EndSession(status, self.clock.now() if result.snapshot.phase is not Phase.DONE
                                      else None))
        if mqtt is not None:  # once committed, the set goes to the outbox
            self.recorder.after(mqtt.sets_changed)
        worst = result.worst_lateness_s
        ctx = dataclasses.replace(ctx, lateness_ms=None if worst is None else worst * 1000,
                                  next_set=self._advice(plan, exercise, result))
        self.loop.present(ShowSummary(result.snapshot, ctx))
        self.last_result = result
        return result

    def _advice(self, plan: Plan, exercise: str | None, result: SetResult) -> str | None:
        """What the next set of this method on this exercise should be
        (core.advice), in this exercise's kit and the config's units."""
        from station.core import advice, loads

        ex = self.config.exercises.get(exercise) if exercise else None
        units = loads.Units(getattr(self.config, "units", "kg"))
        try:
            kit = loads.Kit.of(ex) if ex is not None else loads.Kit.default(units)
        except ValueError:
            kit = None
        one_rm = (ex.one_rm_kg or self._learnt_1rm(exercise)) if ex is not None and exercise else None
        a = advice.advise(result.snapshot, plan.target_reps or plan.first_target_reps, kit,
                          exercise=exercise, one_rm_kg=one_rm, units=units)
        if a is None:
            return None
        self.say(f"station: {a.text}")
        return "\n".join(a.lines)  # the summary shows what to do, then why, a line each

    def _menu_loop(self) -> int:
        from station.ui.menu import build_menu

        menu = build_menu({n: f"{p.method}" + (f" - {p.exercise}" if p.exercise else "")
                           for n, p in self.config.presets.items()})
        while self.loop.quit is None:
            self.loop.present(ShowMenu(tuple(i.label for i in menu.items),
                                       tuple(i.detail for i in menu.items), menu.index))
            self._loop_status(f"menu: {menu.items[menu.index].label} (press: next, hold: start)")
            choice = self.loop.wait_gesture()
            if choice == Between.PRESS:
                menu = menu.press()
            elif choice == Between.HOLD:
                name = menu.hold().name
                try:
                    prep = self.compile(name, {}, None, None)
                except PlanError as exc:
                    self.post(Note("menu", str(exc)))
                    continue
                self._sets(prep)
            elif choice in (Between.QUIT, Between.LONG):
                break
        return 0


def _now_utc_and_offset():
    """(aware UTC now, local time minus UTC in s): the guardrails' days."""
    from datetime import datetime, timedelta

    now_utc = datetime.now(UTC)
    offset = now_utc.astimezone().utcoffset() or timedelta(0)
    return now_utc, offset.total_seconds()


def _screen_here() -> bool:
    """Whether SDL can show a window anyone sees: an X or Wayland session, a
    DRM device (KMSDRM on a console-only Pi), or a driver chosen on purpose
    (SDL_VIDEODRIVER, e.g. dummy in tests). Without one SDL falls back to its
    invisible "offscreen" driver, and the terminal is the better display."""
    import glob
    import os

    env = os.environ
    return bool(env.get("SDL_VIDEODRIVER") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
                or glob.glob("/dev/dri/card*"))


def _chain(first: Callable | None, then: Callable | None) -> Callable | None:
    """Both hooks, ``first`` (e.g. the remote) before ``then``; None if neither."""
    if first is None or then is None:
        return first or then

    def both(value: object) -> None:
        first(value)
        then(value)

    return both


def _quiet_alsa() -> None:
    """alsa-lib's own error lines off: an underrun each time the sound thread is
    late flooded the journal (station.hw.alsa_log)."""
    from station.hw.alsa_log import quiet_alsa_errors

    quiet_alsa_errors()


class _Sink:
    def __init__(self, name: str, play: Callable[[Cue], None]) -> None:
        self.name = name
        self.play = play


class _NoScreen:
    """``--display none``: nothing drawn, cues only."""

    def present(self, message: Message) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _NoScreen:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


@dataclass
class Prepared:
    """A set ready to run: the plan and what to tell the lifter about it.

    ``warnings``: out-of-range values (acknowledged with a press).
    ``info``: the starting load and how it was found, the plates.
    ``strips``: drop sets: what to take off at each drop.
    ``plates``: how to load each bout ("20 kg bar + 25 + 10 + 5 kg each
    side"), for the screen; empty without an exercise's kit.
    """

    plan: Plan
    warnings: list[str]
    exercise: str | None
    load_kg: float | None
    info: list[str] = field(default_factory=list)
    strips: tuple[str, ...] = ()
    plates: tuple[str, ...] = ()
    safety: str = ""


def prepare(config, method: str, overrides: dict[str, object], load_kg: float | None,
            exercise: str | None,
            learnt_1rm: Callable[[str], float | None] | None = None) -> Prepared:
    """A built-in method or user preset, with its load from the exercise's 1RM
    (the config's, else ``learnt_1rm(exercise)`` from history) when none is
    given, drops rounded to the plates, and the spotter rule.
    Raises PlanError naming the problem."""
    from station.core import loads

    presets = config.presets
    params: dict[str, object] = {}
    if method in presets:
        up = presets[method]
        params.update(up.params)
        exercise = exercise or up.exercise
        load_kg = load_kg if load_kg is not None else up.load_kg
        base = up.method
    elif method in PRESETS:
        base = method
    else:
        names = list(PRESETS) + list(presets)
        raise PlanError(f"unknown method or preset {method!r}{_did_you_mean(method, names)}; "
                        f"known: {', '.join(names)}")
    params.update(overrides)
    spec = PRESETS[base]
    prep = spec.prepare
    ex = config.exercises.get(exercise) if exercise else None
    if prep.variations_from_exercise and "variations" not in params:
        from station.core.variations import variations_for

        params["variations"] = variations_for(exercise, ex.variations if ex is not None else ())
    info: list[str] = []
    if exercise and ex is None:  # run it all the same, recorded under this name
        known = ", ".join(config.exercises) or "none"
        where = f" in {config.source}" if config.source else ""
        info.append(f"exercise {exercise!r} is not in the config{where}"
                    f"{_did_you_mean(exercise, list(config.exercises))} (known: {known}); "
                    f"running without its plates or 1RM, recorded as {exercise!r}")
    reach_warning = ""
    units = loads.Units(getattr(config, "units", "kg"))
    show = units.show
    kit = loads.Kit.of(ex) if ex is not None else None
    one_rm, source = (ex.one_rm_kg, "configured") if ex is not None else (None, "")
    if ex is not None and not one_rm and learnt_1rm is not None and exercise:
        one_rm, source = learnt_1rm(exercise), "estimated from your history (Brzycki)"
    if load_kg is None and kit is not None and one_rm:
        start = loads.starting_load(base, one_rm)
        load_kg = kit.round(start.suggested_kg).total_kg
        each = " per dumbbell" if kit.kind == "dumbbell" else ""
        dumbbell = "dumbbell " if kit.kind == "dumbbell" else ""
        lo, hi = units.of_kg(start.low_kg), units.of_kg(start.high_kg)
        info.append(f"starting load {show(load_kg)}{each} = {start.suggested} of a "
                    f"{units.of_kg(one_rm):.1f} {units.name} {dumbbell}1RM, "
                    f"{source} ({start.rule}: {lo:.1f}-{hi:.1f} {units.name})")
        far = kit.out_of_reach(start.low_kg, start.high_kg, units)
        if far:  # the heaviest (or lightest) the kit has is not this method's load
            reach_warning = (f"{base}: {start.rule} of your {show(one_rm)} {dumbbell}1RM is "
                             f"{lo:.1f}-{hi:.1f} {units.name}{each} and {far}: out of reach; "
                             f"{show(load_kg)} is not this method's load")
    elif load_kg is not None and kit is not None:
        load_kg = kit.round(load_kg).total_kg
    if prep.no_load_info and load_kg is None:
        info.append(prep.no_load_info)
    if prep.cap_percent is not None and load_kg is not None and one_rm:
        top = one_rm * prep.cap_percent / 100
        if load_kg > top + 1e-9:
            capped = kit.round(top).total_kg if kit is not None else top
            if capped > top + 1e-9 and kit is not None:
                capped = kit.round(top - kit.step_kg).total_kg
            info.append(f"{prep.cap_info}: {load_kg:g} kg is over {prep.cap_percent} % of the "
                        f"{one_rm:.1f} kg 1RM; capped at {capped:g} kg (progress the lowering time "
                        "instead)")
            load_kg = capped
    loading = kit.round(load_kg) if load_kg is not None and kit is not None else None
    drop_loads, chain = None, None
    strips: tuple[str, ...] = ()
    if prep.drop_chain and load_kg is not None and kit is not None:
        drops = int(cast(int, params.get("drops", spec.param("drops").default)))
        pct = float(cast(float, params.get("drop-percent", spec.param("drop-percent").default)))
        try:
            chain = loads.drop_loads(kit.round(load_kg), drops, pct, kit=kit)
        except ValueError as exc:
            raise PlanError(f"{base}: {exc}") from None
        loading = chain[0]  # the plates chosen so that each drop is a clean strip
        drop_loads = tuple(x.total_kg for x in chain)
        strips = tuple(loads.strip_text(a, b, units) for a, b in zip(chain, chain[1:]))
        info.append("drops: " + " -> ".join(show(x) for x in drop_loads) + "; "
                    + "; ".join(strips))
    if loading is not None:
        info.insert(len(info) - (1 if strips else 0), loading.describe(units))
    plates = tuple(x.layout(units) for x in chain) if chain else (
        (loading.layout(units),) if loading is not None else ())
    plan, warnings = compile_plan(base, params, load_kg, drop_loads)
    if reach_warning:
        warnings.append(reach_warning)
    if chain is not None:
        warnings += loads.drop_warnings(chain, pct, units)
    plan = dataclasses.replace(plan, early_start_after=config.gestures.early_start_after)
    if not plan.spotter and guardrails.spotter_required(base, ex.kind if ex is not None else None):
        plan = dataclasses.replace(plan, spotter=True)  # barbell (or unknown kind) drop sets
    safety = ""
    if plan.spotter and ex is not None and ex.spotter == "arms" and spec.arms_replace_spotter:
        plan = dataclasses.replace(plan, spotter=False)
        safety = "safety arms set: no spotter asked"
        info.append(safety)
    return Prepared(plan, warnings, exercise, load_kg, info, strips, plates, safety)


#: methods where safety arms stand in for a spotter (a failed rep rests on
#: them; each spec's ``arms_replace_spotter``); forced negatives need a
#: spotter to return the bar
ARMS_REPLACE_SPOTTER = tuple(s.name for s in PRESETS.values() if s.arms_replace_spotter)


def _counts_for_1rm(method: object) -> bool:
    """Whether a recorded set of ``method`` enters the 1RM estimate (forced
    negatives do not: eccentrics overestimate it)."""
    spec = PRESETS.get(method) if isinstance(method, str) else None
    return spec is None or spec.prepare.counts_for_1rm


def _did_you_mean(name: str, names: list[str]) -> str:
    import difflib

    near = difflib.get_close_matches(name, names, n=1)
    return f" (did you mean {near[0]}?)" if near else ""


def _plan_summary(plan: Plan) -> str:
    return ", ".join(f"{k}={v}" for k, v in plan.params if v is not None)
