"""The composition root: builds the station from config and options, degrading
gracefully, and runs sets around the one main loop.

Optional peripherals degrade (no mixer -> buzzer only; no remote -> retry and
say so; no display -> the next one down); a bad config file is shown on the
screen and defaults are used, so the appliance never crash-loops on it.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .clock import Clock
from .core import guardrails
from .core.events import Cue, SetChanged
from .core.gestures import GestureConfig
from .core.methods import PRESETS, Plan, PlanError, compile_plan
from .loop import MainLoop, Note, Quit, SetResult
from .ui import view

DISPLAYS = ("fullscreen", "window", "terminal", "none")


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
    from .config import ConfigError, load_config, parse_config

    try:
        return load_config(path), None
    except ConfigError as exc:
        return parse_config(""), f"config error, defaults in use: {exc}"
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
        self.config, err = load_config_or_defaults(opts.config)
        if err:
            self._note("config", err)
        cfg = self.config
        g = cfg.gestures
        self.loop = MainLoop(self.clock, gesture_config=GestureConfig(
            g.debounce_s, g.hold_s, g.end_hold_s, g.double_s))
        try:
            self._build()
        except BaseException:
            self._stack.close()
            raise

    # ------------------------------------------------------------ building

    def _note(self, key: str, text: str) -> None:
        self.notes.append((key, text))
        self.say(f"station: {text}")

    def _build(self) -> None:
        from .hw.pins import choose_pin_factory

        cfg, opts, loop = self.config, self.opts, self.loop
        pins = choose_pin_factory(opts.pins or cfg.pins.factory)
        self.pin_choice = pins
        if pins.note:
            self._note("pins", pins.note)
        self.screen = self._stack.enter_context(self._open_display())
        loop.screen = self.screen
        for key, text in self.notes:
            loop.post(Note(key, text))
        self._open_inputs(pins.factory)
        loop.sinks = self._open_sinks(pins.factory)
        self._open_remote()
        self._open_history()
        self._open_notifier()

    def _open_display(self):
        from .ui.terminal import TerminalScreen

        cfg = self.config
        wanted = self.opts.display or cfg.display.mode
        if wanted == "auto":
            wanted = "fullscreen" if self.pin_choice.name != "mock" else "window"
        chain = DISPLAYS[DISPLAYS.index(wanted):]
        for mode in chain:
            if mode in ("fullscreen", "window"):
                try:
                    from .ui.screen_thread import ScreenThread

                    return ScreenThread(mode, tuple(cfg.display.window_size), self.clock.now,
                                        self.loop.post)
                except Exception as exc:  # no video device, no pygame display...
                    self._note("display", f"{mode} display unavailable ({exc}); trying the next")
                    continue
            if mode == "terminal":
                if sys.stdout.isatty() or wanted == "terminal":
                    return TerminalScreen(self.clock.now, self.loop.post)
                self._note("display", "no terminal on stdout; cues only")
            return _NoScreen()
        return _NoScreen()

    def _open_inputs(self, factory: object) -> None:
        from .hw.buttons import ButtonInput

        pins = self.config.pins
        try:
            self.button = self._stack.enter_context(
                ButtonInput(pins.button, self.loop.post, self.clock.now, pin_factory=factory))
        except Exception as exc:
            self.button = None
            self._note("button", f"button on BCM {pins.button} unavailable: {exc}")
        self.spotter_button = None
        if pins.spotter_button:
            try:
                self.spotter_button = self._stack.enter_context(ButtonInput(
                    pins.spotter_button, self.loop.post, self.clock.now, source="spotter",
                    pin_factory=factory))
            except Exception as exc:
                self._note("button", f"spotter button on BCM {pins.spotter_button} unavailable: {exc}")

    def _open_sinks(self, factory: object) -> list:
        from .hw.buzzer import BuzzerOutput

        sinks = []
        try:
            self.buzzer = self._stack.enter_context(
                BuzzerOutput.from_config(self.config, pin_factory=factory))
            sinks.append(_Sink("buzzer", self.buzzer.play))
        except Exception as exc:
            self.buzzer = None
            self._note("buzzer", f"no buzzer: {exc}")
        self.speaker = None
        if self.opts.sound:
            from .hw.speaker import Speaker

            s = self.config.sound
            speaker = Speaker(volume=s.volume, quiet=s.quiet, speech=s.speech,
                              buffer_samples=s.buffer_samples)
            self._stack.callback(speaker.close)
            if speaker.available:
                self.speaker = speaker
                sinks.append(_Sink("speaker", speaker.play))
            else:
                self._note("sound", f"no sound: {speaker.reason}; buzzer only")
        return sinks

    def _open_remote(self) -> None:
        self.remote = None
        url = self.opts.serial or self.config.serial.url
        if not url:
            return
        from .hw.serial_link import SerialRemote

        post = self.loop.post

        def relay(item: object) -> None:
            from .hw.serial_link import RemoteStatus

            if isinstance(item, RemoteStatus):
                post(Note("remote", item.detail))
                if item.connected:  # "remote back" is news for a few seconds only
                    timer = threading.Timer(5.0, lambda: post(Note("remote", None))
                                            if self.remote and self.remote.status.connected else None)
                    timer.daemon = True
                    timer.start()
            else:
                post(item)

        self.remote = SerialRemote(url, relay, self.clock.now, baud=self.config.serial.baud,
                                   version=__version__)
        self._stack.callback(self.remote.close)
        self.remote.start()
        self.loop._on_cue = lambda cue: self.remote.send_cue(cue.name)
        self.loop._on_state = self.remote.send_state

    def _open_history(self) -> None:
        from .config import default_db_path
        from .recorder import Recorder

        path = self.opts.db or (Path(self.config.history.db) if self.config.history.db
                                else default_db_path())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # open_history will say what is wrong
        self.recorder = Recorder(path, self.clock.offset_s)
        self._stack.callback(self.recorder.close)
        if self.recorder.off_reason:
            self._note("history", self.recorder.off_reason)
            self.loop.post(Note("history", self.recorder.off_reason))
        else:
            n = self.recorder.ask("mark_interrupted")
            if n:
                self.say(f"station: {n} set(s) cut off last time marked interrupted")
        self.loop._record = self.recorder.record

    def _open_notifier(self) -> None:
        from .hw.notify import Notifier

        self.notifier = Notifier()
        self._stack.callback(self.notifier.close)
        pinger = self.notifier.pinger()
        if pinger.period_s is not None:
            def ping(now: float) -> float | None:
                pinger.maybe_ping(now)
                nxt = pinger.next_ping_at()
                return None if nxt is None else max(0.0, nxt - now)

            self.loop._ping = ping
        self.loop._status = self.notifier.status

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> "Station":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ running

    def install_signals(self) -> None:
        """SIGINT/SIGTERM end the set cleanly: recorded as interrupted."""
        def handler(signum: int, frame: object) -> None:
            self.loop.post(Quit(signal.Signals(signum).name))

        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)

    def compile(self, method: str, overrides: dict[str, object], load_kg: float | None,
                exercise: str | None) -> tuple[Plan, list[str], str | None, float | None]:
        """Resolve a built-in method or a user preset to a plan.
        Returns (plan, warnings, exercise, load_kg). Raises PlanError."""
        presets = self.config.presets
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
            raise PlanError(f"unknown method or preset {method!r}; known: {', '.join(names)}")
        params.update(overrides)
        drop_loads = None
        ex = self.config.exercises.get(exercise) if exercise else None
        if base == "drop-set" and load_kg is not None and ex is not None:
            drop_loads = _drop_loads(ex, load_kg, params)
        plan, warnings = compile_plan(base, params, load_kg, drop_loads)
        return plan, warnings, exercise, load_kg

    def run(self) -> int:
        """Run sets until quit (or ``opts.sets``). Returns the exit code."""
        opts = self.opts
        if self.notifier is not None:
            self.notifier.ready()
        if opts.method is None:
            return self._menu_loop()
        try:
            plan, warnings, exercise, load = self.compile(opts.method, opts.overrides,
                                                          opts.load_kg, opts.exercise)
        except PlanError as exc:
            self.say(f"station run: {exc}")
            return 2
        for w in warnings:
            self.say(f"station: warning: {w}")
        return self._sets(plan, warnings, exercise, load)

    def _sets(self, plan: Plan, warnings: list[str], exercise: str | None,
              load: float | None) -> int:
        done = 0
        while self.loop.quit is None:
            if not self._guardrails(plan, exercise, warnings):
                break
            result = self.run_set(plan, exercise, load)
            done += 1
            if self.loop.quit is not None or (self.opts.sets is not None and done >= self.opts.sets):
                break
            choice = self.loop.wait_gesture()
            if choice in ("quit", "long"):
                break
            if choice == "hold" and self.opts.method is None:
                return 0  # back to the menu
            warnings = []
        return 0 if self.loop.quit is None or self.loop.quit.why.startswith("key") else 0

    def _guardrails(self, plan: Plan, exercise: str | None, warnings: list[str]) -> bool:
        """Show range and overuse warnings; a press acknowledges. False on quit."""
        from datetime import datetime, timedelta, timezone

        lines = list(warnings)
        g = self.config.guardrails
        now_utc = datetime.now(timezone.utc)
        local_offset = datetime.now().astimezone().utcoffset() or timedelta(0)
        since = guardrails.lookback_start(now_utc, local_offset.total_seconds(), g.overuse_days)
        try:
            past = self.recorder.ask("recent", plan.method, exercise, since)
        except Exception:
            past = []
        for w in guardrails.check_overuse(past, plan.method, exercise, now_utc,
                                          local_offset.total_seconds(),
                                          overuse_sessions=g.overuse_sessions,
                                          overuse_days=g.overuse_days,
                                          warn_consecutive_days=g.warn_consecutive_days):
            lines.append(w.text)
        self._pending_warnings = lines
        if not lines:
            return True
        for line in lines:
            self.say(f"station: warning: {line}")
        self.loop.present("warning", title="WARNING", lines=tuple(lines),
                          prompt="press to continue")
        for sink in self.loop.sinks:
            sink.play(Cue("warn", self.clock.now()))
        return self.loop.wait_gesture() not in ("quit",)

    def run_set(self, plan: Plan, exercise: str | None, load: float | None) -> SetResult:
        ctx = view.Context(exercise=exercise, rest_s=plan.rest_s, eccentric_s=plan.eccentric_s,
                           title=self.opts.method if self.opts.method in self.config.presets else None)
        self.recorder.call("begin_session", plan.method, exercise, load, dict(plan.params),
                           _plan_summary(plan), self.clock.now())
        for w in getattr(self, "_pending_warnings", []):
            self.recorder.call("record_warning", w, self.clock.now())
        result = self.loop.run_set(plan, context=ctx)
        status = result.session.set.status
        if status not in ("completed", "aborted", "interrupted"):
            status = "interrupted"
        self.recorder.call("end_session", status, self.clock.now() if result.snapshot.phase.value != "DONE" else None)
        worst = result.worst_lateness_s
        ctx = dataclasses.replace(ctx, lateness_ms=None if worst is None else worst * 1000)
        self.loop.present("summary", snapshot=result.snapshot, context=ctx)
        self.last_result = result
        return result

    def _menu_loop(self) -> int:
        from .ui.menu import build_menu

        menu = build_menu({n: f"{p.method}" + (f" - {p.exercise}" if p.exercise else "")
                           for n, p in self.config.presets.items()})
        while self.loop.quit is None:
            self.loop.present("menu", items=tuple(i.label for i in menu.items),
                              details=tuple(i.detail for i in menu.items), selected=menu.index)
            choice = self.loop.wait_gesture()
            if choice == "press":
                menu = menu.press()
            elif choice == "hold":
                name = menu.hold().name
                try:
                    plan, warnings, exercise, load = self.compile(name, {}, None, None)
                except PlanError as exc:
                    self.loop.post(Note("menu", str(exc)))
                    continue
                self._sets(plan, warnings, exercise, load)
            elif choice in ("quit", "long"):
                break
        return 0


class _Sink:
    def __init__(self, name: str, play: Callable[[Cue], None]) -> None:
        self.name = name
        self.play = play


class _NoScreen:
    """``--display none``: nothing drawn, cues only."""

    def present(self, kind: str, **data: object) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> "_NoScreen":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _plan_summary(plan: Plan) -> str:
    return ", ".join(f"{k}={v}" for k, v in plan.params if v is not None)


def _drop_loads(ex, load_kg: float, params: dict) -> tuple[float, ...] | None:
    """A drop set's loads rounded to the exercise's kit, or None if it cannot."""
    try:
        from .core import loads

        pre = PRESETS["drop-set"]
        drops = int(params.get("drops", pre.param("drops").default))
        pct = float(params.get("drop-percent", pre.param("drop-percent").default))
        return loads.drop_loads_for_exercise(ex, load_kg, drops, pct)
    except Exception:
        return None
