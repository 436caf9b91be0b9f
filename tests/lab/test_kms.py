"""gpu_kms in the lab: kmsfill lights every output of the virtio card (atomic and
legacy) and of the bochs card with its colour, counts the frame_done events, keeps
partial redraws (buffer age, FB_DAMAGE_CLIPS) exact, and follows monitor unplug and
replug through gpu_kms_rescan."""

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402

check = lab.Checks()

KMSFILL = "$LAB_BUILD/tests/lab/kmsfill"
FRAMES = 30
SQUARE = 64
CONN2 = "/sys/class/drm/card0-Virtual-2"

OUTPUT_RE = re.compile(r"^output (\S+) (\d+)x(\d+)@\S+ frames (\d+) bad_times (\d+) ages (\d+),(\d+),(\d+),(\d+)"
                       r"(?: square (\d+),(\d+))? (atomic|legacy)$")


def start(l, tag, args, env=""):
    """Starts kmsfill in the background; its stdin is a FIFO held open by a `sleep`."""
    l.sh(f"rm -f /tmp/{tag}.out /tmp/{tag}.in; mkfifo /tmp/{tag}.in; "
         f"{env} {KMSFILL} {args} < /tmp/{tag}.in > /tmp/{tag}.out 2>&1 & echo $! > /tmp/{tag}.pid; "
         f"sleep 900 > /tmp/{tag}.in & echo $! > /tmp/{tag}.sleep")


def wait_for(l, tag, pattern, count=1, timeout=150):
    """Waits until kmsfill has printed `count` lines matching an extended regex; returns its output."""
    l.wait_guest(f"[ $(grep -cE '{pattern}' /tmp/{tag}.out) -ge {count} ]", timeout=timeout)
    return l.sh(f"cat /tmp/{tag}.out")


def outputs(text):
    """{connector: the last 'output' line kmsfill printed for it, parsed}."""
    found = {}
    for line in text.splitlines():
        m = OUTPUT_RE.match(line.strip())
        if m:
            g = m.groups()
            found[g[0]] = {
                "size": (int(g[1]), int(g[2])), "frames": int(g[3]), "bad_times": int(g[4]),
                "ages": tuple(int(a) for a in g[5:9]),
                "square": (int(g[9]), int(g[10])) if g[9] is not None else None, "api": g[11],
            }
    return found


def stop(l, tag, how):
    """Ends kmsfill with SIGTERM or by closing its stdin; returns its exit status."""
    if how == "sigterm":
        l.run(f"kill -TERM $(cat /tmp/{tag}.pid)")
    else:
        l.run(f"kill $(cat /tmp/{tag}.sleep)")
    rc, _ = l.run(f"wait $(cat /tmp/{tag}.pid)", timeout=60)
    l.run(f"kill $(cat /tmp/{tag}.sleep) 2>/dev/null; wait $(cat /tmp/{tag}.sleep) 2>/dev/null; true")
    return rc


def plug_monitor(l, width, height):
    """Plugs (or with 0x0 unplugs) gpu0's second monitor; returns whether the kernel sent its
    hotplug uevent. While a DRM master holds the card nobody else probes the connector, so
    sysfs keeps the old status until the master rescans: the uevent is what tells it to."""
    l.sh("udevadm monitor --kernel --property --subsystem-match=drm > /tmp/uev.txt 2>&1 & "
         "echo $! > /tmp/uev.pid; sleep 0.5")
    l.monitor("gpu0", 1, width, height)
    seen = l.wait_guest("grep -q '^HOTPLUG=1' /tmp/uev.txt", timeout=30)
    l.run("kill $(cat /tmp/uev.pid); wait $(cat /tmp/uev.pid) 2>/dev/null; true")
    return seen


def wrong_pixels(shot, colour, square=None):
    """How many pixels differ from `colour` everywhere but a white square at `square`."""
    w, h = shot.width, shot.height
    want = bytearray(bytes.fromhex(colour) * (w * h))
    if square is not None:
        x, y = square
        for row in range(y, min(y + SQUARE, h)):
            start = (row * w + x) * 3
            want[start:start + min(SQUARE, w - x) * 3] = b"\xff" * (min(SQUARE, w - x) * 3)
    if shot.pixels == want:
        return 0
    wrong = 0
    for row in range(h):
        a, b = row * w * 3, (row + 1) * w * 3
        if shot.pixels[a:b] != want[a:b]:
            wrong += sum(1 for i in range(a, b, 3) if shot.pixels[i:i + 3] != want[i:i + 3])
    return wrong


def check_shot(l, gpu, head, name, colour, size, square=None):
    shot = l.screenshot(gpu, head, name=name)
    wrong = wrong_pixels(shot, colour, square) if (shot.width, shot.height) == size else -1
    what = f" and a white square at {square}" if square else ""
    check(wrong == 0, f"{gpu}:{head} shows #{colour}{what} ({shot.width}x{shot.height}, "
                      f"{wrong} pixels wrong, {shot.distinct_colours()} colours; {shot.png.name})")


def check_outputs(found, want, api, elapsed):
    for name, size in want.items():
        o = found.get(name)
        check(o is not None and o["size"] == size and o["frames"] == FRAMES and o["api"] == api,
              f"{name}: {size[0]}x{size[1]}, {FRAMES} frame_done events, {api} ({o}; {elapsed:.1f}s)")
        if o is None:
            continue
        check(o["bad_times"] == 0, f"{name}: frame_done times monotonic and not in the future ({o['bad_times']} bad)")
        # The first two frames draw into fresh buffers; every later one into the frame before last.
        check(o["ages"] == (2, 0, FRAMES - 2, 0), f"{name}: buffer ages 0 twice, then 2 ({o['ages']} of 0,1,2,other)")


