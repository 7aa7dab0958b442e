"""The speaker: real PCM reaches an SDL output, at the cue's pitch and rhythm.

The capture tests run the speaker in a subprocess with SDL's ``disk`` audio
driver (conftest fixes ``dummy`` for this process, and SDL reads the driver
once), then read back the raw PCM it wrote in the mixer's own format.
"""

from __future__ import annotations

import array
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path
from types import SimpleNamespace

import pytest

from station.config import SoundConfig
from station.core.cues import MAX_QUEUED, TONAL_MID_HZ, pattern_for, tone_for
from station.core.events import Cue
from station.hw.speaker import QUIET_VOLUME, TONE_AMPLITUDE, Speaker, synthesize

REPO = Path(__file__).resolve().parents[1]
HAS_ESPEAK = shutil.which("espeak-ng") is not None
needs_espeak = pytest.mark.skipif(not HAS_ESPEAK, reason="espeak-ng not installed")

CHILD = """
import json, sys
from station.core.events import Cue
from station.hw.speaker import Speaker
import pygame
kwargs, cues = json.loads(sys.argv[1]), json.loads(sys.argv[2])
together = sys.argv[3] == "together"  # all at one instant, as the loop hands them over
with Speaker(**kwargs) as speaker:
    for name, value in cues:
        speaker.play(Cue(name, 0.0, value))
        if not together:
            assert speaker.wait_idle(10.0), "cue still sounding after 10 s"
    assert speaker.wait_idle(10.0), "cue still sounding after 10 s"
    print(json.dumps({"available": speaker.available, "reason": speaker.reason,
                      "speech": speaker.speech_available, "init": pygame.mixer.get_init()}))
"""

# mixer format -> (array typecode, full scale, zero level)
FORMATS = {
    -8: ("b", 127, 0),
    8: ("B", 127, 128),
    -16: ("h", 32767, 0),
    16: ("H", 32767, 32768),
    -32: ("i", 2147483647, 0),
    32: ("f", 1.0, 0),
}
WINDOW_S = 0.005


def run_child(tmp_path: Path, kwargs: dict, cues: list, driver: str = "disk",
              together: bool = False):
    """Play ``cues`` in a fresh process, each after the one before ended (or
    ``together``: all at once, as the main loop hands over cues of one
    instant); return (report, mono samples in -1..1, rate_hz)."""
    out = tmp_path / "out.raw"
    env = dict(os.environ)
    env.update(
        SDL_AUDIODRIVER=driver,
        SDL_DISKAUDIOFILE=str(out),
        SDL_DISKAUDIODELAY="1",  # ms between buffers: several times real time
        PYGAME_HIDE_SUPPORT_PROMPT="1",
        PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]),
    )
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(kwargs), json.dumps(cues),
         "together" if together else "apart"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    if not report["available"]:
        return report, [], 0
    rate_hz, fmt, channels = report["init"]
    typecode, full_scale, zero = FORMATS[fmt]
    data = out.read_bytes()
    frame = array.array(typecode).itemsize * channels
    raw = array.array(typecode, data[: len(data) - len(data) % frame])
    mono = [(s - zero) / full_scale for s in raw[0::channels]]
    return report, mono, rate_hz


def bursts(mono: list[float], rate_hz: int, threshold: float = 0.02) -> list[tuple[int, int]]:
    """(start, end) sample indices of sounding stretches, to WINDOW_S."""
    n = max(1, round(WINDOW_S * rate_hz))
    loud = [max(map(abs, mono[i : i + n])) > threshold for i in range(0, len(mono), n)]
    out, start = [], None
    for k, on in enumerate(loud + [False]):
        if on and start is None:
            start = k
        elif not on and start is not None:
            out.append((start * n, k * n))
            start = None
    return out


def goertzel_power(samples: list[float], rate_hz: int, freq_hz: float) -> float:
    coeff = 2 * math.cos(2 * math.pi * freq_hz / rate_hz)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / len(samples) ** 2


def assert_tone(samples: list[float], rate_hz: int, freq_hz: float) -> None:
    power = goertzel_power(samples, rate_hz, freq_hz)
    for other in (freq_hz * 0.8, freq_hz * 0.9, freq_hz * 1.1, freq_hz * 1.25):
        assert power > 20 * goertzel_power(samples, rate_hz, other), (freq_hz, other)
    crossings = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    assert crossings / (len(samples) / rate_hz) == pytest.approx(freq_hz, rel=0.03)


