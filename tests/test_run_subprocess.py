"""`station run` as a user's remote sees it: a real process, real time, a pty.

A short real-time cluster set (1.5 s rests, a 5 s cap) is driven by REP lines
over a pty; the test checks the protocol conversation, the exit and the
history. Timing is not asserted here (that is `station bench`): only what
happened, in what order.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from station.testing import PtyRemote


@pytest.mark.timeout(60)
@pytest.mark.realtime
@pytest.mark.slow
def test_station_run_driven_over_a_pty(tmp_path):
    remote = PtyRemote()
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    db = tmp_path / "h.sqlite3"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "station", "run", "cluster", "--reps", "2", "--rest", "1.5",
         "--duration", "5", "--sets", "1", "--pins", "mock", "--display", "none", "--no-sound",
         "--serial", remote.path, "--db", str(db), "--config", str(cfg)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert remote.until("HELLO station", timeout=20)
        # 1.5 s is outside the recommended 10-15 s: a warning, acknowledged with a press
        remote.until("CUE warn", timeout=10)
        remote.send("REP")
        seen: list[str] = []
        while "CUE done" not in seen:  # a lifter: two reps whenever it says go
            line = remote.line(timeout=10)
            seen.append(line)
            if line.startswith(("STATE READY", "STATE WORK")) and line.split()[3] == "0":
                remote.send("REP")
                remote.send("REP")
        assert proc.wait(timeout=15) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        remote.close()
    cues = [ln[4:] for ln in seen if ln.startswith("CUE ")]
    # each cluster: rep, rep, rest, (count 1), go ... until no rest could end
    # before the 5 s cap: "last one" (cap), that cluster, done; no count-in after
    assert cues[:3] == ["rep", "rep", "rest"]
    assert "count" in cues and "go" in cues
    assert cues[-1] == "done" and "cap" in cues
    assert not {"rest", "count"} & set(cues[cues.index("cap"):])
    assert cues.count("rest") >= 1
    out = subprocess.run([sys.executable, "-m", "station", "history", "--json", "--db", str(db)],
                         capture_output=True, text=True, check=True).stdout
    [session] = json.loads(out)
    assert session["method"] == "cluster" and session["status"] == "completed"
    assert all(b["reps"] == 2 for b in session["bouts"])
    assert len(session["bouts"]) == cues.count("rest") + 1  # the last cluster has no rest
