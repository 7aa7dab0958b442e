"""What the next set of this method on this exercise should be (pure).

A rule a coach would use, stated on the summary in plain words with its
reason, e.g. "next time 2.5 kg lighter (97.5 kg): 1 of 5 clusters fell short
of 5 reps". The rules and their sources are in docs/advice.md:

- Sets whose first bout goes to failure (rest-pause, drop sets, mechanical
  drop sets, the myo-reps activation set): the first bout's reps say what RM
  the load was. Inside the method's load rule (its spec's ``load``,
  one rep of slack around a single value such as "10RM") -> the same load;
  outside -> the load that the loads module's reps-to-%1RM relation
  (:func:`loads.reload_for_reps`) gives for the rule's suggested reps. A
  14-rep first set at a "10RM" load moves up about 17 %, a 6-rep one down
  about 13 %: not one plate step.
- Methods with a rep target per bout (clusters, sport clusters, forced
  negatives): every bout on target -> the smallest step the kit allows
  heavier; the first bout short, or most bouts short by two reps or more ->
  a step lighter; otherwise the same load. The bout the time cap cut short
  does not count against the lifter.
- Strength rest-pause: reaching the time cap without a failure -> heavier
  (the step from the rule's 3RM to its 2RM by the same relation); fewer than
  5 singles before a failure -> lighter by that step; otherwise the same.
- Sport clusters stay within 40-60 % of the 1RM, whatever the set said.
- Forced negatives never go past 120 % of the 1RM: at the cap, lower more
  slowly instead.

Which rule a method follows, its nouns and its limits are its spec's
(:class:`station.core.methods.AdviceRule`, ``words``); this module names no
method.
- A set the lifter ended early (a long hold) says nothing about the load:
  no load advice.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import loads, negatives
from .events import Bout
from .loads import KG, Kit, Units
from .methods import PRESETS, SPECS, AdviceRule, Words
from .snapshot import Snapshot

#: Methods whose first bout goes to failure; its reps say what RM the load was.
FIRST_BOUT_TO_FAILURE = tuple(s.name for s in SPECS if s.advice.kind == "first-bout")
#: Strength rest-pause: fewer singles than this before a failure -> lighter
#: (methods.md: "typically 5-10 heavy singles in 2-3 minutes").
MIN_SINGLES = 5
@dataclass(frozen=True)
class Advice:
    """The next set of ``method`` on ``exercise``.

    ``change``: +1 heavier, 0 the same load, -1 lighter, None no load advice.
    ``load_kg``: the next load rounded to the kit, kg (None: unknown).
    ``reason``: why, in plain words. ``text``: the whole advice on one
    line. :attr:`lines`: the same for a narrow screen.
    """

    method: str
    exercise: str | None
    change: int | None
    load_kg: float | None
    reason: str
    text: str

    @property
    def lines(self) -> tuple[str, ...]:
        """The text as the summary shows it: what to do, then why (each
        part on its own line, so neither is cut or shrunk)."""
        if self.change is None:
            return ("next time: no load advice", self.reason)
        head, sep, why = self.text.partition(": ")
        return (head, *why.split("; ")) if sep else (self.text,)


def advise(snap: Snapshot, target_reps: int | None, kit: Kit | None = None, *,
           exercise: str | None = None, one_rm_kg: float | None = None,
           units: Units = KG) -> Advice | None:
    """The advice for the next set after ``snap`` (a finished set).

    ``target_reps``: the plan's reps per bout (None: to failure). ``kit``:
    the exercise's equipment (rounds the load, gives the smallest step; None:
    the line says heavier/lighter without a number). ``one_rm_kg``: the
    exercise's 1RM, kg, for the %1RM limits (sport clusters, negatives).
    ``units``: how loads are shown. None when there is nothing to say (no
    rep, or the set was cut off from outside).
    """
    bouts = [b for b in snap.bouts if b.reps or b.end_reason == "fail"]
    if not bouts or snap.done_reason == "abort":
        return None
    method = snap.method
    start = bouts[0].load_kg if bouts[0].load_kg is not None else snap.load_kg

    def made(change: int | None, load: float | None, reason: str, extra: str = "") -> Advice:
        return Advice(method, exercise, change, load, reason, _text(change, start, load, reason,
                                                                     extra, units))

    if snap.done_reason == "end":
        return made(None, None, "you ended the set early")
    spec = PRESETS.get(method)  # None: a method no longer registered; its rep targets, if any
    rule = spec.advice if spec is not None else AdviceRule("targets")
    words = spec.words if spec is not None else Words()
    if rule.kind == "singles":
        change, reason, raw = _singles(method, snap, bouts, start)
    elif rule.kind == "first-bout":
        change, reason, raw = _first_bout(method, bouts[0].reps, start)
    elif rule.kind in ("targets", "negatives") and target_reps is not None:
        change, reason = _targets(rule, words, snap, bouts, target_reps)
        raw = None if start is None else start + change * _step(kit)
    else:
        return None
    if start is None:
        return made(change, None, reason)
    rounded = _round(kit, raw) if change else start
    new = start if rounded is None else rounded  # raw is None only without a start load
    extra = ""
    if rule.percent_band is not None and one_rm_kg:
        kept, note = _within(kit, new, start, one_rm_kg, rule.percent_band, units, rule.who)
        if note:
            wanted, new, change = change, kept, _sign(kept - start)
            reason += f"; {note}"
            if wanted > 0 and change == 0:
                extra = "make every rep faster instead"
    if rule.top_percent is not None and one_rm_kg and new > start:
        top = one_rm_kg * rule.top_percent / 100
        if new > top + 1e-9:
            capped = _round_down(kit, top)
            if capped <= start:
                change, new = 0, start
                extra = "lower more slowly instead" + (
                    f" ({negatives.next_tempo_s(snap.eccentric_s):g} s lowerings)"
                    if snap.eccentric_s else "")
                reason += (f"; {rule.top_percent} % of your {units.show(one_rm_kg)} 1RM is the"
                           f" most for {rule.who}")
            else:
                new = capped
    if kit is not None and kit.max_kg is not None and raw is not None and raw > kit.max_kg + 1e-9 \
            and change and change > 0:
        extra = f"the kit tops out at {units.show(kit.max_kg)}"
    if change and _sign(new - start) != change:
        new = start  # the kit cannot go that way from here
    if kit is not None and new == start and change:  # the kit cannot make the step
        if change < 0 and start <= kit.min_kg + 1e-9:
            extra = f"the lightest the kit makes is {units.show(kit.min_kg)}"
        elif change > 0 and kit.max_kg is not None and start >= kit.max_kg - 1e-9:
            extra = f"the kit tops out at {units.show(kit.max_kg)}"
        else:
            extra = extra or "the kit has no load in between"
        change = 0
    return made(change, new, reason, extra)


def next_set(snap: Snapshot, target_reps: int | None, kit: Kit | None = None, **kw: object) -> str | None:
    """:func:`advise`'s text for the summary, or None."""
    a = advise(snap, target_reps, kit, **kw)  # type: ignore[arg-type]
    return None if a is None else a.text


