"""The shell's spine: the composition root (:mod:`.app`), the one main loop,
the clock, the history recorder thread, retries of late devices and systemd
notification."""
