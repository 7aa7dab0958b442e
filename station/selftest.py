"""The self-test behind ``station check``: for the person wiring the station.

It walks through the hardware one step at a time, printing each step (and
showing it on the station's screen): the pin factory in use, which BCM pins
the button and buzzer are on, every cue on the buzzer and the speaker, then a
press, a hold and a double press on the real button, the serial ports
present and the remote's link. Each step becomes one :class:`Item` of the
:class:`Report`: OK, FAILED or SKIPPED, with what was seen and, on a
failure, what to check with the soldering iron.

The presses are judged by the same gesture rules as a set
(:mod:`station.core.gestures`), fed with the raw edges the main loop's queue
receives, so "OK" here means "the station will see it at the rack", bounce
included. All instants (``*_at``) are station-clock seconds; durations
(``*_s``) are seconds.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from station.core import gestures
from station.core.cues import pattern_duration_s, pattern_for, rhythm
from station.core.events import CUE_NAMES, Cue, End, Fail, Rep, Undo
from station.core.gestures import Edge, GestureState
from station.runtime.loop import Note, Quit
from station.ui.messages import Message, ShowMessage, ShowNotes

OK, FAILED, SKIPPED = "OK", "FAILED", "SKIPPED"

#: Where Linux names the board (a Raspberry Pi says so here).
BOARD_MODEL_PATH = Path("/proc/device-tree/model")

#: How long a remote gets to open when it was not open at the start, at most, s.
REMOTE_OPEN_MAX_S = 5.0

#: A value for the cues that take one, so they sound as in a set.
_CUE_VALUES = {"count": 3, "tempo": 1}

_MOCK_BUTTON = "no real pins: the space key (window or terminal display) is the button"

_GESTURE_WORDS = {Rep: "a press", Fail: "a hold", End: "a long hold that ends a set",
                  Undo: "a double press: undo"}


@dataclass(frozen=True)
class Item:
    """One line of the summary. ``status``: OK, FAILED or SKIPPED;
    ``detail``: what was seen, or why it failed / was skipped."""

    name: str
    status: str
    detail: str = ""


@dataclass
class Report:
    """Every step's :class:`Item`, in order. ``stopped``: why the check was cut
    short (Esc, SIGINT...), or None."""

    items: list[Item] = field(default_factory=list)
    stopped: str | None = None

    def item(self, name: str) -> Item:
        """The item called ``name``; KeyError naming it and the known ones."""
        for it in self.items:
            if it.name == name:
                return it
        raise KeyError(f"no check item {name!r}; items: {', '.join(i.name for i in self.items)}")

    @property
    def failed(self) -> list[Item]:
        return [it for it in self.items if it.status == FAILED]

    @property
    def exit_code(self) -> int:
        """0 when every item is OK or SKIPPED; 1 if one failed or the check
        was stopped before the end."""
        return 1 if self.failed or self.stopped else 0

    def table(self) -> str:
        """The summary as aligned plain text, one item per line."""
        width = max([len(it.name) for it in self.items] + [5])
        lines = [f"{'check':<{width}}  {'result':<7}  detail", "-" * (width + 30)]
        for it in self.items:
            lines.append(f"{it.name:<{width}}  {it.status:<7}  {it.detail}".rstrip())
        if self.stopped:
            lines.append(f"check stopped: {self.stopped}")
        lines.append(self.verdict())
        return "\n".join(lines)

    def verdict(self) -> str:
        """The last line: "all good" only when every item is OK; the items
        not checked are named (why is on their own line, said once)."""
        failed = len(self.failed)
        skipped = [it.name for it in self.items if it.status == SKIPPED]
        not_checked = f"not checked: {', '.join(skipped)}" if skipped else ""
        if failed:
            return f"{failed} item(s) failed" + (f"; {not_checked}" if skipped else "")
        if self.stopped:
            return "not finished"
        if skipped:
            return f"nothing failed; {not_checked} (why: on their lines above)"
        return "all good"


@dataclass(frozen=True)
class CheckSettings:
    """``timeout_s``: how long each step waits for a press (and for the
    remote), s. ``gap_s``: silence after each cue before the next, s.
    ``cues``: the cue names to play, in order (empty: skip the cue step)."""

    timeout_s: float = 20.0
    gap_s: float = 1.0
    cues: tuple[str, ...] = CUE_NAMES

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError(f"timeout must be over 0 s, got {self.timeout_s}")
        if self.gap_s < 0:
            raise ValueError(f"gap must be 0 s or more, got {self.gap_s}")
        unknown = [c for c in self.cues if c not in CUE_NAMES]
        if unknown:
            raise ValueError(f"unknown cue(s) {', '.join(unknown)}; known: {', '.join(CUE_NAMES)}")


@dataclass(frozen=True)
class Seen:
    """What the gesture rules made of one source's edges during a step.

    ``gestures``: Rep / Fail / Undo / End in order. ``raw_edges``: contact
    edges received; ``settled_edges``: those the debouncer accepted (the rest
    were bounce). ``held_s``: first press to its release, None if it was never
    released. ``stuck``: still pressed when the step gave up."""

    gestures: tuple[object, ...] = ()
    raw_edges: int = 0
    settled_edges: int = 0
    held_s: float | None = None
    stuck: bool = False

    def kinds(self) -> list[type]:
        return [type(g) for g in self.gestures]

    def describe(self) -> str:
        """E.g. "a press (held 0.12 s)", "a hold (held 2.05 s; 3 bounce edge(s) filtered)"."""
        if not self.gestures:
            return "nothing"
        # A hold or a double press first counts a rep that it then takes back;
        # a long hold is a hold first: name only what the gesture became.
        taken_back = {getattr(g, "retract_at", None) for g in self.gestures}
        ends = {g.at for g in self.gestures if isinstance(g, End)}  # type: ignore[attr-defined]
        shown = [g for g in self.gestures
                 if not (isinstance(g, Rep) and g.at in taken_back)
                 and not (isinstance(g, Fail) and g.at in ends)]
        words = ", then ".join(_GESTURE_WORDS[type(g)] for g in shown)
        extra = []
        undo = next((g for g in shown if isinstance(g, Undo)), None)
        if undo is not None and undo.retract_at is not None:
            extra.append(f"presses {undo.at - undo.retract_at:.2f} s apart")
        elif self.held_s is not None:
            extra.append(f"held {self.held_s:.2f} s")
        bounces = self.raw_edges - self.settled_edges
        if bounces > 0:
            extra.append(f"{bounces} bounce edge(s) filtered")
        return words + (f" ({'; '.join(extra)})" if extra else "")


def describe_cue(name: str) -> str:
    """How ``name`` sounds on an active buzzer, from its pattern: e.g.
    "1 pulse, on 80 ms (1760 Hz)"."""
    pattern = pattern_for(Cue(name, 0.0, _CUE_VALUES.get(name)))
    lengths = [round(x * 1000) for x in rhythm(pattern)]
    pulses, gaps = lengths[0::2], lengths[1::2]
    if len(pulses) > 2 and len(set(pulses)) == 1 and len(set(gaps)) == 1:
        steps = f"{len(pulses)} x on {pulses[0]}, off {gaps[0]} ms"
    else:
        steps = ", ".join(f"{'off' if i % 2 else 'on'} {ms}" for i, ms in enumerate(lengths)) + " ms"
    pitches = " / ".join(str(round(hz)) for hz in dict.fromkeys(hz for _, _, hz in pattern))
    n = len(pulses)
    return f"{n} pulse{'s' if n > 1 else ''}, {steps} ({pitches} Hz)"


class _Stopped(Exception):
    """The user quit (Esc, window closed, SIGINT): stop the check."""


def read_board_model(path: Path = BOARD_MODEL_PATH) -> str | None:
    """The board's name ("Raspberry Pi 4 Model B Rev 1.4"), or None off a Pi-like board."""
    try:
        return path.read_bytes().rstrip(b"\0\n").decode("ascii", "replace") or None
    except OSError:
        return None


