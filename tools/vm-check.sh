#!/usr/bin/env bash
# shellcheck disable=SC2317  # the trap handler is reached through trap
# The station on the nearest thing to a Pi without one: a whole arm64 Debian bookworm VM
# (qemu-system-aarch64, TCG, machine "virt", Cortex-A72): real kernel, systemd, udev, and
#   - a real GPIO chip (QEMU's PL061): the button on line 3, QEMU's power-button line,
#     pulsed from the host with the monitor command `system_powerdown`;
#   - a real DRM/KMS device (virtio-gpu) for SDL's KMSDRM driver;
#   - a real ALSA card (intel-hda) whose output QEMU writes to a WAV file;
#   - a real /dev/tty1 and networking (apt, PyPI) through QEMU's NAT.
# The root holds only what any Debian install has (no Mesa, no espeak-ng, no SDL, no
# lgpio): systemd/install.sh must bring all of it, as on a fresh Pi. At boot the guest runs
# tools/vm-guest.sh, which installs, starts, presses, SIGSTOPs, stops, runs `station check`
# as the service user and powers off; this side drives the button, then judges.
#   sudo tools/vm-check.sh [STATION_CHECKOUT]        (default: this checkout)
# Prints PASS/FAIL per point with times and an overall verdict (exit 1 on any FAIL).
# Env: LIMIT (s, default 3600), WORK (default /var/tmp/station-vm-check), CLEAN=1 drops the
# cached root (about 5 min to rebuild under qemu-user).
set -uo pipefail
[[ -n ${UNDER_TIMEOUT:-} ]] || UNDER_TIMEOUT=1 exec timeout -k 15 "${LIMIT:-3600}" "$0" "$@"
HERE=$(cd "$(dirname "$0")" && pwd); SRC=$(cd "${1:-$HERE/..}" && pwd); WORK=${WORK:-/var/tmp/station-vm-check}
BASE=$WORK/rootfs; OUT=$WORK/out; T0=$(date +%s); RESULTS=(); QEMU_PID=
[[ $EUID -eq 0 ]] || { echo "vm-check: run as root"; exit 2; }
[[ -f $SRC/systemd/install.sh && -f $HERE/vm-guest.sh ]] || { echo "vm-check: need a station checkout and $HERE/vm-guest.sh"; exit 2; }
log() { echo "[$(( $(date +%s) - T0 ))s] $*"; }
res() { RESULTS+=("$1 $2"); log "$1 $2"; }
cleanup() {
    [[ -n $QEMU_PID ]] && kill "$QEMU_PID" 2>/dev/null && wait "$QEMU_PID" 2>/dev/null
    [[ ${BINFMT_MOUNTED:-0} == 1 ]] && { update-binfmts --disable qemu-aarch64; umount /proc/sys/fs/binfmt_misc; } 2>/dev/null
    rm -rf "$WORK/vm.img" "$WORK/initrd" "$WORK/mon.sock"; [[ ${CLEAN:-0} == 1 ]] && rm -rf "$BASE"
    echo "===== vm-check SUMMARY ($(( $(date +%s) - T0 )) s; serial log, WAV in $OUT)"; printf '%s\n' "${RESULTS[@]}"
    if [[ ${#RESULTS[@]} -eq 0 ]] || printf '%s\n' "${RESULTS[@]}" | grep -q '^FAIL'; then echo "OVERALL FAIL"; exit 1; fi
    echo "OVERALL PASS"; exit 0
}
trap cleanup EXIT; trap 'exit 124' TERM INT
grab() { grep -a "VMCHECK $1" "$OUT/serial.log" | tail -1 | sed "s/.*VMCHECK $1//" | tr -d '\r'; }
need=(); for c in qemu-system-aarch64:qemu-system-arm qemu-aarch64-static:qemu-user-static debootstrap:debootstrap \
    systemd-nspawn:systemd-container mkfs.ext4:e2fsprogs update-binfmts:binfmt-support cpio:cpio; do
    command -v "${c%%:*}" >/dev/null || need+=("${c#*:}"); done
if [[ ${#need[@]} -gt 0 ]]; then log "installing ${need[*]}"; apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; fi
[[ -f /proc/sys/fs/binfmt_misc/register ]] || { mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && BINFMT_MOUNTED=1; }
update-binfmts --enable qemu-aarch64 >/dev/null 2>&1
arm() { systemd-nspawn -q --register=no --keep-unit -D "$BASE" --setenv=PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@" \
        2> >(grep -v 'Attempted to remove disk file system' >&2); }

if [[ ! -f $BASE/.prepared ]]; then
    MIRROR=$(grep -rhoE 'https?://[^ ]+/debian/?$' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1)
    rm -rf "$BASE"; mkdir -p "$WORK"; log "debootstrap arm64 + kernel, systemd, udev (emulated: slow)"
    debootstrap --arch=arm64 --variant=minbase --include=python3,python3-venv,ca-certificates,git bookworm "$BASE" \
        "${MIRROR:-http://deb.debian.org/debian}" >"$WORK/prep.log" 2>&1 || { res FAIL "debootstrap (see $WORK/prep.log)"; exit 1; }
    cp /usr/local/share/ca-certificates/*.crt "$BASE/usr/local/share/ca-certificates/" 2>/dev/null
    # mkinitramfs under qemu-user takes over 15 min: divert it; a 10-module initrd is built below.
    # Only what any Debian install has: the station's own packages are install.sh's job.
    arm sh -c 'dpkg-divert --local --rename --add /usr/sbin/update-initramfs && ln -s /bin/true /usr/sbin/update-initramfs
        update-ca-certificates && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        linux-image-arm64 systemd systemd-sysv udev dbus kmod procps iproute2 gpiod busybox-static' >>"$WORK/prep.log" 2>&1 \
        || { res FAIL "apt in the arm64 root (see $WORK/prep.log)"; exit 1; }
    echo "/dev/vda / ext4 rw 0 1" >"$BASE/etc/fstab"; echo stationvm >"$BASE/etc/hostname"
    echo "blacklist gpio_keys" >"$BASE/etc/modprobe.d/station-vm.conf"   # line 3 is the station's button
    printf '[Match]\nName=en*\n[Network]\nDHCP=yes\n' >"$BASE/etc/systemd/network/10-nat.network"
    arm sh -c 'passwd -d root; systemctl enable systemd-networkd' >/dev/null 2>&1
    ln -sf /etc/systemd/system/vm-guest.service "$BASE/etc/systemd/system/multi-user.target.wants/vm-guest.service"
    touch "$BASE/.prepared"; res INFO "arm64 VM root prepared in $(( $(date +%s) - T0 )) s"
fi
KV=$(ls "$BASE/lib/modules" | tail -1); MODS="crc16 mbcache jbd2 crc32c_generic libcrc32c virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk ext4"
rm -rf "$WORK/initrd"; mkdir -p "$WORK/initrd/bin" "$WORK/initrd/lib"; cp "$BASE/bin/busybox" "$WORK/initrd/bin/"
for m in $MODS; do cp "$(find "$BASE/lib/modules/$KV" -name "$m.ko" | head -1)" "$WORK/initrd/lib/"; done
printf '%s\n' '#!/bin/busybox sh' 'B=/bin/busybox; $B mkdir -p /dev /newroot; $B mount -t devtmpfs devtmpfs /dev' \
    "for m in $MODS; do \$B insmod /lib/\$m.ko; done" 'for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; $B sleep 0.5; done' \
    '$B mount -t ext4 /dev/vda /newroot && $B mount --move /dev /newroot/dev; exec $B switch_root /newroot /sbin/init' >"$WORK/initrd/init"
chmod +x "$WORK/initrd/init"; (cd "$WORK/initrd" && find . | cpio -o -H newc --quiet | gzip -1 >"$WORK/mini-initrd.gz")

# A fresh copy of the root for this run: the cached one stays as debootstrap left it.
rm -rf "$OUT"; mkdir -p "$OUT"
# The checkout goes where the nspawn check puts it; the guest runs its own tools/vm-guest.sh.
GUEST_SRC=opt/station-checkout
rm -rf "${BASE:?}/$GUEST_SRC"; git clone -q "$SRC" "$BASE/$GUEST_SRC" 2>/dev/null || cp -a "$SRC" "$BASE/$GUEST_SRC"
rm -rf "${BASE:?}/$GUEST_SRC/.venv"
install -m 0755 "$HERE/vm-guest.sh" "$BASE/$GUEST_SRC/tools/vm-guest.sh"  # this one, even if uncommitted
printf '[Unit]\nAfter=multi-user.target\n[Service]\nType=oneshot\nExecStart=/%s/tools/vm-guest.sh\nStandardOutput=journal+console\nTimeoutStartSec=infinity\n[Install]\nWantedBy=multi-user.target\n' \
    "$GUEST_SRC" >"$BASE/etc/systemd/system/vm-guest.service"
echo "nameserver 10.0.2.3" >"$BASE/etc/resolv.conf"
truncate -s 6G "$WORK/vm.img"; mkfs.ext4 -q -F -d "$BASE" "$WORK/vm.img" || { res FAIL "mkfs.ext4 -d"; exit 1; }
rm -rf "${BASE:?}/$GUEST_SRC"

log "booting the VM (TCG: about 30 s to userspace, then apt + pip inside, 5-15 min)"
qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 2048 -kernel "$BASE/boot/vmlinuz-$KV" -initrd "$WORK/mini-initrd.gz" \
    -append "root=/dev/vda rw console=ttyAMA0" -drive if=none,file="$WORK/vm.img",format=raw,id=hd \
    -device virtio-blk-pci,drive=hd -device virtio-gpu-pci -display none -netdev user,id=net0 -device virtio-net-pci,netdev=net0,romfile= \
    -audiodev wav,id=snd0,path="$OUT/speaker.wav" -device intel-hda -device hda-output,audiodev=snd0 \
    -serial file:"$OUT/serial.log" -monitor unix:"$WORK/mon.sock",server,nowait >"$OUT/qemu.log" 2>&1 &
QEMU_PID=$!
# Button presses: each `system_powerdown` pulses line 3 high for ~100 ms. The line idles
# low, which the station's pulled-up, active-low button reads as held: so a pulse is a
# release and a press, and pulses 0.7 s apart are presses held 0.6 s (under hold_s = 1 s,
# over double_s = 0.4 s): reps. After the last pulse the line stays "held": a failure,
# then the set's end.
press() { python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(0.3); s.recv(4096)
for _ in range(int(sys.argv[2])):
    s.sendall(b"system_powerdown\n"); time.sleep(0.7)
s.close()' "$WORK/mon.sock" "$1"; }
pressed=0
while kill -0 "$QEMU_PID" 2>/dev/null; do
    sleep 1
    if [[ $pressed == 0 ]] && grep -aq "VMCHECK PRESS-NOW" "$OUT/serial.log" 2>/dev/null; then
        press 4; pressed=1; log "pulsed GPIO line 3 four times"; fi
done
QEMU_PID=
grep -a "VMCHECK" "$OUT/serial.log" | sed 's/^.*VMCHECK/    /' | tr -d '\r'
grep -aq "VMCHECK boot:" "$OUT/serial.log" && res PASS "arm64 VM booted: $(grab 'boot: ')" || { res FAIL "VM did not boot (see $OUT/serial.log)"; exit 1; }
[[ $(grab 'devices: ') == *card0*gpiochip0*pcm* ]] && res PASS "real devices: $(grab 'devices: ' | cut -c1-100)" || res FAIL "devices: $(grab 'devices: ')"
[[ $(grab 'install-noargs: ') == "rc=2"* ]] && res PASS "install.sh without --yes: plan shown, nothing done ($(grab 'install-noargs: '))" || res FAIL "install.sh without --yes: $(grab 'install-noargs: ')"
[[ $(grab 'install: ') == "rc=0"* ]] && res PASS "install.sh --yes as on a Pi: $(grab 'install: ')" || res FAIL "install.sh: $(grab 'install: ')"
[[ $(grab 'packages: ') == *"libgl1-mesa-dri"*"no libsdl2"* && $(grab 'packages: ') == *lgpio-ok* ]] && res PASS "packages: $(grab 'packages: ')" || res FAIL "packages: $(grab 'packages: ')"
[[ $(grab 'gpiochip0: ') == "root:gpio 660"* ]] && res PASS "/dev/gpiochip0 after install.sh: $(grab 'gpiochip0: ')" || res FAIL "/dev/gpiochip0 after install.sh: $(grab 'gpiochip0: ')"
[[ $(grab 'start: ') == *"active"* ]] && res PASS "systemctl start to READY: $(grab 'start: ')" || res FAIL "start: $(grab 'start: ')"
j=$(grep -a 'VMCHECK journal:' "$OUT/serial.log" | sed 's/.*journal: //' | tr -d '\r' | tr '\n' '|')
st=$(grab 'status-text: ')
[[ $(grab 'start: ') == *active* && $j != *"display unavailable"* && $st != *display* ]] \
    && res PASS "fullscreen KMSDRM as user station under the hardened unit, no fallback: $(grab 'display: ')" \
    || res FAIL "display: $(grab 'display: ') STATUS=\"$st\" journal: ${j:0:300}"
[[ $(grab 'start: ') == *active* && $j != *"mock pins"* && $j != *"no sound"* && $st != *"|"* ]] \
    && res PASS "no pins/sound notes: lgpio and ALSA in use (STATUS=\"$st\"; $(grab 'pins: '))" || res FAIL "GPIO/sound notes: STATUS=\"$st\" journal: ${j:0:300}"
ses=$(grep -a 'VMCHECK session: ' "$OUT/serial.log" | sed 's/.*VMCHECK session: //' | tr -d '\r' | tr '\n' ' ')
reps=$(grep -ow rep <<<"$ses" | wc -l)
[[ $reps -ge 2 ]] && res PASS "the button on PL061 line 3 drove reps through lgpio: $(grab 'after presses: '); cues: ${ses:0:160}" \
    || res FAIL "no reps from the GPIO line: $(grab 'after presses: '); cues: ${ses:0:200}"
[[ $(grab 'watchdog: ') == *active* && $(grab 'watchdog: ') != *"0 -> 0"* ]] && res PASS "watchdog: $(grab 'watchdog: ')" || res FAIL "watchdog: $(grab 'watchdog: ')"
[[ $(grab 'stop: ') == *success* ]] && res PASS "stop: $(grab 'stop: ')" || res FAIL "stop: $(grab 'stop: ')"
u=$(grab 'underrun lines: '); [[ ${u%% *} -le $(( ($(grab 'run seconds: ') + 59) / 60 * 2 + 2 )) ]] \
    && res PASS "ALSA underrun lines in the journal: $u (alsa-lib's lines off)" || res FAIL "ALSA underrun lines flood the journal: $u"
c=$(grep -a 'VMCHECK check:' "$OUT/serial.log" | sed 's/.*check: //' | tr -d '\r')
grep -q '^pin factory: OK - lgpio' <<<"$c" && grep -qi '^speaker: OK.*card' <<<"$c" && grep -qi '^display: OK.*kmsdrm' <<<"$c" \
    && res PASS "station check as user station: $(grep -E '^(pin factory|speaker|display):' <<<"$c" | tr '\n' ';' | cut -c1-260)" \
    || res FAIL "station check: $(grep -E '^(pin factory|speaker|display):' <<<"$c" | tr '\n' ';')"
python3 - "$OUT/speaker.wav" <<'EOF' && res PASS "cues in the recorded WAV (ALSA hw card, as user station): see above" || res FAIL "no tones in the WAV"
import array, sys, wave
w = wave.open(sys.argv[1]); r = w.getframerate(); a = array.array("h", w.readframes(w.getnframes()))[::w.getnchannels()]
on = [round(i / r, 1) for i in range(0, len(a), r // 10) if max(map(abs, a[i:i + r // 10]), default=0) > 1000]
print("    WAV %.1f s, %d loud 100-ms blocks, at %s s" % (len(a) / r, len(on), on[:12])); sys.exit(0 if on else 1)
EOF
res INFO "guest script: $(grab 'DONE after ')"
exit 0
