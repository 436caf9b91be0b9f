"""multiseat-compositor --drm in the lab: on the virtio GPU it lights both monitors,
runs foot, and what is typed on keyboard 1 (QEMU input on that keyboard only)
appears on the first monitor and runs; keyboard 2, not given to it, reaches nothing."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402

check = lab.Checks()

COMPOSITOR = "$LAB_BUILD/compositor/multiseat-compositor"
BACKGROUND = bytes((0x30, 0x30, 0x30))


def event_node(l, port):
    """The /dev/input/event* node of the USB device on `port` (e.g. "1.1")."""
    for dev in l.udev_properties("/dev/input/event*"):
        if f"-usb-0:{port}:" in dev.get("ID_PATH", ""):
            return dev["DEVNAME"]
    raise lab.LabError(f"no input event node on USB port {port}")


def background_share(shot):
    """Fraction of pixels in the compositor's background colour."""
    px = shot.pixels
    total = len(px) // 3
    same = sum(1 for i in range(0, len(px), 3 * 5) if px[i:i + 3] == BACKGROUND)
    return same * 5 / total


def main():
    topo = lab.default_topology()
    with lab.Lab(topo, name="test-compositor") as l:
        check.report_on_failure(l)
        kbd1, tablet1, kbd2 = event_node(l, "1.1"), event_node(l, "1.2"), event_node(l, "2.1")
        typed = "/lab/out/typed.txt"
        l.sh(f"rm -f {typed}; mkdir -p /tmp/xdg; chmod 700 /tmp/xdg")
        # exec: $! must be the compositor itself, not a subshell around it.
        l.sh(f"(cd /tmp && exec env XDG_RUNTIME_DIR=/tmp/xdg HOME=/root SHELL=/bin/bash "
             f"{COMPOSITOR} --drm /dev/dri/card0 --input {kbd1} --input {tablet1} "
             f"--socket lab-0 -- foot) > /tmp/compositor.log 2>&1 & echo $! > /tmp/compositor.pid")
        started = l.wait_guest("grep -q \"session 'foot' started\" /tmp/compositor.log", timeout=60)
        log = l.sh("cat /tmp/compositor.log")
        check(started, "the compositor starts on card0 and runs foot")
        check("atomic KMS" in log, "it drives the virtio GPU with atomic KMS")
        check("Virtual-1: 1280x800" in log and "Virtual-2: 1024x768" in log,
              "one output per connected monitor, at the monitor's mode")

        # foot draws its window on the first monitor (TCG is slow: poll).
        before = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            shot = l.screenshot("gpu0", 0, "before")
            if 0.05 < background_share(shot) < 0.95:
                before = shot
                break
            time.sleep(1)
        check(before is not None, "foot's window appears on monitor 1 (gpu0 head 0)")
        time.sleep(2)  # let foot finish drawing its first screen
        before = l.screenshot("gpu0", 0, "before")
        second = l.screenshot("gpu0", 1, "second")
        check(background_share(second) > 0.9, "monitor 2 (gpu0 head 1) shows the compositor's background")

        # Keyboard 2 belongs to nobody here: typing on it changes nothing.
        l.type_text("kbd2", "echo wrong")
        l.press("kbd2", "ret")
        time.sleep(2)
        still = l.screenshot("gpu0", 0, "kbd2")
        check(still.differing_pixels(before) < 50,
              f"keyboard 2 does not reach this seat ({still.differing_pixels(before)} pixels changed)")

        l.type_text("kbd1", f"echo typed-in-the-lab > {typed}")
        l.press("kbd1", "ret")
        ran = l.wait_guest(f"grep -qx typed-in-the-lab {typed}", timeout=60)
        check(ran, "the command typed on keyboard 1 ran in foot: the file exists with its text")
        time.sleep(1)
        after = l.screenshot("gpu0", 0, "after")
        changed = after.differing_pixels(before)
        check(changed > 500, f"the typed text appears on monitor 1 ({changed} pixels changed)")

        l.run("kill -TERM $(cat /tmp/compositor.pid)")
        rc, _ = l.run("wait $(cat /tmp/compositor.pid)", timeout=60)
        log = l.sh("cat /tmp/compositor.log")
        check("shutting down" in log and rc == 0,
              f"SIGTERM shuts the compositor down cleanly (exit status {rc})")
        errors = [ln for ln in log.splitlines() if "multiseat-compositor: error" in ln]
        check(not errors, f"the compositor logged no errors {errors}")
    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
