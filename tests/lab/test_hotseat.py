"""Hot seat assignment in the lab: no seat config and no state, three monitors show three
different "Press F<n>" screens; F2 on keyboard 1 gives hub 1 (keyboard, tablet, sound card)
to seat-2, whose session starts and gets keyboard 1's typing; the claim survives a daemon
restart; a mouse hot-plugged on hub 1 joins seat-2; identify, forget, export-udev (checked
by udev itself) and import-udev; a corrupt state file is moved aside. Then the two cases where
a keyboard does not take its hub: a hub with a second keyboard (only the keyboard's USB device
claims) and a keyboard on a root port (its own USB device, not the mouse on the next port)."""

import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
from seats import (  # noqa: E402
    CTL, SESSION, TYPED, seats_by_name, start_daemon, status, wait_status)

check = lab.Checks()

STATE = "/tmp/ms-state"


def stop_daemon(l):
    l.run("kill -TERM $(cat /tmp/daemon.pid)")
    rc, _ = l.run("while kill -0 $(cat /tmp/daemon.pid) 2>/dev/null; do sleep 0.2; done",
                  timeout=60)
    return rc


def session_running(l, user):
    return l.run(f"pgrep -u {user} -x foot")[0] == 0


def kinds(seat):
    return sorted(d["kind"] for d in seat.get("devices", []))


def desk(seat):
    """Hub 1's desk: one keyboard, the tablet, the sound card."""
    return (kinds(seat).count("keyboard") == 1 and len(seat.get("devices", [])) == 2 and
            len(seat.get("sound", [])) == 1)


def unassigned(l):
    return (status(l) or {}).get("unassigned", [])


def wait_unassigned(l, predicate, timeout=60):
    """The unassigned devices once predicate(them) holds, or None after `timeout` seconds."""
    st = wait_status(l, lambda st: predicate(st["unassigned"]), timeout=timeout, whole=True)
    return st["unassigned"] if st else None


def below(devices, usb_path):
    """The devices of the USB device (or hub) at usb_path: their keys go on with ':' or '.'."""
    return [d for d in devices if d["key"].startswith(usb_path + ":") or
            d["key"].startswith(usb_path + ".")]


def shared_hub(l, hub1):
    """A second keyboard on hub 1: the hub is not one desk, so F<n> takes only the keyboard's
    own USB device, and the tablet, sound card and mouse on the hub stay unassigned."""
    l.plug(lab.Usb("kbd4", "kbd", "1.5", gpu="gpu0", head=1))
    free = wait_unassigned(l, lambda u: sum(d["kind"] == "keyboard" for d in below(u, hub1)) == 2)
    check(free is not None, "a second keyboard plugged on hub 1 shows up unassigned")
    on_hub = len(below(free or [], hub1))
    l.press("kbd1", "f3")
    st = wait_status(l, lambda s: s["seat-3"]["claimed"], timeout=30)
    seat3 = seats_by_name(st).get("seat-3", {})
    devs = seat3.get("devices", [])
    check(len(devs) == 1 and below(devs, hub1 + ".1") and not seat3.get("sound"),
          f"F3 on keyboard 1 with another keyboard on its hub: only keyboard 1 joins seat-3 "
          f"({[d['key'] for d in devs]}, sound {seat3.get('sound')})")
    left = below(unassigned(l), hub1)
    kinds_left = sorted(d["kind"] for d in left)  # the tablet is a pointer too
    check(len(left) == on_hub - 1 and kinds_left == ["keyboard", "pointer", "pointer", "sound"],
          f"the tablet, sound card, mouse and the other keyboard on hub 1 stay unassigned "
          f"({kinds_left})")
    check("has more keyboards than" in l.sh("cat /tmp/daemon.log"),
          "the daemon logs why only the USB device claims")
    saved = json.loads(l.sh(f"cat {STATE}/state.json")).get("devices", {})
    check(saved.get(hub1 + ".1") == "seat-3" and hub1 not in saved,
          f"the claim is saved by keyboard 1's USB device, not by its hub ({saved})")
    l.press("kbd4", "f2")
    st = wait_status(l, lambda s: s["seat-2"]["claimed"], timeout=30)
    seat2 = seats_by_name(st).get("seat-2", {})
    devs = seat2.get("devices", [])
    check(len(devs) == 1 and below(devs, hub1 + ".5"),
          f"F2 on the second keyboard: it alone joins seat-2 ({[d['key'] for d in devs]})")
    l.unplug("kbd4")
    st = wait_status(l, lambda s: not s["seat-2"]["devices"], timeout=30)
    seat3 = seats_by_name(st).get("seat-3", {})
    check(st is not None and seat3.get("claimed") and len(seat3.get("devices", [])) == 1,
          "unplugging the second keyboard leaves seat-3 as it was")


