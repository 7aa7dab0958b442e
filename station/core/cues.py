"""What each cue sounds like: buzzer rhythms, speaker tones and spoken phrases.

One table, :data:`CUES`: a :class:`CueSpec` per cue (its meaning, pattern,
rhythm in words, phrase, the remote's pattern); everything else iterates it.

Pure data and functions (stdlib only, no clock). The shell adapters
(``station.hw.buzzer``, ``station.hw.speaker``) play what this module says.

A *pattern* is a tuple of *steps* ``(on_s, off_s, tone_hz)``: sound for
``on_s`` seconds, then silence for ``off_s`` seconds. ``tone_hz`` is the pitch
on a passive (tonal) buzzer and on the speaker; an active buzzer has one fixed
pitch, so every cue is told apart by rhythm alone (pulse count and pulse
lengths), without looking at the screen. Rules the table keeps (tests check
them):

- rep, tempo and count are shorter than :data:`SHORT_CUE_MAX_S`, so a press
  every few hundred ms or a tick every second never overlaps the next one;
- nothing lasts longer than :data:`LONGEST_CUE_S`;
- a gap inside a pattern is at least :data:`MIN_GAP_S`, long enough for an
  active buzzer to fall silent and the ear to hear two pulses.

Speaker policy (see :func:`speaker_tone`): when speech is on and the cue has a
phrase, the speaker plays a short lead tone at once (the instant
acknowledgement) and the phrase straight after it; otherwise it plays the
whole pattern, the same rhythm and pitches as a passive buzzer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # core.events takes CUE_NAMES from here
    from .events import Cue

Step = tuple[float, float, float]
"""One step of a pattern: (on_s, off_s, tone_hz)."""

Pattern = tuple[Step, ...]
"""A buzzer pattern: steps played in order."""

SHORT_CUE_MAX_S = 0.12
"""rep, tempo and count patterns last less than this, s."""

LONGEST_CUE_S = 1.2
"""No pattern lasts longer than this, s."""

MIN_GAP_S = 0.025
"""Shortest silence between two pulses of one pattern, s."""

LEAD_TONE_MIN_S = 0.05
LEAD_TONE_MAX_S = 0.12
"""Bounds of the speaker's lead tone before a phrase, s."""

# Pitches, Hz. A piezo is loudest around 2-4 kHz; low pitches mean "taken
# back / stopped", high ones "go". All lie within two octaves of A6 (1760 Hz),
# the range the tonal buzzer is set up for.
A4, D5, A5, D6, E6 = 440.0, 587.0, 880.0, 1175.0, 1319.0
G6, A6, C7, E7, A7 = 1568.0, 1760.0, 2093.0, 2637.0, 3520.0
TONAL_MID_HZ = A6
TONAL_OCTAVES = 2

_COUNT_HZ = MappingProxyType({3: E6, 2: G6, 1: A6})  # rising towards "go"
_COUNT_WORDS = MappingProxyType({3: "three", 2: "two", 1: "one"})


def _count_pattern(tone_hz: float) -> Pattern:
    return ((0.03, 0.03, tone_hz), (0.03, 0.0, tone_hz))


@dataclass(frozen=True)
class CueSpec:
    """Everything about one cue, in one row of :data:`CUES`.

    ``when``: what it tells the lifter. ``pattern``: the buzzer's (and the
    speaker's tone) pattern (``count``: its pitch by value, see
    :func:`pattern_for`). ``rhythm_words``: that rhythm in words (the sound
    table). ``phrase``: what the speaker says, or None for a tone only (it
    must be instant, or the screen says it). ``remote_ms``: the remote's own
    buzzer pattern, alternating on/off ms starting with on (the firmware in
    ``hardware/remote`` keeps a copy; a test checks it equals this).
    ``skippable``: an output may skip it when late (:data:`SKIPPABLE_WHEN_LATE`).
    """

    name: str
    when: str
    pattern: Pattern
    rhythm_words: str
    phrase: str | None
    remote_ms: tuple[int, ...]
    skippable: bool = False


