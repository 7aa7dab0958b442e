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
    assert unit_values("WatchdogSec") and unit_values("Restart") == ["always"]


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


@pytest.mark.slow
def test_install_twice_gives_the_same_files_and_keeps_an_edited_config(tmp_path):
    install(tmp_path)
    config = tmp_path / "etc/station/station.toml"
    config.write_text(config.read_text() + '\n[serial]\nurl = "/dev/station-remote"\n')
    first = tree(tmp_path)
    install(tmp_path)
    assert tree(tmp_path) == first


@pytest.mark.slow
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


# ---------------------------------------------------------------- the unit on a real Pi


def test_unit_opens_the_header_uart_both_kinds():
    # /dev/serial0 is the PL011 (/dev/ttyAMA0) or the mini UART (/dev/ttyS0 = 4:64).
    allowed = unit_values("DeviceAllow")
    assert "char-ttyAMA rw" in allowed
    assert "/dev/char/4:64 rw" in allowed
    assert not any(a.startswith("char-ttyS ") for a in allowed)  # not every VT of major 4


def test_unit_restarts_after_any_death_and_keeps_history_private():
    # SIGHUP/SIGTERM from anyone but systemd count as clean for on-failure.
    assert unit_values("Restart") == ["always"]
    assert unit_values("StateDirectoryMode") == ["0700"]


def test_unit_lets_a_32_bit_userland_run_on_a_64_bit_kernel():
    archs = unit_values("SystemCallArchitectures")
    assert len(archs) == 1 and set(archs[0].split()) == {"native", "arm"}


# ---------------------------------------------------------------- install.sh on a live system


STUBS = {
    # read-only questions: answered, recorded
    "dpkg-query": "exit 1",  # nothing is installed
    "dpkg": '[ "$1" = --print-architecture ] && echo arm64',
    "apt-cache": '[ "$2" = python3-lgpio ] && [ -n "${HAS_LGPIO:-}" ]',
    "getent": "exit 2",
    "udevadm": "exit 1",  # no udevd answers a ping
    # changes: recorded, never done
    "apt-get": "", "systemctl": "", "groupadd": "", "useradd": "", "usermod": "",
    "install": "", "mktemp": 'echo "$STUB_DIR/tmpfile"', "chmod": "", "mv": "", "python3": "",
}
READ_ONLY = ("dpkg-query", "dpkg", "apt-cache", "getent", "udevadm control --ping")


def stubbed_install(tmp_path: Path, *args: str, drop: tuple[str, ...] = (),
                    **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """install.sh on "this machine" with every system command replaced by a stub
    that records its call (in order) and changes nothing. Returns the result
    and the calls that would have changed something."""
    stubs = tmp_path / "stubs"
    stubs.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    for name, body in STUBS.items():
        if name in drop:
            continue
        path = stubs / name
        path.write_text(f'#!/bin/sh\necho "{name} $*" >>"$STUB_LOG"\n{body}\n')
        path.chmod(0o755)
    tools = tmp_path / "tools"  # the plain tools the script uses, and nothing else
    tools.mkdir(exist_ok=True)
    for name in ("sh", "bash", "sed", "grep", "cmp", "dirname", "cat", "env", "head", "tr",
                 "rm", "cp"):
        if shutil.which(name) and not (tools / name).exists():
            (tools / name).symlink_to(shutil.which(name))
    full_env = dict(os.environ, PATH=f"{stubs}:{tools}", STUB_LOG=str(log),
                    STUB_DIR=str(tmp_path), PYTHON=sys.executable, **env)
    result = subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True,
                            timeout=60, env=full_env, stdin=subprocess.DEVNULL, check=False)
    calls = log.read_text().splitlines() if log.exists() else []
    return result, [c for c in calls if not c.startswith(READ_ONLY)]


def test_install_without_yes_shows_the_plan_and_changes_nothing(tmp_path):
    result, changes = stubbed_install(tmp_path, "--no-start")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "the plan (nothing is done yet)" in result.stdout
    assert "+ env DEBIAN_FRONTEND=noninteractive apt-get install" in result.stdout
    assert "writing /etc/systemd/system/station.service" in result.stdout
    assert "add --yes" in result.stderr
    assert changes == []


