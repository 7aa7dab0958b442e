"""The cue table: every cue told apart by rhythm alone, timings kept, phrases right."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from station.core import cues
from station.core.cues import (
    LONGEST_CUE_S,
    MIN_GAP_S,
    SHORT_CUE_MAX_S,
    TONAL_MID_HZ,
    TONAL_OCTAVES,
    all_patterns,
    all_phrases,
    pattern_duration_s,
    pattern_for,
    phrase_for,
    rhythm,
    sound_table_markdown,
    speaker_tone,
    tone_for,
)
from station.core.events import CUE_NAMES, Cue

# Two lengths are heard as different when one is at least this many times the
# other. Duration discrimination needs ~10-20 %; under a bar, ask for far more.
DISTINCT_RATIO = 1.8


def cue(name: str, value: int | str | None = None) -> Cue:
    return Cue(name, 0.0, value)


def heard_apart(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Rhythms differ in pulse count, or some pulse or gap clearly differs."""
    if len(a) != len(b):
        return True
    return any(max(x, y) / min(x, y) >= DISTINCT_RATIO for x, y in zip(a, b))


def test_every_pair_of_cues_is_told_apart_by_rhythm_alone() -> None:
    rhythms = {name: rhythm(pattern_for(cue(name))) for name in CUE_NAMES}
    for (n1, r1), (n2, r2) in itertools.combinations(rhythms.items(), 2):
        assert heard_apart(r1, r2), f"{n1} {r1} and {n2} {r2} sound alike on an active buzzer"


def test_count_values_keep_the_rhythm_and_rise_in_pitch() -> None:
    patterns = {v: pattern_for(cue("count", v)) for v in (3, 2, 1)}
    assert len({rhythm(p) for p in patterns.values()}) == 1
    pitches = [patterns[v][0][2] for v in (3, 2, 1)]
    assert pitches == sorted(pitches) and len(set(pitches)) == 3


@pytest.mark.parametrize("name", ["rep", "tempo", "count"])
def test_frequent_cues_are_short(name: str) -> None:
    assert (
        pattern_duration_s(pattern_for(cue(name, 3 if name == "count" else None))) < SHORT_CUE_MAX_S
    )


def test_no_cue_is_longer_than_the_limit_and_go_is_long() -> None:
    for pattern in all_patterns():
        assert 0 < pattern_duration_s(pattern) <= LONGEST_CUE_S + 1e-9
    assert pattern_duration_s(pattern_for(cue("go"))) >= 0.5


def test_gaps_inside_patterns_are_audible_and_pitches_fit_the_tonal_buzzer() -> None:
    low, high = TONAL_MID_HZ / 2**TONAL_OCTAVES, TONAL_MID_HZ * 2**TONAL_OCTAVES
    for pattern in all_patterns():
        for _on_s, off_s, _tone_hz in pattern[:-1]:
            assert off_s >= MIN_GAP_S, pattern
        for on_s, _off_s, tone_hz in pattern:
            assert on_s > 0 and low <= tone_hz <= high, pattern


def test_rhythm_merges_steps_without_a_gap() -> None:
    assert rhythm(((0.1, 0.0, 440.0), (0.1, 0.05, 880.0), (0.2, 0.3, 440.0))) == (0.2, 0.05, 0.2)


def test_phrases() -> None:
    assert phrase_for(cue("rest")) == "rest"
    assert [phrase_for(cue("count", v)) for v in (3, 2, 1)] == ["three", "two", "one"]
    assert phrase_for(cue("go")) == "go"
    assert phrase_for(cue("strip")) == "strip the weight"
    assert phrase_for(cue("strip", "80 kg")) == "strip the weight"
    assert phrase_for(cue("strip", "skull-crusher")) == "switch variation"
    assert phrase_for(cue("cap")) == "last one"  # true for clusters and singles
    assert phrase_for(cue("done")) == "set done"
    assert phrase_for(cue("fail")) == "failure"
    assert phrase_for(cue("undo")) == "undo"
    for name in ("rep", "tempo", "warn"):
        assert phrase_for(cue(name)) is None


def test_all_phrases_covers_every_phrase_a_cue_can_have() -> None:
    values = (None, 1, 2, 3, "skull-crusher", "80 kg")
    said = {phrase_for(cue(n, v)) for n in CUE_NAMES for v in values} - {None}
    assert said == set(all_phrases())


def test_all_patterns_covers_every_pattern_a_cue_can_have() -> None:
    values = (None, 1, 2, 3, "x")
    assert {pattern_for(cue(n, v)) for n in CUE_NAMES for v in values} == set(all_patterns())


def test_speaker_plays_a_short_lead_tone_before_a_phrase_and_the_whole_pattern_otherwise() -> None:
    go = cue("go")
    freq_hz, duration_s = tone_for(go)
    assert freq_hz == pattern_for(go)[0][2] and 0.05 <= duration_s <= 0.12
    assert speaker_tone(go, speech=True) == ((duration_s, 0.0, freq_hz),)
    assert speaker_tone(go, speech=False) == pattern_for(go)
    assert speaker_tone(cue("rep"), speech=True) == pattern_for(cue("rep"))


def test_sound_table_has_one_row_per_cue_in_readme_order() -> None:
    lines = sound_table_markdown().strip().splitlines()
    assert lines[0].startswith("| cue | when |") and set(lines[1]) <= set("|-")
    rows = lines[2:]
    assert [row.split("|")[1].strip().strip("`") for row in rows] == list(CUE_NAMES)
    assert all(row.count("|") == 5 for row in rows)
    assert '"three" / "two" / "one"' in rows[CUE_NAMES.index("count")]


def test_docs_hold_the_current_table() -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "sounds.md"
    assert sound_table_markdown() in doc.read_text(encoding="utf-8")


def test_cues_module_is_pure() -> None:
    tree = ast.parse(Path(cues.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "collections", "dataclasses", "types", "typing"}, imported


def test_a_full_queue_drops_the_oldest_tick_first_then_the_oldest_meaningful_cue() -> None:
    from station.core.cues import queue_overflow

    c = lambda name: Cue(name, 0.0)  # noqa: E731
    assert queue_overflow([c("rep")] * 3, limit=3) is None
    assert queue_overflow([c("rep"), c("tempo"), c("fail"), c("count")], limit=3) == 1
    assert queue_overflow([c("rep"), c("fail"), c("rest"), c("tempo")], limit=3) == 3
    assert queue_overflow([c("rep"), c("fail"), c("rest"), c("go")], limit=3) == 0
