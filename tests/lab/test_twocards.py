"""multiseatd in the lab with a seat that spans two cards: seat1 has the virtio card's first
monitor and the bochs card's monitor, seat2 the virtio card's second monitor. seat1 holds one
lease per card, its compositor drives both cards as one desktop (identify screen, session,
pointer on either card's monitor); unplugging seat2's monitor on the virtio card leaves seat1's
two leases as they were; SIGTERM stops everything and exits 0. The log texts it looks for are
those of seatd/seat_leases.c and compositor/backend/drm.c."""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
from seats import (  # noqa: E402
    CTL, DAEMON, SESSION, hubs_by_port, running, seats_by_name, start_daemon, status, wait_status,
    write_conf)

check = lab.Checks()
BLACK = b"\0\0\0"



def lit(shot):
    """Some pixel that is not black: a CRTC the compositor draws on, not one turned off."""
    return any(shot.pixels[i:i + 3] != BLACK for i in range(0, len(shot.pixels), 3 * 97))


def leases_of(seat):
    return {lease.get("card"): lease for lease in (seat or {}).get("leases") or []}


def bochs_connector(l):
    """The name of card1's one connector ("Virtual-1": its first Virtual connector) and the
    kernel's ("Virtual-3": the kernel numbers connectors of one type across cards), which the
    compositor's outputs carry."""
    probe = json.loads(l.sh(f"{DAEMON} --probe --json"))
    for card in probe.get("cards", []):
        if card.get("name") == "card1":
            names = [(c["name"], c["kernel_name"]) for c in card.get("connectors", [])]
            if names:
                return names[0]
    return None, None