# ------------------------------------------------------------ the rules


def _first_bout(method: str, reps: int, load: float | None) -> tuple[int, str, float | None]:
    rule = loads.load_rule(method)
    low, high = rule.low, rule.high
    if low == high:  # a single value ("10RM"): one rep either side is the same load
        low, high = low - 1, high + 1
    what = f"{PRESETS[method].advice.first} {reps} rep{'s' if reps != 1 else ''}"
    aim = f"a {rule.text} load makes {low}-{high}"
    if low <= reps <= high:
        span = "" if rule.text == f"{low}-{high}RM" else f" ({low}-{high})"  # "10-12RM (10-12)" says it twice
        return 0, f"{what}, on target for a {rule.text} load{span}", load
    raw = None if load is None else loads.reload_for_reps(load, reps, rule.suggested)
    more = " (at least: past 20 reps the relation stops)" if reps > loads.MAX_EXTRAPOLATED_REPS else ""
    return (1 if reps > high else -1), f"{what}, {aim}{more}", raw


def _singles(method: str, snap: Snapshot, bouts: list[Bout], load: float | None) -> tuple[int, str, float | None]:
    n = sum(b.reps for b in bouts)
    failed = any(b.end_reason == "fail" for b in bouts)
    rule = loads.load_rule(method)  # strength rest-pause: 2-3RM
    up = None if load is None else loads.reload_for_reps(load, rule.high, rule.low)
    down = None if load is None else loads.reload_for_reps(load, rule.low, rule.high)
    singles = f"{n} single{'s' if n != 1 else ''}"
    if not failed and snap.done_reason == "cap":
        return 1, f"{singles} to the time cap without a failure", up
    if failed and n < MIN_SINGLES:
        return -1, f"{singles} before a failure; aim for {MIN_SINGLES}-10", down
    return 0, f"{singles}, within the {MIN_SINGLES}-10 aim", load