#: Every cue the engine can emit, in the order of the README's sound table.
CUES: tuple[CueSpec, ...] = (
    CueSpec("rep", "a press was counted as a rep",
            ((0.08, 0.0, A6),), "one short blip", None, (40,)),
    CueSpec("fail", "failure / end of a mini-set acknowledged (hold)",
            ((1.2, 0.0, A4),), "one long low tone", "failure", (350,)),
    CueSpec("rest", "a rest begins",
            ((0.15, 0.08, A6), (0.4, 0.0, D6)), "two falling: short, then long", "rest",
            (80, 80, 80)),
    CueSpec("count", "count-in: 3, 2, 1 s before the rest ends",
            _count_pattern(G6), "a quick double pip, higher at each count", None,  # by value
            (60,), skippable=True),
    CueSpec("go", "work again; also: spotter confirmed",
            ((0.6, 0.0, E7),), "one long high tone", "go", (600,)),
    CueSpec("strip", "strip the weight (drop set) or switch variation (mechanical drop)",
            ((0.07, 0.07, C7), (0.07, 0.07, C7), (0.07, 0.0, C7)), "three quick",
            "strip the weight", (100, 60, 100, 60, 100)),
    CueSpec("tempo", "each second of a lowering (forced negatives), and the press at its bottom",
            ((0.025, 0.0, E7),), "a very short tick", None, (20,), skippable=True),
    CueSpec("slower", "a negative was lowered faster than its target: lower slower",
            ((0.3, 0.1, D6), (0.3, 0.0, A5)), "two long, falling", "slower",
            (300, 100, 300, 100, 300)),
    CueSpec("cap", "the time cap leaves no room for another bout: this one is the last",
            ((0.08, 0.08, A6), (0.08, 0.08, A6), (0.5, 0.0, E7)),
            "di-di-daah: two short, one long rising", "last one", (250, 100, 250)),
    CueSpec("undo", "a rep was taken back (double press)",
            ((0.1, 0.1, D5), (0.1, 0.0, D5)), "two short low", "undo",
            (40, 60, 40, 60, 40, 60, 40)),
    CueSpec("done", "the set is over",
            ((0.4, 0.1, A6), (0.12, 0.1, E6), (0.4, 0.0, A5)), "long-short-long, falling",
            "set done", (150, 80, 150, 80, 500)),
    CueSpec("warn", "a press that means nothing now, or a warning to acknowledge",
            ((0.03, 0.03, A7),) * 5 + ((0.03, 0.0, A7),), "a rapid burst",
            None,  # a tone: the screen says what is wrong
            (30, 30, 30, 30, 30, 30, 30, 30, 30)),
)

#: Each cue's spec by name.
CUE_SPECS: Mapping[str, CueSpec] = MappingProxyType({c.name: c for c in CUES})
#: Every cue name, in the sound table's order (re-exported by core.events).
CUE_NAMES: tuple[str, ...] = tuple(c.name for c in CUES)

STRIP_VARIATION_PHRASE = "switch variation"

CHAIN_GAP_S = 0.03
"""Silence between a cue and the next one queued behind it, s: two cues of
one instant (``fail`` then ``rest``) are heard as two, each in full."""

STALE_QUEUED_S = 0.3
"""A queued count-in or tempo tick that would start more than this after
it was handed to the output is skipped, s: "three" a second late misleads."""

SKIPPABLE_WHEN_LATE = frozenset(c.name for c in CUES if c.skippable)
"""The only cues an output may skip (when stale); every other cue carries
meaning and is played in order and in full (unless an output falls
:data:`MAX_QUEUED` meaningful cues behind: see :func:`queue_overflow`)."""