def main():
    topo = lab.default_topology()
    with lab.Lab(topo, name="test-twocards") as l:
        check.report_on_failure(l)
        card0 = l.udev_properties("/dev/dri/card0")[0]["ID_PATH"]
        card1 = l.udev_properties("/dev/dri/card1")[0]["ID_PATH"]
        conn1, kernel1 = bochs_connector(l)
        check(conn1 == "Virtual-1" and kernel1 == "Virtual-3",
              f"card1's connector is named by --probe ({conn1}, the kernel's {kernel1})")
        hubs = hubs_by_port(l)
        l.sh("for n in 1 2; do id lab-$n >/dev/null 2>&1 || useradd -m -s /bin/bash lab-$n; done")
        conf = ("[daemon]\nautoseat = false\n"
                f"[seat-defaults]\nuser = lab-%n\nsession = {SESSION}\n"
                f"[seat.seat1]\noutputs = {card0}-Virtual-1 {card1}-{conn1}\n"
                f"devices = hub:{hubs.get('1')}\n"
                f"[seat.seat2]\noutputs = {card0}-Virtual-2\ndevices = hub:{hubs.get('2')}\n")
        write_conf(l, conf)
        rc, out = l.run(f"{DAEMON} --check-config /tmp/ms.conf")
        check(rc == 0, f"the two-card config is valid ({out.strip()})")
        start_daemon(l)

        # ---- one lease per card
        st = wait_status(l, lambda s: running(s, "seat1", "seat2") and
                         len(s["seat1"]["leases"]) == 2)
        seats = seats_by_name(st)
        check(running(seats, "seat1", "seat2"), "both seats' compositors run")
        s1, s2 = seats.get("seat1", {}), seats.get("seat2", {})
        l1, l2 = leases_of(s1), leases_of(s2)
        check(sorted(l1) == ["card0", "card1"] and
              all(x.get("connectors") == 1 and x.get("crtcs") == 1 for x in l1.values()),
              f"seat1 holds two leases, one of card0 and one of card1 ({l1})")
        check(s1.get("lease") == (s1.get("leases") or [None])[0] and
              (s1.get("lease") or {}).get("card") == "card0",
              f"seat1's \"lease\" is its first, card0's ({s1.get('lease')})")
        check(sorted(l2) == ["card0"], f"seat2 holds one lease, of card0 ({l2})")
        check(s1.get("outputs") == [f"{card0}-Virtual-1", f"{card1}-{conn1}"],
              f"seat1's outputs, card by card ({s1.get('outputs')})")
        rc, out = l.run(f"{CTL} seat seat1")
        check(rc == 0 and "  leases:    card0, lessee" in out and "card1, lessee" in out,
              f"multiseatctl seat shows both leases ({out})")

        log = l.sh("cat /tmp/daemon.log")
        check(f"seat seat1: lease {l1.get('card0', {}).get('lessee')} of {card0} (1 connector), "
              "slot 0" in log and
              f"seat seat1: lease {l1.get('card1', {}).get('lessee')} of {card1} (1 connector), "
              "slot 1" in log, "the daemon logs each of seat1's leases with its card and slot")
        # Only seat1's compositor has a slot 1. Compositor lines carry no seat name.
        check(f"lease slot 1 ({card1}): " in log and f"lease slot 0 ({card0}): " in log,
              "seat1's compositor drives both cards, each lease in its slot")
        check(f"output {kernel1}: 1280x1024" in log and ", at x 1280" in log,
              "the bochs monitor is to the right of Virtual-1 (1280 wide) in seat1's desktop")

        # ---- seat1 is one screen on two cards
        time.sleep(8)  # foot starts slowly under TCG
        rc, out = l.run(f"{CTL} identify")
        check(rc == 0, f"multiseatctl identify ({out.strip()})")
        time.sleep(2)
        ident = [l.screenshot("gpu0", 0, "ident-seat1-card0"),
                 l.screenshot("gpu1", 0, "ident-seat1-card1")]
        check(all(s.distinct_colours() > 2 for s in ident),
              "identify: seat1's name shows on its monitor of each card")
        time.sleep(11)  # identify lasts 10 s
        after = [l.screenshot("gpu0", 0, "seat1-card0"), l.screenshot("gpu1", 0, "seat1-card1")]
        check(after[0].distinct_colours() > 2, "seat1's session shows on card0's monitor")
        check(lit(after[1]) and after[1].differing_pixels(ident[1]) > 1000,
              "card1's monitor is seat1's too: lit by its compositor, the identify text gone")

        # The tablet of hub 1 is seat1's; absolute motion spans the whole desktop (2560 wide).
        l.pointer_move("tablet1", 0.75, 0.5)
        time.sleep(1)
        moved = l.screenshot("gpu1", 0, "seat1-card1-pointer")
        check(moved.differing_pixels(after[1]) > 0,
              "the pointer of seat1 reaches the monitor on card1 (its cursor shows there)")
        l.pointer_move("tablet1", 0.25, 0.5)
        time.sleep(1)
        back = l.screenshot("gpu1", 0, "seat1-card1-pointer-gone")
        check(back.differing_pixels(after[1]) == 0,
              "moved back to card0's monitor, the cursor leaves card1's")

        # ---- a monitor of another seat on card0 unplugged: seat1's leases stay as they were
        before = {n: (s.get("pid"), {c: x.get("lessee") for c, x in leases_of(s).items()})
                  for n, s in seats_by_name(status(l)).items()}
        l.monitor("gpu0", 1, 0, 0)
        st = wait_status(l, lambda s: not s["seat2"]["outputs"] and not s["seat2"]["leases"],
                         timeout=60)
        check(st is not None, "Virtual-2 unplugged: seat2 has no output and no lease")
        s1 = seats_by_name(st).get("seat1", {}) if st else {}
        now = (s1.get("pid"), {c: x.get("lessee") for c, x in leases_of(s1).items()})
        check(now == before.get("seat1"),
              f"seat1's compositor and both its leases are untouched ({before.get('seat1')} -> {now})")
        time.sleep(2)
        check(lit(l.screenshot("gpu1", 0, "seat1-card1-after-unplug")) and
              l.screenshot("gpu0", 0, "seat1-card0-after-unplug").distinct_colours() > 2,
              "both of seat1's monitors still show it")
        l.monitor("gpu0", 1, 1024, 768)
        st = wait_status(l, lambda s: s["seat2"]["leases"] and s["seat2"]["outputs"], timeout=60)
        s1 = seats_by_name(st).get("seat1", {}) if st else {}
        now = (s1.get("pid"), {c: x.get("lessee") for c, x in leases_of(s1).items()})
        check(st is not None and now == before.get("seat1"),
              f"replugged: seat2 has a lease again, seat1's are still the same ({now})")
        log = l.sh("cat /tmp/daemon.log")
        check(f"the DRM lease in slot 1 ({card1}) was revoked" not in log and
              f"the lease in slot 1 ({card1}) is replaced" not in log,
              "seat1's compositor never dropped or replaced its card1 lease")

        # ---- stop
        l.run("kill -TERM $(cat /tmp/daemon.pid)")
        rc, _ = l.run("wait $(cat /tmp/daemon.pid)", timeout=60)
        left = l.sh("pgrep -c multiseat-comp || true").strip()
        check(rc == 0 and left == "0", f"SIGTERM stops every seat and exits 0 (rc {rc}, {left} left)")
        log = l.sh("cat /tmp/daemon.log")
        print(log[-6000:], file=sys.stderr)
        errors = [ln for ln in log.splitlines() if "multiseatd: error" in ln]
        check(not errors, f"the daemon logged no errors {errors}")
    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
