"""The screen: a pure view model, and the renderers that draw it."""

import os

# pygame prints a banner on import unless told not to; the station is an appliance.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
