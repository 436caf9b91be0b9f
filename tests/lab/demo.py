"""The main job on a machine without seat hardware: boot the virtual lab's default
PC, run multiseatd in it with no seat configuration, and show what a classroom sees:
every monitor says "Press F<n>"; F2 on keyboard 1 and F3 on keyboard 2 claim two of the
seats (each keyboard with its whole USB hub), whose sessions start and are typed into.
Screenshots of every monitor, before and after, go to the output folder."""

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
from seats import COMPOSITOR, CTL, DAEMON, wait_status  # noqa: E402


def drawn(l, m, name, timeout=60):
    """The monitor's screenshot once something is drawn on it (under software emulation a
    compositor's first frame can come seconds after it runs)."""
    deadline = time.monotonic() + timeout
    while True:
        shot = l.screenshot(m.gpu, m.head, name)
        if shot.distinct_colours() > 2 or time.monotonic() > deadline:
            return shot
        time.sleep(1)


def shots(l, topo, out, stage):
    print(f"Screenshots ({stage}):")
    for m in topo.monitors:
        shot = drawn(l, m, f"{stage}-{m.gpu}-{m.head}")
        dest = out / f"{stage}-{m.gpu}-head{m.head}.png"
        shutil.copy(shot.png, dest)
        print(f"  {dest} ({shot.width}x{shot.height})")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(lab.PROJECT / "lab-output"),
                        help="folder for the screenshots (default: lab-output in the project)")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    topo = lab.default_topology()
    print("Virtual lab PC:")
    for g in topo.gpus:
        print(f"  GPU {g.id}: {g.model}, {g.outputs} output(s)")
    for m in topo.monitors:
        print(f"  monitor {m.width}x{m.height} on {m.gpu} head {m.head}")
    for d in topo.usb:
        print(f"  USB port {d.port}: {d.kind} ({d.id})")
    start = time.monotonic()
    print("Booting it (QEMU, software emulation)...", flush=True)
    with lab.Lab(topo, name="demo") as l:
        print(f"Booted and udev settled in {time.monotonic() - start:.1f} s.\n")
        print("multiseatd --probe, inside the lab:")
        print(l.sh("$LAB_BUILD/seatd/multiseatd --probe"))
        l.sh("for n in 1 2 3; do useradd -m -s /bin/bash lab-$n; done")
        l.sh("printf '[seat-defaults]\\nuser = lab-%%n\\nsession = foot\\n' > /tmp/ms.conf")
        l.sh(f"{DAEMON} --config /tmp/ms.conf --compositor {COMPOSITOR} > /tmp/daemon.log 2>&1 &")
        print("multiseatd started with no seat configuration (autoseat).", flush=True)
        if wait_status(l, lambda s: len(s) == 3 and all(x["state"] == "running"
                                                         for x in s.values())) is None:
            raise lab.LabError("three seats did not start:\n" + l.sh("cat /tmp/daemon.log"))
        time.sleep(3)
        print(l.sh(f"{CTL} status"))
        shots(l, topo, out, "1-unclaimed")
        for kbd, key in (("kbd1", "f2"), ("kbd2", "f3")):
            print(f"Pressing {key.upper()} on {kbd}...", flush=True)
            l.press(kbd, key)
        if wait_status(l, lambda s: s["seat-2"]["claimed"] and s["seat-3"]["claimed"],
                       timeout=30) is None:
            raise lab.LabError("the seats were not claimed:\n" + l.sh("cat /tmp/daemon.log"))
        if not l.wait_guest("pgrep -u lab-2 -x foot && pgrep -u lab-3 -x foot", timeout=60):
            raise lab.LabError("the sessions (foot) did not start within 60 s:\n" +
                               l.sh("tail -n 40 /tmp/daemon.log"))
        time.sleep(8)  # foot's first frame under software emulation
        for kbd in ("kbd1", "kbd2"):
            l.type_text(kbd, f"echo typed on {kbd} into $XDG_SEAT")
            l.press(kbd, "ret")
        time.sleep(3)
        print(l.sh(f"{CTL} status"))
        shots(l, topo, out, "2-claimed")
    print(f"\nScreenshots are in {out}")


if __name__ == "__main__":
    lab.run_test(main)
