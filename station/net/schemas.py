"""JSON schemas (draft 2020-12) of every MQTT payload: the contract of
docs/mqtt.md, which shows these very schemas (a test keeps the two equal)."""

from __future__ import annotations

from station.core.events import CUE_NAMES, END_STATUSES

_ISO = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"}
_ISO_OR_NULL = {"anyOf": [_ISO, {"type": "null"}]}
_PHASES = ["CONFIRM", "READY", "WORK", "REST", "STRIP", "LOWER", "DONE"]
_NUM_OR_NULL = {"type": ["number", "null"]}
_INT_OR_NULL = {"type": ["integer", "null"]}
_STR_OR_NULL = {"type": ["string", "null"]}
_STATION = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"}

STATE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "<prefix>/<station>/state (retained, QoS 0)",
    "type": "object",
    "required": ["v", "station", "seq", "at", "phase", "phase_started_at", "ends_at", "seconds_left",
                 "method", "exercise", "load_kg", "athlete", "bout", "bouts_planned", "reps_in_bout",
                 "target_reps", "reps_per_bout", "total_reps", "cap_reached", "done_reason"],
    "properties": {
        "v": {"const": 1},
        "station": _STATION,
        "seq": {"type": "integer", "minimum": 0},
        "at": _ISO,
        "phase": {"enum": _PHASES},
        "phase_started_at": _ISO_OR_NULL,
        "ends_at": _ISO_OR_NULL,
        "seconds_left": _NUM_OR_NULL,
        "method": {"type": "string"},
        "exercise": _STR_OR_NULL,
        "load_kg": _NUM_OR_NULL,
        "athlete": _STR_OR_NULL,
        "bout": {"type": "integer", "minimum": 1},
        "bouts_planned": _INT_OR_NULL,
        "reps_in_bout": {"type": "integer", "minimum": 0},
        "target_reps": _INT_OR_NULL,
        "reps_per_bout": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "total_reps": {"type": "integer", "minimum": 0},
        "cap_reached": {"type": "boolean"},
        "done_reason": _STR_OR_NULL,
    },
}

CUE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "<prefix>/<station>/cue (QoS 0, not retained)",
    "type": "object",
    "required": ["v", "station", "name", "value", "at"],
    "properties": {
        "v": {"const": 1},
        "station": _STATION,
        "name": {"enum": list(CUE_NAMES)},
        "value": {"type": ["integer", "number", "string", "null"]},
        "at": _ISO,
    },
}

_BOUT = {
    "type": "object",
    "required": ["index", "reps", "load_kg", "variation", "started_at", "ended_at", "rest_before_s",
                 "end_reason", "rep_times"],
    "properties": {
        "index": {"type": "integer", "minimum": 1},
        "reps": {"type": "integer", "minimum": 0},
        "load_kg": _NUM_OR_NULL,
        "variation": _STR_OR_NULL,
        "started_at": _ISO,
        "ended_at": _ISO_OR_NULL,
        "rest_before_s": _NUM_OR_NULL,
        "end_reason": _STR_OR_NULL,
        "rep_times": {"type": "array", "items": _ISO},
        "lowered_s": {"type": "array", "items": _NUM_OR_NULL},  # forced negatives only
    },
}

SET = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "<prefix>/<station>/set (QoS 1, not retained): `station history --json` + 4 keys",
    "type": "object",
    "required": ["v", "set_id", "station", "athlete", "id", "method", "exercise", "load_kg", "status",
                 "started_at", "ended_at", "spotter_confirmed", "spotter_confirmed_at", "done_reason",
                 "lateness_ms", "plan_summary", "params", "warnings", "bouts"],
    "properties": {
        "v": {"const": 1},
        "set_id": {"type": "string", "format": "uuid"},
        "station": _STATION,
        "athlete": _STR_OR_NULL,
        "id": {"type": "integer"},
        "method": {"type": "string"},
        "exercise": _STR_OR_NULL,
        "load_kg": _NUM_OR_NULL,
        "status": {"enum": [s.value for s in END_STATUSES]},
        "started_at": _ISO,
        "ended_at": _ISO_OR_NULL,
        "spotter_confirmed": {"type": "boolean"},
        "spotter_confirmed_at": _ISO_OR_NULL,
        "done_reason": _STR_OR_NULL,
        "lateness_ms": {"type": "object", "required": ["median", "max", "cues"],
                        "properties": {"median": _NUM_OR_NULL, "max": _NUM_OR_NULL,
                                       "cues": {"type": "integer", "minimum": 0}}},
        "plan_summary": {"type": "string"},
        "params": {"type": "object"},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "bouts": {"type": "array", "items": _BOUT},
    },
}

ONLINE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "<prefix>/<station>/online (retained, QoS 1; the last will is false)",
    "type": "boolean",
}

ALL = {"state": STATE, "cue": CUE, "set": SET, "online": ONLINE}
