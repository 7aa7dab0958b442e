"""Shell adapters, one per library: gpiozero, pyserial, pygame.mixer, sd_notify."""

import os

# pygame prints a banner on import unless told not to; the station is an appliance.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