def skip_queued(cue: Cue, waited_s: float, newer_waiting: bool) -> bool:
    """Whether an output skips ``cue``, queued behind another, when its turn
    comes after ``waited_s`` s; ``newer_waiting``: another cue is queued
    behind it. Only count-ins and tempo ticks are ever skipped: when their
    moment has passed (:data:`STALE_QUEUED_S`) or a newer cue is waiting."""
    if cue.name not in SKIPPABLE_WHEN_LATE:
        return False
    return newer_waiting or waited_s > STALE_QUEUED_S


def pattern_for(cue: Cue) -> Pattern:
    """The buzzer pattern of ``cue``. Only ``count`` depends on the value
    (its pitch rises 3 -> 2 -> 1); its rhythm never does."""
    if cue.name == "count" and isinstance(cue.value, int) and cue.value in _COUNT_HZ:
        return _count_pattern(_COUNT_HZ[cue.value])
    return CUE_SPECS[cue.name].pattern


def phrase_for(cue: Cue) -> str | None:
    """What the speaker says for ``cue``, or None for a tone only.

    ``count`` says its value ("three", "two", "one"; other values: None).
    ``strip`` says "switch variation" when its value is a variation name (a
    str with no digit, e.g. "skull-crusher") and "strip the weight" otherwise
    (None, or a load such as 80 or "80 kg").
    """
    if cue.name == "count":
        return _COUNT_WORDS.get(cue.value) if isinstance(cue.value, int) else None
    if (
        cue.name == "strip"
        and isinstance(cue.value, str)
        and cue.value.strip()
        and not any(ch.isdigit() for ch in cue.value)
    ):
        return STRIP_VARIATION_PHRASE
    return CUE_SPECS[cue.name].phrase


def tone_for(cue: Cue) -> tuple[float, float]:
    """The speaker's lead tone for ``cue``: (freq_hz, duration_s).

    The pitch of the pattern's first step, for the length of that step kept
    within [:data:`LEAD_TONE_MIN_S`, :data:`LEAD_TONE_MAX_S`]: long enough to
    hear, short enough that a phrase follows without delay.
    """
    on_s, _off_s, tone_hz = pattern_for(cue)[0]
    return tone_hz, min(max(on_s, LEAD_TONE_MIN_S), LEAD_TONE_MAX_S)


def speaker_tone(cue: Cue, *, speech: bool) -> Pattern:
    """What the speaker plays as tone for ``cue`` (a pattern, like the buzzer).

    With ``speech`` on and a phrase for the cue: only the lead tone
    (:func:`tone_for`), and the phrase follows it. Otherwise the whole
    pattern, so the speaker alone keeps every cue's rhythm.
    """
    if speech and phrase_for(cue) is not None:
        tone_hz, on_s = tone_for(cue)
        return ((on_s, 0.0, tone_hz),)
    return pattern_for(cue)


def pattern_duration_s(pattern: Pattern) -> float:
    """How long ``pattern`` sounds, s: from the first on to the last off
    (the last step's ``off_s`` is not counted)."""
    if not pattern:
        return 0.0
    return sum(on_s + off_s for on_s, off_s, _ in pattern) - pattern[-1][1]


def rhythm(pattern: Pattern) -> tuple[float, ...]:
    """The pattern as an active buzzer plays it, pitch ignored: alternating
    pulse and gap lengths, s, starting and ending with a pulse. Steps with no
    gap between them merge into one pulse."""
    out: list[float] = []
    merge = False  # the previous step had no gap: this one continues its pulse
    for on_s, off_s, _ in pattern:
        if merge:
            out[-1] += on_s
        else:
            out.append(on_s)
        merge = off_s <= 0
        if not merge:
            out.append(off_s)
    if len(out) % 2 == 0:  # ends on a gap: not part of the rhythm
        out.pop()
    return tuple(out)


def all_patterns() -> tuple[Pattern, ...]:
    """Every distinct pattern a cue can have (for synthesising at start)."""
    seen = dict.fromkeys(c.pattern for c in CUES)
    seen.update(dict.fromkeys(_count_pattern(hz) for hz in _COUNT_HZ.values()))
    return tuple(seen)


