#!/usr/bin/env bash
# Installs the Debian packages multiseat needs for a job when any is missing; a no-op otherwise.
# Usage: tools/deps.sh build|test|lab|fuzz|bench|package...   (several may be given)
set -euo pipefail

build=(meson ninja-build pkg-config gcc libc6-dev python3
       libdrm-dev libinput-dev libevdev-dev libwayland-dev wayland-protocols libudev-dev
       libxkbcommon-dev libpixman-1-dev libfcft-dev libpipewire-0.3-dev libinih-dev
       libjson-c-dev libacl1-dev libpam0g-dev libsystemd-dev scdoc)
# Tests: cmocka, and the real Wayland clients the compositor is tested with (the lab guest uses them too);
# the audio monitor's test runs a real PipeWire (pipewire, pw-cli, pw-metadata), WirePlumber and the
# session bus WirePlumber 0.4 insists on; the login test runs real PAM through pam_wrapper and its
# pam_matrix module; the seat services' test runs them as multiseatd does (pipewire-pulse too)
# under a systemd-journald of its own.
test=(libcmocka-dev foot weston wtype grim wayland-utils gtk-3-examples gtk-4-examples fonts-dejavu-core
      pipewire-bin wireplumber dbus-daemon libpam-wrapper pipewire-pulse systemd)
# The virtual lab: QEMU, a busybox initramfs, the guest's udev and tools, image conversion,
# stress-ng (the load the caps tests put on a seat), and each seat's sound services with the
# tools the audio test plays and checks with (sox, getfacl).
# The build dir the lab runs from builds the unit tests too, hence cmocka. The guest that boots
# systemd (tests/lab/system.py) runs the host's systemd, logind and getty, switches VTs with
# chvt (kbd), and has its disk made by mkfs.ext4. The seats' compositors draw their text in a
# DejaVu font, and the sessions the lab's seats run (the demo's too) are foot. The tests and the
# demo find the guest's processes with pgrep and set kernel.sysrq with sysctl (procps: a
# minimal Debian lacks it).
lab=(libcmocka-dev systemd kbd e2fsprogs fonts-dejavu-core foot qemu-system-x86 busybox-static cpio kmod udev dbus netpbm libdrm-tests alsa-utils xz-utils
     stress-ng pipewire pipewire-bin wireplumber pipewire-pulse pulseaudio-utils sox acl procps)
# tools/fuzz: clang with libFuzzer and its sanitizer runtimes (the fuzz build configures the
# tests too, hence cmocka); tools/test runs it, so the test job has them too.
fuzz=(clang libclang-rt-14-dev libcmocka-dev)
# bench/run: the peer compositors, their demo client and callgrind; Debian's cage aborts at start
# when it cannot find Xwayland, even with no X client.
bench=(cage weston valgrind xwayland)
# tools/package: Debian's packaging tools (debhelper with dh_installsysusers, lintian), the
# systemd.pc that places the unit, and systemd-analyze and systemd-sysusers for its checks.
package=(build-essential dpkg-dev debhelper lintian systemd)

wanted=()
for job in "$@"; do
    case "$job" in
        build) wanted+=("${build[@]}") ;;
        test) wanted+=("${build[@]}" "${test[@]}" "${lab[@]}" "${fuzz[@]}") ;;
        fuzz) wanted+=("${build[@]}" "${fuzz[@]}") ;;
        lab) wanted+=("${build[@]}" "${lab[@]}") ;;
        bench) wanted+=("${build[@]}" "${bench[@]}") ;;
        package) wanted+=("${build[@]}" "${package[@]}") ;;
        *) echo "deps.sh: unknown job '$job' (expected build, test, lab, fuzz, bench or package)" >&2; exit 2 ;;
    esac
done

missing=()
for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

# shellcheck disable=SC2207
missing=($(printf '%s\n' "${missing[@]}" | sort -u))
echo "deps.sh: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
