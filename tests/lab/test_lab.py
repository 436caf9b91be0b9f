"""The lab itself: the default topology boots with the hardware it describes, and
every helper a test relies on (typing, pointing, hot-plug, monitors, screenshots,
sound) reaches exactly the device it names."""

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402

check = lab.Checks()


def usb_port(props):
    """"1.1" from an ID_PATH like pci-0000:00:0b.0-usb-0:1.1:1.0."""
    m = re.search(r"-usb-\d+:([\d.]+):", props.get("ID_PATH", ""))
    return m.group(1) if m else None


def watch_keys(l, nodes, action, seconds=8):
    """Runs `action` while evwatch reads `nodes`; returns {node: [event lines]}."""
    l.sh(f"rm -f /tmp/ev.txt; $LAB_BUILD/tests/lab/evwatch {seconds} {' '.join(nodes)} > /tmp/ev.txt 2>&1 & "
         "echo $! > /tmp/ev.pid")
    l.sh("for i in $(seq 100); do grep -q watching /tmp/ev.txt && break; sleep 0.05; done; grep -q watching /tmp/ev.txt")
    action()
    l.sh("wait $(cat /tmp/ev.pid)", timeout=seconds + 30)
    seen = {n: [] for n in nodes}
    for line in l.sh("cat /tmp/ev.txt").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in seen:
            seen[parts[0]].append(f"{parts[1]} {parts[2]}")
    return seen


