"""Test set-up: headless SDL and mock pins, before pygame or gpiozero is imported."""

import os

os.environ["GPIOZERO_PIN_FACTORY"] = "mock"
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
