"""Every device the station drives, opened from the config and the command
line, each degrading gracefully with a note: the pins (mock when no GPIO),
the display (station.runtime.display_choice), the buttons, the cue outputs (buzzer,
speaker; no sound card: buzzer only, and the card is tried again with
backoff), the serial remote, the history (its recorder thread), the gym
network (MQTT) and the service manager's watchdog.

:class:`Devices` opens them in that order and closes them in reverse; the
composition root (station.runtime.app) builds the main loop from them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station import __version__
from station.core.events import Cue
from station.runtime.clock import Clock
from station.runtime.display_choice import Screens, open_display
from station.runtime.loop import Note
from station.runtime.notes import Notes
from station.runtime.recorder import MarkInterrupted
from station.runtime.retry import Retrier

if TYPE_CHECKING:
    from station.config import Config
    from station.hw.buttons import ButtonInput
    from station.hw.buzzer import BuzzerOutput
    from station.hw.serial_link import SerialRemote
    from station.hw.speaker import Speaker
    from station.net.publisher import Publisher
    from station.runtime.app import Options
    from station.runtime.recorder import Recorder
    from station.ui.switching import SwitchingScreen


class Sink:
    """A cue output for the loop: its ``name``, how it plays a cue, and
    ``expect(quiet_for_s)`` if it can rest while no timed cue is due (the
    speaker's standby: :class:`station.runtime.loop.CueSink`)."""

    def __init__(self, name: str, play: Callable[[Cue], None],
                 expect: Callable[[float | None], None] | None = None) -> None:
        self.name = name
        self.play = play
        self.expect = expect


class Devices:
    """The station's devices, open (use :meth:`close`).

    ``board``: where each degradation is said; ``post``: the loop's inbox;
    ``next_deadline_at``: the loop's next cue instant, s (for the screen);
    ``add_sink``: adds a cue output found later (a sound card plugged in)."""

    def __init__(self, opts: Options, config: Config, clock: Clock, board: Notes,
                 post: Callable[[object], None], *, next_deadline_at: Callable[[], float | None],
                 add_sink: Callable[[Sink], None]) -> None:
        self.opts, self.config, self.clock, self.board, self.post = opts, config, clock, board, post
        self.say = board.say
        self._add_sink = add_sink
        self._stack = ExitStack()
        self.retrier = Retrier()
        self._late: list[Any] = []  # devices found by a retry, closed with the rest
        self._stack.callback(lambda: [dev.close() for dev in reversed(self._late)])
        try:
            self._open(next_deadline_at)
        except BaseException:
            self.retrier.stop()  # no try on a device being closed
            self._stack.close()
            raise
        self._stack.callback(self.retrier.stop)  # closed first: no try after this

    def _open(self, next_deadline_at: Callable[[], float | None]) -> None:
        from station.hw.pins import choose_pin_factory

        cfg, opts, board = self.config, self.opts, self.board
        board.starting("pins")
        self.pin_choice = pins = choose_pin_factory(opts.pins or cfg.pins.factory)
        if pins.note:
            board.note("pins", pins.note)
        board.starting("display")
        wanted = opts.display or cfg.display.mode
        if wanted == "auto":
            wanted = "fullscreen" if pins.name != "mock" else "window"
        width, height = cfg.display.window_size
        screens = Screens((width, height), self.clock.now, self.post, next_deadline_at)
        screen, self.switching = open_display(wanted, screens, board, self._stack, self.retrier, self._late)
        self._screen = self._stack.enter_context(screen)
        self._open_inputs(pins.factory)
        board.starting("sound")
        self.sinks = self._open_sinks(pins.factory)
        self._open_remote()
        board.starting("history")
        self._open_history()
        self._open_mqtt()
        self.ping, self.loop_status = self._open_watchdog()

    @property
    def screen(self) -> Any:
        """The screen in use (the current one, when a display is retried)."""
        return self.switching.current if self.switching is not None else self._screen

    @property
    def loop_screen(self) -> SwitchingScreen | Any:
        """The screen the loop presents to (the switching one while a display is retried)."""
        return self.switching if self.switching is not None else self._screen

    def _open_inputs(self, factory: object) -> None:
        from station.hw.buttons import ButtonInput

        pins = self.config.pins
        self.button: ButtonInput | None = None
        try:
            self.button = self._stack.enter_context(
                ButtonInput(pins.button, self.post, self.clock.now, pin_factory=factory))
        except Exception as exc:
            self.button = None
            self.board.note("button", f"button on BCM {pins.button} unavailable: {exc}")
        self.spotter_button: ButtonInput | None = None
        if pins.spotter_button:
            try:
                self.spotter_button = self._stack.enter_context(ButtonInput(
                    pins.spotter_button, self.post, self.clock.now, source="spotter",
                    pin_factory=factory))
            except Exception as exc:
                self.board.note("button", f"spotter button on BCM {pins.spotter_button} unavailable: {exc}")

    def _speaker(self) -> Speaker:
        from station.hw.speaker import Speaker

        s = self.config.sound
        return Speaker(volume=s.volume, quiet=s.quiet, speech=s.speech, buffer_samples=s.buffer_samples)

    def _open_sinks(self, factory: object) -> list[Sink]:
        from station.hw.buzzer import BuzzerOutput

        sinks = []
        self.buzzer: BuzzerOutput | None = None
        try:
            self.buzzer = self._stack.enter_context(
                BuzzerOutput.from_config(self.config, pin_factory=factory))
            sinks.append(Sink("buzzer", self.buzzer.play))
        except Exception as exc:
            self.buzzer = None
            self.board.note("buzzer", f"no buzzer: {exc}")
        self.speaker: Speaker | None = None
        if self.opts.sound:
            _quiet_alsa()  # before the mixer opens: it underruns while the cues are prepared
            speaker = self._speaker()
            self._stack.callback(speaker.close)
            if speaker.available:
                self.speaker = speaker
                sinks.append(Sink("speaker", speaker.play, speaker.expect))
            else:
                self.board.note("sound", f"no sound: {speaker.reason}; buzzer only")
                self._retry_sound()
        return sinks

    def _retry_sound(self) -> None:
        """No sound card at start: try again with backoff, and once a mixer
        opens add the speaker to the cue outputs."""
        def attempt() -> bool:
            speaker = self._speaker()
            if not speaker.available:
                speaker.close()
                return False
            self._late.append(speaker)
            self.speaker = speaker
            self._add_sink(Sink("speaker", speaker.play, speaker.expect))
            self.board.fixed("sound", "sound card found: speaker on")
            return True

        self.retrier.add("sound", attempt, self.board.retrying("sound", self.board.problems.get("sound", "no sound")))

    def _open_remote(self) -> None:
        self.remote: SerialRemote | None = None
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
                              version=__version__, reconnect_max_s=self.config.serial.reconnect_max_s)
        try:
            remote.start()
        except (ValueError, TypeError) as exc:  # a URL pyserial refuses: no remote, said once
            remote.close()
            self.board.note("remote", f"remote off: serial url {url!r}: {exc}")
            return
        self.remote = remote
        self._stack.callback(remote.close)

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
        self.recorder: Recorder = Recorder(path, self.clock.offset_s, on_off=self._history_off)
        self._stack.callback(self._close_recorder)
        if self.recorder.off_reason:
            self.board.note("history", self.recorder.off_reason)
        else:
            n = self.recorder.ask(MarkInterrupted())
            if n:
                self.say(f"station: {n} set(s) cut off last time marked interrupted")

    def _history_off(self, reason: str) -> None:
        """A write failed mid-run (recorder thread): say it once on every
        channel; the set goes on."""
        self.board.note("history", reason)
        if self.remote is not None:
            self.remote.send_note(reason)
        if hasattr(self, "last_status"):  # the loop's STATUS= text is known
            self.board.status(self.status_text(self.last_status))

    def _close_recorder(self) -> None:
        lost = self.recorder.close()
        if lost:
            self.say(f"station: {lost}")

    def status_text(self, text: str) -> str:
        """The service's STATUS= line: the loop's, and "history off" while it is."""
        recorder = getattr(self, "recorder", None)
        off = recorder.off_reason if recorder is not None else None
        return f"{text}; {off}" if off else text

    def _open_mqtt(self) -> None:
        """``[mqtt]``: publish state, cues and finished sets (station.net);
        hooks that only queue, so the loop never waits on the network."""
        self.mqtt: Publisher | None = None
        cfg = self.config.mqtt
        if cfg is None:
            return
        try:
            from station.net.publisher import Publisher

            pub = Publisher(cfg, db_path=None if self.recorder.off_reason else self.history_path,
                            offset_s=self.clock.offset_s, now=self.clock.now, version=__version__,
                            say=lambda text: self.say(f"station: {text}"))
        except Exception as exc:  # paho missing, a bad certificate file...
            self.board.note("mqtt", f"gym network off: {exc}")
            return

        def close() -> None:  # the last set first reaches the outbox, then out
            flushed = threading.Event()
            self.recorder.after(flushed.set, flushed.set)  # saved or not (history off)
            flushed.wait(2.0)
            pub.close(timeout=2.0)

        self._stack.callback(close)
        pub.start()
        self.mqtt = pub

    def _open_watchdog(self) -> tuple[Callable[[float], float | None] | None, Callable[[str], None]]:
        """The service manager's watchdog and STATUS line: the loop's
        (``ping``, ``status``) callbacks (``ping`` None without a watchdog)."""
        pinger = self.board.notifier.pinger()
        ping = None
        if pinger.period_s is not None:
            def ping(now: float) -> float | None:
                pinger.maybe_ping(now)
                nxt = pinger.next_ping_at()
                return None if nxt is None else max(0.0, nxt - now)

        def status(text: str) -> None:
            self.last_status = text
            self.board.status(self.status_text(text))

        self.last_status = "starting"
        if self.recorder.off_reason:
            status("starting")
        return ping, status

    def wait_idle(self, timeout_s: float) -> None:
        """Let the cues being played finish (at most ``timeout_s`` each output)."""
        for dev in (self.buzzer, self.speaker):
            if dev is not None:
                dev.wait_idle(timeout_s)

    def close(self) -> None:
        """Close every device, the last opened first (the retries stop first)."""
        self._stack.close()


def _quiet_alsa() -> None:
    """alsa-lib's own error lines off: an underrun each time the sound thread is
    late flooded the journal (station.hw.alsa_log)."""
    from station.hw.alsa_log import quiet_alsa_errors

    quiet_alsa_errors()
