"""The station's configuration: one TOML file, strictly checked, into frozen dataclasses.

The public names are here; they live in
:mod:`~station.config.model` (the frozen dataclasses, one per section, and the limits),
:mod:`~station.config.errors` (``ConfigError``, and the ``Problem`` a reader finds),
:mod:`~station.config.paths` (where the config is looked for, the default history file),
:mod:`~station.config.parse` (reading a file and checking it),
:mod:`~station.config.sections` (the reader of each section),
:mod:`~station.config.checks` (the typed, strict reads every reader shares),
:mod:`~station.config.net` (the ``[mqtt]`` and ``[coach]`` sections),
:mod:`~station.config.lines` (where a key stands in the text, for errors) and
:mod:`~station.config.example` (the commented default that ``station config
example`` prints).
"""

from station.config.errors import ConfigError
from station.config.example import example_config
from station.config.lines import key_path
from station.config.model import (
    MAX_DUMBBELLS,
    MAX_PLATE_WEIGHTS,
    MAX_PLATES,
    MIN_INCREMENT_KG,
    Config,
    Exercise,
    PinsConfig,
    SoundConfig,
)
from station.config.parse import load_config, parse_config
from station.config.paths import SYSTEM_CONFIG_PATH, default_db_path, find_config_path, search_paths, xdg_dir

__all__ = [
    "MAX_DUMBBELLS", "MAX_PLATES", "MAX_PLATE_WEIGHTS", "MIN_INCREMENT_KG", "SYSTEM_CONFIG_PATH",
    "Config", "ConfigError", "Exercise", "PinsConfig", "SoundConfig", "default_db_path",
    "example_config", "find_config_path", "key_path", "load_config", "parse_config", "search_paths",
    "xdg_dir",
]
