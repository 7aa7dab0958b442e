"""Test set-up: headless SDL and mock pins, before pygame or gpiozero is imported."""

import os

os.environ["GPIOZERO_PIN_FACTORY"] = "mock"
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"


import pytest  # noqa: E402
import scripting  # noqa: E402

#: Clock steps (s a read) the real main loop is checked at by ``shell``.
SHELL_STEPS_S = (0.0, 0.0005, 0.001, 0.002, 0.005)


@pytest.fixture(params=SHELL_STEPS_S, ids=lambda s: f"loop-{s * 1000:g}ms")
def shell(request):
    """Every ``run_script`` in the test also runs through the real main loop
    on a clock creeping this much a read, nagged 1 ms before each deadline."""
    scripting.SHELL = (request.param, True)
    try:
        yield request.param
    finally:
        scripting.SHELL = None
