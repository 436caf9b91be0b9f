"""gpu_kms and DRM leases in the lab: leasecheck leases each monitor of the virtio
card to its own lessee (two seats on one GPU), drives every lease through gpu_kms,
and shows what the lessees see and what revoking a lease does; kmsfill lights every
output of the virtio card (atomic and legacy) and of the bochs card with its colour,
counts the frame_done events, keeps partial redraws (buffer age, FB_DAMAGE_CLIPS)
exact, and follows monitor unplug and replug through gpu_kms_rescan."""

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402

check = lab.Checks()

KMSFILL = "$LAB_BUILD/tests/lab/kmsfill"
LEASECHECK = "$LAB_BUILD/tests/lab/leasecheck"
FRAMES = 30
SQUARE = 64
CONN2 = "/sys/class/drm/card0-Virtual-2"

OUTPUT_RE = re.compile(r"^output (\S+) (\d+)x(\d+)@\S+ frames (\d+) bad_times (\d+) ages (\d+),(\d+),(\d+),(\d+)"
                       r"(?: square (\d+),(\d+))? (atomic|legacy)$")


def start(l, tag, args, env="", prog=KMSFILL):
    """Starts kmsfill (or `prog`) in the background; its stdin is a FIFO held open by a `sleep`."""
    l.sh(f"rm -f /tmp/{tag}.out /tmp/{tag}.in; mkfifo /tmp/{tag}.in; "
         f"{env} {prog} {args} < /tmp/{tag}.in > /tmp/{tag}.out 2>&1 & echo $! > /tmp/{tag}.pid; "
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


LEASE_RE = re.compile(r"^lease (\w) (\S+): lessee (\d+) connector (\d+) crtc (\d+) primary (\d+) cursor (\d+)$")
RESOURCES_RE = re.compile(r"^(.+) resources: connectors (\S+) crtcs (\S+) planes (\S+)$")
SHOWS_RE = re.compile(r"^(\w) shows ([0-9a-f]{6}) on (\S+) crtc (\S+): (\d+) frames (atomic|legacy)$")
LEASE_FRAMES = 5


def lease_report(text):
    """What leasecheck printed: its leases, the resources each lessee saw, what each showed."""
    leases, resources, shows, lines = {}, {}, {}, set()
    for line in text.splitlines():
        line = line.strip()
        lines.add(line)
        if m := LEASE_RE.match(line):
            tag, name = m.group(1), m.group(2)
            leases.setdefault(tag, {})[name] = {
                k: int(v) for k, v in zip(("lessee", "connector", "crtc", "primary", "cursor"), m.groups()[2:])}
        elif m := RESOURCES_RE.match(line):
            ids = [[] if g == "-" else [int(i) for i in g.split(",")] for g in m.groups()[1:]]
            resources[m.group(1)] = dict(zip(("connectors", "crtcs", "planes"), ids))
        elif m := SHOWS_RE.match(line):
            shows.setdefault(m.group(1), []).append({
                "colour": m.group(2), "names": m.group(3).split(","), "frames": int(m.group(5)),
                "api": m.group(6)})
    return leases, resources, shows, lines


def held(lease):
    """The objects a lease holds, as drmModeGetResources on its fd would list them."""
    outs = lease.values()
    return {"connectors": sorted(o["connector"] for o in outs), "crtcs": sorted(o["crtc"] for o in outs),
            "planes": sorted([o["primary"] for o in outs] + [o["cursor"] for o in outs if o["cursor"]])}


def sorted_ids(res):
    return {k: sorted(v) for k, v in res.items()} if res else None


def check_shows(shows, tag, colour, names, api):
    got = [s for s in shows.get(tag, []) if s["colour"] == colour]
    ok = len(got) == 1 and got[0]["names"] == names and got[0]["frames"] == LEASE_FRAMES and got[0]["api"] == api
    check(ok, f"lease {tag}: gpu_kms on the lessee fd shows #{colour} on {','.join(names)}, "
              f"{LEASE_FRAMES} frame_done events, {api} ({got})")


def check_leases(l):
    """Two seats on one GPU: Virtual-2 to lessee A, Virtual-1 to lessee B, each driven by gpu_kms."""
    t = time.monotonic()
    start(l, "lc", "/dev/dri/card0 Virtual-2 Virtual-1", prog=LEASECHECK)
    wait_for(l, "lc", "^(holding both|exit)")
    leases, res, shows, lines = lease_report(l.sh("cat /tmp/lc.out"))
    a, b = leases.get("A", {}).get("Virtual-2"), leases.get("B", {}).get("Virtual-1")
    check("master yes" in lines, "leasecheck is DRM master of card0")
    check(a is not None, f"lease A: Virtual-2 with a CRTC, its primary and cursor planes ({a})")
    check(a is not None and sorted_ids(res.get("A")) == held(leases["A"]),
          f"lease A's fd lists exactly its connector, CRTC and planes ({res.get('A')})")
    check("A sees Virtual-1: ENOENT" in lines, "lease A cannot read Virtual-1: ENOENT")
    check_shows(shows, "A", "00c0ff", ["Virtual-2"], "atomic")
    check("kernel: A's CRTC leased again: EBUSY" in lines,
          "the kernel refuses to lease A's CRTC to a second lessee: EBUSY")
    check("lease Virtual-2 again: EBUSY" in lines, "gpu_lease_create refuses a connector already leased: EBUSY")
    check(b is not None and a is not None and b["crtc"] != a["crtc"] and b["primary"] != a["primary"],
          f"lease B: Virtual-1 on the same card, another CRTC and plane ({b})")
    check(b is not None and sorted_ids(res.get("B")) == held(leases["B"]),
          f"lease B's fd lists exactly its connector, CRTC and planes ({res.get('B')})")
    check("B sees Virtual-2: ENOENT" in lines, "lease B cannot read Virtual-2: ENOENT")
    check_shows(shows, "B", "ff8000", ["Virtual-1"], "atomic")
    if a and b:
        check(f"lessees: ids {a['lessee']},{b['lessee']}" in lines,
              f"drmModeListLessees lists both lessees {a['lessee']},{b['lessee']}")
    check_shot(l, "gpu0", 1, "lease-a", "00c0ff", (1024, 768))
    check_shot(l, "gpu0", 0, "lease-b", "ff8000", (1280, 800))
    print(f"leases A and B: {time.monotonic() - t:.1f}s")

    # Revoking A takes every object from its fd and blanks its monitor; B goes on.
    t = time.monotonic()
    l.sh("echo go > /tmp/lc.in")
    wait_for(l, "lc", "^(holding revoked|exit)")
    leases, res, shows, lines = lease_report(l.sh("cat /tmp/lc.out"))
    check("revoke A: ok" in lines, "gpu_lease_revoke(A) succeeds")
    empty = {"connectors": [], "crtcs": [], "planes": []}
    check(res.get("A after revoke") == empty,
          f"after the revoke drmModeGetResources on A's fd succeeds and lists nothing ({res.get('A after revoke')})")
    check("A after revoke sees Virtual-2: ENOENT" in lines, "after the revoke A cannot read its own connector: ENOENT")
    check("A after revoke commit: ENOENT" in lines, "after the revoke A's gpu_kms commit fails: ENOENT")
    if b:
        check(f"lessees: ids {b['lessee']}" in lines, "drmModeListLessees no longer lists A, only B")
    check_shows(shows, "B", "8000ff", ["Virtual-1"], "atomic")
    shot = l.screenshot("gpu0", 1, name="lease-a-revoked")
    black = shot.pixels.count(b"\0\0\0")
    a_colour = sum(1 for i in range(0, len(shot.pixels), 3) if shot.pixels[i:i + 3] == bytes.fromhex("00c0ff"))
    check(a_colour == 0 and black > 0.9 * shot.width * shot.height,
          f"Virtual-2 no longer shows A's picture: its CRTC is off ({a_colour} pixels of #00c0ff, "
          f"{shot.distinct_colours()} colours; {shot.png.name})")
    check_shot(l, "gpu0", 0, "lease-b-after-revoke", "8000ff", (1280, 800))
    print(f"revoke: {time.monotonic() - t:.1f}s")

    # The revoked objects make a new seat; a lease whose lessee closed its fd frees them too.
    t = time.monotonic()
    l.sh("echo go > /tmp/lc.in")
    wait_for(l, "lc", "^(holding reused|exit)")
    leases, res, shows, lines = lease_report(l.sh("cat /tmp/lc.out"))
    c = leases.get("C", {}).get("Virtual-2")
    check(c is not None and a is not None and c["crtc"] == a["crtc"],
          f"lease C: Virtual-2 again, on the CRTC A had ({c})")
    check_shows(shows, "C", "00ff80", ["Virtual-2"], "atomic")
    check_shot(l, "gpu0", 1, "lease-c", "00ff80", (1024, 768))
    l.sh("echo go > /tmp/lc.in")
    wait_for(l, "lc", "^(holding two|exit)")
    leases, res, shows, lines = lease_report(l.sh("cat /tmp/lc.out"))
    d = leases.get("D", {}).get("Virtual-2")
    if b:
        check(f"lessees: ids {b['lessee']}" in lines, "once C's fd is closed the kernel no longer lists C")
    check(d is not None, f"lease D: Virtual-2 once more, after C's lessee closed its fd ({d})")

    # One seat with both monitors.
    e = leases.get("E", {})
    check(sorted(e) == ["Virtual-1", "Virtual-2"] and e["Virtual-1"]["crtc"] != e["Virtual-2"]["crtc"],
          f"lease E: both connectors to one lessee, each with its own CRTC ({e})")
    check(bool(e) and sorted_ids(res.get("E")) == held(e),
          f"lease E's fd lists exactly its two connectors, two CRTCs and their planes ({res.get('E')})")
    check_shows(shows, "E", "ffff00", ["Virtual-1", "Virtual-2"], "atomic")
    check_shot(l, "gpu0", 0, "lease-e-0", "ffff00", (1280, 800))
    check_shot(l, "gpu0", 1, "lease-e-1", "ffff00", (1024, 768))
    l.sh("echo go > /tmp/lc.in")
    rc = stop(l, "lc", "stdin")
    check(rc == 0 and "exit 0" in l.sh("cat /tmp/lc.out"), f"leasecheck ends with status 0 (status {rc})")
    print(f"reuse and two-monitor lease: {time.monotonic() - t:.1f}s")

    # The same on lessees driven with legacy KMS.
    t = time.monotonic()
    rc, _ = l.run(f"yes go | MULTISEAT_KMS_LEGACY=1 {LEASECHECK} /dev/dri/card0 Virtual-2 Virtual-1 "
                  "> /tmp/lcl.out 2>&1", timeout=120)
    leases, res, shows, lines = lease_report(l.sh("cat /tmp/lcl.out"))
    legacy = sorted((tag, s["colour"]) for tag, seen in shows.items() for s in seen
                    if s["api"] == "legacy" and s["frames"] == LEASE_FRAMES)
    check(rc == 0 and len(legacy) == 5,
          f"legacy KMS on leases: all 5 pictures shown with {LEASE_FRAMES} frames each, status {rc} "
          f"({legacy}; {time.monotonic() - t:.1f}s)")


def main():
    topo = lab.default_topology()
    with lab.Lab(topo, name="test-kms") as l:
        dmesg_start = int(l.sh("dmesg | wc -l").strip())

        # ---- DRM leases on virtio-gpu, while fbcon still lights both monitors
        check_leases(l)

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
        for tag in ("lc", "lcl"):
            print(f"--- leasecheck {tag}:\n" + l.sh(f"cat /tmp/{tag}.out"))
        for tag in ("va", "bo", "vl"):
            print(f"--- kmsfill {tag}:\n" + l.sh(f"cat /tmp/{tag}.out"))
        check.report_on_failure(l)

    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
