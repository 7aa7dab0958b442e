"""The cue step of ``station check``: every cue on the buzzer and the
speaker (and the remote), each printed as it should sound, with a gap
(``CheckSettings.gap_s``, s) after each; then one item for the buzzer and one
for the speaker (its SDL audio driver and ALSA card)."""

from __future__ import annotations

from station.core.cues import pattern_duration_s, pattern_for, rhythm
from station.core.events import Cue
from station.selftest.report import FAILED, OK, SKIPPED
from station.selftest.walk import Walk
from station.ui.view.messages import ShowMessage

#: A value for the cues that take one, so they sound as in a set.
_CUE_VALUES = {"count": 3, "tempo": 1}


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


class SoundSteps(Walk):
    """The cue step."""

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
            self._add("speaker", OK, f"{played} ({sound_device()})")
        elif not self.station.opts.sound:
            self._add("speaker", SKIPPED, "--no-sound")
        else:
            self._add("speaker", SKIPPED, self._note_text("sound") or "no speaker")


def sound_device(cards: str = "/proc/asound/cards") -> str:
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
