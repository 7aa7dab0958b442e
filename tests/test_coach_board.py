"""The coach's board in a real browser (Debian's chromium through its
chromedriver, headless; nothing is downloaded): a tile changes phase as soon
as a station's state does, counts down from the state's end instant, and goes
grey when the station goes offline. A screenshot is saved."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from mqtt_support import need_mosquitto, wait_until
from scripting import presses, run_script

from station.config import parse_config
from station.core import session
from station.core.engine import snapshot
from station.core.methods import compile_plan
from station.net.broker import Broker, free_port
from station.net.publisher import Publisher
from station.runtime.clock import Clock

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1280,800")


def _need_browser() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver"
                                              if os.path.exists("/usr/bin/chromedriver") else None)
    if not chromium or not driver:
        pytest.skip("chromium and chromium-driver (Debian packages) are not installed; .ci/run installs them")
    pytest.importorskip("selenium", reason="selenium missing: pip install -e '.[test]'")
    pytest.importorskip("starlette", reason="starlette missing: pip install -e '.[coach]'")
    return chromium, driver


def _browser(chromium: str, driver: str, profile):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # selenium manager must never fetch a browser or driver
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(executable_path=driver), options=opts)


def _tile(browser, station: str) -> dict:
    return browser.execute_script(
        "const t = document.querySelector(`.tile[data-station='${arguments[0]}']`);"
        "return t ? {phase: t.dataset.phase, offline: t.classList.contains('offline'),"
        " big: t.querySelector('.big').textContent, text: t.textContent,"
        " changed: window.__changed && window.__changed[arguments[0]]} : null;", station)


@pytest.mark.timeout(120)
def test_the_board_in_chromium_follows_a_station_within_a_second(tmp_path):
    need_mosquitto()
    chromium, driver = _need_browser()
    with Broker(tmp_path / "broker") as broker:
        port = free_port()
        text = (f'[mqtt]\nbroker = "{broker.url}"\nstation_id = "rack-1"\ntopic_prefix = "gym"\n'
                f'athlete = "Ada"\n[coach]\nlisten = "127.0.0.1:{port}"\ndb = "coach.sqlite3"\n')
        (tmp_path / "station.toml").write_text(text)
        coach = subprocess.Popen([sys.executable, "-m", "station", "coach", "--config",
                                  str(tmp_path / "station.toml")], stderr=subprocess.PIPE, text=True)
        clock = Clock()
        pub = Publisher(parse_config(text).mqtt, db_path=None, offset_s=clock.offset_s,
                        now=clock.now).start()
        browser = None
        try:
            wait_until(lambda: _http_ok(port), what="the board to listen")
            wait_until(pub.connected.is_set, what="the station to connect")
            plan, _ = compile_plan("cluster", {"reps": 2}, 100.0)
            t0 = clock.now()
            pub.context("squat")
            pub.on_state(snapshot(session.start(plan).set, t0))
            browser = _browser(chromium, driver, tmp_path / "chromium-profile")
            browser.get(f"http://127.0.0.1:{port}/")
            wait_until(lambda: (_tile(browser, "rack-1") or {}).get("phase") == "READY",
                       what="the READY tile")
            # record in the page when the tile's phase changes (performance.timeOrigin-based ms)
            browser.execute_script(
                "window.__changed = {}; new MutationObserver(ms => ms.forEach(m => {"
                " const s = m.target.dataset.station;"
                " if (m.target.dataset.phase === 'REST' && !window.__changed[s])"
                "  window.__changed[s] = performance.timeOrigin + performance.now(); }))"
                ".observe(document.getElementById('tiles'), {attributes: true, subtree: true,"
                " attributeFilter: ['data-phase']});")
            t1 = clock.now()
            run = run_script(plan, presses(t1, t1 + 0.5), until=t1 + 0.8, start_at=t1)
            sent_wall_ms = time.time() * 1000
            pub.on_state(snapshot(run.session.set, clock.now()))
            wait_until(lambda: (_tile(browser, "rack-1") or {}).get("changed"), timeout=10,
                       what="the REST tile")
            latency_ms = _tile(browser, "rack-1")["changed"] - sent_wall_ms
            print(f"board latency, state handed to the publisher -> tile repainted: {latency_ms:.0f} ms")
            assert latency_ms < 1000, f"the tile changed {latency_ms:.0f} ms after the station"
            tile = _tile(browser, "rack-1")
            assert "Ada" in tile["text"] and "cluster" in tile["text"] and "100 kg" in tile["text"]
            assert "reps 2" in tile["text"]
            first = int(tile["big"].split()[0])
            assert 14 <= first <= 16  # 15 s from the second rep (t1 + 0.5 s), counted in the browser
            wait_until(lambda: int(_tile(browser, "rack-1")["big"].split()[0]) < first,
                       what="the countdown to move")
            shot = tmp_path / "board.png"
            browser.save_screenshot(str(shot))
            if os.environ.get("STATION_SCREENSHOTS"):
                shutil.copy(shot, os.path.join(os.environ["STATION_SCREENSHOTS"], "board.png"))
            pub.close()  # a clean stop says offline: the tile goes grey
            wait_until(lambda: _tile(browser, "rack-1")["offline"], what="the grey tile")
            # the rest's end is still 10 s away: a grey tile shows no countdown, only when
            # the station was last heard from
            time.sleep(0.3)  # a few of the board's 100 ms ticks
            grey = _tile(browser, "rack-1")
            assert grey["big"].startswith("last seen "), grey["big"]
            assert not grey["big"].endswith(" s") and "OFFLINE" in grey["text"]
            browser.save_screenshot(str(tmp_path / "board-offline.png"))
            if os.environ.get("STATION_SCREENSHOTS"):
                shutil.copy(tmp_path / "board-offline.png",
                            os.path.join(os.environ["STATION_SCREENSHOTS"], "board-offline.png"))
            # read-only: nothing but GET
            req = urllib.request.Request(f"http://127.0.0.1:{port}/events", method="POST")
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(req, timeout=5)
            assert err.value.code == 405
        finally:
            if browser is not None:
                browser.quit()
            pub.close()
            coach.terminate()
            coach.wait(10)
    assert shot.stat().st_size > 10_000


def _http_ok(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/api/board", timeout=1).status == 200
    except OSError:
        return False


@pytest.mark.timeout(60)
def test_a_board_with_a_token_lets_nobody_in_without_it(tmp_path):
    pytest.importorskip("starlette")
    pytest.importorskip("uvicorn")
    pytest.importorskip("paho.mqtt.client")
    token = "board-token-1234567"
    port = free_port()
    cfg = tmp_path / "station.toml"
    cfg.write_text(f'[mqtt]\nbroker = "mqtt://127.0.0.1:{free_port()}"\n'
                   f'[coach]\nlisten = "127.0.0.1:{port}"\ntoken = "{token}"\ndb = "coach.sqlite3"\n')
    coach = subprocess.Popen([sys.executable, "-m", "station", "coach", "--config", str(cfg)],
                             stderr=subprocess.PIPE, text=True)
    try:
        def status(path: str, headers: dict | None = None) -> tuple[int, dict]:
            req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    return r.status, dict(r.headers)
            except urllib.error.HTTPError as e:
                return e.code, dict(e.headers)

        wait_until(lambda: _listening(port), what="the board to listen")
        assert status("/")[0] == 401
        assert status("/api/board")[0] == 401
        assert status("/static/board.js")[0] == 401
        assert status("/?token=wrong-token-123456")[0] == 401
        code, headers = status(f"/?token={token}")
        assert code == 200 and "HttpOnly" in headers.get("set-cookie", "")
        cookie = headers["set-cookie"].split(";")[0]
        assert status("/api/board", {"Cookie": cookie})[0] == 200
        assert status("/static/board.js", {"Authorization": f"Bearer {token}"})[0] == 200
    finally:
        coach.terminate()
        _, err = coach.communicate(timeout=10)
    assert token not in err  # never logged


def _listening(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False
