"""Where a key stands in a TOML text: error messages name its line."""

from __future__ import annotations

import json
import re

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key_path(parts: tuple[str, ...]) -> str:
    """TOML dotted-key spelling of ``parts``: ``presets."my squat".rest``."""
    return ".".join(p if _BARE_KEY.fullmatch(p) else json.dumps(p, ensure_ascii=False) for p in parts)


def _read_key(line: str, i: int) -> tuple[tuple[str, ...], int] | None:
    """The dotted key starting at ``line[i]`` and the index after it."""
    parts: list[str] = []
    while True:
        while i < len(line) and line[i] in " \t":
            i += 1
        if i >= len(line):
            return None
        if line[i] in "\"'":
            end = line.find(line[i], i + 1)
            while line[i] == '"' and end > 0 and line[end - 1] == "\\":
                end = line.find('"', end + 1)
            if end < 0:
                return None
            raw = line[i:end + 1]
            try:
                parts.append(json.loads(raw) if raw[0] == '"' else raw[1:-1])
            except ValueError:
                parts.append(raw[1:-1])
            i = end + 1
        else:
            m = _BARE_KEY.match(line, i)
            if not m:
                return None
            parts.append(m.group())
            i = m.end()
        while i < len(line) and line[i] in " \t":
            i += 1
        if i < len(line) and line[i] == ".":
            i += 1
            continue
        return tuple(parts), i


def find_line(text: str, path: tuple[str, ...]) -> int | None:
    """The line (1-based) where ``path`` is set or its table starts, else the
    line of its nearest enclosing table; a simple scan, not a TOML parser."""
    table: tuple[str, ...] = ()
    best_len, best_line = 0, None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("["):
            key = _read_key(line, 2 if line.startswith("[[") else 1)
            if key is None:
                continue
            table = full = key[0]
        else:
            key = _read_key(line, 0)
            if key is None or not line[key[1]:].startswith("="):
                continue
            full = table + key[0]
        if full[:len(path)] == path:
            return number
        if path[:len(full)] == full and len(full) > best_len:
            best_len, best_line = len(full), number
    return best_line