def test_tones_reach_the_sdl_output_at_the_cues_pitch_and_rhythm(tmp_path: Path) -> None:
    # One cue per run: the disk driver runs faster than real time, so two cues
    # in a row may leave no silence between them.
    cap = pattern_for(Cue("cap", 0.0))  # di-di-daah: 80, 80, 500 ms, the last one higher
    report, mono, rate_hz = run_child(tmp_path, {"volume": 1.0, "speech": False}, [["cap", None]])
    assert report["available"], report["reason"]
    found = bursts(mono, rate_hz)
    lengths_s = [(end - start) / rate_hz for start, end in found]
    assert len(found) == len(cap), lengths_s
    assert lengths_s == pytest.approx([on_s for on_s, _, _ in cap], abs=0.015)
    gaps_s = [(b[0] - a[1]) / rate_hz for a, b in itertools.pairwise(found)]
    assert gaps_s == pytest.approx([off_s for _, off_s, _ in cap[:-1]], abs=0.015)
    margin = round(0.005 * rate_hz)  # leave the fades out
    for (start, end), (_, _, tone_hz) in zip(found, cap):
        assert_tone(mono[start + margin : end - margin], rate_hz, tone_hz)
    assert max(map(abs, mono)) == pytest.approx(TONE_AMPLITUDE, abs=0.03)


@pytest.mark.slow  # real-time playback of whole patterns: 1.3-2.9 s
def test_a_failure_hold_sounds_fail_in_full_then_rest_on_the_output(tmp_path: Path) -> None:
    # fail and rest are handed over at one instant: both are heard, in order,
    # fail's 1.2 s low tone in full, then rest's two falling pulses
    report, mono, rate_hz = run_child(tmp_path, {"volume": 1.0, "speech": False},
                                      [["fail", None], ["rest", None]], together=True)
    assert report["available"], report["reason"]
    found = bursts(mono, rate_hz)
    lengths_s = [(end - start) / rate_hz for start, end in found]
    wanted = pattern_for(Cue("fail", 0.0)) + pattern_for(Cue("rest", 0.0))
    assert lengths_s == pytest.approx([on_s for on_s, _, _ in wanted], abs=0.015)
    # the disk driver runs faster than real time: the gap before rest is
    # CHAIN_GAP_S of real time, longer in the captured audio; never none
    assert (found[1][0] - found[0][1]) / rate_hz >= 0.02
    margin = round(0.005 * rate_hz)
    for (start, end), (_, _, tone_hz) in zip(found, wanted):
        assert_tone(mono[start + margin : end - margin], rate_hz, tone_hz)


@needs_espeak
@pytest.mark.slow  # real-time playback of whole patterns: 1.3-2.9 s
def test_with_speech_fail_is_said_in_full_before_rests_lead_tone(tmp_path: Path) -> None:
    report, mono, rate_hz = run_child(tmp_path, {"volume": 1.0, "speech": True},
                                      [["fail", None], ["rest", 15]], together=True)
    assert report["speech"]
    found = bursts(mono, rate_hz, threshold=0.05)
    starts = [a for a, _ in found]
    _, lead_s = tone_for(Cue("fail", 0.0))
    n = round(lead_s * rate_hz)
    margin = round(0.01 * rate_hz)
    fail_at = starts[0]
    assert_tone(mono[fail_at + margin: fail_at + n - margin], rate_hz, 440.0)
    # rest's lead tone (1760 Hz) comes only after "failure" was spoken
    rest_at = next(a for a in starts if a > fail_at + n + round(0.2 * rate_hz)
                   and goertzel_power(mono[a + margin: a + n - margin], rate_hz, 1760.0) > 0.01)
    spoken = mono[fail_at + n + margin: rest_at - margin]
    assert max(map(abs, spoken)) > 0.1 and (rest_at - fail_at) / rate_hz > lead_s + 0.25
    assert_tone(mono[rest_at + margin: rest_at + n - margin], rate_hz, 1760.0)


def test_quiet_mode_plays_tones_softly_and_never_speaks(tmp_path: Path) -> None:
    report, mono, rate_hz = run_child(
        tmp_path, {"volume": 1.0, "quiet": True, "speech": True}, [["count", 3]]
    )
    assert report["available"] and not report["speech"]
    found = bursts(mono, rate_hz, threshold=0.01)
    assert len(found) == 2  # count's double pip, no lead-tone-plus-phrase
    assert max(map(abs, mono)) <= QUIET_VOLUME * TONE_AMPLITUDE + 0.02


@needs_espeak
def test_speech_follows_a_short_lead_tone_on_the_output(tmp_path: Path) -> None:
    report, mono, rate_hz = run_child(tmp_path, {"volume": 1.0, "speech": True}, [["go", None]])
    assert report["speech"]
    freq_hz, lead_s = tone_for(Cue("go", 0.0))
    found = bursts(mono, rate_hz)
    start = found[0][0]
    assert_tone(mono[start + 220 : start + round(lead_s * rate_hz) - 220], rate_hz, freq_hz)
    # "go" is spoken right after the lead tone: loud audio in the next 400 ms
    after = mono[start + round(lead_s * rate_hz) + 50 : start + round((lead_s + 0.4) * rate_hz)]
    assert max(map(abs, after)) > 0.1
    sounding_s = sum(end - begin for begin, end in found) / rate_hz
    assert sounding_s > lead_s + 0.15


