"""One process of simulated stations for ``station coach bench``:
``python -m station.coach.bench_child BROKER_URL DIR FIRST N SECONDS``;
prints {"sent": messages published} as JSON when done."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from station.config import parse_config
from station.net.simulate import Gym, Script

#: A lifter in a gym: a rep a second, 5 s rests, clusters of 3 for 20 s, 2 s between sets.
BENCH_SCRIPT = Script(params=(("reps", 3), ("rest", 5.0), ("duration", 20.0)), sets=10**6,
                      cadence_s=1.0, gap_s=2.0)


def main(argv: list[str]) -> int:
    url, directory, first, n, seconds = argv[0], Path(argv[1]), int(argv[2]), int(argv[3]), float(argv[4])
    cfg = parse_config(f'[mqtt]\nbroker = "{url}"\ntopic_prefix = "bench"\nkeepalive_s = 60\n').mqtt
    assert cfg is not None  # the text above has an [mqtt] table
    gym = Gym(cfg, directory, n, BENCH_SCRIPT, first=first).start()
    print(json.dumps({"ready": True}), flush=True)
    time.sleep(seconds)
    sent = sum(s.publisher.sent for s in gym.stations)
    gym.stop()
    print(json.dumps({"sent": sent}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