def main():
    topo = lab.default_topology()
    with lab.Lab(topo, name="test-kms") as l:
        dmesg_start = int(l.sh("dmesg | wc -l").strip())

        # ---- virtio-gpu, atomic: two monitors, a square moving with partial redraws
        t = time.monotonic()
        start(l, "va", f"/dev/dri/card0 --frames {FRAMES} --square ff0000 00ff00")
        text = wait_for(l, "va", "^holding")
        check("kms atomic" in text, f"card0 (virtio_gpu) is driven with atomic KMS: {text.splitlines()[:1]}")
        found = outputs(text)
        check_outputs(found, {"Virtual-1": (1280, 800), "Virtual-2": (1024, 768)}, "atomic",
                      time.monotonic() - t)
        v1, v2 = found.get("Virtual-1", {}), found.get("Virtual-2", {})
        check_shot(l, "gpu0", 0, "kms-atomic-0", "ff0000", (1280, 800), v1.get("square"))
        check_shot(l, "gpu0", 1, "kms-atomic-1", "00ff00", (1024, 768), v2.get("square"))

        # Unplugging monitor 2 and rescanning removes its output and nothing else.
        t = time.monotonic()
        check(plug_monitor(l, 0, 0), "unplugging monitor 2 sends a HOTPLUG=1 uevent")
        l.sh("kill -USR1 $(cat /tmp/va.pid)")
        text = wait_for(l, "va", "^removed Virtual-2")
        check("removed Virtual-2" in text and "removed Virtual-1" not in text,
              f"after unplug and rescan only Virtual-2 is removed ({time.monotonic() - t:.1f}s)")
        status = l.sh(f"cat {CONN2}/status").strip()
        check(status == "disconnected", f"the rescan's probe updated sysfs: Virtual-2 {status}")
        check_shot(l, "gpu0", 0, "kms-atomic-0-after-unplug", "ff0000", (1280, 800), v1.get("square"))

        # Plugged in again at another size, it comes back as a new output with that mode.
        t = time.monotonic()
        check(plug_monitor(l, 800, 600), "plugging an 800x600 monitor in sends a HOTPLUG=1 uevent")
        l.sh("kill -USR1 $(cat /tmp/va.pid)")
        text = wait_for(l, "va", "^output Virtual-2 800x600")
        again = outputs(text).get("Virtual-2")
        check(again is not None and again["size"] == (800, 600) and again["frames"] == FRAMES,
              f"after replug and rescan Virtual-2 is added at 800x600 and flips {FRAMES} frames "
              f"({again}; {time.monotonic() - t:.1f}s)")
        if again:
            check_shot(l, "gpu0", 1, "kms-atomic-1-replugged", "00ff00", (800, 600), again["square"])
        rc = stop(l, "va", "sigterm")
        check(rc == 0, f"kmsfill ends with status 0 on SIGTERM (status {rc})")

        # ---- bochs: one monitor; ended by closing stdin
        t = time.monotonic()
        start(l, "bo", f"/dev/dri/card1 --frames {FRAMES} 0000ff")
        text = wait_for(l, "bo", "^holding")
        found = outputs(text)
        check("kms atomic" in text and len(found) == 1,
              f"card1 (bochs-drm) is driven with atomic KMS, one output: {sorted(found)}")
        for name in found:
            check_outputs(found, {name: (1280, 1024)}, "atomic", time.monotonic() - t)
        check_shot(l, "gpu1", 0, "kms-bochs", "0000ff", (1280, 1024))
        rc = stop(l, "bo", "stdin")
        check(rc == 0, f"kmsfill ends with status 0 when its stdin closes (status {rc})")

        # ---- virtio-gpu, legacy KMS on request
        t = time.monotonic()
        start(l, "vl", f"/dev/dri/card0 --frames {FRAMES} --square ffff00 ff00ff", env="MULTISEAT_KMS_LEGACY=1")
        text = wait_for(l, "vl", "^holding")
        check("kms legacy" in text, f"MULTISEAT_KMS_LEGACY=1 selects legacy KMS: {text.splitlines()[:1]}")
        found = outputs(text)
        check_outputs(found, {"Virtual-1": (1280, 800), "Virtual-2": (800, 600)}, "legacy",
                      time.monotonic() - t)
        check_shot(l, "gpu0", 0, "kms-legacy-0", "ffff00", (1280, 800), found.get("Virtual-1", {}).get("square"))
        check_shot(l, "gpu0", 1, "kms-legacy-1", "ff00ff", (800, 600), found.get("Virtual-2", {}).get("square"))
        t = time.monotonic()
        check(plug_monitor(l, 0, 0), "legacy: unplugging monitor 2 sends a HOTPLUG=1 uevent")
        l.sh("kill -USR1 $(cat /tmp/vl.pid)")
        text = wait_for(l, "vl", "^removed Virtual-2")
        check("removed Virtual-2" in text and "removed Virtual-1" not in text,
              f"legacy: after unplug and rescan only Virtual-2 is removed ({time.monotonic() - t:.1f}s)")
        check_shot(l, "gpu0", 0, "kms-legacy-0-after-unplug", "ffff00", (1280, 800),
                   found.get("Virtual-1", {}).get("square"))
        rc = stop(l, "vl", "sigterm")
        check(rc == 0, f"legacy kmsfill ends with status 0 (status {rc})")

        errors = l.sh(f"dmesg | tail -n +{dmesg_start + 1} | grep -E 'WARNING|BUG|Call Trace|drm.*ERROR' || true")
        check(errors.strip() == "", f"no kernel warnings or DRM errors meanwhile: {errors.strip()[:500]}")
        for tag in ("va", "bo", "vl"):
            print(f"--- kmsfill {tag}:\n" + l.sh(f"cat /tmp/{tag}.out"))
        check.report_on_failure(l)

    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