def test_no_audio_device_means_unavailable_and_play_does_nothing(tmp_path: Path) -> None:
    report, _, _ = run_child(
        tmp_path, {"speech": False}, [["go", None], ["rep", None]], driver="no-such-driver"
    )
    assert report["available"] is False
    assert report["reason"].startswith("no audio device:")


def test_no_mixer_in_this_process_is_not_an_error(monkeypatch) -> None:
    import pygame

    if pygame.mixer.get_init() is not None:
        pytest.skip("another test left the mixer open")

    def fail(*args, **kwargs):
        raise pygame.error("no audio hardware")

    monkeypatch.setattr(pygame.mixer, "init", fail)
    with Speaker() as speaker:
        assert not speaker.available and "no audio hardware" in speaker.reason
        speaker.play(Cue("go", 0.0))  # no error
        assert not speaker.busy and speaker.wait_idle(0.0)


@needs_espeak
def test_speech_is_prerendered_at_start_and_removed_by_close() -> None:
    with Speaker(speech=True) as speaker:
        assert speaker.available and speaker.speech_available, speaker.speech_reason
        go = speaker.speech_files["go"]
        with wave.open(str(go)) as wav:
            frames = wav.readframes(wav.getnframes())
            duration_s = wav.getnframes() / wav.getframerate()
            assert wav.getsampwidth() == 2
        assert 0.1 < duration_s < 2.0
        assert max(map(abs, array.array("h", frames))) > 3000  # not silence
        assert set(speaker.speech_files) >= {"rest", "three", "two", "one", "go", "set done"}
        assert speaker.startup_s < 5.0
    assert not go.exists() and not go.parent.exists()


def test_from_config_takes_the_sound_section() -> None:
    config = SimpleNamespace(sound=SoundConfig(volume=0.5, quiet=True, buffer_samples=512))
    with Speaker.from_config(config) as speaker:
        assert speaker.available and speaker.volume == QUIET_VOLUME
        assert not speaker.speech_available


def test_speech_off_or_quiet_gives_a_reason_and_no_files() -> None:
    with Speaker(speech=False) as speaker:
        assert not speaker.speech_available and speaker.speech_reason == "speech off"
        assert not speaker.speech_files
    with Speaker(volume=0.9, quiet=True) as speaker:
        assert speaker.volume == QUIET_VOLUME and speaker.speech_reason == "quiet mode"


@pytest.mark.parametrize(
    "kwargs, message",
    [({"volume": 1.5}, "volume.*1.5"), ({"buffer_samples": 300}, "buffer_samples.*300")],
)
def test_bad_settings_are_errors_naming_them(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        Speaker(**kwargs)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_synthesis_fills_every_mixer_format_and_channel(fmt: int) -> None:
    typecode, full_scale, zero = FORMATS[fmt]
    pattern = ((0.05, 0.02, TONAL_MID_HZ),)
    pcm = array.array(typecode, synthesize(pattern, 22050, fmt, 2))
    assert len(pcm) == 2 * (round(0.05 * 22050) + round(0.02 * 22050))
    left, right = pcm[0::2], pcm[1::2]
    assert left == right
    tone = [(s - zero) / full_scale for s in left[: round(0.05 * 22050)]]
    assert abs(tone[0]) < 0.05 and abs(tone[-1]) < 0.05  # faded: no click
    assert max(map(abs, tone)) == pytest.approx(TONE_AMPLITUDE, abs=0.05)
    assert all(s == zero for s in left[round(0.05 * 22050) :])  # the gap is silent


@pytest.mark.slow  # real-time playback of whole patterns: 1.3-2.9 s
def test_a_flood_of_cues_leaves_a_few_queued_and_the_latest_are_heard_in_order(tmp_path: Path) -> None:
    # hundreds of cues at one instant (fast time): fail in full, then only the
    # newest few (MAX_QUEUED: ticks dropped first), in order, rest last
    flood = [["tempo", None], ["rep", None]] * 200
    report, mono, rate_hz = run_child(tmp_path, {"volume": 1.0, "speech": False},
                                      [["fail", None], *flood, ["rest", None]], together=True)
    assert report["available"], report["reason"]
    found = bursts(mono, rate_hz)
    lengths_s = [(end - start) / rate_hz for start, end in found]
    rep = pattern_for(Cue("rep", 0.0))
    wanted = pattern_for(Cue("fail", 0.0)) + rep * (MAX_QUEUED - 1) + pattern_for(Cue("rest", 0.0))
    assert lengths_s == pytest.approx([on_s for on_s, _, _ in wanted], abs=0.015)
