"""The systemd unit and the installer: checked with systemd's and shellcheck's own tools.

`systemd-analyze verify` does not resolve ``User=`` or ``SupplementaryGroups=``
(a CI machine has no ``station`` user or ``gpio`` group), so those are checked
against what install.sh creates instead. verify does insist that ExecStart=
exists, so it runs on a copy whose ExecStart= is /bin/true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
UNIT = REPO / "systemd" / "station.service"
INSTALL = REPO / "systemd" / "install.sh"
RULES = REPO / "hardware" / "99-station-remote.rules"

needs_systemd_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


def unit_values(key: str) -> list[str]:
    """Every value of ``key=`` in the unit, in order."""
    return [
        line.split("=", 1)[1].strip()
        for line in UNIT.read_text().splitlines()
        if line.startswith(f"{key}=")
    ]


def runnable_copy(tmp_path: Path, extra: str = "") -> Path:
    """The unit as station.service in tmp_path, ExecStart= pointed at /bin/true."""
    text = re.sub(
        r"^ExecStart=\S+", "ExecStart=/bin/true", UNIT.read_text(), flags=re.MULTILINE
    )
    text = text.replace("[Service]\n", f"[Service]\n{extra}", 1)
    path = tmp_path / "station.service"
    path.write_text(text)
    return path


def analyze(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@needs_systemd_analyze
def test_unit_verifies_without_a_single_message(tmp_path):
    result = analyze("verify", str(runnable_copy(tmp_path)))
    assert (result.stdout + result.stderr) == ""
    assert result.returncode == 0


@needs_systemd_analyze
def test_verify_would_report_a_broken_unit(tmp_path):
    # The check above can fail: a misspelt directive is reported.
    result = analyze("verify", str(runnable_copy(tmp_path, extra="WatchdogSecs=10\n")))
    assert "WatchdogSecs" in result.stdout + result.stderr


@needs_systemd_analyze
def test_security_exposure_at_most_2(tmp_path):
    result = analyze("security", "--offline=yes", str(runnable_copy(tmp_path)))
    assert result.returncode == 0, result.stderr
    match = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", result.stdout)
    assert match, result.stdout[-500:]
    assert float(match.group(1)) <= 2.0, result.stdout


def test_unit_reaches_gpio_display_sound_input_and_serial_remotes():
    # PrivateDevices= would hide the GPIO chip, the DRM card and the sound card.
    assert not unit_values("PrivateDevices")
    assert unit_values("DevicePolicy") == ["closed"]
    allowed = {value.split()[0] for value in unit_values("DeviceAllow")}
    for needed in (
        "char-gpiochip",
        "char-drm",
        "char-alsa",
        "char-input",
        "char-ttyACM",
        "char-ttyUSB",
    ):
        assert needed in allowed
    # A hung main loop is restarted: systemd expects watchdog pings from the main process only.
    assert unit_values("Type") == ["notify"]
    assert unit_values("NotifyAccess") == ["main"]
    assert unit_values("WatchdogSec") and unit_values("Restart") == ["on-failure"]


def test_unit_and_installer_agree_on_user_groups_and_venv():
    script = INSTALL.read_text()
    wanted = re.search(
        r"^readonly GROUPS_WANTED=\(([^)]*)\)", script, flags=re.MULTILINE
    )
    assert wanted, "GROUPS_WANTED not found in install.sh"
    assert unit_values("SupplementaryGroups")[0].split() == wanted.group(1).split()
    assert unit_values("User") == ["station"] and "readonly USER_NAME=station" in script
    assert unit_values("ExecStart")[0].startswith("/opt/station/venv/bin/station run")
    assert "/opt/station/venv" in script


@pytest.mark.skipif(
    shutil.which("shellcheck") is None, reason="shellcheck is not installed"
)
def test_install_script_is_shellcheck_clean():
    result = subprocess.run(
        ["shellcheck", str(INSTALL)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- install.sh --root


def install(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHON=sys.executable)
    result = subprocess.run(
        ["bash", str(INSTALL), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_install_into_a_root_writes_unit_rule_and_a_loadable_config(tmp_path):
    from station.config import load_config

    result = install(tmp_path)
    files = tree(tmp_path)
    assert files["etc/systemd/system/station.service"] == UNIT.read_bytes()
    assert files["etc/udev/rules.d/99-station-remote.rules"] == RULES.read_bytes()
    config = tmp_path / "etc/station/station.toml"
    assert config.read_text().lstrip().startswith("#")  # commented
    assert load_config(config).source == config  # and valid: the service starts with it
    # Under --root nothing on this machine is changed; the commands are shown.
    assert "+ systemctl enable station.service" in result.stdout
    assert re.search(
        r"^\+ \S+/opt/station/venv/bin/pip install .*",
        result.stdout,
        flags=re.MULTILINE,
    )
    assert "--system-site-packages" in result.stdout


def test_install_twice_gives_the_same_files_and_keeps_an_edited_config(tmp_path):
    install(tmp_path)
    config = tmp_path / "etc/station/station.toml"
    config.write_text(config.read_text() + '\n[serial]\nurl = "/dev/station-remote"\n')
    first = tree(tmp_path)
    install(tmp_path)
    assert tree(tmp_path) == first


def test_uninstall_removes_the_install_but_keeps_the_history(tmp_path):
    install(tmp_path)
    history = tmp_path / "var/lib/station/history.sqlite3"
    history.parent.mkdir(parents=True)
    history.write_bytes(b"SQLite format 3\0 and a year of sets")
    config = (tmp_path / "etc/station/station.toml").read_text()
    result = install(tmp_path, "--uninstall")
    files = tree(tmp_path)
    assert files == {
        "var/lib/station/history.sqlite3": b"SQLite format 3\0 and a year of sets",
        "var/lib/station/station.toml.uninstalled": config.encode(),
    }
    assert not (tmp_path / "etc/station").exists()
    assert "+ systemctl disable --now station.service" in result.stdout


def test_dry_run_writes_nothing(tmp_path):
    result = install(tmp_path, "--dry-run")
    assert tree(tmp_path) == {}
    assert "writing /etc/systemd/system/station.service" in result.stdout
