"""Snapshots built by hand, for tests that feed a screen, a remote or a
simulated lifter without running the engine."""

from __future__ import annotations

from typing import Any

from station.core.events import Phase
from station.core.snapshot import Snapshot


def snapshot(method: str = "cluster", phase: Phase = Phase.WORK, **fields: Any) -> Snapshot:
    """A :class:`~station.core.snapshot.Snapshot` of ``method`` in ``phase``:
    bout 0, no reps, no bouts, no times (None), no load, no spotter; any
    field given by name replaces its default."""
    base: dict[str, Any] = {
        "method": method, "phase": phase, "bout_index": 0, "bouts_planned": None, "reps_in_bout": 0,
        "target_reps": None, "bouts": (), "total_reps": 0, "phase_started_at": None, "phase_ends_at": None,
        "seconds_left": None, "set_started_at": None, "cap_at": None, "cap_left_s": None, "cap_reached": False,
        "load_kg": None, "variation": None, "next_load_kg": None, "next_variation": None, "lowering_s": None,
        "done_reason": None, "spotter_required": False, "spotter_confirmed": False,
    }
    base.update(fields)
    return Snapshot(**base)