def all_phrases() -> tuple[str, ...]:
    """Every phrase :func:`phrase_for` can return (for pre-rendering at start)."""
    phrases = [c.phrase for c in CUES if c.phrase is not None]
    phrases += list(_COUNT_WORDS.values()) + [STRIP_VARIATION_PHRASE]
    return tuple(dict.fromkeys(phrases))


def _describe_steps(pattern: Pattern) -> str:
    lengths_ms = [round(length_s * 1000) for length_s in rhythm(pattern)]
    pulses, gaps = lengths_ms[0::2], lengths_ms[1::2]
    if len(pulses) > 2 and len(set(pulses)) == 1 and len(set(gaps)) == 1:
        return f"{len(pulses)} x on {pulses[0]}, off {gaps[0]} ms"
    parts = [f"{'on' if i % 2 == 0 else 'off'} {ms}" for i, ms in enumerate(lengths_ms)]
    return ", ".join(parts) + " ms"


def _describe_pitches(pattern: Pattern) -> str:
    pitches = list(dict.fromkeys(round(hz) for _, _, hz in pattern))
    return " / ".join(str(hz) for hz in pitches) + " Hz"


def sound_table_markdown() -> str:
    """The sound table as Markdown: cue, when, buzzer rhythm, speaker."""
    lines = [
        (
            "| cue | when | buzzer rhythm (an active buzzer plays the rhythm; a passive one"
            " the pitch too) | speaker (with speech; without it, the buzzer's rhythm and pitch"
            " as tones) |"
        ),
        "|---|---|---|---|",
    ]
    from .events import Cue

    for spec in CUES:
        name = spec.name
        if name == "count":
            cues = [Cue(name, 0.0, v) for v in (3, 2, 1)]
        elif name == "strip":
            cues = [Cue(name, 0.0), Cue(name, 0.0, "variation name")]
        else:
            cues = [Cue(name, 0.0)]
        pattern = pattern_for(cues[0])
        pitches = " -> ".join(dict.fromkeys(_describe_pitches(pattern_for(c)) for c in cues))
        buzzer = f"{spec.rhythm_words} ({_describe_steps(pattern)}; {pitches})"
        phrases = list(dict.fromkeys(p for p in (phrase_for(c) for c in cues) if p))
        if phrases:
            said = " / ".join(f'"{p}"' for p in phrases)
            on_s = tone_for(cues[0])[1]
            tones = " / ".join(dict.fromkeys(str(round(tone_for(c)[0])) for c in cues))
            speaker = f"{round(on_s * 1000)} ms tone at {tones} Hz, then {said}"
        else:
            speaker = "the buzzer's rhythm and pitch as tones (instant: no speech)"
        lines.append(f"| `{name}` | {spec.when} | {buzzer} | {speaker} |")
    return "\n".join(lines) + "\n"


MAX_QUEUED = 6
"""The most cues an output holds queued behind the one playing: more than
one instant's cues (rep, rest, strip and a count-in), far fewer than a
flood of fast time or a stalled output would pile up. See
:func:`queue_overflow`."""


def queue_overflow(waiting: Sequence[Cue], limit: int = MAX_QUEUED) -> int | None:
    """Which cue an output drops from ``waiting`` (queued behind the one
    playing, oldest first, the newest just appended) so that at most
    ``limit`` wait, as an index into ``waiting``; None when they fit.

    A count-in or tempo tick goes first, the oldest of them (a newer cue is
    behind it: :func:`skip_queued` would skip it anyway); only a queue full
    of meaningful cues loses one, its oldest (the output is that far behind:
    what is happening now matters more). The rest stay in order."""
    if len(waiting) <= limit:
        return None
    for i, cue in enumerate(waiting):
        if cue.name in SKIPPABLE_WHEN_LATE:
            return i
    return 0
