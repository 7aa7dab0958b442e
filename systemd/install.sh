#!/usr/bin/env bash
# Install the station as a systemd service on a Raspberry Pi: Raspberry Pi OS
# (Bookworm) Lite 64-bit, or plain Debian 12 arm64.
#
#   sudo systemd/install.sh              show what it would do, then ask
#   sudo systemd/install.sh --yes        install or upgrade, enable and start
#   sudo systemd/install.sh --uninstall --yes   remove it all but the history
#
# Run it from the repository checkout you want installed. It is idempotent:
# running it again upgrades the package and leaves an existing config alone.
# It never runs by accident: without --yes it prints the plan and asks on a
# terminal (and does nothing without one). Before it changes anything it
# checks every prerequisite and refuses with one message listing all that is
# missing.
#
# What it does:
#   1. apt-get installs what is missing: python3-venv, espeak-ng, Mesa's DRM,
#      EGL and DRI drivers (KMSDRM, the console display, needs them), ALSA's
#      library, and python3-lgpio where the archive has it (Pi OS); pygame-ce's
#      wheel brings its own SDL, so no libsdl2 package is installed (but on
#      32-bit armhf, where pip's wheel is built against Debian's SDL);
#   2. creates the `station` system user and the groups the unit names;
#   3. creates a venv at /opt/station/venv (--system-site-packages, so Pi OS's
#      python3-lgpio is seen) and pip installs this checkout into it, with
#      lgpio from PyPI where the archive has none (plain Debian);
#   4. writes a commented default /etc/station/station.toml if there is none;
#   5. installs /etc/systemd/system/station.service,
#      /etc/udev/rules.d/99-station-remote.rules and, where the OS has no rule
#      giving /dev/gpiochip* to group gpio (plain Debian),
#      /etc/udev/rules.d/60-station-gpiochip.rules; then enables the service
#      and (re)starts it. Without a running udevd (an image build, a chroot)
#      the rules apply at the next boot.
#
# Options:
#   --yes        do it, without asking.
#   --root DIR   write every file under DIR instead of /, and only print the
#                system commands (apt-get, useradd, venv, pip, systemctl,
#                udevadm) instead of running them. For tests and images.
#   --dry-run    write nothing, run nothing: print what would be done.
#   --no-start   enable the service but do not (re)start it now (an image
#                build or a chroot, where systemd is not running).
#   --uninstall  stop and disable the service, remove the unit, the udev rules,
#                the venv, /etc/station and the `station` user. The history in
#                /var/lib/station stays; the config is kept next to it as
#                station.toml.uninstalled.
#   -h, --help   this text.

set -euo pipefail

readonly SERVICE=station
readonly USER_NAME=station
readonly GROUPS_WANTED=(gpio audio video render input dialout)
# What the station needs from the OS on every image: the venv, spoken cues,
# and what pygame-ce's bundled SDL loads at run time for KMSDRM (libdrm via
# libgbm1, EGL with Mesa's vendor library, GLES, Mesa's DRI drivers: without
# libgl1-mesa-dri KMSDRM fails with "EGL not initialized") and for ALSA.
readonly APT_PACKAGES=(
    python3-venv espeak-ng
    libgbm1 libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri libasound2
)
# Pi OS's GPIO library; plain Debian has none (then pip installs lgpio).
readonly APT_LGPIO=python3-lgpio
# armhf only: pip's pygame-ce for 32-bit ARM (piwheels) is linked against
# Debian's SDL instead of bundling it.
readonly APT_ARMHF_SDL=(libsdl2-2.0-0 libsdl2-mixer-2.0-0 libsdl2-ttf-2.0-0 libsdl2-image-2.0-0)
readonly GPIO_RULE=60-station-gpiochip.rules

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO

ROOT=""
DRY_RUN=0
START=1
YES=0
ACTION=install
LGPIO_FROM=pip      # apt (Pi OS's python3-lgpio) or pip (the checkout's `pi` extra)