class SelfTest:
    """Runs the check on a built :class:`station.runtime.app.Station`.

    ``out(text)``: where each step's lines go (print). ``board_model``: the
    board's name, to tell "mock pins on a laptop" (fine) from "mock pins on a
    Pi" (the GPIO library is missing); None reads it from the system.
    """

    def __init__(self, station, settings: CheckSettings = CheckSettings(), *,
                 out: Callable[[str], None] = print,
                 board_model: Callable[[], str | None] = read_board_model) -> None:
        self.station = station
        self.settings = settings
        self.out = out
        self.board_model = board_model
        self.loop = station.loop
        self.clock = station.clock
        self.report = Report()
        self._remote_seen: str | None = None  # first thing the remote sent

    # ------------------------------------------------------------ the steps

    def run(self) -> Report:
        """Every step in order; the report (also kept as ``self.report``)."""
        steps = [self.check_pins, self.check_display, self.check_wiring, self.check_cues, self.check_press,
                 self.check_hold, self.check_double, self.check_spotter, self.check_ports,
                 self.check_remote]
        for step in steps:
            try:
                step()
            except _Stopped as exc:
                self.report.stopped = str(exc)
                break
        return self.report

    def check_pins(self) -> None:
        choice = self.station.pin_choice
        if choice.name != "mock":
            self._add("pin factory", OK, choice.name)
            return
        board = self.board_model()
        if choice.note and board and "raspberry pi" in board.lower():
            self._add("pin factory", FAILED,
                      f"mock pins on a {board}: no GPIO library works here "
                      "(install lgpio: sudo apt install python3-lgpio)")
        elif choice.note:
            self._add("pin factory", OK, f"mock: no GPIO here; {_MOCK_BUTTON}")
        else:
            self._add("pin factory", OK, f"mock, as asked; {_MOCK_BUTTON}")

    def check_display(self) -> None:
        """Which display is in use and through which SDL driver (KMSDRM on a
        console-only Pi); a fallback from the wanted one is a failure."""
        screen = self.station.screen
        kind = type(screen).__name__
        problem = self.station.problems.get("display")
        if kind == "ScreenThread":
            self._add("display", OK, f"{getattr(screen, 'mode', 'pygame')}, SDL video driver "
                                     f"{_video_driver()}")
        elif problem:
            self._add("display", FAILED, f"{problem}; {kind.replace('Screen', '').lower()} "
                                         "display meanwhile")
        elif kind == "TerminalScreen":
            self._add("display", OK, "terminal, as asked")
        else:
            self._add("display", SKIPPED, "no display (--display none)")

    def check_wiring(self) -> None:
        pins = self.station.config.pins
        parts = [f"button on BCM {pins.button}", f"buzzer on BCM {pins.buzzer} ({pins.buzzer_kind}"
                 + ("" if pins.buzzer_active_high else ", active low") + ")"]
        if pins.spotter_button:
            parts.append(f"spotter button on BCM {pins.spotter_button}")
        problems = [text for key, text in self.station.notes if key in ("button", "buzzer")]
        if problems:
            hint = "; is the station service running? (sudo systemctl stop station)"
            self._add("wiring", FAILED, "; ".join(problems) + hint)
        else:
            self._add("wiring", OK, ", ".join(parts))

    def check_cues(self) -> None:
        sinks = {s.name: s for s in self.loop.sinks}
        names = self.settings.cues
        errors: dict[str, str] = {}
        if names and sinks:
            self._show("CUES", [], f"listen: {len(names)} cue(s) on {' + '.join(sinks)}, "
                                  "each should sound as printed")
            width = max(len(n) for n in names)
            for name in names:
                cue = Cue(name, self.clock.now(), _CUE_VALUES.get(name))
                self.out(f"  {name:<{width}}  {describe_cue(name)}")
                self._present(ShowMessage("CUES", (name, describe_cue(name)), prompt="listen"))
                for sink_name, sink in sinks.items():
                    try:
                        sink.play(cue)
                    except Exception as exc:  # a broken output must not stop the check  # noqa: BLE001
                        errors.setdefault(sink_name, f"{name}: {exc}")
                if self.station.remote is not None:
                    self.station.remote.send_cue(name)
                self._pause(pattern_duration_s(pattern_for(cue)) + self.settings.gap_s)
        played = f"{len(names)} cue(s) played: did each sound as printed?"
        buzzer = getattr(self.station, "buzzer", None)
        if "buzzer" in errors:
            self._add("buzzer", FAILED, errors["buzzer"])
        elif not names:
            self._add("buzzer", SKIPPED, "no cues asked for (--cues none)")
        elif buzzer is not None and buzzer.muted:
            self._add("buzzer", SKIPPED, "muted: [sound] quiet = true")
        elif "buzzer" in sinks:
            self._add("buzzer", OK, played)
        else:
            self._add("buzzer", FAILED, self._note_text("buzzer") or "no buzzer")
        if "speaker" in errors:
            self._add("speaker", FAILED, errors["speaker"])
        elif not names:
            self._add("speaker", SKIPPED, "no cues asked for (--cues none)")
        elif "speaker" in sinks:
            self._add("speaker", OK, f"{played} ({_sound_device()})")
        elif not self.station.opts.sound:
            self._add("speaker", SKIPPED, "--no-sound")
        else:
            self._add("speaker", SKIPPED, self._note_text("sound") or "no speaker")

    def check_press(self) -> None:
        self._button_step("press", "press the button once", [Rep],
                          "press and let go within {hold_s:g} s")

    def check_hold(self) -> None:
        cfg = self.loop.gesture_config
        aim_s = round((cfg.hold_s + cfg.end_hold_s) / 2, 1)
        self._button_step("hold", f"hold the button for {aim_s:g} s", [Rep, Fail],
                          "hold it between {hold_s:g} and {end_hold_s:g} s")

    def check_double(self) -> None:
        self._button_step("double press", "press the button twice quickly", [Rep, Undo],
                          "the second press must come within {double_s:g} s of the first",
                          linger_s=1.0)

    def check_spotter(self) -> None:
        pin = self.station.config.pins.spotter_button
        if not pin:
            return  # none configured: not worth a line
        self._button_step("spotter press", "press the spotter's button once", [Rep],
                          "press and let go within {hold_s:g} s", source="spotter",
                          button=self.station.spotter_button, pin=pin)

    def check_ports(self) -> None:
        from station.hw.serial_link import list_ports

        try:
            ports = list_ports()
        except Exception as exc:  # pyserial's port scan can fail on odd systems  # noqa: BLE001
            self._add("serial ports", FAILED, f"could not list serial ports: {exc}")
            return
        self._present(ShowMessage("SERIAL", tuple(ports or ["no serial ports"]), prompt=""))
        if ports:
            self._add("serial ports", OK, ", ".join(ports))
        else:
            self._add("serial ports", SKIPPED, "none found")

    def check_remote(self) -> None:
        remote = self.station.remote
        if remote is None:
            self._add("remote link", SKIPPED, "no --serial URL and no [serial] url in the config")
            return
        url = remote.url
        if not remote.status.connected:
            wait_s = min(self.settings.timeout_s, REMOTE_OPEN_MAX_S)
            self._show("REMOTE", [f"remote on {url} is not open yet", remote.status.detail],
                       f"plug it in (waiting {wait_s:g} s)")
            self._wait_for(lambda: remote.status.connected, wait_s)
        if not remote.status.connected:
            self._add("remote link", FAILED, f"{url}: {remote.status.detail}; check the cable, "
                      "the device name (ls /dev/serial/by-id/) and [serial] url")
            self._add("remote button", SKIPPED, "the link is not open")
            return
        self._add("remote link", OK, f"{url} open at {remote.baud} baud, HELLO sent")
        if self._remote_seen is None:
            self._show("REMOTE", [f"remote on {url}"],
                       f"press the remote's button ({self.settings.timeout_s:g} s)")
            self._wait_for(lambda: self._remote_seen is not None, self.settings.timeout_s)
        if self._remote_seen is not None:
            self._add("remote button", OK, f"{self._remote_seen} from the remote")
        else:
            self._add("remote button", FAILED,
                      f"nothing from the remote in {self.settings.timeout_s:g} s: check TX/RX "
                      f"are crossed, GND is shared and the remote runs at {remote.baud} baud")

    # ------------------------------------------------------------ buttons

    def _button_step(self, name: str, ask: str, expect: list[type], rule: str, *,
                     source: str = "gpio", button: object = None, pin: int | None = None,
                     linger_s: float = 0.0) -> None:
        cfg = self.loop.gesture_config
        rule = rule.format(hold_s=cfg.hold_s, end_hold_s=cfg.end_hold_s, double_s=cfg.double_s)
        if source == "gpio":
            button, pin = self.station.button, self.station.config.pins.button
        if button is None:
            self._add(name, SKIPPED, f"no button on BCM {pin} (see wiring)")
            return
        sources = {source}
        if source == "gpio" and self.station.pin_choice.name == "mock":
            sources.add("keyboard")  # mock pins: the space key stands in for the button
        timeout_s = self.settings.timeout_s
        stuck_at_start = _reads_pressed(button)
        self._show(name.upper(), [], f"{ask} ({rule}; waiting {timeout_s:g} s)")
        seen = self._watch(sources, timeout_s, linger_s)
        if seen.kinds() == expect and not seen.stuck:
            self._add(name, OK, seen.describe())
            return
        if not seen.gestures:
            if stuck_at_start:
                why = (f"BCM {pin} reads pressed all the time: is it shorted to GND, "
                       "or wired to 3V3 instead of GND?")
            else:
                why = (f"no press seen in {timeout_s:g} s: check the wiring of BCM {pin} to GND "
                       "(one leg of the button to the pin, the other to a GND pin)")
            self._add(name, FAILED, why)
        elif seen.stuck:
            self._add(name, FAILED, f"pressed but not released in {timeout_s:g} s: "
                                    f"is BCM {pin} shorted to GND?")
        else:
            reps = [g.at for g in seen.gestures if isinstance(g, Rep)]
            hint = rule
            if expect == [Rep, Undo] and len(reps) >= 2:
                hint = f"the presses were {reps[1] - reps[0]:.2f} s apart; {rule}"
            self._add(name, FAILED, f"saw {seen.describe()}: {hint}")

    def _watch(self, sources: set[str], timeout_s: float, linger_s: float) -> Seen:
        """Feed the edges of ``sources`` to the gesture rules until the
        gesture is over: released, settled, and no double press possible any
        more (plus ``linger_s`` s for a late second press). Gives up
        ``timeout_s`` s after the start, or after the first press if stuck."""
        cfg = self.loop.gesture_config
        g = GestureState(cfg)
        found: list[object] = []
        raw = settled = 0
        last_edge_at = 0.0  # the last raw edge fed: a settled level is stamped with it
        first_at: float | None = None  # the first press that counted
        held_s: float | None = None
        deadline = self.clock.now() + timeout_s
        quiet_at = None  # since when the gesture has been over

        def step(new: GestureState, gs: Sequence[object]) -> None:
            nonlocal g, settled, first_at, held_s, deadline
            if new.level != g.level:
                settled += 1
                if g.level and held_s is None and first_at is not None:
                    held_s = last_edge_at - first_at
            g = new
            found.extend(gs)
            if first_at is None and found:
                first_at = found[0].at  # type: ignore[attr-defined]
                deadline = first_at + timeout_s

        def double_until() -> float | None:
            """While a second press would still make an undo: until when, s."""
            last = found[-1] if found else None
            return last.at + cfg.double_s if isinstance(last, Rep) else None

        while True:
            now = self.clock.now()
            window = double_until()
            over = (first_at is not None and not g.level and gestures.next_deadline(g) is None
                    and (window is None or now >= window))
            if not over:
                quiet_at = None
            elif quiet_at is None:
                quiet_at = now
            if (quiet_at is not None and now >= quiet_at + linger_s) or now >= deadline:
                break
            wake = [deadline, gestures.next_deadline(g), window,
                    None if quiet_at is None else quiet_at + linger_s]
            for item in self._take(min(w for w in wake if w is not None)):
                if isinstance(item, Edge) and item.source in sources:
                    raw += 1
                    last_edge_at = item.at
                    step(*gestures.on_edge(g, item))
            step(*gestures.on_time(g, self.clock.now()))
        return Seen(tuple(found), raw, settled, held_s, stuck=g.level)

    # ------------------------------------------------------------ the queue

    def _take(self, until: float) -> list[object]:
        """Wait until ``until`` (s) for items on the main loop's queue, then
        drain it. Notes are shown, remote activity remembered, Quit raises
        :class:`_Stopped`; everything else is returned."""
        items = []
        try:
            items.append(self.clock.get(self.loop.queue, max(0.0, until - self.clock.now())))
            while True:
                items.append(self.loop.queue.get_nowait())
        except queue.Empty:
            pass
        out = []
        for item in items:
            if isinstance(item, Quit):
                raise _Stopped(item.why)
            if isinstance(item, Note):
                self._note(item)
                continue
            if self._remote_seen is None:
                self._remote_seen = _remote_activity(item)
            out.append(item)
        return out

    def _pause(self, seconds: float) -> None:
        """Let ``seconds`` s pass, still reading the queue (quit, notes)."""
        until = self.clock.now() + seconds
        while self.clock.now() < until:
            self._take(until)

    def _wait_for(self, done: Callable[[], bool], seconds: float) -> None:
        """Until ``done()`` or ``seconds`` s pass. ``done`` must only change
        when an item arrives (a remote's status change posts a note)."""
        until = self.clock.now() + seconds
        while not done() and self.clock.now() < until:
            self._take(until)

    def _note(self, item: Note) -> None:
        if item.text is None:
            self.loop.notes.pop(item.key, None)
        else:
            self.loop.notes[item.key] = item.text
            if (item.key, item.text) not in self.station.notes:  # the station said it already
                self.out(f"  note: {item.text}")
        self._present(ShowNotes(tuple(self.loop.notes.values())))

    # ------------------------------------------------------------ output

    def _add(self, name: str, status: str, detail: str) -> None:
        self.report.items.append(Item(name, status, detail))
        self.out(f"{name}: {status}" + (f" - {detail}" if detail else ""))

    def _show(self, title: str, lines: Iterable[str], prompt: str) -> None:
        """Print ``lines`` and the ``prompt`` (">> ..."); put them on the
        screen under the previous step's result, for whoever stands at it."""
        lines = tuple(lines)
        for line in lines:
            self.out(f"  {line}")
        if prompt:
            self.out(f"  >> {prompt}")
        if self.report.items:
            last = self.report.items[-1]
            lines = (f"{last.name}: {last.status}",) + lines
        self._present(ShowMessage(title, lines, prompt))

    def _present(self, message: Message) -> None:
        from station.ui.terminal import TerminalScreen

        # The terminal display would redraw over the printed steps: the
        # printed lines are the terminal view (its keys still work).
        if not isinstance(self.loop.screen, TerminalScreen):
            self.loop.present(message)

    def _note_text(self, key: str) -> str | None:
        texts = [text for k, text in self.station.notes if k == key]
        return texts[-1] if texts else None


