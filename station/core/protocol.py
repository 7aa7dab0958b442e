"""The serial remote's line protocol, sans I/O (see ``hardware/protocol.md``).

Bytes in, values out: :class:`LineFramer` cuts a byte stream into lines,
:func:`decode` turns a line into a :class:`Command` or a :class:`Reject`
(answered with ``ERR``), :func:`to_event` maps a command to what the main
loop receives, and the formatters build the station's lines. Nothing here
reads a clock or touches a port: instants (``at``, ``now``) are passed in,
in station-clock seconds.

Framing rules, chosen so a broken remote can never get a half-parsed line
accepted: a line ends at ``\\n`` only (a ``\\r`` right before it is
stripped, a bare ``\\r`` is an ordinary, and non-printable, byte); a line is
at most :data:`MAX_LINE` bytes of printable ASCII (0x20..0x7E) without its
terminator; any other line is dropped whole and reported as a
:class:`Dropped`. Every ``\\n`` yields exactly one item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .events import CUE_NAMES, End, Fail, Rep, Undo
from .gestures import Edge
from .snapshot import Snapshot

#: The longest line, in bytes, without its terminator (``\n`` or ``\r\n``).
MAX_LINE = 128

#: What a remote may send. PRESS/RELEASE are raw contact edges; the others
#: are gestures the remote already decoded.
KINDS = ("PRESS", "RELEASE", "REP", "FAIL", "UNDO", "END", "PING")

#: Lines the station itself sends; a remote echoing them back (or a loop)
#: gets a plain "unexpected" ERR, and an incoming ERR is never answered, so
#: two peers can never ping-pong errors.
_STATION_WORDS = ("HELLO", "PONG", "CUE", "STATE", "SAVED", "ERR")

_NOT_PRINTABLE = re.compile(rb"[^\x20-\x7e]")
_SOURCE = "remote"


class ProtocolError(ValueError):
    """A line that is not a command. ``reason``: short, printable ASCII."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Line:
    """One framed line: printable ASCII, at most :data:`MAX_LINE` characters,
    without its terminator."""

    text: str


@dataclass(frozen=True)
class Dropped:
    """A line dropped whole (too long, or not printable ASCII). ``reason``:
    what was wrong, short enough for an ``ERR`` line."""

    reason: str


@dataclass(frozen=True)
class Command:
    """A remote's command; ``kind`` is one of :data:`KINDS`."""

    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown command kind {self.kind!r}; known: {', '.join(KINDS)}")


@dataclass(frozen=True)
class Reject:
    """A line to answer with ``ERR <reason>``."""

    reason: str