def test_install_checks_every_prerequisite_before_changing_anything(tmp_path):
    result, changes = stubbed_install(tmp_path, "--yes", drop=("udevadm", "systemctl"))
    assert result.returncode == 1
    assert "nothing was changed" in result.stderr
    assert "the command udevadm" in result.stderr and "the command systemctl" in result.stderr
    if not Path("/run/systemd/system").is_dir():  # this machine is not booted with systemd
        assert "systemd as PID 1" in result.stderr and "--no-start" in result.stderr
    assert changes == []


def _planned_packages(stdout: str) -> list[str]:
    line = next(x for x in stdout.splitlines() if "apt-get install" in x)
    return line.split("--no-install-recommends", 1)[1].split()


def test_install_on_plain_debian_gets_lgpio_from_pypi_and_the_mesa_drivers(tmp_path):
    result, changes = stubbed_install(tmp_path, "--dry-run", "--no-start")
    assert result.returncode == 0, result.stderr
    packages = _planned_packages(result.stdout)
    assert {"libgl1-mesa-dri", "libegl-mesa0", "libegl1", "libgbm1", "libasound2"} <= set(packages)
    assert not [p for p in packages if p.startswith("libsdl2")]  # pygame-ce bundles SDL
    assert "python3-lgpio" not in packages
    assert re.search(r"pip install .*\[pi\]$", result.stdout, flags=re.MULTILINE)
    assert changes == []


def test_install_on_pi_os_uses_its_python3_lgpio(tmp_path):
    result, _ = stubbed_install(tmp_path, "--dry-run", "--no-start", HAS_LGPIO="1")
    assert result.returncode == 0, result.stderr
    assert "python3-lgpio" in _planned_packages(result.stdout)
    assert not re.search(r"pip install .*\[pi\]$", result.stdout, flags=re.MULTILINE)


@pytest.mark.slow
def test_install_gives_gpiochips_to_group_gpio_only_where_the_os_does_not(tmp_path):
    debian = tmp_path / "debian"
    debian.mkdir()
    install(debian)
    rule = debian / "etc/udev/rules.d/60-station-gpiochip.rules"
    assert 'KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"' in rule.read_text()
    pi_os = tmp_path / "pi-os"
    (pi_os / "usr/lib/udev/rules.d").mkdir(parents=True)
    (pi_os / "usr/lib/udev/rules.d/99-com.rules").write_text(
        'SUBSYSTEM=="gpio", GROUP="gpio", MODE="0660"\n')
    install(pi_os)
    assert not (pi_os / "etc/udev/rules.d/60-station-gpiochip.rules").exists()


def readme_drop_ins() -> dict[str, str]:
    """The drop-ins hardware/README.md gives in full: ```ini NAME blocks."""
    text = (REPO / "hardware" / "README.md").read_text()
    return dict(re.findall(r"^```ini (\S+)\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL))


def test_the_readme_gives_the_socket_drop_in_in_full():
    drop_ins = readme_drop_ins()
    socket_remote = drop_ins["socket-remote"]
    assert socket_remote.startswith("[Service]\n")
    assert "AF_INET AF_INET6" in socket_remote  # the address families...
    assert "IPAddressAllow=localhost" in socket_remote  # ...and the addresses (IPAddressDeny=any)


@needs_systemd_analyze
@pytest.mark.parametrize("name", sorted(readme_drop_ins()))
def test_each_readme_drop_in_verifies_with_the_unit(tmp_path, name):
    unit = runnable_copy(tmp_path)
    (tmp_path / "station.service.d").mkdir()
    (tmp_path / "station.service.d" / f"50-{name}.conf").write_text(readme_drop_ins()[name])
    result = analyze("verify", str(unit))
    assert (result.stdout + result.stderr) == "" and result.returncode == 0
    broken = tmp_path / "station.service.d" / "60-broken.conf"
    broken.write_text("[Service]\nIPAddressAllows=localhost\n")  # and a typo would show
    assert "IPAddressAllows" in analyze("verify", str(unit)).stderr


@pytest.mark.skipif(
    shutil.which("shellcheck") is None, reason="shellcheck is not installed"
)
def test_the_target_checks_are_shellcheck_clean_at_warning_level():
    # The checks' A && B || C verdict lines are on purpose (res PASS || res FAIL).
    scripts = sorted(str(p) for p in (REPO / "tools").glob("*.sh"))
    assert len(scripts) >= 3
    result = subprocess.run(["shellcheck", "-S", "warning", *scripts], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
