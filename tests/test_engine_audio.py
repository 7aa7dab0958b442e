"""What the lifter hears of the cap and the lowering rules, captured from the
speaker's real output (SDL ``disk`` driver, see test_speaker)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scripting import run_script
from test_speaker import assert_tone, bursts, run_child

from station.core.cues import pattern_for
from station.core.events import Cue, Rep
from station.core.methods import compile_plan


def _heard(tmp_path: Path, cues: list) -> list[tuple[float, float]]:
    report, mono, rate_hz = run_child(tmp_path, {"volume": 1.0, "speech": False}, cues,
                                      together=True)
    assert report["available"], report["reason"]
    found = bursts(mono, rate_hz)
    wanted = [step for name, value in cues for step in pattern_for(Cue(name, 0.0, value))]
    lengths_s = [(end - start) / rate_hz for start, end in found]
    assert lengths_s == pytest.approx([on_s for on_s, _, _ in wanted], abs=0.015)
    margin = round(0.005 * rate_hz)
    for (start, end), (_, _, tone_hz) in zip(found, wanted):
        assert_tone(mono[start + margin : end - margin], rate_hz, tone_hz)
    return lengths_s


@pytest.mark.slow
def test_the_last_clusters_go_and_last_one_are_both_heard_in_full(tmp_path: Path) -> None:
    # a capped cluster set: the 13th cluster's go and "last one" share 239 s
    plan, _ = compile_plan("cluster")
    ats = [20.0 * k + i for k in range(12) for i in range(5)] + [239.0 + i for i in range(1, 6)]
    run = run_script(plan, [(t, Rep(t)) for t in ats], until=300)
    same = [(n, v) for n, at, v in run.cues if at == 239.0]
    assert same == [("go", None), ("cap", "last")]
    assert run.cues[-1] == ("done", 244.0, "cap")
    assert not [c for c in run.cues if c[0] in ("rest", "count") and c[1] > 239.0]
    _heard(tmp_path, [list(c) for c in same])


@pytest.mark.slow
def test_slower_is_two_long_falling_tones(tmp_path: Path) -> None:
    lengths = _heard(tmp_path, [["slower", 3.8]])
    assert lengths == pytest.approx([0.3, 0.3], abs=0.015)
