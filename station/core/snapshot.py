"""A plain description of where a set is, shared by screen, remote and history."""

from __future__ import annotations

from dataclasses import dataclass

from .events import Bout, Phase


@dataclass(frozen=True)
class Snapshot:
    """Everything the screen, the serial remote and the history need.

    Instants (``*_at``) are station-clock seconds; ``*_s`` are seconds.

    - ``method``: preset name, e.g. "cluster".
    - ``phase``: the current phase.
    - ``bout_index``: 0-based index of the current (or last) bout.
    - ``bouts_planned``: how many bouts the plan has, or None when open-ended
      (time cap, until failure).
    - ``reps_in_bout``: reps counted in the current bout.
    - ``target_reps``: the current bout's target, or None (to failure).
    - ``bouts``: every bout so far, finished or running, in order.
    - ``total_reps``: the sum over all bouts.
    - ``phase_started_at``: when this phase began.
    - ``phase_ends_at``: the deadline of a timed phase (REST, LOWER), else None.
    - ``seconds_left``: ``phase_ends_at - now`` clamped at 0, or None.
    - ``set_started_at``: the first rep's press edge, or None before it.
    - ``cap_at`` / ``cap_left_s``: the time cap instant and what is left of it,
      or None without a cap. ``cap_reached``: the cap has passed.
    - ``load_kg`` / ``variation``: of the current bout.
    - ``next_load_kg`` / ``next_variation``: of the next bout (drop sets).
    - ``lowering_s``: forced negatives: whole seconds into the current
      lowering (the tempo count), else None.
    - ``done_reason``: why the set ended: "complete" (every planned bout
      done), "fail" (a failure where it ends the set), "cap", "min-reps" (a
      myo-rep mini-set fell short), "end" (the lifter ended it) or "abort"
      (cut off from outside), "total" (a rest-pause total reached); None
      while running.
    - ``spotter_required`` / ``spotter_confirmed``.
    - ``eccentric_s``: forced negatives: the target lowering time, s.
    - ``last_bout``: the running bout is known to be the last (the cap).
    - ``early_start_at``: in REST, from this instant a press starts the next
      bout now (go, and the press is its first rep; before it a press only
      warns); else None.
    """

    method: str
    phase: Phase
    bout_index: int
    bouts_planned: int | None
    reps_in_bout: int
    target_reps: int | None
    bouts: tuple[Bout, ...]
    total_reps: int
    phase_started_at: float | None
    phase_ends_at: float | None
    seconds_left: float | None
    set_started_at: float | None
    cap_at: float | None
    cap_left_s: float | None
    cap_reached: bool
    load_kg: float | None
    variation: str | None
    next_load_kg: float | None
    next_variation: str | None
    lowering_s: int | None
    done_reason: str | None
    spotter_required: bool
    spotter_confirmed: bool
    eccentric_s: float | None = None
    last_bout: bool = False
    early_start_at: float | None = None

    @property
    def reps_per_bout(self) -> tuple[int, ...]:
        """Reps of every bout so far, the running one included."""
        return tuple(b.reps for b in self.bouts)
