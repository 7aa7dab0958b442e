"""All the logic of the station's USB remote, as plain Python.

Runs unchanged on MicroPython (a Raspberry Pi Pico) and on CPython (the
tests): no ``machine``/``utime`` imports, no dataclasses, no annotations, and
``str.format`` rather than f-strings (a MicroPython build may leave them out).
Time comes in as integer milliseconds from a clock that never wraps
(``main.py`` turns the wrapping ``ticks_ms`` into one).

What the remote does (protocol: ``hardware/protocol.md``):

- samples the big button (and an optional foot pedal) and debounces each on
  its level: a new level counts once it has held for ``debounce_ms``;
- sends ``PRESS`` / ``RELEASE`` for the button (the station decides reps,
  holds and double presses from those raw edges, as for its own button); the
  pedal either acts as the same button or sends one fixed command
  (``UNDO``, ``END``...);
- sends ``PING`` every ``ping_ms``; any line from the station (``PONG``,
  ``HELLO``, ``CUE``, ``STATE``, ``SAVED``) proves the link, so the LED can say whether
  the station is listening;
- plays ``CUE <name>`` lines on its local buzzer, one short pattern per cue;
  a new cue cuts off the one playing, so a rep tick is never late (a cue
  comes as it sounds on the station, before the rep is on its disk);
- keeps ``SAVED <reps>``: the reps the station has on disk (``saved_reps``),
  the only line that says a rep is recorded;
- answers nothing itself and never sends ``ERR``.
"""

MAX_LINE = 128  # bytes per line without the "\n", both directions

# Buzzer patterns: alternating on/off durations, ms, starting with "on".
# Every cue sounds different (the lifter does not look at a screen): short
# ticks for counting, long tones for phase changes.
CUE_PATTERNS = {
    "rep": (40,),  # one short tick: a press was counted
    "fail": (350,),  # one long tone: failure acknowledged
    "rest": (80, 80, 80),  # two shorts: rest begins
    "count": (60,),  # count-in 3, 2, 1: medium tick
    "go": (600,),  # the longest tone: work again, impossible to miss
    "strip": (100, 60, 100, 60, 100),  # three shorts: strip the weight
    "tempo": (20,),  # the faintest tick, each second of a lowering
    "slower": (300, 100, 300, 100, 300),  # three longs: a negative lowered too fast
    "cap": (250, 100, 250),  # two longs: time cap, last cluster
    "undo": (40, 60, 40, 60, 40, 60, 40),  # four quick ticks: a rep taken back
    "done": (150, 80, 150, 80, 500),  # short, short, long: the set is over
    "warn": (30, 30, 30, 30, 30, 30, 30, 30, 30),  # a buzz of five: means nothing here
}
HELLO_PATTERN = (20, 40, 20)  # the station said hello: the link is up

# Commands the pedal may be given instead of acting as the button.
PEDAL_COMMANDS = ("REP", "FAIL", "UNDO", "END")


class Debouncer:
    """Debounces one contact from level samples.

    ``update(pressed, now_ms)`` takes the raw level; the settled level follows
    once the raw level has stayed the same for ``stable_ms``. Contact bounce
    (a burst of flips shorter than that) never changes it. The first sample
    is taken as the settled level without a change, so a pedal already down
    at power-up sends nothing.
    """

    def __init__(self, stable_ms=15):
        if stable_ms < 1:
            raise ValueError(
                "stable_ms must be at least 1 ms, got {!r}".format(stable_ms)  # noqa: UP032
            )
        self.stable_ms = stable_ms
        self.level = None  # settled level; None before the first sample
        self._raw = None
        self._raw_since_ms = 0

    def update(self, pressed, now_ms):
        """Feed a sample; True when the settled level changed with it."""
        pressed = bool(pressed)
        if self.level is None:
            self.level = self._raw = pressed
            self._raw_since_ms = now_ms
            return False
        if pressed != self._raw:
            self._raw = pressed
            self._raw_since_ms = now_ms
        if self._raw != self.level and now_ms - self._raw_since_ms >= self.stable_ms:
            self.level = self._raw
            return True
        return False


class LineReader:
    """Cuts bytes from the station into text lines of at most ``MAX_LINE`` bytes.

    A line ends at ``\\n`` (a ``\\r`` before it is dropped). A longer line,
    or one with a byte that is not printable ASCII, is dropped whole.
    """

    def __init__(self, max_line=MAX_LINE):
        self.max_line = max_line
        self._buf = bytearray()
        self._overlong = False

    def feed(self, data):
        """Add bytes; return the list of complete lines (str, no terminator)."""
        lines = []
        for byte in data:
            if byte == 10:  # "\n"
                if not self._overlong:
                    raw = bytes(self._buf)
                    if raw.endswith(b"\r"):
                        raw = raw[:-1]
                    if len(raw) <= self.max_line and _printable(raw):
                        lines.append(raw.decode())
                self._buf = bytearray()
                self._overlong = False
            elif not self._overlong:
                if len(self._buf) > self.max_line:  # room for one "\r"
                    self._overlong = True
                    self._buf = bytearray()
                else:
                    self._buf.append(byte)
        return lines


