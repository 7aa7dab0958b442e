"""The screen.

- :mod:`station.ui.view`: the pure UI model (what every screen shows, the
  messages the main loop sends, layout arithmetic, the menu, the key legend);
  no pygame.
- :mod:`station.ui.pygame`: drawing those models with pygame, the window, and
  the thread that owns pygame's video.
- :mod:`station.ui.terminal`: the terminal screen (text, and the keyboard as the button).
- :mod:`station.ui.presented` (the latest-message hand-off to a drawing thread)
  and :mod:`station.ui.switching` (the fallback screen while the wanted one is
  retried), shared by both screens.
"""

import os

# pygame prints a banner on import unless told not to; the station is an appliance.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
