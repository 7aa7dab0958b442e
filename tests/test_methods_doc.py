"""docs/methods.md ships with the project and states the rules the code applies."""

from __future__ import annotations

import re
from pathlib import Path

from station.core.methods import PRESETS, STRIP_LIMIT_S, every_range
from station.core.negatives import MARGIN_S, MAX_PERCENT_1RM

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")


def test_the_readme_and_station_load_cite_a_file_that_exists():
    assert "docs/methods.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    from station.commands.load import METHODS_DOC
    assert "docs/methods.md" in METHODS_DOC
    assert (ROOT / "docs" / "methods.md").is_file()


def test_every_rule_has_a_number_a_source_and_code_that_exists():
    rows = [r for r in DOC.splitlines() if re.match(r"\| [A-Z]\d+ \|", r)]
    assert len(rows) >= 25
    numbers = [r.split("|")[1].strip() for r in rows]
    assert len(numbers) == len(set(numbers))  # each number once
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4 and cells[2], row  # rule, source
        for path in re.findall(r"`((?:core|ui|runtime)/[a-z_/]+\.py)", cells[3]):
            assert (ROOT / "station" / path).is_file(), (row, path)
    for source in ("Haff 2008", "Tufano 2017", "Marshall 2012", "Fagerli", "Brzycki 1993"):
        assert source in DOC


def test_the_numbers_in_the_doc_are_the_codes():
    assert "at 10 s a `go`" in DOC and STRIP_LIMIT_S == 10
    assert "more than 0.5 s under its target" in DOC and MARGIN_S == 0.5
    assert "120 % of the current 1RM" in DOC and MAX_PERCENT_1RM == 120
    assert "(5 reps: 20-30 s)" in DOC and every_range(5) == (20, 30)
    for name in PRESETS:
        assert name.replace("-", " ").split()[0] in DOC.lower()


def test_the_readme_button_table_says_what_a_press_in_a_rest_does():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| press in the first half of a rest | nothing starts: a `warn`" in readme
    assert "| press later in a rest | you started early: `go`" in readme