def root_port(l):
    """A keyboard straight on a root port claims with its own USB device only: a mouse on the
    next root port is another desk's."""
    l.plug(lab.Usb("kbd3", "kbd", "3", gpu="gpu0", head=1))
    l.plug(lab.Usb("mouse4", "mouse", "4"))
    free = wait_unassigned(l, lambda u: any(d["key"].endswith("-usb-0:3:1.0") for d in u) and
                           any(d["key"].endswith("-usb-0:4:1.0") for d in u))
    check(free is not None, "a keyboard and a mouse on two root ports show up unassigned "
          f"({[d['key'] for d in unassigned(l)]})")
    l.press("kbd3", "f1")
    st = wait_status(l, lambda s: s["seat-1"]["claimed"], timeout=30)
    devs = seats_by_name(st).get("seat-1", {}).get("devices", [])
    check(len(devs) == 1 and devs[0]["key"].endswith("-usb-0:3:1.0"),
          f"F1 on the root-port keyboard: it alone joins seat-1 ({[d['key'] for d in devs]})")
    check(any(d["key"].endswith("-usb-0:4:1.0") for d in unassigned(l)),
          "the mouse on the next root port stays unassigned")
    saved = json.loads(l.sh(f"cat {STATE}/state.json")).get("devices", {})
    check(any(k.endswith("-usb-0:3") and v == "seat-1" for k, v in saved.items()),
          f"the claim is saved by the keyboard's USB device ({saved})")
    check(l.wait_guest("pgrep -u lab-1 -x foot", timeout=30), "seat-1's session starts")
    time.sleep(8)  # foot starts slowly under TCG
    l.type_text("kbd3", f"echo $XDG_SEAT:kbd3 >> {TYPED}")
    l.press("kbd3", "ret")
    check(l.wait_guest(f"grep -q seat-1:kbd3 {TYPED}", timeout=60),
          f"the root-port keyboard types into seat-1's session ({l.sh('cat ' + TYPED).split()})")


