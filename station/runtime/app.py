"""The composition root: builds the station from config and options and runs
sets around the one main loop.

:class:`Station` opens the devices first (station.runtime.devices: each
degrading gracefully with a note, station.runtime.notes), then builds the
:class:`MainLoop` from them and their callbacks, and runs sets on it: the
menu, a method's sets with its guardrail warnings (acknowledged with a
press), "press: again" asking first where the method says so, and the
next-set advice on the summary. What a set is (its plan, load, plates and
spotter rule) is worked out in the core (station.core.prepare).

A bad config file is shown on the screen and defaults are used, so the
appliance never crash-loops on it.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC

from station.core import guardrails
from station.core.between import Between
from station.core.events import Cue, Phase, SetStatus
from station.core.gestures import GestureConfig
from station.core.methods import Plan, PlanError
from station.core.prepare import Prepared, counts_for_1rm, plan_summary, prepare
from station.runtime.clock import Clock
from station.runtime.devices import Devices, Sink
from station.runtime.inbox import Inbox
from station.runtime.loop import MainLoop, Note, Quit, SetResult
from station.runtime.notes import Notes
from station.runtime.options import Options, load_config_or_defaults
from station.runtime.recorder import BeginSession, EndSession, RecentAll, RecordWarning, Sessions
from station.ui import view
from station.ui.view.messages import ShowMenu, ShowSummary, ShowWarning

#: The signals that end the station cleanly (see Station.install_signals).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

#: How long a thread waiting for the GIL waits before the running thread must
#: hand it over, s. Python's default (5 ms) let a press wait 5 ms behind the
#: screen or recorder thread's Python code: measured with `station bench`, 1 of
#: 3 30-s runs had a rep acknowledged 5.1 ms late at 5 ms, none of 4 over
#: 0.95 ms at 0.5 ms (docs/bench.md).
SWITCH_INTERVAL_S = 0.0005
_PYTHON_DEFAULT_SWITCH_S = 0.005


def say_line(text: str) -> None:
    """``text`` as one line on stderr, in one write: the terminal screen's
    thread writes its status lines to stdout meanwhile, and a line written
    in two parts (print's text, then its newline) let one of them in between
    when both go to one log ("...makes 9-11rest-pause DONE ...")."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()

class Station:
    """Every device around one :class:`MainLoop`. Use as a context manager."""

    def __init__(self, opts: Options, *, clock: Clock | None = None,
                 out: Callable[[str], None] | None = None) -> None:
        self.opts = opts
        self.clock = clock or Clock()
        self.say = out or say_line
        self._stack = ExitStack()
        from station.runtime.notify import Notifier

        self.notifier = Notifier()
        self._stack.callback(self.notifier.close)
        if abs(sys.getswitchinterval() - _PYTHON_DEFAULT_SWITCH_S) < 1e-9:
            sys.setswitchinterval(SWITCH_INTERVAL_S)  # unless the embedder chose one (bench)
        self.config, err = load_config_or_defaults(opts.config)
        #: The warnings shown before the coming set, in full: recorded with it.
        self.pending_warnings: list[str] = []
        # The loop's queue comes first: the devices post to it, and the loop
        # is built last, from the devices and their callbacks (see _build).
        self.inbox = Inbox()
        self._stack.callback(self.inbox.close)  # last: devices may post while they close
        self.post = self.inbox.put
        self.board = Notes(self.say, self.post, self.notifier)
        self.notes, self.problems = self.board.notes, self.board.problems  # the same list and dict
        if err:
            self.board.note("config", err)
        try:
            self._build()
        except BaseException:
            self._stack.close()
            raise

    # ------------------------------------------------------------ building

    def _build(self) -> None:
        """The devices first, then the loop from them and their callbacks."""
        d = self.devices = Devices(self.opts, self.config, self.clock, self.board, self.post,
                                   next_deadline_at=self._next_deadline_at, add_sink=self._add_sink)
        self._stack.callback(d.close)
        self.pin_choice, self.button, self.spotter_button = d.pin_choice, d.button, d.spotter_button
        self.buzzer, self.remote, self.mqtt = d.buzzer, d.remote, d.mqtt
        self.recorder, self.history_path = d.recorder, d.history_path
        self._loop_status = d.loop_status  # the loop's STATUS= text (and the menu's)
        remote, mqtt, g = d.remote, d.mqtt, self.config.gestures
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
            sinks=d.sinks, screen=d.loop_screen,
            record=self.recorder.record, after_records=self.recorder.after,
            on_cue=on_cue, on_state=on_state,
            on_saved=None if remote is None else remote.send_saved, on_not_saved=not_saved,
            ping=d.ping, status=d.loop_status)

    @property
    def screen(self):
        """The screen in use (the current one, when a display is retried)."""
        return self.devices.screen

    @property
    def speaker(self):
        """The speaker, once a sound card is open (None: buzzer only)."""
        return self.devices.speaker

    def _add_sink(self, sink: Sink) -> None:
        """A cue output found later (a sound card plugged in): the loop plays to it too."""
        loop = getattr(self, "loop", None)
        if loop is None:  # found before the loop is built: the loop starts with it
            self.devices.sinks.append(sink)
        else:
            loop.sinks = [*loop.sinks, sink]

    def _next_deadline_at(self) -> float | None:
        """The loop's next cue instant, s (None before it is built)."""
        loop = getattr(self, "loop", None)
        return None if loop is None else loop.next_deadline_at

    def close(self) -> None:
        """Let the last cues finish (fail then done: 3 s at most), then close all."""
        if self.loop.quit is None:
            self.devices.wait_idle(3.0)
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
        at once with its set left "running". Main thread only (the loop's
        thread): the signals also wake the loop's wait (``set_wakeup_fd``,
        station.runtime.inbox), whichever thread the kernel hands them to,
        so the loop never has to wake up to look for them."""
        def handler(signum: int, frame: object) -> None:
            self.notifier.stopping()
            self.loop.post(Quit(signal.Signals(signum).name))

        self.inbox.watch_signals()
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
                if s.get("exercise") == exercise and counts_for_1rm(s.get("method"))
                and s.get("bouts") and s["bouts"][0].get("load_kg")]
        return loads.best_estimate(sets)

    def run(self) -> int:
        """Run sets until quit (or ``opts.sets``). Returns the exit code."""
        opts = self.opts
        first = getattr(self.screen, "first_frame", None)
        if first is None:
            self.board.ready()
        else:  # READY once the first frame is up, however long that takes
            threading.Thread(target=self.board.ready_after,
                             args=(first, lambda: self.loop.quit is not None), name="ready",
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
        return self.run_sets(prep)

    def run_sets(self, prep: Prepared) -> int:
        plan, warnings, exercise = prep.plan, prep.warnings, prep.exercise
        done = 0
        while self.loop.quit is None:
            if not self.warn_before(plan, exercise, warnings):
                break
            self.run_set(plan, exercise, prep.load_kg, prep)
            done += 1
            if self.loop.quit is not None or (self.opts.sets is not None and done >= self.opts.sets):
                break
            choice = self.loop.wait_gesture()  # on the summary: press = again, hold = leave
            if choice in (Between.QUIT, Between.LONG, Between.HOLD):
                break  # from the menu: back to it; from `station run METHOD`: exit
            if not self.confirm_again(plan, exercise):
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

    def warn_before(self, plan: Plan, exercise: str | None, warnings: list[str]) -> bool:
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
        self.pending_warnings = lines  # recorded with the set, in full
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

    def confirm_again(self, plan: Plan, exercise: str | None) -> bool:
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
                                        plan_summary(plan), self.clock.now()))
        for w in self.pending_warnings:
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
        from station.ui.view.menu import build_menu

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
                self.run_sets(prep)
            elif choice in (Between.QUIT, Between.LONG):
                break
        return 0


def _now_utc_and_offset():
    """(aware UTC now, local time minus UTC in s): the guardrails' days."""
    from datetime import datetime, timedelta

    now_utc = datetime.now(UTC)
    offset = now_utc.astimezone().utcoffset() or timedelta(0)
    return now_utc, offset.total_seconds()


def _chain(first: Callable | None, then: Callable | None) -> Callable | None:
    """Both hooks, ``first`` (e.g. the remote) before ``then``; None if neither."""
    if first is None or then is None:
        return first or then

    def both(value: object) -> None:
        first(value)
        then(value)

    return both

