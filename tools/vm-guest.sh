#!/bin/bash
# Runs once at boot inside the arm64 VM of tools/vm-check.sh; "VMCHECK key: value" lines
# on the serial console drive and feed the host side.
set -u
say() { echo "VMCHECK $*"; }
T0=$(date +%s)
show() { systemctl show -P "$1" station; }
say "boot: $(uname -srm); systemd $(systemctl --version | head -1 | cut -d' ' -f2); $(systemd-analyze | head -1)"
say "devices: $(ls /dev/gpiochip* /dev/dri/* /dev/snd/pcm* /dev/tty1 2>&1 | tr '\n' ' ')"
sed 's/^/VMCHECK asound: /' /proc/asound/cards
mount -t debugfs none /sys/kernel/debug 2>/dev/null
for _ in $(seq 90); do getent hosts pypi.org >/dev/null && break; sleep 1; done
say "network: $(getent hosts pypi.org | head -1)"
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1  # the checkout this script is in

# install.sh as on a Pi: first by accident (no --yes, no terminal), then for real.
systemd/install.sh </dev/null >/root/install-noargs.log 2>&1; rc=$?
say "install-noargs: rc=$rc, $(grep -c '^install.sh:' /root/install-noargs.log) lines, unit installed: $(test -e /etc/systemd/system/station.service && echo yes || echo no)"
# --no-start: the VM needs two shims before the first start (below).
t=$(date +%s); systemd/install.sh --yes --no-start </dev/null >/root/install.log 2>&1; rc=$?
say "install: rc=$rc in $(( $(date +%s) - t )) s; $(grep -E 'warning|error|lgpio|udev' /root/install.log | head -3 | tr '\n' ' ')"
sdl=$(dpkg-query -W -f='${Package} ' 'libsdl2*' 2>/dev/null)
lg=$(/opt/station/venv/bin/python -c 'import lgpio; print("lgpio-ok")' 2>&1 | tail -1)
say "packages: $(dpkg-query -W -f='${Package} ' libgl1-mesa-dri libegl-mesa0 libgbm1 espeak-ng 2>&1)${sdl:-no libsdl2}; $lg"
say "gpiochip0: $(stat -c '%U:%G %a' /dev/gpiochip0) (rule: $(ls /etc/udev/rules.d/ | tr '\n' ' '))"

# The two VM shims (not needed on a Pi): gpiozero only drives a Pi, so the service sees a
# Pi 4's board revision; and the button goes on line 3 (QEMU's power-button line), the
# buzzer on line 4. The set: cluster, so the presses are reps.
printf 'Hardware\t: BCM2835\nRevision\t: c03114\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n' > /etc/station/cpuinfo-pi4
sed -i -e 's/^button = 17 /button = 3  /' -e 's/^buzzer = 18 /buzzer = 4  /' /etc/station/station.toml
mkdir -p /etc/systemd/system/station.service.d
printf '[Service]\nBindReadOnlyPaths=/etc/station/cpuinfo-pi4:/proc/cpuinfo\nExecStart=\nExecStart=/opt/station/venv/bin/station run cluster --display fullscreen\n' \
    > /etc/systemd/system/station.service.d/50-vm.conf
systemctl daemon-reload
t=$(date +%s%N); systemctl start station; rc=$?
say "start: rc=$rc, $(show ActiveState) in $(( ($(date +%s%N) - t) / 1000000 )) ms (READY=1; TimeoutStartSec=$(show TimeoutStartUSec))"
started=$(date +%s)
for _ in $(seq 60); do [[ $(show StatusText) == "cluster READY"* ]] && break; sleep 0.5; done
say "status-text: $(show StatusText)"
systemctl status station --no-pager 2>&1 | head -12 | sed 's/^/VMCHECK status: /'
journalctl -u station -o cat --no-pager | grep '^station:' | sed 's/^/VMCHECK journal: /'
P=$(show MainPID)
say "display: $(readlink /proc/"$P"/fd/* 2>/dev/null | grep -oE '/dev/dri/card[0-9]+' | sort -u | tr '\n' ' ')held by PID $P (user $(ps -o user= -p "$P"))"
say "pins: $(grep -E 'gpio-[0-9]+ ' /sys/kernel/debug/gpio | tr -s ' ' | tr '\n' ';')"
sleep 5
say "PRESS-NOW 4"; sleep 20
say "after presses: StatusText=$(show StatusText)"
P=$(show MainPID); n0=$(show NRestarts); t=$(date +%s)
[[ $P -gt 1 ]] && kill -STOP "$P"
for _ in $(seq 240); do sleep 0.5; [[ $(show NRestarts) != "$n0" && $(show ActiveState) == active ]] && break; done
say "watchdog: NRestarts $n0 -> $(show NRestarts), $(show ActiveState) after $(( $(date +%s) - t )) s"
for _ in $(seq 120); do [[ $(show StatusText) == "cluster READY"* ]] && break; sleep 0.5; done
t=$(date +%s%N); systemctl stop station; say "stop: $(( ($(date +%s%N) - t) / 1000000 )) ms, Result=$(show Result)"
say "run seconds: $(( $(date +%s) - started ))"
/opt/station/venv/bin/python -c 'import sqlite3; c = sqlite3.connect("/var/lib/station/history.sqlite3")
for r in c.execute("select s.id, s.status, s.done_reason, (select group_concat(name, char(32)) from (select name from cues where session_id = s.id order by id)) from sessions s"): print("VMCHECK session:", r)'
say "underrun lines: $(journalctl -u station -o cat --no-pager | grep -c underrun) of $(journalctl -u station -o cat --no-pager | wc -l) journal lines"
journalctl -u station -o short-monotonic --no-pager | tail -8 | sed 's/^/VMCHECK log: /'

# station check as the service user, in the unit's own sandbox and environment.
sed -e 's|^ExecStart=.*|ExecStart=/opt/station/venv/bin/station check --timeout 2 --gap 0.2 --cues rep,go --display fullscreen|' \
    -e 's|^Type=notify|Type=oneshot|' -e '/^WatchdogSec/d' -e 's|^Restart=.*|Restart=no|' \
    /etc/systemd/system/station.service > /etc/systemd/system/station-check.service
mkdir -p /etc/systemd/system/station-check.service.d
printf '[Service]\nBindReadOnlyPaths=/etc/station/cpuinfo-pi4:/proc/cpuinfo\n' > /etc/systemd/system/station-check.service.d/50-vm.conf
systemctl daemon-reload; timeout 600 systemctl start station-check
journalctl -u station-check -o cat --no-pager | grep -v '^ALSA' | sed 's/^/VMCHECK check: /'
say "DONE after $(( $(date +%s) - T0 )) s"
systemctl poweroff
