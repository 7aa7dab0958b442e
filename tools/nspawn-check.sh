#!/usr/bin/env bash
# shellcheck disable=SC2317  # the trap handler is reached through trap
# The station under a real systemd: Debian bookworm booted with systemd as PID 1 in
# systemd-nspawn (cgroup v2, so the unit's BPF device and IP filters are enforced), the
# station installed by systemd/install.sh exactly as on a Pi (no udevd in a container,
# no GPIO chip, no display: the degraded paths), then checked point by point:
#   install.sh, READY, STATUS= (start menu, degradations), presses typed on tty1 (the
#   terminal fallback draws there), the watchdog (SIGSTOP), restart after SIGHUP, a
#   clean stop with the cut-off set recorded, the sandbox (device filter, no IP; the
#   socket:// drop-in from hardware/README.md opens loopback only).
#   sudo tools/nspawn-check.sh [STATION_CHECKOUT]       (default: this checkout)
# Prints PASS/FAIL per point and an overall verdict (exit 1 on any FAIL); removes the
# container. Caches the base image in $WORK (CLEAN=1 removes it too).
# Env: LIMIT (s, default 1200), WORK (default /var/tmp/station-nspawn-check).
set -uo pipefail
[[ -n ${UNDER_TIMEOUT:-} ]] || UNDER_TIMEOUT=1 exec timeout -k 15 "${LIMIT:-1200}" "$0" "$@"
SRC=$(cd "${1:-$(dirname "$0")/..}" && pwd); WORK=${WORK:-/var/tmp/station-nspawn-check}
ROOT=$WORK/rootfs; M=stationcheck$$; T0=$(date +%s); RESULTS=(); NSPAWN_PID=; LEADER=
[[ $EUID -eq 0 ]] || { echo "nspawn-check: run as root"; exit 2; }
[[ -f $SRC/systemd/install.sh ]] || { echo "nspawn-check: $SRC is not a station checkout"; exit 2; }
log() { echo "[$(( $(date +%s) - T0 ))s] $*"; }
res() { RESULTS+=("$1 $2"); log "$1 $2"; }
cleanup() {
    if [[ -n $NSPAWN_PID ]] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
        inc systemctl poweroff >/dev/null 2>&1 || kill -TERM "$NSPAWN_PID"
        for _ in $(seq 30); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$NSPAWN_PID" 2>/dev/null; wait "$NSPAWN_PID" 2>/dev/null
    fi
    rm -rf "$ROOT"; [[ ${CLEAN:-0} == 1 ]] && rm -rf "$WORK"
    echo "===== nspawn-check SUMMARY ($(( $(date +%s) - T0 )) s)"; printf '%s\n' "${RESULTS[@]}"
    if [[ ${#RESULTS[@]} -eq 0 ]] || printf '%s\n' "${RESULTS[@]}" | grep -q '^FAIL'; then
        echo "OVERALL FAIL"; exit 1; fi
    echo "OVERALL PASS"; exit 0
}
trap cleanup EXIT; trap 'exit 124' TERM INT
inc() { nsenter -t "$LEADER" -a -- env -i PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
show() { inc systemctl show -P "$1" station; }
journal() { inc journalctl -u station -o cat --no-pager; }
wait_for() { local _; for _ in $(seq "$1"); do eval "$2" && return 0; sleep 0.5; done; return 1; }

need=(); command -v systemd-nspawn >/dev/null || need+=(systemd-container)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [[ ${#need[@]} -gt 0 ]]; then log "installing ${need[*]}"; apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; fi
MIRROR=$(grep -rhoE 'https?://[^ ]+/debian/?$' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1)
mkdir -p "$WORK"
if [[ ! -f $WORK/base.tar ]]; then
    log "debootstrap bookworm (${MIRROR:-http://deb.debian.org/debian})"
    rm -rf "$WORK/base"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,udev,dbus,python3,python3-venv,ca-certificates,git \
        bookworm "$WORK/base" "${MIRROR:-http://deb.debian.org/debian}" >"$WORK/debootstrap.log" 2>&1 \
        || { res FAIL "debootstrap (see $WORK/debootstrap.log)"; exit 1; }
    tar -C "$WORK/base" -cf "$WORK/base.tar" . && rm -rf "$WORK/base"
fi
rm -rf "$ROOT"; mkdir -p "$ROOT"; tar -C "$ROOT" -xf "$WORK/base.tar"
echo "$M" >"$ROOT/etc/hostname"
# A TLS-intercepting proxy's CA (pip to PyPI), if this machine has one.
cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/" 2>/dev/null
# The checkout inside the container (a path of the container, not of this machine).
GUEST_SRC=opt/station-checkout
git clone -q "$SRC" "$ROOT/$GUEST_SRC" 2>/dev/null || cp -a "$SRC" "$ROOT/$GUEST_SRC"
rm -rf "${ROOT:?}/$GUEST_SRC/.venv"

# tty1: the station's console; tty2: a device the unit does not allow (the filter's test).
TTY=(); [[ -c /dev/tty1 ]] && TTY=(--bind=/dev/tty1); [[ -c /dev/tty2 ]] && TTY+=(--bind=/dev/tty2)
log "booting systemd in the container"
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 systemd-nspawn -b -D "$ROOT" -M "$M" --register=no --keep-unit \
    --console=passive "${TTY[@]}" --capability=CAP_SYS_ADMIN,CAP_BPF,CAP_NET_ADMIN --system-call-filter=bpf \
    >"$WORK/nspawn.log" 2>&1 </dev/null &
NSPAWN_PID=$!
s=
for _ in $(seq 120); do LEADER=$(pgrep -P "$NSPAWN_PID" | head -1); [[ -n $LEADER ]] && \
    s=$(inc systemctl is-system-running 2>/dev/null) && [[ $s == running || $s == degraded ]] && break; sleep 0.5; done
[[ $s == running || $s == degraded ]] && res PASS "systemd is PID 1 in the container ($s)" \
    || { res FAIL "container did not boot (see $WORK/nspawn.log)"; exit 1; }
inc update-ca-certificates >/dev/null 2>&1

# 1. install.sh as on a Pi: never by accident, then for real (no udevd here).
inc bash -c "cd /$GUEST_SRC && systemd/install.sh </dev/null" >"$WORK/install-noargs.log" 2>&1; rc=$?
[[ $rc == 2 ]] && grep -q "the plan" "$WORK/install-noargs.log" && ! inc test -e /etc/systemd/system/station.service \
    && res PASS "install.sh without --yes: shows the plan, changes nothing (rc 2)" \
    || res FAIL "install.sh without --yes: rc $rc: $(tail -1 "$WORK/install-noargs.log")"
t=$(date +%s)
if inc bash -c "cd /$GUEST_SRC && systemd/install.sh --yes" >"$WORK/install.log" 2>&1; then
    res PASS "install.sh --yes completed in $(( $(date +%s) - t )) s without udevd ($(grep -c 'udevd is not running' "$WORK/install.log") note)"
else res FAIL "install.sh --yes failed: $(grep -v '^\s*$' "$WORK/install.log" | tail -1)"; fi
inc /opt/station/venv/bin/python -c 'import lgpio' 2>/dev/null && res PASS "lgpio is in the venv (plain Debian: from PyPI)" \
    || res FAIL "lgpio is not importable in /opt/station/venv"
inc test -f /etc/udev/rules.d/60-station-gpiochip.rules && res PASS "udev rule for /dev/gpiochip* (group gpio) installed" \
    || res FAIL "no gpiochip udev rule on plain Debian"
pk=$(inc dpkg-query -W -f='${Package} ' 'libsdl2*' 2>/dev/null); [[ -z $pk ]] \
    && inc dpkg-query -W libgl1-mesa-dri libegl-mesa0 >/dev/null 2>&1 \
    && res PASS "packages: Mesa DRI + EGL installed, no libsdl2-*" || res FAIL "packages: libsdl2: '$pk', mesa: $(inc dpkg-query -W libgl1-mesa-dri 2>&1)"

# 2. READY and STATUS= in the start menu, degraded (no GPIO, no display) but up.
wait_for 60 '[[ $(show ActiveState) == active ]]'
[[ $(show ActiveState) == active ]] && res PASS "station.service active: READY=1 received (Type=notify)" \
    || res FAIL "not active: $(show ActiveState)/$(show Result): $(journal | tail -3 | tr '\n' '|')"
wait_for 20 '[[ $(show StatusText) == menu:* ]]'; st=$(show StatusText)
[[ $st == "menu: "*"|"*display* ]] && res PASS "STATUS= in the start menu, with the fallback: \"$st\"" \
    || res FAIL "STATUS= in the start menu: \"$st\""
[[ $st == *"mock pins"* && $(show NRestarts) == 0 ]] && res PASS "unusable GPIO (no chip, not a Pi): mock pins, said, no crash loop" \
    || res FAIL "GPIO: NRestarts $(show NRestarts), STATUS \"$st\", $(journal | grep -m1 -i 'lgpio\|Traceback')"
journal | grep '^station: ' | sed 's/^/    journal: /' | head -8
[[ $(inc stat -c %a /var/lib/station) == 700 ]] && res PASS "/var/lib/station is 0700" || res FAIL "/var/lib/station is $(inc stat -c %a /var/lib/station)"

# 3. The terminal fallback draws on tty1 (what the screen shows), and takes presses there.
mkdir -p "$ROOT/etc/systemd/system/station.service.d"
printf '[Service]\nExecStart=\nExecStart=/opt/station/venv/bin/station run cluster --display fullscreen\n' \
    >"$ROOT/etc/systemd/system/station.service.d/50-check.conf"
inc systemctl daemon-reload; t=$(date +%s%N); inc systemctl restart station; t=$(( ($(date +%s%N) - t) / 1000000 ))
wait_for 20 '[[ $(show StatusText) == "cluster READY"* ]]'; st=$(show StatusText)
[[ $st == "cluster READY"*"fullscreen display unavailable"*"next try in"* ]] && res PASS "restart to READY in ${t} ms; the display error and its retry in STATUS=: \"$st\"" \
    || res FAIL "STATUS after start: '$st'"
if [[ ${#TTY[@]} -gt 0 && -r /dev/vcs1 ]]; then
    sleep 1; screen=$(tr -s ' ' </dev/vcs1)
    [[ $screen == *READY* && $screen == *"display unavailable"* ]] && res PASS "tty1 shows the set and the display error (terminal fallback on the console, not the journal)" \
        || res FAIL "tty1 does not show the terminal display: '${screen:0:160}'"
fi
if [[ ${#TTY[@]} -gt 0 && $(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1) == 1 ]]; then
    python3 -c 'import fcntl,termios,time,os
fd=os.open("/dev/tty1",os.O_RDWR|os.O_NOCTTY)
for _ in range(3): fcntl.ioctl(fd,termios.TIOCSTI,b" "); time.sleep(0.6)'
    wait_for 10 '[[ $(show StatusText) == *"reps 3"* ]]'; st=$(show StatusText)
    [[ $st == *"reps 3"* ]] && res PASS "3 presses typed on tty1 -> STATUS=\"$st\"" || res FAIL "after 3 presses: '$st'"
else res INFO "no /dev/tty1 or TIOCSTI here: presses not typed"; fi

# 4. The watchdog: a stopped main loop is killed and restarted.
P=$(show MainPID); n0=$(show NRestarts); t=$(date +%s); inc bash -c "kill -STOP $P"
wait_for 60 '[[ $(show NRestarts) != "$n0" && $(show ActiveState) == active ]]'
if [[ $(show NRestarts) != "$n0" && $(show ActiveState) == active ]]; then
    res PASS "watchdog: SIGSTOP'd PID $P killed ($(journal | grep -c 'Watchdog timeout') timeout) and restarted in $(( $(date +%s) - t )) s"
else res FAIL "watchdog: no restart within 30 s ($(show ActiveState)/$(show SubState))"; fi

# 5. Any death brings it back (issue 11): SIGHUP, then SIGKILL.
for sig in HUP KILL; do
    wait_for 40 '[[ $(show StatusText) == "cluster READY"* ]]'
    P=$(show MainPID); n0=$(show NRestarts); inc bash -c "kill -$sig $P"
    wait_for 40 '[[ $(show MainPID) != "$P" && $(show MainPID) != 0 && $(show ActiveState) == active ]]'
    [[ $(show MainPID) != "$P" && $(show ActiveState) == active ]] \
        && res PASS "SIG$sig to PID $P: station back (NRestarts $n0 -> $(show NRestarts), PID $(show MainPID))" \
        || res FAIL "SIG$sig: not restarted ($(show ActiveState)/$(show SubState), Result=$(show Result))"
done

# 6. A clean stop, with the set cut off recorded.
wait_for 40 '[[ $(show StatusText) == "cluster READY"* ]]'
t=$(date +%s%N); inc systemctl stop station; t=$(( ($(date +%s%N) - t) / 1000000 ))
[[ $(show Result) == success ]] && res PASS "systemctl stop in ${t} ms, Result=success" || res FAIL "stop: ${t} ms, Result=$(show Result)"
last=$(inc /opt/station/venv/bin/python -c 'import sqlite3;print(sqlite3.connect("/var/lib/station/history.sqlite3").execute("select status from sessions order by rowid desc limit 1").fetchone()[0])' 2>&1)
[[ $last == interrupted ]] && res PASS "the set cut off by the stop is recorded as interrupted" || res FAIL "last session: $last"

# 7. The sandbox, from inside the same unit (ExecStart replaced by a probe).
cat >"$ROOT/opt/station/probe.py" <<'EOF'
import os, socket, sys
def t(name, f):
    try: f(); print("PROBE", name, "ok", flush=True)
    except Exception as e: print("PROBE", name, "refused:", e, flush=True)
def connect(host, port):
    s = socket.socket(socket.AF_INET); s.settimeout(3); s.connect((host, port)); s.close()
t("write /usr", lambda: open("/usr/x", "w"))
t("write /var/lib/station", lambda: open("/var/lib/station/x", "w"))
t("open /dev/tty1", lambda: os.close(os.open("/dev/tty1", os.O_RDWR | os.O_NOCTTY)))
t("open /dev/tty2", lambda: os.close(os.open("/dev/tty2", os.O_RDWR | os.O_NOCTTY)))
t("AF_INET socket", lambda: socket.socket(socket.AF_INET).close())
if len(sys.argv) > 1:
    t("connect 127.0.0.1", lambda: connect("127.0.0.1", int(sys.argv[1])))
    t("connect 192.0.2.1", lambda: connect("192.0.2.1", 80))
    # IPAddressDeny drops the packets (a TCP connect just times out); a UDP send says EPERM.
    t("send UDP to 192.0.2.1", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 9)))
EOF
# /dev/tty2 is root's: the user station may not open it anyway, so the device filter is
# shown with the same unit run as root (no capabilities): there only the BPF filter
# (DevicePolicy=closed + DeviceAllow=) can refuse it. (Not a pty: "closed" allows those.)
inc python3 -c 'import os; os.close(os.open("/dev/tty2", os.O_RDWR | os.O_NOCTTY))' \
    && console=opens || console="does not open"
sed -e 's|^ExecStart=.*|ExecStart=/opt/station/venv/bin/python /opt/station/probe.py|' -e 's|^Type=notify|Type=oneshot|' \
    -e '/^WatchdogSec/d' -e 's|^Restart=.*|Restart=no|' "$ROOT/etc/systemd/system/station.service" \
    >"$ROOT/etc/systemd/system/station-probe.service"
# The socket:// drop-in as hardware/README.md gives it, on a copy of the unit.
sed -e 's|^ExecStart=.*|ExecStart=/opt/station/venv/bin/python /opt/station/probe.py 8765|' \
    "$ROOT/etc/systemd/system/station-probe.service" >"$ROOT/etc/systemd/system/station-probe-ip.service"
sed -e 's|^User=station|User=root|' -e 's|^Group=station|Group=root|' \
    "$ROOT/etc/systemd/system/station-probe.service" >"$ROOT/etc/systemd/system/station-probe-root.service"
mkdir -p "$ROOT/etc/systemd/system/station-probe-ip.service.d"
awk '/^```ini socket-remote$/{on=1; next} /^```/{on=0} on' "$SRC/hardware/README.md" \
    >"$ROOT/etc/systemd/system/station-probe-ip.service.d/50-socket.conf"
inc systemctl daemon-reload
inc systemctl start station-probe
inc python3 -c 'import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 8765)); s.listen(); s.settimeout(20)
try: s.accept()
except OSError: pass' & L=$!
sleep 0.5; inc systemctl start station-probe-ip; wait $L 2>/dev/null
inc systemctl start station-probe-root   # last: as root it takes over /var/lib/station
inc journalctl -u station-probe-root -o cat --no-pager | grep PROBE | grep /dev/ | sed 's/^/    root: /' | tee "$WORK/probe-root.txt"
[[ -s $WORK/probe-root.txt ]] || inc journalctl -u station-probe-root -o cat --no-pager | tail -5 | sed 's/^/    root probe: /'
inc journalctl -u station-probe -o cat --no-pager | grep PROBE | sed 's/^/    /' | tee "$WORK/probe.txt"
inc journalctl -u station-probe-ip -o cat --no-pager | grep PROBE | sed 's/^/    ip: /' | tee "$WORK/probe-ip.txt"
grep -q "write /usr refused" "$WORK/probe.txt" && grep -q "write /var/lib/station ok" "$WORK/probe.txt" \
    && res PASS "sandbox: /usr read-only, StateDirectory writable" || res FAIL "sandbox: file system (see above)"
if [[ ! -c /dev/tty2 ]]; then res INFO "no /dev/tty2 on this host: the device filter is not probed"
else grep -q "open /dev/tty1 ok" "$WORK/probe.txt" && [[ $console == opens ]] \
    && grep -q "open /dev/tty1 ok" "$WORK/probe-root.txt" && grep -q "open /dev/tty2 refused: \[Errno 1\]" "$WORK/probe-root.txt" \
    && res PASS "sandbox: device filter: tty1 opens; /dev/tty2, which root opens outside the unit, is refused inside it (EPERM)" \
    || res FAIL "sandbox: device filter (see above)"; fi
grep -q "AF_INET socket refused" "$WORK/probe.txt" && res PASS "sandbox: no IP socket at all by default" \
    || res FAIL "sandbox: AF_INET allowed by default"
[[ -s $ROOT/etc/systemd/system/station-probe-ip.service.d/50-socket.conf ]] \
    && grep -q "connect 127.0.0.1 ok" "$WORK/probe-ip.txt" && grep -q "send UDP to 192.0.2.1 refused: \[Errno 1\]" "$WORK/probe-ip.txt" \
    && res PASS "sandbox: the README's socket:// drop-in reaches loopback, IPAddressDeny refuses the rest" \
    || res FAIL "sandbox: socket:// drop-in (see above; $(wc -l <"$ROOT/etc/systemd/system/station-probe-ip.service.d/50-socket.conf") lines)"
exit 0
