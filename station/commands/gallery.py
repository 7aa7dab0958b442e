"""``station gallery OUTDIR [--size WxH ...]``: a PNG of every screen.

One picture per method and phase (READY, WORK, REST, the rest's count-in,
STRIP/SWITCH, LOWER, the DONE summary, the spotter confirmation where the
method needs one), plus the start menu, an overuse warning and a screen with
status notes, at each size, from hand-built snapshots. No window opens: the
frames are drawn on off-screen surfaces, so it runs on a machine without a
display. Files: ``OUTDIR/WxH/<method>-<screen>.png``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from station.core import engine, examples
from station.core.events import Bout, Phase
from station.core.methods import PRESETS, Gallery, compile_plan
from station.core.snapshot import Snapshot
from station.ui import view
from station.ui.view import Context, Model
from station.ui.view import menu as menu_mod

DEFAULT_SIZES = ((800, 480), (1024, 600), (1280, 720), (720, 1280), (1920, 1080))



def _sample(method: str) -> Gallery:
    """The method's gallery sample (its spec's): exercise, load, reps."""
    sample = PRESETS[method].gallery
    if sample is None:
        raise KeyError(f"{method}: its spec has no gallery sample")
    return sample


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size such as 800x480, got {text!r}") from None
    if w < 64 or h < 64 or w > 8192 or h > 8192:
        raise argparse.ArgumentTypeError(f"size {text!r} is outside 64..8192 px per side")
    return (w, h)


def _bouts(reps: list[int], t0: float, rest_s: float, loads: list[float | None],
           variations: list[str | None], last_running: bool) -> tuple[Bout, ...]:
    """Bouts whose presses slow down within each bout (a fatigue curve)."""
    out = []
    t = t0
    for i, n in enumerate(reps):
        times = []
        gap = 1.6 + 0.15 * i
        for _ in range(n):
            times.append(round(t, 2))
            t += gap
            gap *= 1.12
        running = last_running and i == len(reps) - 1
        end = None if running else round(t - gap / 1.12 + 0.3, 2)
        out.append(Bout(index=i, started_at=round(times[0] if times else t, 2),
                        load_kg=loads[min(i, len(loads) - 1)] if loads else None,
                        variation=variations[min(i, len(variations) - 1)] if variations else None,
                        rest_before_s=None if i == 0 else round(rest_s + (0.4 if i % 2 else -0.2) + 0.1 * i, 1),
                        rep_times=tuple(times), ended_at=end,
                        end_reason=None if running else "target"))
        if end is not None:
            t = end + rest_s + (0.4 if (i + 1) % 2 else -0.2) + 0.1 * (i + 1)
    return tuple(out)


def _base(method: str, phase: Phase, bouts: tuple[Bout, ...], now: float, **kw: Any) -> Snapshot:
    plan, _ = compile_plan(method, load_kg=_sample(method).load_kg)
    running = bool(bouts) and bouts[-1].ended_at is None
    idx = max(0, len(bouts) - 1)
    nxt = len(bouts) if not running else idx + 1
    started = bouts[0].rep_times[0] if bouts and bouts[0].rep_times else None
    cap_at = None if plan.cap_s is None or started is None else started + plan.cap_s
    fields: dict[str, Any] = {
        "method": method, "phase": phase, "bout_index": idx, "bouts_planned": plan.max_bouts,
        "reps_in_bout": bouts[-1].reps if running else 0,
        "target_reps": plan.target_of(idx if running or not bouts else len(bouts)),
        "bouts": bouts, "total_reps": sum(b.reps for b in bouts),
        "phase_started_at": None, "phase_ends_at": None, "seconds_left": None,
        "set_started_at": started, "cap_at": cap_at,
        "cap_left_s": None if cap_at is None else max(0.0, cap_at - now), "cap_reached": False,
        "load_kg": plan.load_of(idx), "variation": plan.variation_of(idx),
        "next_load_kg": plan.load_of(nxt) if plan.max_bouts is None or nxt < plan.max_bouts else None,
        "next_variation": plan.variation_of(nxt) if nxt < len(plan.variations) else None,
        "lowering_s": None, "done_reason": None, "spotter_required": plan.spotter,
        "spotter_confirmed": phase != Phase.CONFIRM,
    }
    fields.update(kw)
    return Snapshot(**fields)


def _plates(method: str, plan: Any) -> tuple[str, ...]:
    """How each bout is loaded, as the station shows it (barbell exercises:
    the default bar and plates; the others on a machine's stack)."""
    from station.core import loads

    sample = _sample(method)
    kit = loads.Kit() if sample.barbell else loads.Kit(kind="machine", increment_kg=2.5)
    kgs = plan.loads_kg or (sample.load_kg,)
    return tuple(kit.round(kg).layout() for kg in kgs)


def method_scenes(method: str) -> list[tuple[str, Snapshot, float, Context]]:
    """(name, snapshot, now s, context) for every phase ``method`` has."""
    sample = _sample(method)
    plan, _ = compile_plan(method, load_kg=sample.load_kg)
    exercise = sample.exercise
    rest = plan.rest_s or 6.0  # drop sets: the time it takes to strip or switch
    reps = list(sample.reps)
    pause = PRESETS[method].words.pause
    loads: list[float | None] = list(plan.loads_kg) or [None]
    variations: list[str | None] = list(plan.variations)
    ctx = Context(exercise=exercise, rest_s=plan.rest_s, eccentric_s=plan.eccentric_s,
                  plates=_plates(method, plan), lateness_ms=7)
    out: list[tuple[str, Snapshot, float, Context]] = []
    if plan.spotter:
        out.append(("confirm", _base(method, Phase.CONFIRM, (), 0.0), 0.0, ctx))
    out.append(("ready", _base(method, Phase.READY, (), 0.0), 0.0, ctx))
    k = min(3, len(reps))
    if (plan.target_of(k - 1) or 2) > 1:
        working = _bouts(reps[:k - 1] + [max(1, reps[k - 1] - 1)], 100.0, rest, loads, variations, True)
        now = working[-1].rep_times[-1] + 0.5
    else:  # singles: a bout ends at its first press, so WORK waits for the next one
        working = _bouts(reps[:k - 1], 100.0, rest, loads, variations, False)
        now = (working[-1].ended_at or 0.0) + rest + 0.5
    out.append(("work", _base(method, Phase.WORK, working, now), now, ctx))
    if plan.eccentric_s is not None:  # each rep a timed lowering
        t0 = working[-1].rep_times[-1]
        snap = _base(method, Phase.LOWER, working, t0 + 3.4, phase_started_at=t0,
                     phase_ends_at=t0 + (plan.eccentric_s or 5), lowering_s=3,
                     seconds_left=(plan.eccentric_s or 5) - 3.4)
        out.append(("lower", snap, t0 + 3.4, ctx))
    finished = _bouts(reps[:k], 100.0, rest, loads, variations, False)
    end = finished[-1].ended_at or 0.0
    if plan.rest_s is not None:
        for name, left in (("rest", rest * 0.6 + 0.3), ("rest-countin", 2.4)):
            now = end + rest - left
            snap = _base(method, Phase.REST, finished, now, phase_started_at=end,
                         phase_ends_at=end + rest, seconds_left=left)
            out.append((name, snap, now, ctx))
    elif pause in ("strip", "switch"):
        sctx = replace(ctx, strip="take off 1 x 10 kg each side") if pause == "strip" else ctx
        snap = _base(method, Phase.STRIP, finished[:1], end + 4.2, phase_started_at=finished[0].ended_at)
        out.append(("strip", snap, (finished[0].ended_at or 0) + 4.2, sctx))
    # The summary is the station's own: the method's example run through the engine.
    ex = examples.example(method)
    state, _ = examples.run(plan, ex.script, ex.until_s)
    dsnap = engine.snapshot(state, ex.until_s)
    from station.core import advice
    from station.core.loads import Kit

    a = advice.advise(dsnap, plan.target_reps or plan.first_target_reps, Kit(),
                      exercise=exercise, one_rm_kg=140.0)
    nxt = None if a is None else "\n".join(a.lines)
    out.append(("done", dsnap, ex.until_s, replace(ctx, next_set=nxt)))
    return out


def scenes() -> list[tuple[str, Model]]:
    """(file stem, model) for every screen the gallery shows."""
    out: list[tuple[str, Model]] = []
    for method, spec in PRESETS.items():
        if spec.gallery is None:
            continue
        for name, snap, now, ctx in method_scenes(method):
            out.append((f"{method}-{name}", view.model_for(snap, now, ctx)))
    menu = menu_mod.build_menu(["Tuesday squat clusters", "arms finisher"]).press().press()
    out.append(("menu", menu_mod.to_model(menu)))
    out.append(("warning", view.warning_model((
        "cluster sets for back squat in 4 of the last 7 days.",
        "Intensification methods work as occasional tools:",
        "consider a normal set today.",
    ))))
    name, snap, now, ctx = method_scenes("cluster")[2]
    noted = replace(ctx, notes=("remote lost: retrying", "no sound", "mock pins", "config: unknown key 'rset_s'"))
    out.append(("status-notes", view.model_for(snap, now, noted)))
    name, snap, now, ctx = method_scenes("cluster")[-1]
    out.append(("late-cue-summary", view.model_for(snap, now, replace(ctx, lateness_ms=34.0))))
    return out


def write_gallery(outdir: Path, sizes: tuple[tuple[int, int], ...] = DEFAULT_SIZES) -> list[Path]:
    """Draw every scene at every size into ``outdir``; return the files written."""
    import pygame

    from station.ui.pygame.render import Renderer

    renderer = Renderer()
    written = []
    all_scenes = scenes()
    for w, h in sizes:
        folder = outdir / f"{w}x{h}"
        folder.mkdir(parents=True, exist_ok=True)
        surface = pygame.Surface((w, h))
        for stem, model in all_scenes:
            renderer.draw(surface, model)
            path = folder / f"{stem}.png"
            pygame.image.save(surface, str(path))
            written.append(path)
    return written


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``station gallery``."""
    p = subparsers.add_parser(
        "gallery",
        help="write a PNG of every screen (each method and phase, menu, warnings) at each size",
        description=(
            "Write one PNG per method and phase (READY, WORK, REST and its count-in, "
            "STRIP/SWITCH, LOWER, the DONE summary, the spotter confirmation), plus the "
            "start menu, a warning and a status-note example, at each size, into "
            "OUTDIR/WxH/. No window opens."
        ),
    )
    p.add_argument("outdir", type=Path, help="folder for the PNGs (created if missing)")
    p.add_argument("--size", dest="sizes", type=_size, action="append", metavar="WxH",
                   help="a screen size, repeatable (default: 800x480 1024x600 1280x720 720x1280 1920x1080)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    sizes = tuple(args.sizes) if args.sizes else DEFAULT_SIZES
    try:
        written = write_gallery(Path(args.outdir), sizes)
    except OSError as e:
        print(f"station gallery: cannot write to {args.outdir}: {e}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} PNGs to {args.outdir}")
    return 0
