"""What the board shows, kept up to date from MQTT, and the live event fan-out.

The subscriber (paho's thread) calls :meth:`Board.state`, :meth:`Board.online`
and :meth:`Board.new_set`; each board page's event stream is an asyncio
queue fed with ``call_soon_threadsafe``, so no network thread ever waits on a
browser. A browser that stops reading loses events beyond ``QUEUE_MAX`` and
gets a fresh ``board`` event when it catches up.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

from station.coach.store import CoachHistory, week_counts

QUEUE_MAX = 2000
WEEK_DAYS = 7


def _summary(s: dict) -> dict:
    return {"set_id": s.get("set_id"), "station": s.get("station"), "athlete": s.get("athlete"),
            "method": s["method"], "exercise": s.get("exercise"), "load_kg": s.get("load_kg"),
            "status": s["status"], "started_at": s["started_at"], "ended_at": s.get("ended_at"),
            "reps_per_bout": [b["reps"] for b in s["bouts"]]}


def _at(summary: dict) -> datetime:
    return datetime.fromisoformat(summary["started_at"].replace("Z", "+00:00"))


class Board:
    """Tiles per station (last state, online, ``seen_at``: when the station
    was last heard from, ISO UTC) and the sets lists."""

    def __init__(self, history: CoachHistory | None) -> None:
        self.history = history
        self._lock = threading.Lock()
        self.tiles: dict[str, dict] = {}
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = []
        self.events_sent = 0
        # the week's sets, newest first, read once: later sets are added as they come,
        # so a set arriving never costs a read of the history (the state messages wait)
        since = (datetime.now(UTC) - timedelta(days=WEEK_DAYS)).timestamp()
        self._week = [_summary(x) for x in history.sets(since_utc=since)] if history else []

    # ------------------------------------------------ from MQTT (any thread)

    def state(self, station: str, payload: dict) -> None:
        with self._lock:
            tile = self.tiles.setdefault(station, {"station": station, "online": True, "state": None})
            tile["state"] = payload
            tile["online"] = True
            tile["seen_at"] = _now_iso()
            tile = dict(tile, why="state")
        self._emit("tile", tile)

    def online(self, station: str, up: bool) -> None:
        with self._lock:
            tile = self.tiles.setdefault(station, {"station": station, "online": up, "state": None})
            tile["online"] = up
            if up:
                tile["seen_at"] = _now_iso()
            tile.setdefault("seen_at", None)  # an offline tile keeps when it was last heard from
            tile = dict(tile, why="online")
        self._emit("tile", tile)

    def new_set(self, payload: dict) -> None:
        """A set newly stored in the coach history (its ``set`` payload)."""
        with self._lock:
            self._week.insert(0, _summary(payload))
            self._week.sort(key=lambda x: x["started_at"], reverse=True)
        self._emit("sets", self.sets_lists())

    # ------------------------------------------------ for the web app

    def sets_lists(self, now_utc: datetime | None = None) -> dict:
        """Today's finished sets (local day of the coach's machine, newest
        first, 100 at most) and the week's counts per athlete and method."""
        now_utc = now_utc or datetime.now(UTC)
        local_midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        since = now_utc - timedelta(days=WEEK_DAYS)
        with self._lock:
            self._week = [x for x in self._week if _at(x) >= since]
            week = list(self._week)
        today = [x for x in week if _at(x) >= local_midnight]
        return {"today": today[:100], "week": week_counts(week, now_utc, WEEK_DAYS)}

    def snapshot(self) -> dict:
        with self._lock:
            tiles = sorted((dict(t) for t in self.tiles.values()), key=lambda t: t["station"])
        return {"server_time_ms": round(time.time() * 1000), "tiles": tiles, **self.sets_lists()}

    def listen(self) -> asyncio.Queue:
        """A queue of (kind, data) events for one event stream (call in the loop)."""
        q: asyncio.Queue = asyncio.Queue(QUEUE_MAX)
        with self._lock:
            self._listeners.append((asyncio.get_running_loop(), q))
        return q

    def unlisten(self, q: asyncio.Queue) -> None:
        with self._lock:
            self._listeners = [(lp, x) for lp, x in self._listeners if x is not q]

    def _emit(self, kind: str, data: dict) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for loop, q in listeners:
            try:
                loop.call_soon_threadsafe(_offer, q, (kind, data))
            except RuntimeError:  # that loop is closed
                self.unlisten(q)


def _now_iso() -> str:
    """Now, UTC, as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (the stations' format)."""
    ms = round(time.time() * 1000)
    return datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def _offer(q: asyncio.Queue, item: tuple) -> None:
    try:
        q.put_nowait(item)
    except asyncio.QueueFull:
        while not q.empty():
            q.get_nowait()
        q.put_nowait(("resync", {}))
