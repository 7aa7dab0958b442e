"""``station load``: loads from a 1RM, rounded to the bar and plates (or the
dumbbell rack, or the machine stack).

    station load squat                 every method's starting load
    station load squat --reps 5        the 5RM load
    station load --1rm 140 --percent 80 --bar 20 --plates 4x25,20,15,10,5,2.5,1.25
    station load --set 5x110           1RM estimated from a recent set

The config is read and checked every time (even with --1rm): its ``units``
("kg" or "lb") are how every weight on the command line is read and every
load is printed. Dumbbell loads are per dumbbell (a pair is lifted).

Errors (a broken config, unknown exercise, no 1RM, a kit that cannot make a
drop) go to stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any, TextIO, cast

from station.config import MAX_DUMBBELLS, MAX_PLATE_WEIGHTS, MAX_PLATES, MIN_INCREMENT_KG
from station.core import loads
from station.core.loads import DropError, Kit, Loading, Units
from station.core.methods import PRESETS


class _Usage(Exception):
    """A problem the user can fix; the message says how."""


# ---------------------------------------------------------------- argument types


#: The heaviest weight an option takes, in kg or lb (--units): 1000 kg is 2205 lb.
_MOST = 2500.0


def _positive_kg(text: str, most: float = _MOST) -> float:
    try:
        kg = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a weight, got {_clip(text)!r}") from None
    if not math.isfinite(kg) or not 0 < kg <= most:
        raise argparse.ArgumentTypeError(f"expected a weight over 0 and at most {most:g}, "
                                         f"got {_clip(text)!r}")
    return kg


def _clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _increment_kg(text: str) -> float:
    kg = _positive_kg(text, 110.0)
    if kg < MIN_INCREMENT_KG:
        raise argparse.ArgumentTypeError(f"expected a stack step of {MIN_INCREMENT_KG:g} to 110, "
                                         f"got {_clip(text)!r}")
    return kg


def _whole(lo: int, hi: int):  # type: ignore[no-untyped-def]
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {_clip(text)!r}") from None
        if not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"expected {lo} to {hi}, got {_clip(text)}")
        return n
    return parse


def _finite(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {_clip(text)!r}") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {_clip(text)!r}")
    return v


def _bar_kg(text: str) -> float:
    if text.strip() in ("0", "0.0"):
        return 0.0
    return _positive_kg(text)


def _kg_list(text: str) -> tuple[float, ...]:
    """ "4x25,20,2.5" -> (25, 25, 25, 25, 20, 2.5): a count before "x" repeats."""
    out: list[float] = []
    for item in text.split(","):
        item = item.strip().lower()
        count, _, kg = item.rpartition("x")
        try:
            n = int(count) if count else 1
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected COUNTxKG or KG, got {item!r}") from None
        if not 1 <= n <= 100:
            raise argparse.ArgumentTypeError(f"count in {_clip(item)!r} must be 1-100")
        out += [_positive_kg(kg, 450.0)] * n
        if len(out) > MAX_DUMBBELLS:
            raise argparse.ArgumentTypeError(f"expected at most {MAX_DUMBBELLS} weights")
    return tuple(out)


def _plate_list(text: str) -> tuple[float, ...]:
    plates = _kg_list(text)
    if len(plates) > MAX_PLATES or max(plates) > 115:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_PLATES} plates of at most 50 kg (110 lb)")
    if len({round(p * 1000) for p in plates}) > MAX_PLATE_WEIGHTS:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_PLATE_WEIGHTS} different plate weights")
    return plates


def _reps_x_kg(text: str) -> tuple[int, float]:
    """ "5x100" -> (5, 100.0): a set of 5 reps at 100 kg."""
    reps, sep, kg = text.strip().lower().partition("x")
    if not sep or not reps.strip().isdigit() or not reps.isascii() or len(reps.strip()) > 3:
        raise argparse.ArgumentTypeError(f"expected REPSxKG such as 5x100, got {_clip(text)!r}")
    return int(reps), _positive_kg(kg)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``station load``."""
    p = subparsers.add_parser(
        "load",
        help="loads from a 1RM (NRM, %%1RM, each method's start), rounded to the plates",
        description=(
            "Print a load rounded to what the bar and plates (or dumbbells, or machine stack) "
            "allow, with the plates per side. With neither --reps nor --percent: every "
            f"method's starting load. Reps to %1RM by {loads.FORMULA}, valid "
            f"{loads.MIN_REPS}-{loads.MAX_REPS} reps."
        ),
    )
    p.add_argument("exercise", nargs="?", help="an [exercises.NAME] entry of the config")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--1rm", dest="one_rm", type=_positive_kg, metavar="KG",
                     help="the one-rep max (per dumbbell for dumbbells); weights are in the config's units "
                     "(kg unless units = \"lb\")")
    src.add_argument(
        "--set", dest="sets", type=_reps_x_kg, action="append", metavar="REPSxKG",
        help="a recent set such as 5x100 to estimate the 1RM from (repeatable: the best counts)",
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--reps", type=_whole(1, 100), metavar="N", help="the N-rep-max load")
    what.add_argument("--percent", type=_finite, metavar="P", help="P %% of the 1RM")
    p.add_argument("--bar", type=_bar_kg, metavar="KG", help="bar weight (barbell)")
    p.add_argument("--plates", type=_plate_list, metavar="LIST",
                   help="plates available PER SIDE, e.g. 4x25,20,15,10,5,2.5,1.25")
    p.add_argument("--dumbbells", type=_kg_list, metavar="LIST", help="dumbbells on the rack, e.g. 10,12.5,15")
    p.add_argument("--increment", type=_increment_kg, metavar="KG", help="machine stack step")
    p.add_argument("--drops", type=_whole(1, loads.MAX_DROPS), metavar="N",
                   help="show a drop set of N drops from the load")
    p.add_argument("--drop-percent", type=_finite, metavar="P", help="load taken off at each drop, %%")
    p.add_argument("--units", choices=loads.UNIT_NAMES,
                   help="kg or lb for every weight given and shown (default: the config's units)")
    p.set_defaults(func=run)
    return p


# ---------------------------------------------------------------- run


def run(args: argparse.Namespace) -> int:
    """Print the load(s); 0, or 2 with a message on stderr."""
    try:
        _run(args, sys.stdout)
    except _Usage as e:
        print(f"station load: {e}", file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace, out: TextIO) -> None:
    cfg, where = _config(args)
    units = Units(args.units or getattr(cfg, "units", "kg"))
    _to_kg(args, units)
    exercise = _exercise(args, cfg, where) if args.exercise else None
    if exercise is None and not (args.one_rm or args.sets):
        raise _Usage("give an exercise from the config, --1rm KG, or a recent set with --set REPSxKG")
    kit = _kit(args, exercise, where, units)
    one_rm, source = _one_rm(args, exercise, where, units)
    show = units.show
    which = "dumbbell 1RM" if kit.kind == "dumbbell" else "1RM"
    header = f"{which} {show(one_rm)} ({source}); {kit.describe(units)}"
    if args.reps is None and args.percent is None:
        print(header, file=out)
        print(f"Reps to %1RM: {loads.FORMULA}, valid {loads.MIN_REPS}-{loads.MAX_REPS} reps.", file=out)
        _print_table(out, one_rm, kit, units)
        start = loads.starting_load("drop-set", one_rm)
        drop = kit.round(start.suggested_kg)
        far = kit.out_of_reach(start.low_kg, start.high_kg, units)
        if far:
            print(file=out)
            print(f"drop set from {units.of_kg(start.suggested_kg):.1f} {units.name}: out of reach, "
                  f"{far}", file=out)
            return
        _print_drops(out, drop, kit, args, strict=args.drops is not None or args.drop_percent is not None,
                     units=units)
        return
    target, how = _target(args, one_rm, units)
    loading = kit.round(target)
    print(header, file=out)
    edge = _edge(kit, target, loading, units)
    edge = f"; {edge}" if edge else ""
    each = " per dumbbell" if kit.kind == "dumbbell" else ""
    print(f"{show(loading.total_kg)}{each}   {how} = {units.of_kg(target):.1f} {units.name}{edge}", file=out)
    if loading.kind == "barbell":
        print(f"  {loading.describe(units).partition(': ')[2]}", file=out)
    if args.drops is not None or args.drop_percent is not None:
        _print_drops(out, loading, kit, args, strict=True, units=units)


def _config(args: argparse.Namespace) -> tuple[Any, str]:
    """The config (read and checked, even when only --1rm is used) and its file's name."""
    from station.config import ConfigError, load_config  # only when the command runs

    try:
        cfg = load_config(getattr(args, "config", None))
    except ConfigError as e:
        raise _Usage(str(e)) from None
    except OSError as e:
        raise _Usage(f"config unreadable: {e}") from None
    return cfg, str(cfg.source) if cfg.source else "station.toml (no config file was found)"


def _to_kg(args: argparse.Namespace, units: Units) -> None:
    """Every weight on the command line is in ``units``: kept as kg from here on."""
    if units.name == "kg":
        return
    k = units.to_kg
    for name in ("one_rm", "bar", "increment"):
        if getattr(args, name) is not None:
            setattr(args, name, k(getattr(args, name)))
    for name in ("plates", "dumbbells"):
        if getattr(args, name) is not None:
            setattr(args, name, tuple(k(x) for x in getattr(args, name)))
    if args.sets:
        args.sets = [(r, k(x)) for r, x in args.sets]


def _exercise(args: argparse.Namespace, cfg: Any, where: str) -> Any:
    """The config's exercise named ``args.exercise``."""
    try:
        return cfg.exercises[args.exercise]
    except KeyError:
        known = ", ".join(sorted(cfg.exercises)) or "none"
        key = args.exercise if args.exercise.isprintable() else repr(args.exercise)
        raise _Usage(
            f"unknown exercise {args.exercise!r}; known in {where}: {known} "
            f"(add [exercises.{key}], or give --1rm KG without an exercise)"
        ) from None


def _kit(args: argparse.Namespace, ex: Any, where: str, units: Units = loads.KG) -> Kit:
    chosen = [k for k, on in (("barbell", args.bar is not None or args.plates is not None),
                              ("dumbbell", args.dumbbells is not None),
                              ("machine", args.increment is not None)) if on]
    if len(chosen) > 1:
        raise _Usage(
            "--bar/--plates, --dumbbells and --increment describe different kit; "
            f"give one ({', '.join(chosen)})"
        )
    kind = chosen[0] if chosen else (ex.kind if ex is not None else "barbell")
    src = ex if ex is not None else Kit.default(units)  # both have the kit's fields by the same names
    try:
        return Kit(
            kind=kind,
            bar_kg=args.bar if args.bar is not None else src.bar_kg,
            plates_kg=args.plates or tuple(src.plates_kg),
            dumbbells_kg=args.dumbbells or tuple(src.dumbbells_kg),
            increment_kg=args.increment or src.increment_kg,
        )
    except ValueError as e:
        if ex is None:
            raise _Usage(str(e)) from None
        hint = f" (add dumbbells_kg = [...] under [exercises.{ex.name}] in {where}, or give --dumbbells LIST)"
        raise _Usage(f"exercise {ex.name!r}: {e}{hint if kind == 'dumbbell' else ''}") from None


def _one_rm(args: argparse.Namespace, ex: Any, where: str, units: Units) -> tuple[float, str]:
    if args.one_rm:
        return args.one_rm, "--1rm"
    if args.sets:
        est = loads.best_estimate(args.sets)
        if est is None:
            raise _Usage(
                f"no --set has {loads.MIN_REPS}-{loads.MAX_REPS} reps, the range where "
                f"{loads.FORMULA} holds"
            )
        return est, "estimated from " + ", ".join(f"{r} x {units.show(kg)}" for r, kg in args.sets)
    if ex.one_rm_kg is None:
        raise _Usage(
            f"exercise {ex.name!r} has no one_rm_kg: set it under [exercises.{ex.name}] "
            f"in {where} (one_rm_kg = 100.0), or give --1rm KG or a recent set with --set REPSxKG"
        )
    return float(ex.one_rm_kg), f"{ex.name}, from the config"


def _target(args: argparse.Namespace, one_rm: float, units: Units) -> tuple[float, str]:
    if args.percent is not None:
        if not 0 < args.percent <= 150:
            raise _Usage(f"--percent: expected more than 0 and at most 150, got {args.percent:g}")
        return one_rm * args.percent / 100, f"{args.percent:g} % of {units.show(one_rm)}"
    if not loads.MIN_REPS <= args.reps <= loads.MAX_EXTRAPOLATED_REPS:
        raise _Usage(
            f"--reps: {args.reps} is outside {loads.MIN_REPS}-{loads.MAX_EXTRAPOLATED_REPS}; "
            f"{loads.FORMULA} holds for {loads.MIN_REPS}-{loads.MAX_REPS} reps"
        )
    pct = loads.percent_1rm(args.reps, extrapolate=True)
    past = f" (extrapolated past the formula's {loads.MAX_REPS} reps)" if args.reps > loads.MAX_REPS else ""
    return one_rm * pct / 100, f"{args.reps}RM{past}: {pct:.1f} % of {units.show(one_rm)}"


def _edge(kit: Kit, target: float, loading: Loading, units: Units = loads.KG) -> str:
    """Say so when the kit cannot come near ``target`` (see :meth:`Kit.edge`)."""
    return kit.edge(target, units)


def _print_table(out: TextIO, one_rm: float, kit: Kit, units: Units = loads.KG) -> None:
    side_title = "each side" if kit.kind == "barbell" else ""
    rows = [("method", "rule", f"range {units.name}", "start", "at", side_title)]
    notes: list[str] = []
    edges: dict[str, list[str]] = {}
    for name in PRESETS:
        s = loads.starting_load(name, one_rm)
        lo, hi, sug = kit.round(s.low_kg), kit.round(s.high_kg), kit.round(s.suggested_kg)
        mark = ""
        if s.note:
            notes.append(f"* {name}: {s.note}")
            mark += "*"
        edge = _edge(kit, s.high_kg, hi, units) or _edge(kit, s.low_kg, lo, units)
        # Not even the rule's nearest end is within reach: no start to give.
        reach = not kit.out_of_reach(s.low_kg, s.high_kg, units)
        if edge:
            edges.setdefault(edge, []).append(name)
            mark += "!"
        span = units.num(lo.total_kg) if lo == hi else f"{units.num(lo.total_kg)}-{units.num(hi.total_kg)}"
        if not reach:
            rows.append((name + mark, s.rule, "-", "out of reach", s.suggested, ""))
            continue
        side = loads.describe_plates(sug.per_side, units) if kit.kind == "barbell" else ""
        rows.append((name + mark, s.rule, span, units.show(sug.total_kg), s.suggested, side))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(file=out)
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip(), file=out)
    notes += [f"! {edge}: {', '.join(names)}" for edge, names in edges.items()]
    if kit.kind == "dumbbell":
        notes.append("every load is per dumbbell: lift a pair")
    notes.append(METHODS_DOC)
    print(file=out)
    for n in notes:
        print(n, file=out)