class Remote:
    """The remote's state machine. Call :meth:`update` on every loop pass
    with the pin levels, :meth:`receive` with bytes from the station, and set
    the buzzer and LED pins from :meth:`buzzer_on` and :meth:`led_on`.

    ``debounce_ms``: how long a level must hold, ms (10-20 suits most
    buttons). ``ping_ms``: time between PINGs, ms. ``link_timeout_ms``:
    silence after which the station counts as gone, ms. ``pedal_command``:
    None (the pedal is a second big button) or one of :data:`PEDAL_COMMANDS`.
    """

    def __init__(
        self, debounce_ms=15, ping_ms=2000, link_timeout_ms=5000, pedal_command=None
    ):
        if pedal_command is not None and pedal_command not in PEDAL_COMMANDS:
            raise ValueError(
                "pedal_command must be None or one of {}, got {!r}".format(
                    ", ".join(PEDAL_COMMANDS), pedal_command
                )
            )
        if link_timeout_ms <= ping_ms:
            raise ValueError(
                "link_timeout_ms ({!r}) must be longer than ping_ms ({!r})".format(  # noqa: UP032
                    link_timeout_ms, ping_ms
                )
            )
        self.ping_ms = ping_ms
        self.link_timeout_ms = link_timeout_ms
        self.pedal_command = pedal_command
        self._button = Debouncer(debounce_ms)
        self._pedal = Debouncer(debounce_ms)
        self._pressed = (
            None  # what the station was last told; None before the first sample
        )
        self._wait_release = False
        self._next_ping_ms = None
        self._heard_ms = None  # when the station last sent a line
        self._reader = LineReader()
        self._pattern = ()
        self._pattern_at_ms = 0
        self.station_version = None  # from HELLO
        self.state = None  # (phase, seconds_left or None, reps, bout) from STATE
        self.saved_reps = None  # from SAVED: the set's reps on the station's disk

    # ------------------------------------------------------------ remote -> station

    def update(self, now_ms, button, pedal=False):
        """Take one sample of the pins (True = pressed) at ``now_ms``.

        Returns the lines to send now, each ending in ``\\n``.
        """
        out = []
        self._button.update(button, now_ms)
        pedal_changed = self._pedal.update(pedal, now_ms)
        if self.pedal_command is None:
            pressed = bool(self._button.level or self._pedal.level)
        else:
            pressed = bool(self._button.level)
            if pedal_changed and self._pedal.level:
                out.append(self.pedal_command + "\n")
        if self._pressed is None:  # the first sample
            self._pressed = False
            self._wait_release = (
                pressed  # held at power-up: not a press, nor its release
            )
        elif self._wait_release:
            self._wait_release = pressed
        elif pressed != self._pressed:
            self._pressed = pressed
            out.append("PRESS\n" if pressed else "RELEASE\n")
        if self._next_ping_ms is None or now_ms >= self._next_ping_ms:
            out.append("PING\n")
            self._next_ping_ms = now_ms + self.ping_ms
        return out

    def next_wake_ms(self, now_ms):
        """The latest instant (ms) the loop may sleep until: the next PING or
        buzzer change. Buttons still need sampling every few ms."""
        wake = self._next_ping_ms if self._next_ping_ms is not None else now_ms
        edge = self._next_pattern_edge_ms(now_ms)
        if edge is not None and edge < wake:
            wake = edge
        return wake

    # ------------------------------------------------------------ station -> remote

    def receive(self, data, now_ms):
        """Bytes from the station, read at ``now_ms``. Never answers."""
        for line in self._reader.feed(data):
            self._handle(line, now_ms)

    def _handle(self, line, now_ms):
        words = line.split()
        if not words:
            return
        word = words[0].upper()
        if word not in ("PONG", "HELLO", "CUE", "STATE", "SAVED", "ERR"):
            return  # not the station talking (an echo, line noise)
        self._heard_ms = now_ms
        if word == "HELLO" and len(words) >= 3:
            self.station_version = words[2]
            self.state = self.saved_reps = None  # (re)connected: nothing carries over
            self._play(HELLO_PATTERN, now_ms)
        elif word == "SAVED" and len(words) >= 2:
            try:
                self.saved_reps = int(words[1])
            except ValueError:
                pass
        elif word == "CUE" and len(words) >= 2:
            pattern = CUE_PATTERNS.get(words[1].lower())
            if pattern is not None:  # a cue newer than this firmware: silence
                self._play(pattern, now_ms)
        elif word == "STATE" and len(words) >= 5:  # extra words: a newer station
            self.state = _parse_state(words)

    def linked(self, now_ms):
        """True while the station has sent a line within ``link_timeout_ms``."""
        return (
            self._heard_ms is not None
            and now_ms - self._heard_ms <= self.link_timeout_ms
        )

    # ------------------------------------------------------------ outputs

    def _play(self, pattern, now_ms):
        self._pattern = pattern
        self._pattern_at_ms = now_ms

    def buzzer_on(self, now_ms):
        """Whether the buzzer sounds at ``now_ms`` (the pattern playing)."""
        elapsed = now_ms - self._pattern_at_ms
        if elapsed < 0:
            return False
        on = True
        for duration in self._pattern:
            if elapsed < duration:
                return on
            elapsed -= duration
            on = not on
        return False

    def _next_pattern_edge_ms(self, now_ms):
        at = self._pattern_at_ms
        for duration in self._pattern:
            at += duration
            if at > now_ms:
                return at
        return None

    def led_on(self, now_ms):
        """The Pico's LED: steady while linked (dark while the button is
        held, as feedback), a short blink every second while it is not."""
        if self.linked(now_ms):
            return not self._pressed
        return now_ms % 1000 < 100


def _printable(raw):
    for byte in raw:
        if byte < 32 or byte > 126:
            return False
    return True


def _parse_state(words):
    """``STATE <phase> <seconds-left|-> <reps> <bout>`` -> a tuple, or None if malformed."""
    try:
        left = None if words[2] == "-" else float(words[2])
        return (words[1], left, int(words[3]), int(words[4]))
    except ValueError:
        return None
