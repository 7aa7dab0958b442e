"""`station presets`: every method with its defaults and recommended ranges."""

from __future__ import annotations

import argparse

from ..core.methods import PRESETS, Param


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("presets", help="list every method with its defaults and ranges",
                       description="List the built-in methods, their defaults and the ranges "
                                   "methods.md recommends. Any value can be overridden on "
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
            lines.append(f"    --{p.name:<13} {_value(p):<42} {rng}  {p.help}".rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def run(args: argparse.Namespace) -> int:
    if args.method and args.method not in PRESETS:
        print(f"station presets: unknown method {args.method!r}; known: {', '.join(PRESETS)}")
        return 2
    print(format_presets(args.method), end="")
    return 0
