"""The button steps of ``station check``: a press, a hold and a double
press on the real button (and a press on the spotter's, if wired).

The presses are judged by the same gesture rules as a set
(:mod:`station.core.gestures`), fed with the raw edges the main loop's queue
receives, so "OK" here means "the station will see it at the rack", bounce
included. Instants (``*_at``) are station-clock seconds; durations (``*_s``)
seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from station.core import gestures
from station.core.events import End, Fail, Rep, Undo
from station.core.gestures import Edge, GestureState
from station.selftest.report import FAILED, OK, SKIPPED
from station.selftest.walk import Walk

_GESTURE_WORDS = {Rep: "a press", Fail: "a hold", End: "a long hold that ends a set",
                  Undo: "a double press: undo"}


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


class ButtonSteps(Walk):
    """The press, hold, double press and spotter press steps."""

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


def _reads_pressed(button: object) -> bool:
    """Whether the button's pin reads pressed now (False when it cannot say)."""
    try:
        pin = button.pin  # type: ignore[attr-defined]
        state = bool(pin.state)
        return not state if getattr(pin, "pull", "up") == "up" else state
    except Exception:  # a pin that cannot be read: the press steps will tell  # noqa: BLE001
        return False
