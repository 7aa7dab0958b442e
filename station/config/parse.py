"""Reading and checking the config file: TOML text in, a :class:`Config` or a
:class:`ConfigError` out.

Every section and key is optional (a missing one takes the default shown in
:func:`example_config`), but an unknown section or key, a value of the wrong
type or out of its range is a :class:`ConfigError` whose one-line message names
the file, the line (when known), the key path and what was expected versus
what was found. Every problem in the file is found: the error raised is the
first (in file order) and carries them all in ``errors``.

Where the file is found is :mod:`~station.config.paths`; each section's
reader is :mod:`~station.config.sections` (and :mod:`~station.config.net`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from station.config.errors import ConfigError, Problem
from station.config.lines import find_line, key_path
from station.config.model import Config
from station.config.paths import SYSTEM_CONFIG_PATH, find_config_path
from station.config.sections import build_config


def load_config(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    system_path: Path = SYSTEM_CONFIG_PATH,
) -> Config:
    """Read and check the config at ``path``, or the one found by the search
    (all defaults when there is none). Raises ConfigError."""
    env = os.environ if env is None else env
    found = find_config_path(path, env, system_path)
    if found is None:
        return Config()
    try:
        text = found.read_bytes().decode("utf-8")
    except OSError as e:
        raise ConfigError(str(found), None, None, f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(str(found), None, None, f"not UTF-8 text (byte {e.start})") from None
    return parse_config(text, found, env)


def parse_config(text: str, source: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Check TOML ``text`` (read from ``source``, for messages and relative
    paths) and build the Config. Raises ConfigError."""
    name = str(source) if source is not None else "<string>"
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark (Windows editors write one): not part of the TOML
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"at line (\d+)", str(e))
        raise ConfigError(name, int(m.group(1)) if m else None, None, f"invalid TOML: {e}") from None
    except RecursionError:
        raise ConfigError(name, None, None, "invalid TOML: arrays or tables nested too deeply") from None
    problems: list[Problem] = []
    config = build_config(data, source, os.environ if env is None else env, problems)
    if problems:
        errors = [ConfigError(name, find_line(text, p.path), key_path(p.path), p.text)
                  for p in problems]
        errors.sort(key=lambda e: (e.line is None, e.line or 0))
        first = errors[0]
        first.errors = tuple(errors)
        raise first
    return config
