"""Test doubles that ship with the station, as gpiozero ships ``MockFactory``.

- :class:`~station.testing.clocks.FakeClock`: virtual time that moves only when told.
- :class:`~station.testing.clocks.ScriptedClock`: "autojump" virtual time that
  hands a script of inputs to the waiting main loop.
- :class:`~station.testing.clocks.CreepingClock`: a scripted clock whose time
  also moves a little on every read, as real time does while the loop works.
- :class:`~station.testing.clocks.LateClock`: a scripted clock whose waits end
  late, as when the kernel wakes the thread late.
- :class:`~station.testing.clocks.CountingClock`: the real clock, noting each
  wait the main loop blocks in.
- :class:`~station.testing.sinks.CueLog`: a cue output that notes what it was told.
- :class:`~station.testing.screens.ScreenLog`: a screen that keeps every message shown.
- :class:`~station.testing.lifter.SimulatedLifter`: presses a button as a lifter
  would, watching the set (the demo's and the bench's lifter).
- :func:`~station.testing.snapshots.snapshot`: a set snapshot built by hand.
- :class:`~station.testing.pty.PtyRemote`: a serial remote on a pty pair (bytes or
  lines; unplug and re-plug, optionally behind a stable symlink).

Nothing here reads real time except :class:`CountingClock`, the short real
waits of :meth:`FakeClock.get` (it polls for a test thread moving the clock),
:class:`PtyRemote`'s timeouts (reached only when something is broken) and
:class:`SimulatedLifter`, whose pace is real time (it presses a real-time
station).
"""

from station.testing.clocks import CountingClock, CreepingClock, FakeClock, LateClock, ScriptedClock
from station.testing.lifter import SimulatedLifter
from station.testing.pty import PtyRemote
from station.testing.screens import ScreenLog
from station.testing.sinks import CueLog
from station.testing.snapshots import snapshot

__all__ = ["CountingClock", "CreepingClock", "CueLog", "FakeClock", "LateClock", "PtyRemote",
           "ScreenLog", "ScriptedClock", "SimulatedLifter", "snapshot"]
