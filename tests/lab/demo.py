"""The main job on a machine without seat hardware: boot the virtual lab's default
PC, run multiseat in it, print what it found and screenshot every monitor."""

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
        print("Screenshots:")
        for m in topo.monitors:
            shot = l.screenshot(m.gpu, m.head)
            dest = out / f"{m.gpu}-head{m.head}.png"
            shutil.copy(shot.png, dest)
            print(f"  {dest} ({shot.width}x{shot.height})")
    print(f"\nScreenshots are in {out}")


if __name__ == "__main__":
    lab.run_test(main)
