"""Config keys for the week's guardrails and the kit: [training], muscles,
variations, units (station.config)."""

from datetime import date

import pytest

from station.config import ConfigError, parse_config


def test_a_training_block_is_a_length_in_weeks_and_a_start_date():
    cfg = parse_config("[training]\nblock_weeks = 10\nblock_start = 2026-10-05\n")
    assert (cfg.training.block_weeks, cfg.training.block_start) == (10, date(2026, 10, 5))
    assert parse_config("").training.block_weeks is None  # no block unless configured


@pytest.mark.parametrize("text, message", [
    ("[training]\nblock_start = 2026-10-05\n", "training.block_weeks: expected the block's length"),
    ("[training]\nblock_weeks = 10\n", "training.block_start: expected the block's first day"),
    ("[training]\nblock_weeks = 10\nblock_start = \"monday\"\n", "training.block_start"),
    ("[training]\nblock_weeks = 1\nblock_start = 2026-10-05\n", "from 2 to 52"),
    ("[training]\nblock_weeks = 10\nblock_start = 2026-10-05T10:00:00\n", "a TOML date"),
    ("[exercises.squat]\nmuscles = \"quads\"\n", "exercises.squat.muscles: expected an array of names"),
    ("[exercises.squat]\nvariations = [\"\", \"x\"]\n", "exercises.squat.variations"),
    ("units = \"stone\"\n", 'units: expected "kg" or "lb"'),
    ("units = \"lb\"\n[presets.p]\nmethod = \"cluster\"\nload_kg = 100\n", 'give load_lb'),
])
def test_bad_values_name_the_key(text, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_config(text)


def test_muscles_variations_and_pound_presets_are_read():
    cfg = parse_config('units = "lb"\n[exercises.squat]\nmuscles = ["quads", "glutes"]\n'
                       'variations = ["high bar", "low bar"]\n'
                       '[presets.p]\nmethod = "cluster"\nexercise = "squat"\nload_lb = 225\n')
    sq = cfg.exercises["squat"]
    assert sq.muscles == ("quads", "glutes") and sq.variations == ("high bar", "low bar")
    assert cfg.presets["p"].load_kg == pytest.approx(102.06, abs=0.01)
    assert sq.bar_kg == pytest.approx(45 * 0.45359237)  # a pound gym's default bar


def test_station_presets_shows_a_pound_presets_load_in_pounds():
    from station.commands.presets import format_user_presets

    cfg = parse_config('units = "lb"\n[presets.p]\nmethod = "cluster"\nload_lb = 225\n')
    assert "cluster · 225 lb" in format_user_presets(cfg)