def main():
    topo = lab.default_topology()
    with lab.Lab(topo, name="test-hotseat") as l:
        check.report_on_failure(l)
        card0 = l.udev_properties("/dev/dri/card0")[0]["ID_PATH"]
        heads = {f"{card0}-Virtual-1": ("gpu0", 0), f"{card0}-Virtual-2": ("gpu0", 1)}
        hub1 = next(d["ID_PATH"] for d in l.udev_properties("/sys/bus/usb/devices/*", by="path")
                    if d.get("DEVTYPE") == "usb_device" and d.get("ID_PATH", "").endswith("-usb-0:1"))
        l.sh("for n in 1 2 3; do useradd -m -s /bin/bash lab-$n; done; rm -f " + TYPED +
             "; touch " + TYPED + "; chmod 666 " + TYPED)
        # No [seat.NAME] at all: every monitor becomes an autoseat.
        l.sh("cat > /tmp/ms.conf <<'EOF'\n[daemon]\nstate-dir = " + STATE + "\n"
             "[seat-defaults]\nuser = lab-%n\nsession = " + SESSION + "\nEOF")
        start_daemon(l, append_log=True)

        # ---- three unclaimed seats, three identify screens
        st = wait_status(l, lambda s: len(s) == 3 and all(x["state"] == "running" for x in s.values()))
        seats = seats_by_name(st)
        check(sorted(seats) == ["seat-1", "seat-2", "seat-3"],
              f"three monitors, three autoseats ({sorted(seats)})")
        check(all(not s["claimed"] for s in seats.values()) and
              all(not s["devices"] for s in seats.values()),
              "no seat has a keyboard: every seat is unclaimed")
        where = {}
        for name, s in seats.items():
            out = (s.get("outputs") or ["?"])[0]
            where[name] = heads.get(out, ("gpu1", 0))
        # Running is not drawn: under TCG a compositor's first frame can take seconds.
        l.wait_guest("for n in 1 2 3; do grep -q \"identify screen: Press F$n to use this "
                     "screen\" /tmp/daemon.log || exit 1; done", timeout=60)
        time.sleep(2)
        shots = {n: l.screenshot(*where[n], f"identify-{n}") for n in sorted(seats)}
        blank = all(s.distinct_colours() > 2 for s in shots.values())
        check(blank, "every monitor shows text, not a blank screen")
        # The screens differ in size too; compare the top-left 640x400 of each.
        def crop(s):
            return [s.pixels[(y * s.width) * 3:(y * s.width + 640) * 3] for y in range(0, 400, 4)]
        crops = {n: crop(s) for n, s in shots.items()}
        names = sorted(crops)
        differ = all(crops[a] != crops[b] for i, a in enumerate(names) for b in names[i + 1:])
        check(differ, "the three identify screens differ from each other")
        log = l.sh("cat /tmp/daemon.log")
        for n in (1, 2, 3):
            check(f"identify screen: Press F{n} to use this screen" in log,
                  f"seat-{n}'s compositor shows 'Press F{n}'")
        check(not any(session_running(l, f"lab-{n}") for n in (1, 2, 3)),
              "no session runs on an unclaimed seat")

        # ---- F2 on keyboard 1: hub 1 joins seat-2
        t0 = time.monotonic()
        l.press("kbd1", "f2")
        st = wait_status(l, lambda s: s["seat-2"]["claimed"], timeout=30)
        claim_s = time.monotonic() - t0
        seat2 = seats_by_name(st).get("seat-2", {})
        check(desk(seat2), f"F2 on keyboard 1: its keyboard, tablet and sound card join seat-2 "
              f"({kinds(seat2)}, sound {[d['key'] for d in seat2.get('sound', [])]})")
        check(all(d["key"].startswith(hub1 + ".") for d in seat2.get("devices", []) +
                  seat2.get("sound", [])), "every device of seat-2 is below hub 1")
        started = l.wait_guest("pgrep -u lab-2 -x foot", timeout=30)
        session_s = time.monotonic() - t0
        check(started, "seat-2's session starts")
        print(f"measure: claim visible in status after {claim_s:.2f} s, session process after "
              f"{session_s:.2f} s (TCG)")
        others = seats_by_name(status(l))
        check(not others["seat-1"]["claimed"] and not others["seat-3"]["claimed"],
              "seat-1 and seat-3 stay unclaimed")
        time.sleep(8)  # foot starts slowly under TCG
        l.type_text("kbd1", f"echo $XDG_SEAT:kbd1 >> {TYPED}")
        l.press("kbd1", "ret")
        check(l.wait_guest(f"grep -q seat-2:kbd1 {TYPED}", timeout=60),
              f"keyboard 1 types into seat-2's session ({l.sh('cat ' + TYPED).split()})")
        again = {n: l.screenshot(*where[n], f"after-{n}") for n in ("seat-1", "seat-3")}
        check(all(again[n].differing_pixels(shots[n]) == 0 for n in again),
              "seat-1 and seat-3 still show their identify screens")
        state = json.loads(l.sh(f"cat {STATE}/state.json"))
        check(state.get("devices", {}).get(hub1) == "seat-2",
              f"the claim is saved by hub ({state.get('devices')})")
        # Typing on the claimed keyboard never reaches the other seats' F-key watch.
        l.press("kbd1", "f3")
        time.sleep(1)
        check(not seats_by_name(status(l))["seat-3"]["claimed"],
              "F3 on a keyboard that already has a seat claims nothing")

        # ---- the claim survives a restart of the daemon
        check(stop_daemon(l) == 0, "SIGTERM stops the daemon")
        start_daemon(l, append_log=True)
        st = wait_status(l, lambda s: s["seat-2"]["claimed"] and s["seat-2"]["state"] == "running",
                         timeout=60)
        seat2 = seats_by_name(st).get("seat-2", {})
        check(desk(seat2), f"after a restart hub 1 is on seat-2 again without a key press ({kinds(seat2)})")
        check(l.wait_guest("pgrep -u lab-2 -x foot", timeout=30),
              "seat-2's session starts again after the restart")

        # ---- a mouse hot-plugged on hub 1 joins seat-2
        l.unplug("mouse2")  # QEMU routes one unbound mouse only
        l.plug(lab.Usb("mouse3", "mouse", "1.4"))
        st = wait_status(l, lambda s: len(s["seat-2"]["devices"]) == 3, timeout=60)
        check(st is not None, "a mouse hot-plugged on hub 1 joins seat-2")

        # ---- identify: every seat shows its name, then goes back
        rc, out = l.run(f"{CTL} identify")
        check(rc == 0, f"multiseatctl identify ({out.strip()})")
        check(l.wait_guest("grep -q 'identify screen: This screen is seat-2' /tmp/daemon.log",
                           timeout=8),
              "identify: the claimed seat-2 shows its name")
        time.sleep(10)
        log = l.sh("cat /tmp/daemon.log")
        check(log.rstrip().count("identify screen off") >= 1,
              "after 10 s seat-2 shows its session again")

        # ---- export-udev: logind's rules, applied by udev itself
        rc, out = l.run(f"{CTL} export-udev")
        check(rc == 0 and 'ENV{ID_SEAT}="seat-2"' in out and "TAG==\"seat\"" in out,
              f"export-udev prints logind rules ({out.strip()})")
        rc, out = l.run(f"mkdir -p /etc/udev/rules.d && {CTL} export-udev /etc/udev/rules.d")
        check(rc == 0 and "wrote /etc/udev/rules.d/72-seat-usb-" in out,
              f"export-udev DIR writes 72-seat-*.rules files ({out.strip()})")
        # As logind does after writing a rule: the device and everything below it again.
        l.sh("udevadm control --reload && udevadm trigger && udevadm settle --timeout=60",
             timeout=120)
        kbd1 = next(d for d in seats_by_name(status(l))["seat-2"]["devices"]
                    if d["kind"] == "keyboard")
        props = l.udev_properties(kbd1["devnode"])[0]
        check(props.get("ID_SEAT") == "seat-2",
              f"udev applies the rules: keyboard 1 has ID_SEAT=seat-2 ({props.get('ID_SEAT')})")
        check(l.run("udevadm info -q property /dev/input/event* | grep -c ID_SEAT=seat-2")[1].strip()
              != "0", "devices below hub 1 inherit the seat")

        # ---- forget: seat-2 is unclaimed again; import-udev brings it back from udev
        rc, out = l.run(f"{CTL} forget seat-2")
        st = wait_status(l, lambda s: not s["seat-2"]["claimed"], timeout=30)
        check(rc == 0 and st is not None and not seats_by_name(st)["seat-2"]["devices"],
              f"forget seat-2: its devices leave and it is unclaimed ({out.strip()})")
        state = json.loads(l.sh(f"cat {STATE}/state.json"))
        check(hub1 not in state.get("devices", {}), "the forgotten claim is gone from the file")
        rc, out = l.run(f"{CTL} import-udev")
        st = wait_status(l, lambda s: s["seat-2"]["claimed"], timeout=30)
        check(rc == 0 and st is not None and "seat seat-2 (ID_SEAT=seat-2)" in out and "?" not in out,
              f"import-udev reads ID_SEAT from udev and seat-2 is claimed again ({out.strip()})")
        l.sh("rm -f /etc/udev/rules.d/72-seat-*.rules; udevadm control --reload")

        # ---- a bad command line on the control socket changes nothing
        rc, out = l.run(f"{CTL} forget no-such-thing")
        check(rc == 2 and "no seat, no device" in out, f"forget of an unknown name: exit 2 ({out.strip()})")

        # ---- a corrupt state file is reported and moved aside
        check(stop_daemon(l) == 0, "SIGTERM stops the daemon again")
        l.sh(f"printf '{{\"version\": 1, \"devices\": {{\"x\": 5}}}}' > {STATE}/state.json")
        start_daemon(l, append_log=True)
        st = wait_status(l, lambda s: len(s) == 3 and all(x["state"] == "running" for x in s.values()),
                         timeout=60)
        aside = l.sh(f"ls {STATE}").split()
        log = l.sh("cat /tmp/daemon.log")
        check(st is not None and any(a.startswith("state.json.corrupt-") for a in aside) and
              re.search(r"state\.json.*moved aside", log) is not None,
              f"a corrupt state file is reported and moved aside, the seats run ({aside})")
        check(st is not None and not any(s["claimed"] for s in seats_by_name(st).values()),
              "with the state set aside every seat is unclaimed again")

        shared_hub(l, hub1)
        root_port(l)

        check(stop_daemon(l) == 0, "SIGTERM stops the daemon at the end")
        log = l.sh("cat /tmp/daemon.log")
        print(log[-5000:], file=sys.stderr)
        errors = [ln for ln in log.splitlines() if "multiseatd: error" in ln and
                  "state.json" not in ln]
        check(not errors, f"the daemon logged no other errors {errors}")
    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
