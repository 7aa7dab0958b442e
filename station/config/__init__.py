"""The station's configuration: one TOML file, strictly checked, into frozen dataclasses.

The public names are here; they live in
:mod:`~station.config.parse` (the dataclasses, finding and reading the file),
:mod:`~station.config.net` (the ``[mqtt]`` and ``[coach]`` sections),
:mod:`~station.config.lines` (where a key stands in the text, for errors) and
:mod:`~station.config.example` (the commented default that ``station config
example`` prints).
"""

from station.config.example import example_config
from station.config.lines import key_path
from station.config.parse import (
    MAX_DUMBBELLS,
    MAX_PLATE_WEIGHTS,
    MAX_PLATES,
    MIN_INCREMENT_KG,
    SYSTEM_CONFIG_PATH,
    Config,
    ConfigError,
    Exercise,
    PinsConfig,
    SoundConfig,
    default_db_path,
    find_config_path,
    load_config,
    parse_config,
    search_paths,
)

__all__ = [
    "MAX_DUMBBELLS", "MAX_PLATES", "MAX_PLATE_WEIGHTS", "MIN_INCREMENT_KG", "SYSTEM_CONFIG_PATH",
    "Config", "ConfigError", "Exercise", "PinsConfig", "SoundConfig", "default_db_path",
    "example_config", "find_config_path", "key_path", "load_config", "parse_config", "search_paths",
]