def _video_driver() -> str:
    """SDL's video driver in use ("kmsdrm", "x11", "dummy"...)."""
    try:
        import pygame

        return pygame.display.get_driver()
    except Exception:  # noqa: BLE001 - only for the report
        return "unknown"


def _sound_device(cards: str = "/proc/asound/cards") -> str:
    """SDL's audio driver and, on Linux, the first ALSA card's name: "SDL
    audio driver alsa, ALSA card 0: HDA Intel"."""
    try:
        import pygame

        text = f"SDL audio driver {pygame.mixer.get_driver()}"
    except Exception:  # noqa: BLE001 - only for the report
        text = "SDL audio driver unknown"
    try:
        with open(cards, encoding="utf-8", errors="replace") as f:
            first = f.readline()
    except OSError:
        return text
    # " 0 [PCH            ]: HDA-Intel - HDA Intel PCH"
    if "]:" in first:
        number = first.split("[", 1)[0].strip()
        name = first.split("]:", 1)[1].split(" - ", 1)[-1].strip()
        text += f", ALSA card {number}: {name}"
    return text


def _remote_activity(item: object) -> str | None:
    """How to name ``item`` if only a remote sends it ("PRESS", "REP"...)."""
    if isinstance(item, Edge):
        return ("PRESS" if item.pressed else "RELEASE") if item.source == "remote" else None
    if isinstance(item, (Rep, Fail, Undo, End)):
        # A remote that decides its own gestures; the u/f/e keys of a display
        # post these too, but nobody types them while wiring a remote.
        return type(item).__name__.upper()
    return None


def _reads_pressed(button: object) -> bool:
    """Whether the button's pin reads pressed now (False when it cannot say)."""
    try:
        pin = button.pin  # type: ignore[attr-defined]
        state = bool(pin.state)
        return not state if getattr(pin, "pull", "up") == "up" else state
    except Exception:  # a pin that cannot be read: the press steps will tell  # noqa: BLE001
        return False
