"""The gym network without a broker: config, payloads against their JSON
schemas, the durable outbox, the coach's history (fast tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scripting import presses, run_script

from station.config import ConfigError, parse_config
from station.core.engine import snapshot
from station.core.events import Phase
from station.core.methods import compile_plan
from station.history.store import History
from station.net import payloads, schemas

jsonschema = pytest.importorskip("jsonschema")


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    """`station ARGV` in this process: (exit code, stdout, stderr)."""
    from station.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err

SECRET = "hunter2-very-secret"


def _validate(payload: object, schema: dict) -> None:
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(payload)


# ---------------------------------------------------------------- config


def test_no_mqtt_section_means_nothing_on_the_network() -> None:
    config = parse_config("")
    assert config.mqtt is None and config.coach is None


def test_a_full_mqtt_section(tmp_path) -> None:
    ca = tmp_path / "ca.crt"
    ca.write_text("x")
    cfg = parse_config(f'[mqtt]\nbroker = "mqtts://broker.gym.lan"\nstation_id = "rack-3"\n'
                       f'username = "rack-3"\npassword = "{SECRET}"\nca_file = "ca.crt"\n'
                       f'topic_prefix = "gym/north"\n', tmp_path / "s.toml").mqtt
    assert (cfg.host, cfg.port, cfg.tls, cfg.station_id) == ("broker.gym.lan", 8883, True, "rack-3")
    assert cfg.ca_file == str(ca) and cfg.topic_prefix == "gym/north"
    assert SECRET not in repr(cfg)
    assert parse_config('[mqtt]\nbroker = "mqtt://10.0.0.2:1884"\n').mqtt.port == 1884


@pytest.mark.parametrize("block, message", [
    ('broker = "http://x:1883"', "mqtt.broker: expected mqtt://HOST:PORT or mqtts://HOST:PORT"),
    (f'broker = "mqtt://rack:{SECRET}@x:1883"', "found <hidden>"),
    ('broker = "mqtt://x"\npassword = 5\nusername = "a"', "mqtt.password: expected a string, found <hidden>"),
    (f'broker = "mqtt://x"\npassword = "{SECRET}"', "mqtt.username: expected a username with the password"),
    ('broker = "mqtt://x"\nstation_id = "rack 1"', "mqtt.station_id: expected 1-64 letters"),
    ('broker = "mqtt://x"\ntopic_prefix = "a/#"', "mqtt.topic_prefix"),
    ('broker = "mqtt://x"\nca_file = "/no/such.crt"', "mqtt.ca_file: expected a readable file"),
    ('broker = "mqtt://x"\nbrokr = 1', "mqtt.brokr: unknown key"),
    ('station_id = "a"', "mqtt.broker: expected mqtt://HOST:PORT or mqtts://HOST:PORT, found nothing"),
])
def test_bad_mqtt_values_are_named_and_secrets_never_shown(block, message) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(f"[mqtt]\n{block}\n", Path("station.toml"))
    assert message in str(err.value)
    assert SECRET not in str(err.value) and str(err.value).startswith("station.toml:")


def test_the_board_off_loopback_needs_a_token() -> None:
    with pytest.raises(ConfigError, match="coach.token: expected a token of 12 or more"):
        parse_config('[coach]\nlisten = "0.0.0.0:8080"\n')
    assert parse_config('[coach]\n').coach.loopback_only
    coach = parse_config(f'[coach]\nlisten = "0.0.0.0:80"\ntoken = "{SECRET}"\n').coach
    assert (coach.host, coach.port) == ("0.0.0.0", 80) and SECRET not in repr(coach)


def test_config_check_never_prints_a_secret(tmp_path, capsys) -> None:
    path = tmp_path / "station.toml"
    path.write_text(f'[mqtt]\nbroker = "mqtt://10.0.0.2"\nusername = "rack-1"\npassword = "{SECRET}"\n'
                    f'[coach]\nlisten = "0.0.0.0:8080"\ntoken = "{SECRET}"\n')
    code, out, err = _cli(capsys, "config", "check", str(path))
    assert code == 0
    assert "mqtt: mqtt://10.0.0.2:1883 as station/" in out and "(password set)" in out
    assert SECRET not in out + err
    path.write_text(f'[mqtt]\nbroker = "mqtt://10.0.0.2"\nusername = "rack-1"\npassword = ["{SECRET}"]\n')
    code, out, err = _cli(capsys, "config", "check", str(path))
    assert code == 2 and "mqtt.password" in err and SECRET not in err + out


# ---------------------------------------------------------------- payloads


def _rest_snapshot():
    plan, _ = compile_plan("cluster", {"reps": 2}, 100.0)
    run = run_script(plan, presses(1.0, 2.0), until=2.5)
    snap = snapshot(run.session.set, 2.5)
    assert snap.phase is Phase.REST
    return snap


def test_the_state_payload_carries_the_rest_end_as_a_utc_instant() -> None:
    snap = _rest_snapshot()
    offset = 1_790_000_000.0
    body = payloads.state(snap, station_id="rack-1", offset_s=offset, now=2.5, exercise="squat",
                          athlete="Ada", seq=4)
    _validate(body, schemas.STATE)
    assert body["phase"] == "REST" and body["reps_per_bout"] == [2] and body["load_kg"] == 100.0
    # the rest is timed from the last rep (2.0 s) and lasts 15 s: ends at offset + 17 s
    assert body["ends_at"] == payloads.iso_utc(offset + 17.0)
    assert body["ends_at"].endswith(".000Z")


def test_cue_and_online_payloads_validate() -> None:
    _validate(payloads.cue("count", 3, 14.0, station_id="rack-1", offset_s=1e9), schemas.CUE)
    _validate(True, schemas.ONLINE)


def _record_set(db: Path, reps: int = 3, status_end: bool = True) -> int:
    plan, _ = compile_plan("rest-pause", {}, 80.0)
    run = run_script(plan, presses(*[1.0 + i for i in range(reps)]), until=reps + 1.0)
    with History.open(db, 1.7e9) as h:
        sid = h.begin_session("rest-pause", "bench", 80.0, dict(plan.params), "", 0.5)
        for e in run.effects:
            h.apply(e, getattr(e, "at", None))
        if status_end:
            h.end_session("completed", reps + 1.0)
        else:
            h.abandon()  # left running, as after a crash mid-set
    return sid


def test_the_set_payload_is_the_history_json_plus_its_id(tmp_path) -> None:
    db = tmp_path / "h.sqlite3"
    _record_set(db)
    with History.open(db, 0.0, readonly=True) as h:
        [session] = h.sessions()
    body = payloads.finished_set(session, station_id="rack-2", athlete="Ada")
    _validate(body, schemas.SET)
    assert {k: v for k, v in body.items() if k not in ("set_id", "station", "athlete", "v")} == session
    assert body["set_id"] == payloads.finished_set(session, station_id="rack-2")["set_id"]  # stable
    assert body["set_id"] != payloads.finished_set(session, station_id="rack-3")["set_id"]


def test_the_docs_show_the_schemas_in_force() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "mqtt.md").read_text(encoding="utf-8")
    shown = [json.loads(m) for m in re.findall(r"```json schema\n(.*?)```", doc, re.S)]
    assert shown == list(schemas.ALL.values())


# ---------------------------------------------------------------- outbox


def test_the_outbox_queues_ended_sets_after_it_was_enabled_and_keeps_them_until_acked(tmp_path) -> None:
    from station.net.outbox import Outbox, pending_count

    db = tmp_path / "h.sqlite3"
    _record_set(db)  # recorded before MQTT was configured: never published
    with Outbox(db) as box:
        assert box.queue_new() == 0 and box.pending() == []
        second = _record_set(db, reps=2)
        assert box.queue_new() == 1 and box.queue_new() == 0
    assert pending_count(db) == 1  # on disk: a restart finds it
    running = _record_set(db, reps=1, status_end=False)
    with Outbox(db) as box:
        [s] = box.pending()
        assert s["id"] == second and [b["reps"] for b in s["bouts"]] == [2]
        assert box.queue_new() == 0  # a set still running waits until it ends
        with History.open(db, 1.7e9) as h:
            assert h.mark_interrupted() == 1  # the next start marks it
        assert box.queue_new() == 1
        assert [p["id"] for p in box.pending()] == [second, running]
        box.acked(second)
        assert [p["id"] for p in box.pending()] == [running]
        box.acked(running)
        assert box.count() == 0


# ---------------------------------------------------------------- coach history


def test_the_coach_history_is_idempotent_on_set_id_and_reads_per_station(tmp_path, capsys) -> None:
    from station.coach.store import CoachHistory

    db = tmp_path / "h.sqlite3"
    _record_set(db)
    with History.open(db, 0.0, readonly=True) as h:
        [session] = h.sessions()
    coach_db = tmp_path / "coach.sqlite3"
    with CoachHistory(coach_db) as coach:
        a = payloads.finished_set(session, station_id="rack-1", athlete="Ada")
        b = payloads.finished_set(session, station_id="rack-2")
        assert coach.add(a) and not coach.add(a) and coach.add(b)
        assert coach.count() == 2
        [only] = coach.sets(station="rack-1")
        assert only["athlete"] == "Ada" and only["bouts"] == session["bouts"]
        assert {k: only[k] for k in ("method", "exercise", "status", "started_at", "ended_at",
                                     "lateness_ms", "params")} == \
               {k: session[k] for k in ("method", "exercise", "status", "started_at", "ended_at",
                                        "lateness_ms", "params")}
    code, out, _ = _cli(capsys, "history", "--json", "--db", str(coach_db), "--station", "rack-2")
    [row] = json.loads(out)
    assert row["station"] == "rack-2" and row["bouts"] == session["bouts"]
    code, csv, _ = _cli(capsys, "export", "--csv", "-", "--db", str(coach_db), "--station", "rack-1")
    assert code == 0 and len(csv.strip().splitlines()) == 1 + len(session["bouts"])
    code, _, err = _cli(capsys, "history", "--db", str(db), "--station", "rack-1")
    assert code == 2 and "not a coach history" in err


def test_the_coach_refuses_to_listen_beyond_this_machine_without_a_token(tmp_path, capsys) -> None:
    cfg = tmp_path / "station.toml"
    cfg.write_text('[mqtt]\nbroker = "mqtt://127.0.0.1:1"\n')
    code, _, err = _cli(capsys, "coach", "--config", str(cfg), "--listen", "0.0.0.0:8080")
    assert code == 2 and "without a token" in err
    cfg.write_text("")
    code, _, err = _cli(capsys, "coach", "--config", str(cfg))
    assert code == 2 and "no [mqtt] section" in err
