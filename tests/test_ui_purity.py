"""The UI's model is pure: no module of station/ui/view imports pygame, a clock,
threads, I/O or the rest of the shell (checked on the source, so nothing is
imported to check). Only the core and the view's own modules are allowed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

VIEW = Path(__file__).resolve().parent.parent / "station" / "ui" / "view"
FORBIDDEN = {"pygame", "time", "threading", "asyncio", "os", "sys", "select", "termios", "tty",
             "gpiozero", "serial", "sqlite3", "socket", "subprocess", "random"}
ALLOWED_STATION = (("station", "core"), ("station", "ui", "view"))


def impure_imports(source: str) -> list[str]:
    """The imports of ``source`` that a view module must not make."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("." * node.level + (node.module or "") + " (relative: the shell's are absolute)")
                continue
            names = [f"{node.module}.{alias.name}" for alias in node.names]  # station.ui.view, not station.ui
        else:
            continue
        for n in names:
            parts = tuple(n.split("."))
            if parts[0] in FORBIDDEN:
                found.append(n)
            elif parts[0] == "station" and not any(parts[:len(a)] == a for a in ALLOWED_STATION):
                found.append(f"{n} (outside the core and the view)")
    return found


def view_modules() -> list[Path]:
    return sorted(VIEW.rglob("*.py"))


def test_the_view_has_the_modules_this_test_is_about():
    names = {p.name for p in view_modules()}
    assert {"__init__.py", "models.py", "phase.py", "summary.py", "messages.py", "layout.py",
            "menu.py", "keys.py"} <= names


@pytest.mark.parametrize("path", view_modules(), ids=lambda p: p.name)
def test_view_module_imports_no_pygame_and_no_shell(path):
    assert impure_imports(path.read_text(encoding="utf-8")) == [], path.name


@pytest.mark.parametrize("source", [
    "import pygame", "import pygame.font", "from pygame import Surface", "def f():\n    import pygame",
    "import time", "from threading import Lock", "import os", "from station.ui.pygame.render import Renderer",
    "from station.ui import terminal", "from station.runtime.loop import Quit", "from station.hw import buzzer",
    "from .render import Renderer",
])
def test_the_check_catches_every_form_of_import(source):
    assert impure_imports(source) != []


@pytest.mark.parametrize("source", [
    "import math", "from dataclasses import dataclass", "from station.core.events import Phase",
    "from station.ui.view.models import Context", "from station.ui.view import layout",
])
def test_the_check_allows_the_core_and_the_views_own_modules(source):
    assert impure_imports(source) == []
