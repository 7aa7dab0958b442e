"""The MQTT payloads as plain values: pure functions, no I/O, no clock.

Instants on the wire are ISO 8601 UTC strings with milliseconds
(``2026-11-23T18:58:13.123Z``), as in ``station history --json``; the station's
monotonic instants are turned into them with ``offset_s`` (wall minus
monotonic clock, s). The JSON schemas are in :mod:`station.net.schemas`.
"""

from __future__ import annotations

import json
import uuid

from station.core.snapshot import Snapshot
from station.history.read import iso_utc

#: Bumped when a payload changes incompatibly (a field removed or renamed).
CONTRACT_VERSION = 1
_SET_NS = uuid.UUID("8c7f3a52-3f0e-4f57-9f5e-2b7e6e1f6a10")


def topics(prefix: str, station_id: str) -> dict[str, str]:
    """The station's topics: state, cue, set, online."""
    base = f"{prefix}/{station_id}"
    return {k: f"{base}/{k}" for k in ("state", "cue", "set", "online")}


def state(snap: Snapshot, *, station_id: str, offset_s: float, now: float,
          exercise: str | None = None, athlete: str = "", seq: int = 0) -> dict:
    """The retained ``state`` payload for ``snap`` at ``now`` (monotonic s).

    ``ends_at`` is when a timed phase (REST, LOWER) ends, so a display counts
    down on its own; ``at`` is when the station saw the change."""
    return {
        "v": CONTRACT_VERSION,
        "station": station_id,
        "seq": seq,
        "at": iso_utc(now + offset_s),
        "phase": snap.phase.value,
        "phase_started_at": iso_utc(None if snap.phase_started_at is None
                                    else snap.phase_started_at + offset_s),
        "ends_at": iso_utc(None if snap.phase_ends_at is None else snap.phase_ends_at + offset_s),
        "seconds_left": None if snap.seconds_left is None else round(snap.seconds_left, 3),
        "method": snap.method,
        "exercise": exercise,
        "load_kg": snap.load_kg,
        "athlete": athlete or None,
        "bout": snap.bout_index + 1,
        "bouts_planned": snap.bouts_planned,
        "reps_in_bout": snap.reps_in_bout,
        "target_reps": snap.target_reps,
        "reps_per_bout": list(snap.reps_per_bout),
        "total_reps": snap.total_reps,
        "cap_reached": snap.cap_reached,
        "done_reason": snap.done_reason,
    }


def cue(name: str, value: object, due_at: float, *, station_id: str, offset_s: float) -> dict:
    """The ``cue`` payload: a cue as it sounds (``due_at``: monotonic s)."""
    return {"v": CONTRACT_VERSION, "station": station_id, "name": name,
            "value": value if isinstance(value, (int, str)) or value is None else str(value),
            "at": iso_utc(due_at + offset_s)}


def set_id(station_id: str, session: dict) -> str:
    """A stable id for a recorded set: the same set gives the same id on every
    retry and restart, two stations never collide."""
    return str(uuid.uuid5(_SET_NS, f"{station_id}/{session['id']}/{session['started_at']}"))


def finished_set(session: dict, *, station_id: str, athlete: str = "") -> dict:
    """The ``set`` payload: the session as ``station history --json`` gives
    it, plus ``set_id``, ``station`` and ``athlete``."""
    out = dict(session)
    out["set_id"] = set_id(station_id, session)
    out["station"] = station_id
    out["athlete"] = athlete or None
    out["v"] = CONTRACT_VERSION
    return out


def encode(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def discovery(prefix: str, station_id: str, discovery_prefix: str, version: str) -> list[tuple[str, dict]]:
    """Home Assistant MQTT discovery: (config topic, payload) for the phase,
    reps and seconds-left sensors of this station's device."""
    t = topics(prefix, station_id)
    device = {"identifiers": [f"station-{station_id}"], "name": f"Station {station_id}",
              "manufacturer": "station", "model": "rack-side station", "sw_version": version}
    node = f"station_{station_id}"  # HA allows - in a node id; the example ACL matches it
    sensors = [
        ("phase", "Phase", "{{ value_json.phase }}", {}),
        ("reps", "Reps in bout", "{{ value_json.reps_in_bout }}", {"state_class": "measurement"}),
        ("total_reps", "Total reps", "{{ value_json.total_reps }}", {"state_class": "measurement"}),
        ("seconds_left", "Seconds left", "{{ value_json.seconds_left if value_json.seconds_left is not none else 0 }}",
         {"unit_of_measurement": "s", "device_class": "duration"}),
        ("ends_at", "Phase ends", "{{ value_json.ends_at }}", {"device_class": "timestamp"}),
    ]
    out = []
    for key, name, template, extra in sensors:
        payload = {"name": name, "unique_id": f"{node}_{key}", "object_id": f"{node}_{key}",
                   "state_topic": t["state"], "value_template": template,
                   "availability_topic": t["online"], "payload_available": "true",
                   "payload_not_available": "false", "device": device, **extra}
        out.append((f"{discovery_prefix}/sensor/{node}/{key}/config", payload))
    return out
