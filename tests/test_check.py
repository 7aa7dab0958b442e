"""`station check` in process: mock pins pressed by a driver thread that reacts
to the check's prompts as a person would, a pty or ``loop://`` remote.

Presses need real time (the check waits for real edges), so the driver thread
holds the mock pin down with real short sleeps; gesture times come from a
config with short holds. Every other wait is on a queue with a timeout.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from station import __version__
from station.cli import main
from station.core.cues import pattern_duration_s, pattern_for
from station.core.events import CUE_NAMES, Cue
from station.core.gestures import Edge
from station.hw.pins import PinChoice
from station.runtime.app import Options, Station
from station.runtime.loop import Quit
from station.selftest import (
    FAILED,
    OK,
    SKIPPED,
    CheckSettings,
    Item,
    SelfTest,
    describe_cue,
)
from station.testing import CueLog, PtyRemote, ScreenLog, ScriptedClock
from station.ui.view.messages import ShowMessage

WAIT_S = 5.0  # only reached when something is broken

#: Short gestures so a hold takes half a second, not two.
GESTURES = """\
[gestures]
debounce_s = 0.01
double_s = 0.15
hold_s = 0.3
end_hold_s = 0.8
"""


def make_station(tmp_path: Path, *, serial: str | None = None, clock=None) -> Station:
    cfg = tmp_path / "station.toml"
    cfg.write_text(GESTURES)
    opts = Options(pins="mock", display="none", sound=False, db=tmp_path / "history.sqlite3",
                   config=cfg, serial=serial)
    return Station(opts, clock=clock, out=lambda text: None)


class Person:
    """Reads the check's printed lines and acts on its prompts (``>> ...``)
    on its own thread. ``actions``: prompt substring -> what to do."""

    def __init__(self, actions: dict[str, Callable[[], None]]) -> None:
        self.actions = actions
        self.lines: list[str] = []
        self._q: queue.Queue = queue.Queue()
        self.errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        self.lines.append(text)
        self._q.put(text)

    def stop(self) -> None:
        self._q.put(None)
        self._thread.join(WAIT_S)
        if self.errors:
            raise self.errors[0]

    def _run(self) -> None:
        while (text := self._q.get()) is not None:
            if ">>" not in text:
                continue
            for key, act in self.actions.items():
                if key in text:
                    try:
                        act()
                    except BaseException as exc:  # surfaced by stop()  # noqa: BLE001
                        self.errors.append(exc)


def press(pin, down_s: float = 0.05) -> None:
    pin.drive_low()
    time.sleep(down_s)  # a real finger: only ever inside the driver thread
    pin.drive_high()


def bouncy_press(pin) -> None:
    """A press whose contact chatters (edges microseconds apart)."""
    pin.drive_low()
    pin.drive_high()
    pin.drive_low()
    time.sleep(0.05)
    pin.drive_high()


def double_press(pin, apart_s: float = 0.06) -> None:
    press(pin, 0.03)
    time.sleep(apart_s - 0.03)
    press(pin, 0.03)


# ---------------------------------------------------------------- buttons


@pytest.mark.slow
def test_press_hold_and_double_press_are_reported_ok(tmp_path: Path) -> None:
    with make_station(tmp_path) as station:
        pin = station.button.pin
        person = Person({"press the button once": lambda: bouncy_press(pin),
                         "hold the button": lambda: press(pin, 0.5),
                         "twice quickly": lambda: double_press(pin)})
        screen = ScreenLog()
        station.loop.screen = screen
        settings = CheckSettings(timeout_s=WAIT_S, gap_s=0.0, cues=("rep",))
        try:
            report = SelfTest(station, settings, out=person.say).run()
        finally:
            person.stop()
    assert report.item("press").status == OK
    assert report.item("press").detail.startswith("a press (held 0.")
    assert "bounce edge(s) filtered" in report.item("press").detail
    assert report.item("hold").status == OK
    assert report.item("hold").detail.startswith("a hold (held 0.")
    assert report.item("double press").status == OK
    assert report.item("double press").detail.startswith("a double press: undo (presses 0.")
    assert report.item("speaker").status == SKIPPED and report.item("speaker").detail == "--no-sound"
    assert report.item("remote link").status == SKIPPED
    assert report.item("display").status == SKIPPED
    assert report.exit_code == 0
    # three items were not checked: not "all good", and each says why on its own line only
    verdict = report.table().splitlines()[-1]
    assert verdict == ("nothing failed; not checked: display, speaker, remote link "
                       "(why: on their lines above)")
    assert "all good" not in report.table()
    assert sum("--no-sound" in line for line in person.lines) == 1
    # each step is on the screen too, as a message with its prompt
    prompts = [m.prompt for m in screen.shown if isinstance(m, ShowMessage)]
    assert any("press the button once" in p for p in prompts)
    assert any("hold the button for 0.6 s" in p for p in prompts)  # half-way between 0.3 and 0.8
    assert any("twice quickly" in p for p in prompts)
    # ...under the previous step's result
    hold_screen = next(m for m in screen.shown
                       if isinstance(m, ShowMessage) and "hold the button" in m.prompt)
    assert hold_screen.lines[0] == "press: OK"


def test_no_presses_at_all_fail_with_the_wiring_hint_and_exit_1(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "station.toml"
    cfg.write_text(GESTURES)
    before = signal.getsignal(signal.SIGINT)
    code = main(["--config", str(cfg), "check", "--pins", "mock", "--display", "none",
                 "--no-sound", "--db", str(tmp_path / "h.sqlite3"), "--timeout", "0.3",
                 "--gap", "0", "--cues", "rep"])
    out = capsys.readouterr().out
    assert code == 1
    hint = "no press seen in 0.3 s: check the wiring of BCM 17 to GND"
    summary = out.split("check         result")[1]
    for name in ("press", "hold", "double press"):
        assert f"\n{name:<13} FAILED   {hint}" in summary
    assert "3 item(s) failed" in summary
    assert signal.getsignal(signal.SIGINT) is before  # the check leaves Ctrl-C as it was


@pytest.mark.slow
def test_wrong_gestures_say_what_was_seen_and_what_to_do(tmp_path: Path) -> None:
    with make_station(tmp_path) as station:
        pin = station.button.pin
        person = Person({"press the button once": lambda: press(pin, 0.5),  # held too long
                         "hold the button": lambda: press(pin, 0.05),  # let go too soon
                         "twice quickly": lambda: double_press(pin, apart_s=0.4)})  # too slow
        settings = CheckSettings(timeout_s=WAIT_S, gap_s=0.0, cues=())
        st = SelfTest(station, settings, out=person.say)
        try:
            st.check_press()
            st.check_hold()
            st.check_double()
        finally:
            person.stop()
    report = st.report
    assert [i.status for i in report.items] == [FAILED, FAILED, FAILED]
    assert report.item("press").detail.startswith("saw a hold (held 0.")
    assert report.item("press").detail.endswith("press and let go within 0.3 s")
    assert report.item("hold").detail.startswith("saw a press (held 0.0")
    assert report.item("hold").detail.endswith("hold it between 0.3 and 0.8 s")
    double = report.item("double press").detail
    assert double.startswith("saw a press, then a press")
    assert "the presses were 0.4" in double
    assert double.endswith("the second press must come within 0.15 s of the first")


def test_with_mock_pins_the_space_key_is_the_button(tmp_path: Path) -> None:
    with make_station(tmp_path) as station:
        now = station.clock.now
        post = station.loop.post

        def tap() -> None:
            post(Edge(True, now(), "keyboard"))
            post(Edge(False, now() + 0.05, "keyboard"))

        person = Person({"press the button once": tap})
        st = SelfTest(station, CheckSettings(timeout_s=WAIT_S, cues=()), out=person.say)
        try:
            st.check_press()
        finally:
            person.stop()
    assert st.report.item("press") == Item("press", OK, "a press (held 0.05 s)")


def test_a_button_shorted_to_gnd_is_named(tmp_path: Path) -> None:
    with make_station(tmp_path) as station:
        station.button.pin.drive_low()  # stuck low before the check starts
        while not station.loop.queue.empty():
            station.loop.queue.get_nowait()  # ...so its edge came long before
        st = SelfTest(station, CheckSettings(timeout_s=0.2, cues=()), out=lambda t: None)
        st.check_press()
        station.button.pin.drive_high()  # gpiozero is slow to close a pressed button
    detail = st.report.item("press").detail
    assert st.report.item("press").status == FAILED
    assert detail.startswith("BCM 17 reads pressed all the time: is it shorted to GND")


def test_a_press_never_released_is_named(tmp_path: Path) -> None:
    with make_station(tmp_path) as station:
        pin = station.button.pin
        person = Person({"press the button once": pin.drive_low})
        st = SelfTest(station, CheckSettings(timeout_s=0.4, cues=()), out=person.say)
        try:
            st.check_press()
        finally:
            person.stop()
            pin.drive_high()  # gpiozero is slow to close a pressed button
    assert st.report.item("press").status == FAILED
    assert st.report.item("press").detail == ("pressed but not released in 0.4 s: "
                                              "is BCM 17 shorted to GND?")


def test_quitting_stops_the_check_and_exits_1(tmp_path: Path) -> None:
    with make_station(tmp_path) as station:
        person = Person({"press the button once": lambda: station.loop.post(Quit("SIGINT"))})
        try:
            report = SelfTest(station, CheckSettings(timeout_s=WAIT_S, cues=()),
                              out=person.say).run()
        finally:
            person.stop()
    assert report.stopped == "SIGINT"
    assert [i.name for i in report.items] == ["pin factory", "display", "wiring", "buzzer", "speaker"]
    assert report.exit_code == 1
    assert "check stopped: SIGINT" in report.table()


# ---------------------------------------------------------------- cues and pins


def test_every_cue_plays_whole_on_buzzer_and_speaker_with_its_name(tmp_path: Path) -> None:
    clock = ScriptedClock()  # jumps to the end of every wait
    lines: list[str] = []
    with make_station(tmp_path, clock=clock) as station:
        sinks = [CueLog(clock.now, "buzzer"), CueLog(clock.now, "speaker")]
        station.loop.sinks = sinks
        st = SelfTest(station, CheckSettings(gap_s=1.0), out=lines.append)
        st.check_cues()
    for sink in sinks:
        assert [name for name, _, _ in sink.heard] == list(CUE_NAMES)
        starts = [at for _, _, at in sink.heard]
        for name, at, nxt in zip(CUE_NAMES, starts, starts[1:]):
            # never cut short by the next cue: its whole pattern, then the gap
            assert nxt - at == pytest.approx(pattern_duration_s(pattern_for(Cue(name, 0))) + 1.0)
    for name in CUE_NAMES:
        assert any(line.split() and line.split()[0] == name and describe_cue(name) in line
                   for line in lines), name
    assert st.report.item("buzzer").status == OK
    assert st.report.item("speaker").status == OK
    assert describe_cue("rep") == "1 pulse, on 80 ms (1760 Hz)"
    assert describe_cue("strip") == "3 pulses, 3 x on 70, off 70 ms (2093 Hz)"


def test_a_broken_output_fails_its_item_without_stopping_the_check(tmp_path: Path) -> None:
    clock = ScriptedClock()  # jumps to the end of every wait

    class Broken:
        name = "speaker"

        def play(self, cue: Cue) -> None:
            raise OSError("ALSA: device unplugged")

    with make_station(tmp_path, clock=clock) as station:
        station.loop.sinks = [CueLog(clock.now, "buzzer"), Broken()]
        st = SelfTest(station, CheckSettings(gap_s=0.0, cues=("rep", "go")), out=lambda t: None)
        st.check_cues()
    assert st.report.item("buzzer").status == OK
    assert st.report.item("speaker").status == FAILED
    assert st.report.item("speaker").detail == "rep: ALSA: device unplugged"


def test_mock_pins_on_a_pi_mean_the_gpio_library_is_missing(tmp_path: Path) -> None:
    with make_station(tmp_path) as station:
        station.pin_choice = PinChoice(station.pin_choice.factory, "mock", "mock pins (no GPIO here)")
        on_pi = SelfTest(station, out=lambda t: None,
                         board_model=lambda: "Raspberry Pi 4 Model B Rev 1.4")
        on_pi.check_pins()
        laptop = SelfTest(station, out=lambda t: None, board_model=lambda: None)
        laptop.check_pins()
        station.pin_choice = PinChoice(station.pin_choice.factory, "lgpio")
        real = SelfTest(station, out=lambda t: None)
        real.check_pins()
        real.check_wiring()
    assert on_pi.report.item("pin factory").status == FAILED
    assert "mock pins on a Raspberry Pi 4" in on_pi.report.item("pin factory").detail
    assert "lgpio" in on_pi.report.item("pin factory").detail
    assert laptop.report.item("pin factory").status == OK
    assert laptop.report.item("pin factory").detail.startswith("mock: no GPIO here")
    assert real.report.item("pin factory").detail == "lgpio"
    assert real.report.item("wiring").detail == "button on BCM 17, buzzer on BCM 18 (active)"


# ---------------------------------------------------------------- serial


def test_a_remote_on_a_pty_says_hello_and_its_button_is_seen(tmp_path: Path) -> None:
    remote = PtyRemote(WAIT_S)
    try:
        with make_station(tmp_path, serial=remote.path) as station:
            assert remote.raw_line() == f"HELLO station {__version__}".encode()
            person = Person({"press the remote's button":
                             lambda: remote.write(b"PRESS\nRELEASE\n")})
            st = SelfTest(station, CheckSettings(timeout_s=WAIT_S), out=person.say)
            try:
                st.check_remote()
            finally:
                person.stop()
    finally:
        remote.close()
    assert st.report.item("remote link") == Item(
        "remote link", OK, f"{remote.path} open at 115200 baud, HELLO sent")
    assert st.report.item("remote button").status == OK
    assert st.report.item("remote button").detail == "PRESS from the remote"


def test_a_silent_remote_fails_with_the_serial_wiring_hint(tmp_path: Path) -> None:
    with make_station(tmp_path, serial="loop://") as station:
        st = SelfTest(station, CheckSettings(timeout_s=0.3), out=lambda t: None)
        st.check_remote()
    assert st.report.item("remote link").status == OK
    button = st.report.item("remote button")
    assert button.status == FAILED
    assert button.detail.startswith("nothing from the remote in 0.3 s: check TX/RX are crossed")


def test_a_remote_that_cannot_open_is_named_with_its_url(tmp_path: Path) -> None:
    missing = tmp_path / "ttyACM9"
    with make_station(tmp_path, serial=str(missing)) as station:
        st = SelfTest(station, CheckSettings(timeout_s=0.3), out=lambda t: None)
        st.check_remote()
    link = st.report.item("remote link")
    assert link.status == FAILED
    assert link.detail.startswith(f"{missing}: remote unavailable")
    assert "check the cable" in link.detail
    assert st.report.item("remote button").status == SKIPPED


def test_serial_ports_are_listed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("station.hw.serial_port.list_ports", lambda: ["/dev/ttyACM0", "/dev/ttyUSB0"])
    with make_station(tmp_path) as station:
        st = SelfTest(station, out=lambda t: None)
        st.check_ports()
        monkeypatch.setattr("station.hw.serial_port.list_ports", list)
        st.check_ports()
    assert st.report.items[0].detail == "/dev/ttyACM0, /dev/ttyUSB0"
    assert st.report.items[1].status == SKIPPED


def test_bad_options_are_refused(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--cues", "rep,beep"])
    assert exc.value.code == 2
    assert "unknown cue(s) beep" in capsys.readouterr().err


def test_all_good_only_when_every_item_passed() -> None:
    from station.selftest import FAILED, Item, Report

    assert Report([Item("a", OK), Item("b", OK)]).verdict() == "all good"
    assert Report([Item("a", OK), Item("b", SKIPPED, "why")]).verdict() == (
        "nothing failed; not checked: b (why: on their lines above)")
    assert Report([Item("a", FAILED), Item("b", SKIPPED)]).verdict() == (
        "1 item(s) failed; not checked: b")


def test_a_note_the_station_already_said_is_not_printed_again(tmp_path: Path) -> None:
    cfg = tmp_path / "station.toml"
    cfg.write_text("[sound]\nvolume = 9\n")
    said: list[str] = []
    opts = Options(pins="mock", display="none", sound=False, db=tmp_path / "h.sqlite3",
                   config=cfg)
    with Station(opts, out=said.append) as station:
        settings = CheckSettings(timeout_s=0.05, gap_s=0.0, cues=())
        SelfTest(station, settings, out=said.append).run()
    assert sum("sound.volume" in line for line in said) == 1, said


# ---------------------------------------------------------------- display and sound card


def test_the_display_in_use_is_named_with_its_sdl_driver(tmp_path: Path) -> None:
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    lines: list[str] = []
    with Station(Options(pins="mock", display="window", sound=False, db=tmp_path / "h.sqlite3",
                         config=cfg), out=lambda text: None) as station:
        st = SelfTest(station, CheckSettings(), out=lines.append)
        st.check_display()
    item = st.report.item("display")
    assert item.status == OK and item.detail == "window, SDL video driver dummy"


def test_a_display_fallback_fails_the_display_item_with_the_reason(tmp_path: Path,
                                                                    monkeypatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "nonexistent")
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    with Station(Options(pins="mock", display="window", sound=False, db=tmp_path / "h.sqlite3",
                         config=cfg), out=lambda text: None) as station:
        st = SelfTest(station, CheckSettings(), out=lambda text: None)
        st.check_display()
    item = st.report.item("display")
    assert item.status == FAILED
    assert "window display unavailable" in item.detail and "nonexistent" in item.detail


def test_the_speaker_item_names_the_sound_card(tmp_path: Path) -> None:
    from station.selftest.sound import sound_device

    cards = tmp_path / "cards"
    cards.write_text(" 0 [Intel          ]: HDA-Intel - HDA Intel\n"
                     "                      HDA Intel at 0x10000000 irq 40\n")
    assert sound_device(str(cards)).endswith(", ALSA card 0: HDA Intel")
    assert sound_device(str(tmp_path / "none")).startswith("SDL audio driver ")