def _targets(rule: AdviceRule, words: Words, snap: Snapshot, bouts: list[Bout],
             target: int) -> tuple[int, str]:
    one, many = words.noun, words.plural
    cut_short = (snap.done_reason == "cap" and len(bouts) > 1 and bouts[-1].reps < target)
    ran = bouts[:-1] if cut_short else bouts  # the cap ended that one, not the lifter
    short = [b for b in ran if b.reps < target]
    n = len(ran)
    if rule.kind == "negatives":
        reps = sum(b.reps for b in ran)
        if reps < target:
            return -1, f"{reps} of {target} {many} done"
        fast = negatives.short_lowerings(ran, snap.eccentric_s) if snap.eccentric_s else []
        if fast:  # the lowering is the point: slower first, then heavier
            return 0, (f"{len(fast)} of {reps} {many} lowered in under "
                       f"{snap.eccentric_s:g} s; lower slower")
        return 1, f"all {target} {many} done"
    if not short:
        return 1, f"all {n} {many if n != 1 else one} made {target} reps"
    fell = f"{len(short)} of {n} {many if n != 1 else one} fell short of {target} reps"
    if ran[0].reps < target or sum(target - b.reps >= 2 for b in ran) * 2 > n:
        return -1, fell
    return 0, fell


# ------------------------------------------------------------ loads


def _step(kit: Kit | None) -> float:
    return kit.step_kg if kit is not None and kit.step_kg else 0.0


def _round(kit: Kit | None, kg: float | None) -> float | None:
    if kg is None:
        return None
    return kit.round(max(kg, 0.0)).total_kg if kit is not None else round(kg, 1)


def _round_down(kit: Kit | None, kg: float) -> float:
    """The heaviest load the kit makes at or below ``kg`` (near it)."""
    got = _round(kit, kg)
    step = _step(kit) or 0.5
    for _ in range(100):
        if got is None or got <= kg + 1e-9:
            break
        lower = _round(kit, got - step)
        if lower is None or lower >= got:
            break  # the kit's lightest: nothing below
        got = lower
    return got if got is not None else kg


def _within(kit: Kit | None, kg: float, start: float, one_rm: float, pct: tuple[int, int],
            units: Units, who: str) -> tuple[float, str]:
    """``kg`` moved inside ``pct`` % of ``one_rm`` (on the kit; a ``start``
    inside it is kept rather than lowered), and the rule when it had to move
    ("" if it did not)."""
    lo, hi = (one_rm * p / 100 for p in pct)
    if lo - 1e-9 <= kg <= hi + 1e-9:
        return kg, ""
    rule = f"{who} stay within {pct[0]}-{pct[1]} % of your {units.show(one_rm)} 1RM"
    if kg > hi:
        return max(_round_down(kit, hi), start if lo <= start <= hi + 1e-9 else 0.0), rule
    up = _round(kit, lo)
    for _ in range(100):
        if up is None or up >= lo - 1e-9 or not _step(kit):
            break
        nxt = _round(kit, up + _step(kit))
        if nxt == up:
            break
        up = nxt
    return (up if up is not None else lo), rule


def _sign(x: float) -> int:
    return 1 if x > 1e-9 else -1 if x < -1e-9 else 0


def _text(change: int | None, start: float | None, new: float | None, reason: str, extra: str,
          units: Units) -> str:
    tail = f"; {extra}" if extra else ""
    if change is None:
        return f"next time: no load advice ({reason})"
    if start is None or new is None:
        word = {1: "heavier", -1: "lighter", 0: "the same load"}[change]
        return f"next time {word}: {reason}{tail}"
    if change == 0 or new == start:
        return f"next time the same {units.show(start)}: {reason}{tail}"
    word = "heavier" if new > start else "lighter"
    return f"next time {units.show(abs(new - start))} {word} ({units.show(new)}): {reason}{tail}"
