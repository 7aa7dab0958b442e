"""The commented default config that `station config example` prints."""

from __future__ import annotations

from station.core.methods import PRESETS


def example_config() -> str:
    """A commented config: every key at its default with its range and meaning.
    The example exercises and the user preset are commented out: the file as
    written gives exactly the defaults (no exercise, no preset)."""
    methods = ", ".join(PRESETS)
    return _EXAMPLE.replace("@METHODS@", methods)


_EXAMPLE = """\
# station.toml: the station's configuration.
# Looked for at $XDG_CONFIG_HOME/station/station.toml (~/.config/station/station.toml),
# then /etc/station/station.toml. Every section and key is optional; the values below
# are the defaults. Unknown keys are errors. Check a file with `station config check`.
# Durations are in seconds (*_s), loads in kilograms (*_kg).

units = "kg"              # "kg" | "lb", at the top of the file: with "lb" every weight key is
                          # spelled *_lb (one_rm_lb, bar_lb, plates_lb, dumbbells_lb, increment_lb,
                          # load_lb) and given in pounds; screen, `station load` and `station history`
                          # show pounds. The history always stores kg.

[pins]
factory = "auto"          # "auto" (real pins on a Pi, else mock) | "gpio" | "mock"
button = 17               # BCM pin (2-27) of the big button, wired to GND (internal pull-up)
spotter_button = 0        # BCM pin (2-27) of an optional second button; 0 = none
buzzer = 18               # BCM pin (2-27) of the buzzer; not the button's pin
buzzer_kind = "active"    # "active" (buzzer with its own oscillator) | "tonal" (passive piezo on PWM)
buzzer_active_high = true # true: the buzzer sounds when the pin is high

[gestures]
debounce_s = 0.03         # 0.001-0.2: presses closer than this are contact bounce
hold_s = 1.0              # 0.3-5: a hold this long = failure / end of a mini-set
end_hold_s = 3.0          # over hold_s, at most 10: a hold this long ends the set
double_s = 0.4            # 0.1-1.0: two presses within this = undo the last rep
early_start_after = 0.5   # 0-1: in this first part of a rest a press only warns; later: go + rep

[sound]
volume = 0.8              # 0.0-1.0
quiet = false             # true: tones at low volume only, buzzer muted
speech = true             # spoken cues via espeak-ng when it is installed
buffer_samples = 512      # mixer buffer, a power of two 64-4096 (12 ms; 256 halves the delay, doubles the idle CPU)

[serial]
url = ""                  # remote accessory: a device path (/dev/serial/by-id/...) or a
                          # pyserial URL (loop://, socket://host:port); "" = none
baud = 115200             # 50-4000000
reconnect_max_s = 5.0     # 0.1-60: the longest wait between tries to reopen a remote that went
                          # away; a re-plugged remote is found within this

[display]
mode = "auto"             # "auto" | "fullscreen" | "window" | "terminal" | "none"
window_size = [800, 480]  # [width, height] in pixels (160-8192) for mode "window"

[history]
db = ""                   # the history database; "" = $XDG_DATA_HOME/station/history.sqlite3
                          # (~/.local/share/...); a relative path is relative to this file

[guardrails]
overuse_sessions = 2      # warn when more intensification sets than this (any method, each set
                          # counts) ran on one exercise, or on one muscle group (see muscles),
overuse_days = 7          # 1-365: ...within this many days (today's set included)
warn_consecutive_days = true  # warn when the exercise or its muscle group was trained so yesterday

# A training block (optional; no block, no block note): drop sets before its last
# four weeks get a note. The week of the block counts from block_start.
# [training]
# block_weeks = 10        # 2-52
# block_start = 2026-10-05  # a TOML date: the block's first day

# Exercises: none by default; uncomment an example and make it yours. Any name.
# kind = "barbell" | "dumbbell" | "machine". Loads are rounded to what the equipment allows.
# [exercises.squat]
# kind = "barbell"
# one_rm_kg = 140.0       # optional, over 0 and at most 1000: your 1RM, for %1RM loads
# bar_kg = 20.0           # barbell only, 0-50
# plates_kg = [25, 25, 25, 25, 20, 15, 10, 5, 2.5, 1.25]  # barbell only: plates PER SIDE, any order (at most 40, 16 different)
# muscles = ["quads", "glutes"]  # optional: the muscle groups the guardrails count it for
# spotter = "ask"         # "ask" | "arms": safety arms set: shown instead of asking for a spotter
#                           # (strength rest-pause, drop sets; forced negatives still ask)
# # variations = ["high bar", "low bar"]  # optional: a mechanical drop set's variations in order
#                           # (built in: triceps extensions and the leg press; others: numbered)

# [exercises.curl]
# kind = "dumbbell"
# dumbbells_kg = [5, 7.5, 10, 12.5, 15]   # dumbbell only: the weights on the rack; one_rm_kg
#                         # and every load of a dumbbell exercise are per dumbbell
#
# [exercises.leg-press]
# kind = "machine"
# increment_kg = 5.0      # machine only, 0.1-50: the stack step

# User presets: none by default. Run one as `station run <name>`; a name must not be a
# built-in method.
# method: one of @METHODS@.
# exercise (optional) names an [exercises.*] entry; load_kg (optional) is the starting
# load, 0-1000. Any parameter of the method by its name:
# reps, rest, duration, every, clusters, pauses, total, drops, drop-percent, variations,
# eccentric, min-reps, mini-sets. Values outside the recommended range give a warning.
# [presets.my-squat-clusters]
# method = "cluster"
# exercise = "squat"
# load_kg = 100.0
# reps = 4                # reps per cluster
# rest = 15.0             # s of rest after each cluster
# duration = 240.0        # s, time cap from the first rep

# The gym network (docs/mqtt.md): off unless [mqtt] is here. Needs `pip install 'station[mqtt]'`.
# [mqtt]
# broker = "mqtts://broker.gym.lan:8883"  # mqtt://HOST[:PORT] (1883) or mqtts://HOST[:PORT] (8883, TLS)
# station_id = "rack-1"   # this station's topic level; default: the host name
# username = "rack-1"     # broker login; password is never printed
# password = "..."
# client_cert = ""        # mqtts only: PEM client certificate (and client_key) instead of a password
# client_key = ""
# ca_file = "/etc/station/gym-ca.crt"     # mqtts only: the CA of the broker's certificate ("" = system's)
# topic_prefix = "station" # topics are <topic_prefix>/<station_id>/state|cue|set|online
# athlete = ""            # shown on the coach's board
# home_assistant = false  # publish Home Assistant MQTT discovery
# discovery_prefix = "homeassistant"
# keepalive_s = 30        # 5-3600
#
# `station coach` (the gym's board; needs `pip install 'station[coach]'` and [mqtt] above):
# [coach]
# listen = "127.0.0.1:8080" # any address but loopback needs a token
# token = "..."           # 12 or more characters; open the board as /?token=...
# db = ""                 # the coach's history; default $XDG_DATA_HOME/station/coach.sqlite3
# client_id = "station-coach" # the broker session the coach resumes
"""