#: where every rule of the table comes from
METHODS_DOC = "rules and their sources: docs/methods.md"


def _print_drops(
    out: TextIO, start: Loading, kit: Kit, args: argparse.Namespace, *, strict: bool,
    units: Units = loads.KG,
) -> None:
    """The drop set from ``start``: each drop's load and what to take off.
    ``strict``: the user asked for it, so a drop the kit cannot make is an error."""
    defaults = PRESETS["drop-set"].defaults()
    drops = int(args.drops if args.drops is not None else cast(int, defaults["drops"]))
    pct = float(args.drop_percent if args.drop_percent is not None else cast(float, defaults["drop-percent"]))
    show = units.show
    print(file=out)
    try:
        chain = loads.drop_loads(start, drops, pct, kit=kit)
    except (DropError, ValueError) as e:
        if strict:
            raise _Usage(f"drop set from {show(start.total_kg)}: {e}") from None
        print(f"drop set from {show(start.total_kg)}, {drops} drops of {pct:g} %: {e}", file=out)
        return
    print(f"drop set: {drops} drops of {pct:g} % from {show(start.total_kg)}", file=out)
    first = chain[0]
    side = f"{loads.describe_plates(first.per_side, units)} each side" if first.kind == "barbell" else ""
    if first.per_side != start.per_side:
        side += " (laid out for the drops)"
    print(f"  start   {units.num(first.total_kg):>6} {units.name}  {side}".rstrip(), file=out)
    for i, (before, after) in enumerate(zip(chain, chain[1:]), start=1):
        aim = units.of_kg(start.total_kg * (1 - pct / 100) ** i)
        strip = loads.strip_text(before, after, units)
        print(f"  drop {i}  {units.num(after.total_kg):>6} {units.name}  {strip}  (aim {aim:.1f})",
              file=out)
    for warning in loads.drop_warnings(chain, pct, units):
        print(f"  ! {warning}", file=out)
