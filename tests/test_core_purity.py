"""The core is pure: no module of station/core imports a clock, threads, I/O,
randomness, hardware libraries or the shell, reads the wall clock
(``datetime.now()``) or opens a file (checked on the source, so nothing is
imported to check)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "station" / "core"
FORBIDDEN = {"time", "threading", "asyncio", "pygame", "gpiozero", "serial", "sqlite3", "os",
             "socket", "subprocess", "random", "secrets"}
#: Calls that read the wall clock or the machine: ``x.now()`` (datetime.now,
#: datetime.datetime.now), ``utcnow``, ``today``; and ``open(...)``.
FORBIDDEN_METHODS = {"now", "utcnow", "today"}
FORBIDDEN_CALLS = {"open"}


def forbidden_imports(source: str, package: tuple[str, ...] = ("station", "core")) -> list[str]:
    """What ``source`` (a module of ``package``) must not do, as short texts:
    forbidden modules imported anywhere, an import of the shell (absolute
    ``station.x`` or relative ``..x`` outside station.core), ``datetime.now()``
    and the like, ``open()``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr in FORBIDDEN_METHODS:
                found.append(f"{ast.unparse(f)}()")
            elif isinstance(f, ast.Name) and f.id in FORBIDDEN_CALLS:
                found.append(f"{f.id}()")
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.ImportFrom):
            up = package[:len(package) - (node.level - 1)] if node.level <= len(package) else ()
            target = up + tuple((node.module or "").split(".")) if node.module else up
            if target[:2] != ("station", "core"):
                found.append("." * node.level + (node.module or "") + " (the shell)")
            continue
        else:
            continue
        found += [n for n in names if n.split(".")[0] in FORBIDDEN]
        found += [f"{n} (the shell)" for n in names
                  if n.split(".")[0] == "station" and n.split(".")[:2] != ["station", "core"]]
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
    package = ("station",) + path.parent.relative_to(CORE.parent).parts
    assert forbidden_imports(path.read_text(encoding="utf-8"), package) == [], path.name


@pytest.mark.parametrize("source", [
    "import time", "import os.path", "from os import path", "import serial.tools.list_ports",
    "from gpiozero import Button", "def f():\n    import threading", "import socket as s",
    "from asyncio import sleep", "import pygame", "import sqlite3", "import subprocess",
    "import random", "from random import choice", "from ..loop import MainLoop", "from .. import app",
    "from ...station import store", "import station.history.store", "from station.hw import buzzer",
    "from datetime import datetime\nt = datetime.now()", "import datetime\nd = datetime.date.today()",
    "t = datetime.utcnow()", "with open('x') as f:\n    pass", "def f():\n    return open('x').read()",
])
def test_the_check_catches_every_form_of_import(source):
    assert forbidden_imports(source) != []


def test_the_check_follows_relative_imports_from_a_core_subpackage():
    methods = ("station", "core", "methods")
    assert forbidden_imports("from ..events import Cue", methods) == []
    assert forbidden_imports("from ...loop import MainLoop", methods) != []


@pytest.mark.parametrize("source", [
    "import math", "from . import time", "from .serial import frame", "import timeit",
    "from dataclasses import replace", "import osmosis", "from .events import Cue",
    "from station.core.events import Cue", "from datetime import datetime, timezone",
    "t = datetime(2026, 1, 1, tzinfo=timezone.utc)", "t = now_utc.astimezone()",
])
def test_the_check_allows_stdlib_and_the_cores_own_modules(source):
    assert forbidden_imports(source) == []