die() {
    echo "install.sh: error: $*" >&2
    exit 1
}

say() {
    echo "install.sh: $*"
}

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# Commands that change the system itself run only in a real install; with
# --root or --dry-run they are printed instead.
run() {
    if [[ -n $ROOT || $DRY_RUN -eq 1 ]]; then
        local arg line="+"
        for arg in "$@"; do
            if [[ $arg =~ ^[][A-Za-z0-9_./:=,@%+-]+$ ]]; then
                line+=" $arg"
            else
                line+=" $(printf '%q' "$arg")"
            fi
        done
        echo "$line"
    else
        "$@"
    fi
}

# A path as written on this install: under --root DIR, DIR/path.
p() {
    echo "${ROOT}$1"
}

parse_args() {
    while [[ $# -gt 0 ]]; do
        case $1 in
            --root)
                [[ $# -ge 2 && -n $2 ]] || die "--root needs a directory"
                [[ -d $2 ]] || die "--root $2: no such directory"
                ROOT=$(cd "$2" && pwd)
                [[ $ROOT != / ]] || ROOT=""
                shift 2
                ;;
            --dry-run) DRY_RUN=1; shift ;;
            --yes | -y) YES=1; shift ;;
            --no-start) START=0; shift ;;
            --uninstall) ACTION=uninstall; shift ;;
            -h | --help) usage; exit 0 ;;
            *) die "unknown option $1 (see --help)" ;;
        esac
    done
}

# Running systemd (sd_booted(3)): PID 1 is systemd.
systemd_running() {
    [[ -d /run/systemd/system ]]
}

# A running udevd answers a ping; in a chroot or an image build none does.
udevd_running() {
    command -v udevadm >/dev/null 2>&1 && udevadm control --ping >/dev/null 2>&1
}

