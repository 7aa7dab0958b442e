"""The core is pure: no module of station/core imports a clock, threads, I/O or
hardware libraries (checked on the source, so nothing is imported to check)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "station" / "core"
FORBIDDEN = {"time", "threading", "asyncio", "pygame", "gpiozero", "serial", "sqlite3", "os",
             "socket", "subprocess"}


def forbidden_imports(source: str) -> list[str]:
    """Top-level names of forbidden modules imported anywhere in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in FORBIDDEN]
    return found


def core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_core_has_the_modules_this_test_is_about():
    names = {p.name for p in core_modules()}
    names |= {p.parent.name + ".py" for p in core_modules() if p.name == "__init__.py"}  # packages
    assert {"engine.py", "gestures.py", "session.py", "methods.py", "events.py",
            "snapshot.py"} <= names


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: p.name)
def test_core_module_imports_nothing_impure(path):
    assert forbidden_imports(path.read_text(encoding="utf-8")) == [], path.name


@pytest.mark.parametrize("source", [
    "import time", "import os.path", "from os import path", "import serial.tools.list_ports",
    "from gpiozero import Button", "def f():\n    import threading", "import socket as s",
    "from asyncio import sleep", "import pygame", "import sqlite3", "import subprocess",
])
def test_the_check_catches_every_form_of_import(source):
    assert forbidden_imports(source) != []


@pytest.mark.parametrize("source", [
    "import math", "from . import time", "from .serial import frame", "import timeit",
    "from dataclasses import replace", "import osmosis",
])
def test_the_check_allows_stdlib_and_the_cores_own_modules(source):
    assert forbidden_imports(source) == []
