#!/usr/bin/env bash
# Install the station as a systemd service on a Raspberry Pi (Pi OS Bookworm).
#
#   sudo systemd/install.sh              install or upgrade, enable and start
#   sudo systemd/install.sh --uninstall  remove it all but the history
#
# Run it from the repository checkout you want installed. It is idempotent:
# running it again upgrades the package and leaves an existing config alone.
#
# What it does:
#   1. apt-get installs what is missing: python3-venv, python3-lgpio (Pi OS's
#      GPIO library, seen by the venv), espeak-ng, SDL2 runtime libraries;
#   2. creates the `station` system user and the groups the unit names;
#   3. creates a venv at /opt/station/venv (--system-site-packages) and pip
#      installs this checkout into it;
#   4. writes a commented default /etc/station/station.toml if there is none;
#   5. installs /etc/systemd/system/station.service and
#      /etc/udev/rules.d/99-station-remote.rules, then enables and starts it.
#
# Options:
#   --root DIR   write every file under DIR instead of /, and only print the
#                system commands (apt-get, useradd, venv, pip, systemctl,
#                udevadm) instead of running them. For tests and images.
#   --dry-run    write nothing, run nothing: print what would be done.
#   --no-start   enable the service but do not (re)start it now.
#   --uninstall  stop and disable the service, remove the unit, the udev rule,
#                the venv, /etc/station and the `station` user. The history in
#                /var/lib/station stays; the config is kept next to it as
#                station.toml.uninstalled.
#   -h, --help   this text.

set -euo pipefail

readonly SERVICE=station
readonly USER_NAME=station
readonly GROUPS_WANTED=(gpio audio video render input dialout)
readonly APT_PACKAGES=(
    python3-venv python3-lgpio espeak-ng
    libsdl2-2.0-0 libsdl2-mixer-2.0-0 libsdl2-ttf-2.0-0 libsdl2-image-2.0-0
    libgbm1 libegl1 libgles2
)

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO

ROOT=""
DRY_RUN=0
START=1
ACTION=install

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
            --no-start) START=0; shift ;;
            --uninstall) ACTION=uninstall; shift ;;
            -h | --help) usage; exit 0 ;;
            *) die "unknown option $1 (see --help)" ;;
        esac
    done
    if [[ -z $ROOT && $DRY_RUN -eq 0 && $EUID -ne 0 ]]; then
        die "run as root (sudo $0), or use --dry-run / --root DIR"
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

apt_install_missing() {
    local pkg status missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
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
    # python3-lgpio comes from the Raspberry Pi OS archive; elsewhere (Debian
    # or Ubuntu on a Pi) say so and go on: `pip install lgpio` into the venv.
    # (Not checked under --root: this machine's archives say nothing there.)
    local available=()
    for pkg in "${missing[@]}"; do
        if [[ -n $ROOT ]] || apt-cache show "$pkg" >/dev/null 2>&1; then
            available+=("$pkg")
        else
            echo "install.sh: warning: no package $pkg in this system's archives; skipped" >&2
        fi
    done
    [[ ${#available[@]} -gt 0 ]] || return 0
    say "installing ${available[*]}"
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${available[@]}"
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
    run "$venv/bin/pip" install --disable-pip-version-check --upgrade "$REPO"
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
    run udevadm control --reload
    run udevadm trigger --subsystem-match=tty --action=add
    run systemctl daemon-reload
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
    install_file "$REPO/hardware/99-station-remote.rules" /etc/udev/rules.d/99-station-remote.rules 0644
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
    run systemctl disable --now "$SERVICE.service" || true
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
    remove_path /etc/station
    remove_path /opt/station
    run systemctl daemon-reload
    run udevadm control --reload
    if getent passwd "$USER_NAME" >/dev/null; then
        run userdel "$USER_NAME"
    fi
    say "removed. The history stays in /var/lib/station; delete it by hand if you want it gone."
}

main() {
    parse_args "$@"
    case $ACTION in
        install) do_install ;;
        uninstall) do_uninstall ;;
    esac
}

main "$@"
