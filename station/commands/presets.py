"""`station presets`: every method with its defaults and recommended ranges."""

from __future__ import annotations

import argparse

from station.core.methods import PRESETS, Param


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("presets", help="list every method with its defaults and ranges",
                       description="List the built-in methods, their defaults and the ranges "
                                   "docs/methods.md recommends. Any value can be overridden on "
                                   "'station run'; outside the range it runs with a warning.")
    p.add_argument("method", nargs="?", help="show only this method")
    p.set_defaults(func=run)
    return p


def _value(p: Param) -> str:
    v = p.default
    if v is None:
        return "off"
    if isinstance(v, tuple):
        return ", ".join(v)
    text = f"{v:g}" if isinstance(v, float) else str(v)
    return f"{text} {p.unit}".strip() if p.unit in ("s", "%") else text


def format_presets(only: str | None = None) -> str:
    lines: list[str] = []
    for name, pre in PRESETS.items():
        if only and name != only:
            continue
        spot = "  [spotter required]" if pre.spotter else ""
        lines.append(f"{name}  —  {pre.title}{spot}")
        lines.append(f"    {pre.summary}")
        lines.append(f"    load: {pre.load_rule}")
        for p in pre.params:
            rng = p.describe_range()
            rng = f"(recommended {rng})" if rng else ""
            lines.append(f"    --{p.name:<13} {_value(p):<8} {rng:<30} {p.help}".rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def format_user_presets(config) -> str:
    """The config's own presets: name, method, exercise, load, what differs."""
    lines = []
    for name, up in config.presets.items():
        what = [up.method]
        if up.exercise:
            what.append(up.exercise)
        if up.load_kg is not None:
            from station.core.loads import Units

            what.append(Units(getattr(config, "units", "kg")).show(up.load_kg))
        params = ", ".join(f"{k}={', '.join(v) if isinstance(v, tuple) else v}"
                           for k, v in up.params.items())
        lines.append(f"{name}  —  {' · '.join(what)}" + (f"  ({params})" if params else ""))
    if not lines:
        return ""
    where = f" from {config.source}" if config.source else ""
    return f"\nyour presets{where}:\n" + "\n".join(f"    {x}" for x in lines) + "\n"


def run(args: argparse.Namespace) -> int:
    import sys

    from station.runtime.options import load_config_or_defaults

    config, err = load_config_or_defaults(getattr(args, "config", None))
    if err:
        print(f"station presets: {err}", file=sys.stderr)
    if args.method and args.method not in PRESETS and args.method not in config.presets:
        known = list(PRESETS) + list(config.presets)
        print(f"station presets: unknown method {args.method!r}; known: {', '.join(known)}",
              file=sys.stderr)
        return 2
    if not args.method or args.method in PRESETS:
        print(format_presets(args.method), end="")
    if not args.method or args.method in config.presets:
        print(format_user_presets(config), end="")
    return 0
