"""The main job on a machine without seat hardware: boot the virtual lab's default
PC, run multiseat in it, print what it found and screenshot every monitor.

Until the seat manager exists, the demo starts one compositor per card by hand:
foot on the virtio GPU's two monitors, typed into on keyboard 1, and the
identify screen on the bochs monitor."""

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402


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
        kbd1 = next(d["DEVNAME"] for d in l.udev_properties("/dev/input/event*")
                    if "-usb-0:1.1:" in d.get("ID_PATH", ""))
        env = "exec env XDG_RUNTIME_DIR=/tmp/xdg HOME=/root SHELL=/bin/bash"
        compositor = "$LAB_BUILD/compositor/multiseat-compositor"
        l.sh("mkdir -p /tmp/xdg && chmod 700 /tmp/xdg")
        l.sh(f"(cd /tmp && {env} {compositor} --drm /dev/dri/card0 --input {kbd1} "
             f"--socket demo-0 -- foot) > /tmp/seat0.log 2>&1 &")
        l.sh(f"(cd /tmp && {env} {compositor} --drm /dev/dri/card1 --socket demo-1 "
             f"--identify 'Press F3 to use this screen') > /tmp/seat1.log 2>&1 &")
        print("Compositors started; typing on keyboard 1...", flush=True)
        l.wait_guest("grep -q \"session 'foot' started\" /tmp/seat0.log", timeout=60)
        time.sleep(8)  # foot's first frame under software emulation
        l.type_text("kbd1", "echo hello from keyboard 1; uname -sr")
        l.press("kbd1", "ret")
        time.sleep(3)
        print("Screenshots:")
        for m in topo.monitors:
            shot = l.screenshot(m.gpu, m.head)
            dest = out / f"{m.gpu}-head{m.head}.png"
            shutil.copy(shot.png, dest)
            print(f"  {dest} ({shot.width}x{shot.height})")
    print(f"\nScreenshots are in {out}")


if __name__ == "__main__":
    lab.run_test(main)
