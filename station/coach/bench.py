"""``station coach bench --stations N``: the gym at scale on loopback.

A private mosquitto, a ``station coach`` process and N simulated stations
(the real publisher, outbox and history; a simulated lifter each, split over
two child processes as a gym's stations are separate machines). This process
reads the board's event stream like a browser and takes, for every tile
event, the time from the station's state change (the payload's ``at``) to
the event's arrival. CPU and memory of the broker and the coach come from
/proc. All processes share this machine's cores, so the figures are an upper
bound of what one gym PC would see.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from station.net.broker import Broker, free_port

WARMUP_S = 5.0
TARGET_P99_MS = 250.0


class _Proc:
    """CPU time and resident memory of a process, from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def cpu_s(self) -> float:
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick

    def rss_mb(self) -> float:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0


class _Stream(threading.Thread):
    """Reads /events; records (arrival - state.at) for every tile event."""

    def __init__(self, port: int) -> None:
        super().__init__(name="bench-sse", daemon=True)
        self.port = port
        self.samples: list[tuple[float, float]] = []  # (arrival wall s, latency s)
        self.events = 0
        self.stop = threading.Event()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", "/events")
        resp = conn.getresponse()
        kind = None
        while not self.stop.is_set():
            raw = resp.readline()
            if not raw:
                break
            now = time.time()
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "tile":
                self.events += 1
                tile = json.loads(line[6:])
                state = tile.get("state")
                if tile.get("why") == "state" and state and state.get("at"):
                    at = datetime.fromisoformat(state["at"].replace("Z", "+00:00")).timestamp()
                    self.samples.append((now, now - at))
        conn.close()


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def run(stations: int, seconds: float, say: Callable[[str], None] = lambda t: None) -> dict:
    with tempfile.TemporaryDirectory(prefix="station-coach-bench-") as tmp:
        work = Path(tmp)
        broker = Broker(work / "broker").start()
        port = free_port()
        cfg = work / "coach.toml"
        cfg.write_text(f'[mqtt]\nbroker = "{broker.url}"\ntopic_prefix = "bench"\n'
                       f'[coach]\nlisten = "127.0.0.1:{port}"\ndb = "coach.sqlite3"\n')
        coach = subprocess.Popen([sys.executable, "-m", "station", "coach", "--config", str(cfg)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        children: list[subprocess.Popen] = []
        stream = _Stream(port)
        try:
            _wait_http(port)
            stream.start()
            halves = [stations - stations // 2, stations // 2] if stations > 1 else [stations]
            first, total_s = 1, WARMUP_S + seconds
            say(f"coach bench: {stations} simulated stations in {len(halves)} processes, "
                f"{WARMUP_S:g} s warm-up + {seconds:g} s measured")
            for n in [h for h in halves if h]:
                (work / f"st{first}").mkdir()
                children.append(subprocess.Popen(
                    [sys.executable, "-m", "station.coach.bench_child", broker.url,
                     str(work / f"st{first}"), str(first), str(n), str(total_s)],
                    stdout=subprocess.PIPE, text=True))
                first += n
            for c in children:
                assert c.stdout is not None  # stdout=PIPE
                json.loads(c.stdout.readline())  # ready
            time.sleep(WARMUP_S)
            assert broker.pid is not None  # started above
            bp, cp = _Proc(broker.pid), _Proc(coach.pid)
            b0, c0, t0, e0 = bp.cpu_s(), cp.cpu_s(), time.time(), stream.events
            rss_b, rss_c = [], []
            while time.time() < t0 + seconds:
                time.sleep(1.0)
                rss_b.append(bp.rss_mb())
                rss_c.append(cp.rss_mb())
            wall = time.time() - t0
            b1, c1, e1 = bp.cpu_s(), cp.cpu_s(), stream.events
            sent = 0
            for c in children:
                assert c.stdout is not None
                out = c.stdout.readline()
                sent += json.loads(out).get("sent", 0) if out else 0
                c.wait(60)
        finally:
            stream.stop.set()
            for c in children:
                if c.poll() is None:
                    c.kill()
            coach.terminate()
            coach.wait(10)
            broker.stop()
        lat = [lat * 1000 for at, lat in stream.samples if t0 <= at <= t0 + seconds]
        return {
            "stations": stations, "seconds": round(wall, 1),
            "board_events": len(lat),
            "latency_ms": {"median": round(statistics.median(lat), 1) if lat else None,
                           "p99": round(_pct(lat, 0.99), 1) if lat else None,
                           "max": round(max(lat), 1) if lat else None},
            "board_events_per_s": round((e1 - e0) / wall, 1),
            "published_per_s": round(sent / (WARMUP_S + seconds), 1),
            "broker": {"cpu_pct": round(100 * (b1 - b0) / wall, 1), "rss_mb": round(max(rss_b), 1)},
            "coach": {"cpu_pct": round(100 * (c1 - c0) / wall, 1), "rss_mb": round(max(rss_c), 1)},
            "target_p99_ms": TARGET_P99_MS,
            "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0],
                        "load_1min": round(os.getloadavg()[0], 2)},
        }


def _wait_http(port: int, timeout_s: float = 30.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/api/board")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the coach did not serve on port {port} within {timeout_s} s")


def print_report(r: dict, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps(r, indent=2))
        return
    lat = r["latency_ms"]
    ok = lat["p99"] is not None and lat["p99"] <= r["target_p99_ms"]
    m = r["machine"]
    print(f"station coach bench: {r['stations']} stations, {r['seconds']} s measured, "
          f"{m['cores']} cores (load {m['load_1min']} at the end; shared with whatever else runs)")
    print(f"  board latency, state change -> event stream: median {lat['median']} ms, "
          f"p99 {lat['p99']} ms, max {lat['max']} ms over {r['board_events']} events "
          f"(target p99 <= {r['target_p99_ms']:g} ms: {'pass' if ok else 'MISS'})")
    print(f"  messages: {r['published_per_s']}/s published by the stations, "
          f"{r['board_events_per_s']}/s tile events on the board")
    print(f"  broker (mosquitto): {r['broker']['cpu_pct']} % of a core, {r['broker']['rss_mb']} MB")
    print(f"  coach: {r['coach']['cpu_pct']} % of a core, {r['coach']['rss_mb']} MB")