class LineFramer:
    """Cuts a byte stream into :class:`Line` and :class:`Dropped` items.

    Keeps a partial line between :meth:`feed` calls, never more than
    ``MAX_LINE + 1`` bytes of it (the ``+ 1`` is a ``\\r`` that may turn out
    to be the terminator's), so memory is bounded whatever it is fed. Work is
    O(len(data)) per call: terminators are found with ``bytes.find`` and each
    byte is copied at most once. Chunking never changes the result.
    """

    def __init__(self, max_line: int = MAX_LINE) -> None:
        if max_line < 1:
            raise ValueError(f"max_line must be at least 1, got {max_line}")
        self.max_line = max_line
        self._buf = bytearray()
        self._overlong = False  # the current line is already too long: skip to "\n"

    @property
    def pending(self) -> int:
        """Bytes of the unfinished line held in memory."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Line | Dropped]:
        """Add ``data``; return the items of every line it completed, in order."""
        out: list[Line | Dropped] = []
        start = 0
        end = len(data)
        while start < end:
            nl = data.find(b"\n", start)
            stop = end if nl < 0 else nl
            if not self._overlong:
                room = self.max_line + 1 - len(self._buf)
                if stop - start > room:
                    self._overlong = True
                    self._buf.clear()
                else:
                    self._buf += data[start:stop]
            if nl < 0:
                break
            out.append(self._finish())
            start = nl + 1
        return out

    def _finish(self) -> Line | Dropped:
        buf, overlong = self._buf, self._overlong
        self._buf = bytearray()
        self._overlong = False
        if buf.endswith(b"\r"):
            del buf[-1]
        if overlong or len(buf) > self.max_line:
            return Dropped(f"line too long (max {self.max_line} bytes)")
        bad = _NOT_PRINTABLE.search(buf)
        if bad is not None:
            return Dropped(f"non-printable byte 0x{bad.group()[0]:02x}")
        return Line(buf.decode("ascii"))


def parse_line(line: bytes | str) -> Command:
    """Parse one line (terminator optional) into a :class:`Command`.

    Surrounding spaces are ignored and case is not significant (``press``
    works from a terminal). A command takes no argument. Raises
    :class:`ProtocolError` with a short reason otherwise.
    """
    if isinstance(line, str):
        try:
            raw = line.encode("ascii")
        except UnicodeEncodeError:
            raise ProtocolError("non-ASCII text") from None
    else:
        raw = bytes(line)
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    if len(raw) > MAX_LINE:
        raise ProtocolError(f"line too long (max {MAX_LINE} bytes)")
    bad = _NOT_PRINTABLE.search(raw)
    if bad is not None:
        raise ProtocolError(f"non-printable byte 0x{bad.group()[0]:02x}")
    words = raw.decode("ascii").split()
    if not words:
        raise ProtocolError("empty line")
    word = words[0].upper()
    if word not in KINDS:
        if word in _STATION_WORDS:
            raise ProtocolError(f"unexpected {word}: the station sends it")
        raise ProtocolError(f"unknown command {_clip(words[0])}")
    if len(words) > 1:
        raise ProtocolError(f"{word} takes no argument")
    return Command(word)


def decode(item: Line | Dropped) -> Command | Reject | None:
    """What the link does with a framed item.

    A :class:`Command` to act on, a :class:`Reject` to answer with ``ERR``,
    or None to ignore silently: a blank line (keep-alives, stray ``\\r\\n``)
    and an incoming ``ERR`` (so two peers never trade errors forever).
    """
    if isinstance(item, Dropped):
        return Reject(item.reason)
    words = item.text.split()
    if not words or words[0].upper() == "ERR":
        return None
    try:
        return parse_line(item.text)
    except ProtocolError as e:
        return Reject(e.reason)


def to_event(cmd: Command, at: float) -> Edge | Rep | Fail | Undo | End | None:
    """What the main loop receives for ``cmd`` framed at ``at`` (station s).

    PRESS/RELEASE are raw edges for the station's own gesture rules (the
    remote's button is debounced and timed exactly like the GPIO button);
    REP/FAIL/UNDO/END are already decoded; PING is None (the link answers it).
    """
    kind = cmd.kind
    if kind == "PRESS":
        return Edge(True, at, source=_SOURCE)
    if kind == "RELEASE":
        return Edge(False, at, source=_SOURCE)
    if kind == "REP":
        return Rep(at)
    if kind == "FAIL":
        return Fail(at)
    if kind == "UNDO":
        return Undo(at)
    if kind == "END":
        return End(at)
    return None  # PING


# ---------------------------------------------------------------- station -> remote


def hello(version: str) -> bytes:
    """``HELLO station <version>``: sent each time the link (re)opens."""
    if not version or not version.isascii() or not version.isprintable() or " " in version:
        raise ValueError(f"version must be one printable ASCII word, got {version!r}")
    return _line(f"HELLO station {version}")


def pong() -> bytes:
    """``PONG``: the answer to ``PING``."""
    return b"PONG\n"


def cue(name: str) -> bytes:
    """``CUE <name>``: sent the moment cue ``name`` sounds (one of CUE_NAMES),
    not waiting for the disk: ``SAVED`` says what is recorded."""
    if name not in CUE_NAMES:
        raise ValueError(f"unknown cue {name!r}; known: {', '.join(CUE_NAMES)}")
    return _line(f"CUE {name}")


def saved(total_reps: int) -> bytes:
    """``SAVED <total-reps>``: the set's reps, this many in all, are on the
    station's disk (sent once they are committed, after their ``CUE``)."""
    if isinstance(total_reps, bool) or not isinstance(total_reps, int) or total_reps < 0:
        raise ValueError(f"total_reps must be a whole number >= 0, got {total_reps!r}")
    return _line(f"SAVED {total_reps}")


def state(snapshot: Snapshot) -> bytes:
    """``STATE <phase> <seconds-left|-> <reps-in-bout> <bout>``.

    seconds-left: of a timed phase, s with one decimal (clamped at 0), ``-``
    when the phase is untimed; bout: 1-based (the first bout is 1);
    reps-in-bout: the reps of that bout, so during a REST the remote sees
    the bout just finished with its reps (``Snapshot.reps_in_bout`` is 0
    there, as no bout is running).
    """
    left = snapshot.seconds_left
    left_text = "-" if left is None else f"{max(0.0, left):.1f}"
    i = snapshot.bout_index
    reps = snapshot.bouts[i].reps if 0 <= i < len(snapshot.bouts) else snapshot.reps_in_bout
    return _line(f"STATE {snapshot.phase.value} {left_text} {reps} {i + 1}")


def note(text: str) -> bytes:
    """``NOTE <text>``: news for a human (e.g. ``NOTE not saved: rep, history off``);
    made printable and cut to fit a line. A remote may show it or ignore it."""
    clean = "".join(c if " " <= c <= "~" else "?" for c in text).strip() or "note"
    return _line(("NOTE " + clean)[:MAX_LINE])


def err(reason: str) -> bytes:
    """``ERR <reason>``; the reason is made printable and cut to fit a line."""
    text = "".join(c if " " <= c <= "~" else "?" for c in reason).strip() or "error"
    return _line(("ERR " + text)[:MAX_LINE])


def _line(text: str) -> bytes:
    return text.encode("ascii") + b"\n"


def _clip(word: str, limit: int = 24) -> str:
    return word if len(word) <= limit else word[: limit - 3] + "..."


# ---------------------------------------------------------------- flood control


class RateLimiter:
    """A token bucket: at most ``burst`` at once, refilled at ``rate_per_s``.

    Used to cap ``ERR`` replies to a flood of garbage so the writer never
    backs up. ``now``: station-clock s, non-decreasing.
    """

    def __init__(self, rate_per_s: float = 20.0, burst: int = 5) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError(f"rate_per_s must be > 0 and burst >= 1, got {rate_per_s}, {burst}")
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._tokens = float(burst)
        self._at: float | None = None
        self.suppressed = 0  # how many were refused so far

    def allow(self, now: float) -> bool:
        """Take one token if there is one at ``now`` (s)."""
        if self._at is not None and now > self._at:
            self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate_per_s)
        if self._at is None or now > self._at:
            self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        self.suppressed += 1
        return False