def main():
    topo = lab.default_topology()
    with lab.Lab(topo, name="test-lab") as l:
        # ---- hardware as described
        cards = l.sh("ls /sys/class/drm | grep -E '^card[0-9]+$'").split()
        check(len(cards) == 2, f"2 DRM cards (found {cards})")
        status = {}
        for path in l.sh("ls -d /sys/class/drm/card*-*").split():
            status[Path(path).name] = l.sh(f"cat {path}/status").strip()
        connected = sorted(k for k, v in status.items() if v == "connected")
        check(len(connected) == 3, f"3 connected connectors (found {connected})")

        inputs = l.udev_properties("/dev/input/event*")
        usb_kbds = {usb_port(p): p["DEVNAME"] for p in inputs
                    if p.get("ID_INPUT_KEYBOARD") == "1" and p.get("ID_BUS") == "usb"}
        usb_ptrs = {usb_port(p): p["DEVNAME"] for p in inputs
                    if p.get("ID_INPUT_MOUSE") == "1" and p.get("ID_BUS") == "usb"}
        check(sorted(usb_kbds) == ["1.1", "2.1"], f"USB keyboards on hub ports 1.1 and 2.1 (found {usb_kbds})")
        check(sorted(usb_ptrs) == ["1.2", "2.2"], f"USB pointers on hub ports 1.2 and 2.2 (found {usb_ptrs})")
        sounds = l.udev_properties("/sys/class/sound/card*", by="path")
        sound_ports = sorted(usb_port(p) for p in sounds)
        check(sound_ports == ["1.3", "2.3"], f"2 ALSA cards on hub ports 1.3 and 2.3 (found {sound_ports})")

        # ---- typing reaches one keyboard only
        kbd1, kbd2 = usb_kbds.get("1.1"), usb_kbds.get("2.1")
        if kbd1 and kbd2:
            seen = watch_keys(l, [kbd1, kbd2], lambda: l.type_text("kbd1", "ab"))
            check("KEY_A 1" in seen[kbd1] and "KEY_B 0" in seen[kbd1], f"keys typed on kbd1 read on {kbd1}: {seen[kbd1]}")
            check(seen[kbd2] == [], f"nothing read on kbd2's {kbd2}: {seen[kbd2]}")
            seen = watch_keys(l, [kbd1, kbd2], lambda: l.press("kbd2", "f2"))
            check("KEY_F2 1" in seen[kbd2], f"F2 pressed on kbd2 read on {kbd2}: {seen[kbd2]}")
            check(seen[kbd1] == [], f"nothing read on kbd1's {kbd1}: {seen[kbd1]}")

        ptr1, ptr2 = usb_ptrs.get("1.2"), usb_ptrs.get("2.2")
        if ptr1 and ptr2:
            seen = watch_keys(l, [ptr1, ptr2], lambda: (l.pointer_move("tablet1", 0.25, 0.5), l.click("tablet1")))
            check(any(e.startswith("ABS_X") for e in seen[ptr1]) and "BTN_LEFT 1" in seen[ptr1],
                  f"tablet1 motion and click read on {ptr1}: {seen[ptr1]}")
            check(seen[ptr2] == [], f"nothing read on mouse2's {ptr2}: {seen[ptr2]}")
            seen = watch_keys(l, [ptr1, ptr2], lambda: (l.pointer_move("mouse2", 10, 5), l.click("mouse2", "right")))
            check(any(e.startswith("REL_X") for e in seen[ptr2]) and "BTN_RIGHT 1" in seen[ptr2],
                  f"mouse2 motion and click read on {ptr2}: {seen[ptr2]}")
            check(seen[ptr1] == [], f"nothing read on tablet1's {ptr1}: {seen[ptr1]}")

        # ---- hot-plug a keyboard on hub 1
        l.sh("udevadm monitor --udev --subsystem-match=input > /tmp/udev.txt 2>&1 & echo $! > /tmp/udev.pid; sleep 0.5")
        extra = lab.Usb("kbd3", "kbd", "1.4", gpu="gpu0", head=1)
        l.plug(extra)
        l.sh("for i in $(seq 200); do ls /dev/input/by-path/*usb-0:1.4:*-event-kbd >/dev/null 2>&1 && break; sleep 0.05; done; udevadm settle")
        added = l.udev_properties("/dev/input/by-path/*usb-0:1.4:*-event-kbd")
        check(len(added) == 1, f"hot-plugged keyboard appears at port 1.4 ({len(added)} nodes)")
        if added:
            node = added[0]["DEVNAME"]
            seen = watch_keys(l, [node, kbd1, kbd2], lambda: l.type_text("kbd3", "z"))
            check("KEY_Z 1" in seen[node] and not seen[kbd1] and not seen[kbd2],
                  f"keys typed on kbd3 read on its node only: {seen}")
        l.unplug("kbd3")
        l.sh("for i in $(seq 200); do ls /dev/input/by-path/*usb-0:1.4:* >/dev/null 2>&1 || break; sleep 0.05; done; udevadm settle; sleep 0.3; kill $(cat /tmp/udev.pid)")
        log = l.sh("cat /tmp/udev.txt")
        check(re.search(r"UDEV\s+\[[\d.]+\]\s+add\s+\S+usb\d/\d-1/\d-1\.4/", log) is not None, "udev add event for the keyboard on port 1.4")
        check(re.search(r"UDEV\s+\[[\d.]+\]\s+remove\s+\S+usb\d/\d-1/\d-1\.4/", log) is not None, "udev remove event for the keyboard on port 1.4")

        # ---- the second virtio monitor goes away and comes back
        conn = "/sys/class/drm/card0-Virtual-2"
        l.monitor("gpu0", 1, 0, 0)
        gone = l.wait_guest(f"grep -qx disconnected {conn}/status")
        check(gone, "card0-Virtual-2 disconnected after SetUIInfo 0x0")
        l.monitor("gpu0", 1, 800, 600)
        back = l.wait_guest(f"grep -qx connected {conn}/status && grep -qx 800x600 {conn}/modes")
        check(back, f"card0-Virtual-2 connected with 800x600 again (modes: {l.sh(f'head -3 {conn}/modes').split()})")
        l.monitor("gpu0", 1, 1024, 768)
        l.wait_guest(f"grep -qx 1024x768 {conn}/modes")

        # ---- screenshots have each monitor's size (what the kernel console drew there)
        for m in topo.monitors:
            shot = l.screenshot(m.gpu, m.head)
            check((shot.width, shot.height) == (m.width, m.height),
                  f"screenshot of {m.gpu}:{m.head} is {shot.width}x{shot.height}, monitor {m.width}x{m.height}")

        # ---- KMS output reaches the screenshot: modetest's pattern on the bochs card
        conn_id = crtc_id = None
        for line in l.sh("modetest -M bochs-drm -c").splitlines():
            f = line.split()
            if conn_id is None and len(f) >= 4 and f[0].isdigit() and f[2] == "connected":
                conn_id = f[0]
        crtc_lines = l.sh("modetest -M bochs-drm -p").splitlines()
        for i, line in enumerate(crtc_lines):
            if line.startswith("CRTCs:") and i + 2 < len(crtc_lines):
                crtc_id = crtc_lines[i + 2].split()[0]
                break
        blank = l.screenshot("gpu1", 0, name="gpu1-before")
        l.sh(f"(sleep 60 | modetest -M bochs-drm -s {conn_id}@{crtc_id}:1280x1024 > /tmp/modetest.log 2>&1 &) ; sleep 3")
        pattern = l.screenshot("gpu1", 0, name="gpu1-modetest")
        l.sh("pkill -x modetest; true")
        check(blank.distinct_colours() <= 2 and pattern.distinct_colours() >= 8,
              f"modetest pattern on gpu1 shows in its screenshot ({blank.distinct_colours()} colours before, "
              f"{pattern.distinct_colours()} with the pattern; connector {conn_id}, CRTC {crtc_id})")

        # ---- sound: a tone played on card of hub 1 lands in snd1's WAV only
        has_aplay = l.run("command -v aplay")[0] == 0
        check(has_aplay, "aplay (alsa-utils) is there to play into the lab's sound cards")
        if has_aplay:
            before1, before2 = len(l.wav("snd1").data), len(l.wav("snd2").data)
            card1 = next((p for p in sounds if usb_port(p) == "1.3"), None)
            if card1 is not None:
                num = re.search(r"card(\d+)$", card1["DEVPATH"]).group(1)
                lab.write_tone(l.out / "tone.raw", seconds=1.0)
                l.sh(f"aplay -q -D plughw:{num},0 -f S16_LE -r 48000 -c 2 $LAB_OUT/tone.raw", timeout=60)
                time.sleep(1)
                w1, w2 = l.wav("snd1"), l.wav("snd2")
                peak1 = lab.Wav(w1.rate, w1.channels, w1.bits, w1.data[before1:]).peak()
                peak2 = lab.Wav(w2.rate, w2.channels, w2.bits, w2.data[before2:]).peak()
                check(peak1 > 8000, f"tone recorded on snd1 (peak {peak1})")
                check(peak2 < 100, f"silence on snd2 (peak {peak2})")
        check.report_on_failure(l)

    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
