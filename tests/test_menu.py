"""The start menu driven by one button: press = next, hold = choose."""

from __future__ import annotations

import pytest

from station.core.methods import PRESETS
from station.ui.view.menu import Menu, MenuItem, build_menu, to_model


def test_builtin_presets_come_first_then_user_presets_by_name():
    m = build_menu(["Tuesday squat", "arms finisher"])
    names = [(i.kind, i.name) for i in m.items]
    assert names[: len(PRESETS)] == [("preset", n) for n in PRESETS]
    assert names[len(PRESETS):] == [("user", "Tuesday squat"), ("user", "arms finisher")]
    assert m.selected.name == "cluster"
    assert m.items[0].label == PRESETS["cluster"].title


def test_press_moves_to_the_next_item_and_wraps_around():
    m = build_menu(["mine"])
    seen = []
    for _ in range(len(m.items) + 2):
        seen.append(m.selected.name)
        m = m.press()
    assert seen[: len(PRESETS)] == list(PRESETS)
    assert seen[len(PRESETS)] == "mine"
    assert seen[len(PRESETS) + 1] == "cluster"  # wrapped
    assert m.selected.name == list(PRESETS)[2]  # pressed len + 2 times


def test_hold_chooses_the_item_shown():
    m = build_menu().press().press()
    chosen = m.hold()
    assert isinstance(chosen, MenuItem)
    assert (chosen.kind, chosen.name) == ("preset", list(PRESETS)[2])


def test_press_does_not_change_the_menu_it_was_called_on():
    m = build_menu()
    m.press()
    assert m.index == 0


def test_user_presets_with_details():
    m = build_menu({"heavy day": "strength rest-pause, 130 kg"})
    assert m.items[-1].detail == "strength rest-pause, 130 kg"


def test_bad_menus_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="at least one item"):
        Menu(())
    with pytest.raises(ValueError, match="outside"):
        Menu((MenuItem("preset", "cluster", "Cluster"),), index=3)
    with pytest.raises(ValueError, match="needs a name"):
        build_menu(["  "])


def test_screen_model_follows_the_selection():
    m = build_menu(["mine"]).press()
    model = to_model(m, notes=("no sound",))
    assert model.selected == 1
    assert model.items[1] == PRESETS["sport-cluster"].title
    assert model.details[1] == PRESETS["sport-cluster"].summary
    assert model.items[-1] == "mine"
    assert "press" in model.hint and "hold" in model.hint
    assert model.notes == ("no sound",)