# Everything the install needs, checked before anything is changed: one
# message listing all that is missing. Under --root nothing of this machine
# is used but python3 (for the default config) and the checkout.
preflight() {
    local missing=() cmd
    for cmd in pyproject.toml systemd/station.service systemd/$GPIO_RULE hardware/99-station-remote.rules; do
        [[ -f $REPO/$cmd ]] || missing+=("$cmd in the checkout $REPO")
    done
    local python=${PYTHON:-python3}
    if ! command -v "$python" >/dev/null 2>&1; then
        missing+=("$python (Python 3.11 or later)")
    elif ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        missing+=("Python 3.11 or later ($python is $("$python" -c 'import platform; print(platform.python_version())' 2>/dev/null))")
    fi
    if [[ -z $ROOT ]]; then
        [[ $DRY_RUN -eq 1 || $EUID -eq 0 ]] || missing+=("root (run it with sudo)")
        for cmd in apt-get apt-cache dpkg-query dpkg systemctl udevadm getent groupadd useradd usermod install; do
            command -v "$cmd" >/dev/null 2>&1 || missing+=("the command $cmd")
        done
        if [[ $ACTION == install && $START -eq 1 ]] && ! systemd_running; then
            missing+=("systemd as PID 1 to start the service (an image build or a chroot: use --no-start)")
        fi
    fi
    if [[ ${#missing[@]} -gt 0 ]]; then
        echo "install.sh: error: nothing was changed; missing:" >&2
        printf '  - %s\n' "${missing[@]}" >&2
        exit 1
    fi
}

# install_file SRC DEST MODE: copy SRC to DEST (under --root) unless identical.
install_file() {
    local src=$1 dest
    dest=$(p "$2")
    [[ -f $src ]] || die "$src is missing from the checkout"
    if [[ -f $dest ]] && cmp -s "$src" "$dest"; then
        say "$2 is up to date"
        return
    fi
    say "writing $2"
    if [[ $DRY_RUN -eq 0 ]]; then
        install -D -m "$3" "$src" "$dest"
    fi
}

# The apt packages for this machine: the common list, python3-lgpio where the
# archive has it, SDL on armhf.
apt_wanted() {
    local arch
    WANTED=("${APT_PACKAGES[@]}")
    arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)
    [[ $arch != armhf ]] || WANTED+=("${APT_ARMHF_SDL[@]}")
    if dpkg-query -W -f='${Status}' "$APT_LGPIO" 2>/dev/null | grep -q "install ok installed" \
        || apt-cache show "$APT_LGPIO" >/dev/null 2>&1; then
        WANTED+=("$APT_LGPIO")
        LGPIO_FROM=apt
    else
        LGPIO_FROM=pip
        say "no $APT_LGPIO in this system's archives (plain Debian): lgpio comes from PyPI"
    fi
}

apt_install_missing() {
    local pkg status missing=()
    apt_wanted
    for pkg in "${WANTED[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        if [[ $status != "install ok installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "system packages are installed"
        return
    fi
    run apt-get update
    say "installing ${missing[*]}"
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

create_user() {
    local group
    for group in "${GROUPS_WANTED[@]}"; do
        if ! getent group "$group" >/dev/null; then
            run groupadd --system "$group"
        fi
    done
    if getent passwd "$USER_NAME" >/dev/null; then
        say "user $USER_NAME exists"
    else
        run useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin --comment "station appliance" "$USER_NAME"
    fi
    local csv
    csv=$(IFS=,; echo "${GROUPS_WANTED[*]}")
    run usermod --append --groups "$csv" "$USER_NAME"
}

install_venv() {
    local venv
    venv=$(p /opt/station/venv)
    if [[ ! -x $venv/bin/python ]]; then
        # --system-site-packages: the venv sees Pi OS's python3-lgpio.
        run python3 -m venv --system-site-packages "$venv"
    fi
    if [[ $LGPIO_FROM == pip ]]; then
        run "$venv/bin/pip" install --disable-pip-version-check --upgrade "${REPO}[pi]"
    else
        run "$venv/bin/pip" install --disable-pip-version-check --upgrade "$REPO"
    fi
}

# Does a udev rule of the OS already give /dev/gpiochip* to group gpio?
os_has_gpio_rule() {
    local dir
    for dir in /usr/lib/udev/rules.d /lib/udev/rules.d /etc/udev/rules.d; do
        dir=$(p "$dir")
        [[ -d $dir ]] || continue
        if grep -lsE '^[^#]*SUBSYSTEM=="gpio".*GROUP="gpio"' "$dir"/*.rules 2>/dev/null \
            | grep -qv "/$GPIO_RULE\$"; then
            return 0
        fi
    done
    return 1
}

install_udev_rules() {
    install_file "$REPO/hardware/99-station-remote.rules" /etc/udev/rules.d/99-station-remote.rules 0644
    if os_has_gpio_rule; then
        say "the OS gives /dev/gpiochip* to group gpio already (Pi OS)"
        remove_path "/etc/udev/rules.d/$GPIO_RULE"
    else
        install_file "$REPO/systemd/$GPIO_RULE" "/etc/udev/rules.d/$GPIO_RULE" 0644
    fi
}

# The default config, from station.config.example_config(): the venv's copy
# when it is installed, else the checkout's with $PYTHON (default python3).
example_config() {
    local python=${PYTHON:-python3}
    if [[ -x $(p /opt/station/venv/bin/python) && -z $ROOT ]]; then
        python=$(p /opt/station/venv/bin/python)
    fi
    PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$python" -c \
        'import sys; from station.config import example_config; sys.stdout.write(example_config())'
}

write_config() {
    local dest tmp
    dest=$(p /etc/station/station.toml)
    if [[ -e $dest ]]; then
        say "/etc/station/station.toml exists, left as it is"
        return
    fi
    say "writing a commented default /etc/station/station.toml"
    [[ $DRY_RUN -eq 0 ]] || return 0
    install -d -m 0755 "$(dirname "$dest")"
    tmp=$(mktemp "$dest.XXXXXX")
    if ! example_config >"$tmp"; then
        rm -f "$tmp"
        die "could not generate the default config with station.config.example_config()"
    fi
    chmod 0644 "$tmp"
    mv "$tmp" "$dest"
}

enable_service() {
    if [[ -n $ROOT ]] || udevd_running; then
        run udevadm control --reload
        run udevadm trigger --subsystem-match=tty --subsystem-match=gpio --action=add
        [[ -n $ROOT ]] || run udevadm settle --timeout=10 || true
    else
        say "udevd is not running (an image build or a chroot): the udev rules apply at the next boot"
    fi
    if [[ -n $ROOT ]] || systemd_running; then
        run systemctl daemon-reload
    fi
    run systemctl enable "$SERVICE.service"
    if [[ $START -eq 1 ]]; then
        # restart, not start: a re-run after an upgrade must load the new code.
        run systemctl restart "$SERVICE.service"
    fi
}

do_install() {
    [[ -f $REPO/pyproject.toml ]] || die "$REPO does not look like the station checkout (no pyproject.toml)"
    apt_install_missing
    create_user
    install_venv
    write_config
    install_file "$REPO/systemd/station.service" /etc/systemd/system/station.service 0644
    install_udev_rules
    enable_service
    say "done. Status: systemctl status $SERVICE; logs: journalctl -u $SERVICE -f"
}

remove_path() {
    local path
    path=$(p "$1")
    if [[ -e $path || -L $path ]]; then
        say "removing $1"
        if [[ $DRY_RUN -eq 0 ]]; then
            rm -rf -- "$path"
        fi
    fi
}

do_uninstall() {
    if [[ -n $ROOT ]] || systemd_running; then
        run systemctl disable --now "$SERVICE.service" || true
    else
        run systemctl disable "$SERVICE.service" || true
    fi
    local config keep
    config=$(p /etc/station/station.toml)
    keep=$(p /var/lib/station)
    if [[ -f $config ]]; then
        say "keeping the config as /var/lib/station/station.toml.uninstalled"
        if [[ $DRY_RUN -eq 0 ]]; then
            install -d -m 0700 "$keep"
            cp -p "$config" "$keep/station.toml.uninstalled"
        fi
    fi
    remove_path /etc/systemd/system/station.service
    remove_path /etc/udev/rules.d/99-station-remote.rules
    remove_path "/etc/udev/rules.d/$GPIO_RULE"
    remove_path /etc/station
    remove_path /opt/station
    if [[ -n $ROOT ]] || systemd_running; then
        run systemctl daemon-reload
    fi
    if [[ -n $ROOT ]] || udevd_running; then
        run udevadm control --reload
    fi
    if getent passwd "$USER_NAME" >/dev/null; then
        run userdel "$USER_NAME"
    fi
    say "removed. The history stays in /var/lib/station; delete it by hand if you want it gone."
}

act() {
    case $ACTION in
        install) do_install ;;
        uninstall) do_uninstall ;;
    esac
}

# Never by accident: changing this machine needs --yes or a "y" on a
# terminal, after the plan has been shown. (--dry-run and --root DIR change
# nothing here.)
confirm() {
    [[ $YES -eq 0 && -z $ROOT && $DRY_RUN -eq 0 ]] || return 0
    say "the plan (nothing is done yet):"
    DRY_RUN=1
    act | sed 's/^/    /'
    DRY_RUN=0
    if [[ -t 0 ]]; then
        local answer
        read -r -p "install.sh: go ahead ($ACTION)? [y/N] " answer
        [[ $answer == [yY]* ]] && return 0
        say "nothing done"
        exit 1
    fi
    echo "install.sh: nothing done: add --yes to $ACTION (or run it on a terminal to be asked)" >&2
    exit 2
}

main() {
    parse_args "$@"
    preflight
    confirm
    act
}

main "$@"
