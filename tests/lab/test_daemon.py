"""multiseatd in the lab: three seats from a config (two leases of the virtio card, one
bochs card), each compositor started as its own user with its own keyboard; typed text
reaches only its seat; `multiseatctl attach` moves keyboard 2 to seat3; a killed compositor
is restarted without the others noticing; monitor 2 unplugged and replugged takes seat2's
lease away and back; a hot-plugged keyboard on hub 1 joins seat1; a bad config on SIGHUP
changes nothing; SIGTERM stops everything and exits 0."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
from seats import (  # noqa: E402
    CTL, DAEMON, SESSION, TYPED, running, seats_by_name, start_daemon, status, wait_status,
    write_conf)

check = lab.Checks()


def typed_lines(l):
    return l.sh(f"cat {TYPED} 2>/dev/null").split()


def type_line(l, kbd, text):
    l.type_text(kbd, text)
    l.press(kbd, "ret")



def cgroup_files(l, seat, *names):
    return l.sh(" ".join(["cat"] + [f"/sys/fs/cgroup/multiseat/seat-{seat}/{n}"
                                    for n in names])).split()


def live_caps(l, cg, foot):
    """multiseatctl set and a config reload change a running seat's caps, nothing restarts."""
    before = {n: (s.get("pid"), s.get("restarts")) for n, s in seats_by_name(status(l)).items()}
    rc, out = l.run(f"{CTL} set seat1 memory.max=512M cpu.max=50% pids.max=200")
    check(rc == 0 and "the session keeps running" in out, f"multiseatctl set succeeds ({out})")
    check(cgroup_files(l, "seat1", "cpu.max", "memory.max", "pids.max") ==
          ["50000", "100000", str(512 << 20), "200"] and
          cgroup_files(l, "seat2", "cpu.max", "memory.max", "pids.max") ==
          ["80000", "100000", str(768 << 20), "300"],
          "set writes seat1's cgroup at once, and only seat1's")
    saved = l.sh("cat /var/lib/multiseat/state.json")
    check('"seat1/memory.max": "512M"' in saved and '"seat1/cpu.max": "50%"' in saved,
          "the new caps are saved in state.json")
    rc, out = l.run(f"{CTL} status")
    check(rc == 0 and "cpu.max=50% (set), memory.max=512M (set), pids.max=200 (set)" in out and
          any(line.split()[:1] == ["seat1"] and "/512M" in line and "/200" in line
              for line in out.splitlines()),
          "multiseatctl status shows the caps and the usage against them")
    rc, out = l.run(f"{CTL} set seat1 memory.max=12Q cpu.max=20% 2>&1")
    check(rc == 2 and "memory.max=12Q: expected a size" in out and
          cgroup_files(l, "seat1", "cpu.max")[0] == "50000",
          f"a bad value is refused whole, nothing changes ({out.strip()})")
    rc, out = l.run(f"{CTL} set seat1 bogus=1 2>&1")
    check(rc == 2 and "unknown key 'bogus'" in out, f"an unknown key is refused ({out.strip()})")
    rc, out = l.run(f"{CTL} set seat1 cpu.max=default")
    check(rc == 0 and cgroup_files(l, "seat1", "cpu.max") == ["80000", "100000"] and
          "seat1/cpu.max" not in l.sh("cat /var/lib/multiseat/state.json"),
          "cpu.max=default goes back to the configuration's value")
    l.sh("sed -i -e 's/^pids.max = 300/pids.max = 250/' -e '/^memory.max = 768M/d' /tmp/ms.conf; "
         "kill -HUP $(cat /tmp/daemon.pid); sleep 3")
    check(cgroup_files(l, "seat2", "pids.max", "memory.max") == ["250", "max"] and
          cgroup_files(l, "seat1", "pids.max", "memory.max") == ["200", str(512 << 20)],
          "a reload writes changed caps live; the seat's own set values still win")
    after = {n: (s.get("pid"), s.get("restarts")) for n, s in seats_by_name(status(l)).items()}
    check(after == before and l.run(f"kill -0 {foot}")[0] == 0,
          f"no compositor or session restarted for any of it ({before} -> {after})")


def main():
    topo = lab.default_topology()
    with lab.Lab(topo, name="test-daemon") as l:
        check.report_on_failure(l)
        card0 = l.udev_properties("/dev/dri/card0")[0]["ID_PATH"]
        card1 = l.udev_properties("/dev/dri/card1")[0]["ID_PATH"]
        hubs = {d["ID_PATH"].rsplit("-usb-0:", 1)[1]: d["ID_PATH"]
                for d in l.udev_properties("/sys/bus/usb/devices/*", by="path")
                if d.get("DEVTYPE") == "usb_device" and "ID_PATH" in d and
                "-usb-0:" in d["ID_PATH"]}
        hub1, hub2 = hubs.get("1"), hubs.get("2")
        check(hub1 and hub2, f"both hubs have an ID_PATH ({hubs})")
        l.sh("for n in 1 2 3; do useradd -m -s /bin/bash lab-$n; done; rm -f " + TYPED +
             "; touch " + TYPED + "; chmod 666 " + TYPED)
        conf = (f"[seat-defaults]\nuser = lab-%n\nsession = {SESSION}\n"
                "cpu.max = 80%\nmemory.max = 768M\npids.max = 300\n"
                f"[seat.seat1]\noutputs = {card0}-Virtual-1\ndevices = hub:{hub1}\n"
                f"[seat.seat2]\noutputs = {card0}-Virtual-2\ndevices = hub:{hub2}\n"
                f"[seat.seat3]\noutputs = {card1}\n")
        write_conf(l, conf)
        rc, out = l.run(f"{DAEMON} --check-config /tmp/ms.conf")
        check(rc == 0, f"the lab config is valid ({out.strip()})")
        start_daemon(l)

        st = wait_status(l, lambda s: running(s, "seat1", "seat2", "seat3"))
        seats = seats_by_name(st)
        check(running(seats, "seat1", "seat2", "seat3"),
              f"three compositors run ({ {n: s.get('state') for n, s in seats.items()} })")
        for name in ("seat1", "seat2"):
            lease = (seats.get(name) or {}).get("lease") or {}
            check(lease.get("card") == "card0" and lease.get("connectors") == 1 and
                  lease.get("crtcs") == 1, f"{name} holds a lease of card0 ({lease})")
        check((seats.get("seat3") or {}).get("lease", {}) and
              seats["seat3"]["lease"].get("card") == "card1", "seat3 holds a lease of card1")
        # A session child the compositor forked waits before exec until the daemon placed it
        # in its cgroup, still named multiseat-compositor: compositors are the ones whose
        # parent is not one.
        users = sorted(l.sh(
            "ps -eo user=,pid=,ppid=,comm= | awk '$4 ~ /multiseat-com/ {u[$2] = $1; p[$2] = $3} "
            "END {for (k in u) if (!(p[k] in u)) print u[k]}'").split())
        check(users == ["lab-1", "lab-2", "lab-3"], f"each compositor runs as its seat user ({users})")
        # Each seat in its own cgroup with the caps of [seat-defaults].
        cg = "/sys/fs/cgroup/multiseat"
        placed = {n: l.sh(f"cat /proc/{s['pid']}/cgroup").strip() for n, s in seats.items()}
        check(all(placed[n] == f"0::/multiseat/seat-{n}/compositor" for n in placed),
              f"every compositor runs in its seat's cgroup ({placed})")
        caps = l.sh(f"cat {cg}/seat-seat1/cpu.max {cg}/seat-seat1/memory.max "
                    f"{cg}/seat-seat1/pids.max").split()
        check(caps == ["80000", "100000", str(768 << 20), "300"],
              f"seat1's cgroup carries cpu.max, memory.max and pids.max ({caps})")
        owner = l.sh(f"stat -c %U {cg}/seat-seat1/cpu.max {cg}/seat-seat1/compositor/cgroup.procs").split()
        check(owner == ["root", "root"], f"the limits stay root's, not the seat user's ({owner})")
        usage = (seats.get("seat1") or {}).get("usage") or {}
        check(usage.get("pids_max") == 300 and usage.get("pids_current", 0) >= 1 and
              usage.get("cpu_usage_usec", 0) > 0,
              f"multiseatctl status shows the seat's usage ({usage})")
        oom = l.sh(f"cat /proc/{seats['seat1']['pid']}/oom_score_adj").strip()
        check(oom == "-500", f"the compositor's OOM score is lowered ({oom})")
        kinds = {n: sorted(d["kind"] for d in s.get("devices", [])) for n, s in seats.items()}
        check("keyboard" in kinds.get("seat1", []) and "keyboard" in kinds.get("seat2", []) and
              not kinds.get("seat3"), f"the hubs' devices went to seat1 and seat2 ({kinds})")

        time.sleep(8)  # foot starts slowly under TCG
        foot = l.sh("pgrep -u lab-1 -x foot | head -1").strip()
        info = l.sh(f"cat /proc/{foot}/cgroup /proc/{foot}/oom_score_adj").split() if foot else []
        check(info == ["0::/multiseat/seat-seat1/session", "0"],
              f"seat1's session is inside the seat's cgroup, with the default OOM score ({info})")
        live_caps(l, cg, foot)
        type_line(l, "kbd1", f"echo $XDG_SEAT:kbd1 >> {TYPED}")
        type_line(l, "kbd2", f"echo $XDG_SEAT:kbd2 >> {TYPED}")
        l.wait_guest(f"[ $(wc -l < {TYPED}) -ge 2 ]", timeout=60)
        time.sleep(2)
        lines = typed_lines(l)
        check(sorted(lines) == ["seat1:kbd1", "seat2:kbd2"],
              f"keyboard 1 types only into seat1, keyboard 2 only into seat2 ({lines})")
        shots = [l.screenshot("gpu0", 0, "seat1"), l.screenshot("gpu0", 1, "seat2"),
                 l.screenshot("gpu1", 0, "seat3")]
        check(all(s.distinct_colours() > 2 for s in shots),
              "every monitor shows its seat's session (not a blank screen)")

        # attach: keyboard 2 goes to seat3, and seat2's fd of it is revoked.
        kbd2_dev = next(d for d in seats["seat2"]["devices"] if d["kind"] == "keyboard")
        kbd2 = kbd2_dev["key"]
        # A copy of the very fd seat2's compositor holds (pidfd_getfd), to see it revoked.
        l.sh(f"$LAB_BUILD/tests/lab/fdgrab {seats['seat2']['pid']} {kbd2_dev['devnode']} 60 "
             "> /tmp/fdgrab.out 2>&1 &")
        check(l.wait_guest("grep -q grabbed /tmp/fdgrab.out", timeout=20),
              f"a copy of seat2's fd of keyboard 2 works before the move "
              f"({l.sh('cat /tmp/fdgrab.out').strip()})")
        rc, out = l.run(f"{CTL} attach seat3 {kbd2}")
        check(rc == 0, f"multiseatctl attach seat3 <keyboard 2> succeeds ({out.strip()})")
        # seat3 had no keyboard, so its session was held back: the keyboard starts it.
        check(l.wait_guest("pgrep -u lab-3 -x foot", timeout=30),
              "with a keyboard seat3 is claimed and its session starts")
        time.sleep(8)  # foot starts slowly under TCG
        type_line(l, "kbd2", f"echo $XDG_SEAT:moved >> {TYPED}")
        l.wait_guest(f"grep -q moved {TYPED}", timeout=60)
        time.sleep(2)
        lines = typed_lines(l)
        check("seat3:moved" in lines and "seat2:moved" not in lines,
              f"after attach keyboard 2 types into seat3, not seat2 ({lines})")
        grab = l.sh("cat /tmp/fdgrab.out").strip()
        check("ioctl ENODEV, read ENODEV" in grab,
              f"the fd seat2's compositor had reads ENODEV after the move ({grab})")
        log = l.sh("cat /tmp/daemon.log")
        check("leaves seat seat2" in log and "joins seat seat3" in log,
              "the daemon logs the move with the device key and both seats")

        # A killed compositor comes back; the others keep their pids.
        seats = seats_by_name(status(l))
        pids = {n: s.get("pid") for n, s in seats.items()}
        l.run(f"kill -KILL {pids['seat1']}")
        st = wait_status(l, lambda s: running(s, "seat1") and s["seat1"]["pid"] != pids["seat1"],
                         timeout=60)
        after = {n: s.get("pid") for n, s in seats_by_name(st).items()}
        check(after.get("seat1") not in (None, pids["seat1"]),
              f"seat1's killed compositor is restarted ({pids['seat1']} -> {after.get('seat1')})")
        check(after.get("seat2") == pids["seat2"] and after.get("seat3") == pids["seat3"],
              f"seat2 and seat3 never notice ({pids} -> {after})")

        # Monitor 2 unplugged: seat2 loses its lease and waits; replugged: it is back.
        l.monitor("gpu0", 1, 0, 0)
        st = wait_status(l, lambda s: not s["seat2"]["outputs"] and not s["seat2"]["lease"],
                         timeout=60)
        check(st is not None and not seats_by_name(st)["seat2"]["lease"],
              "monitor 2 unplugged: seat2's lease is revoked")
        l.monitor("gpu0", 1, 1024, 768)
        st = wait_status(l, lambda s: s["seat2"]["lease"] is not None and
                         s["seat2"]["outputs"], timeout=60)
        check(st is not None and seats_by_name(st)["seat2"]["lease"] is not None,
              "monitor 2 replugged: seat2 gets a new lease")
        time.sleep(5)
        check(l.screenshot("gpu0", 1, "seat2-back").distinct_colours() > 2,
              "seat2's session is on monitor 2 again")

        # Monitor 2 changes its mode while plugged: the same lease, the compositor re-reads it.
        before = seats_by_name(status(l))["seat2"]
        leases_before = l.sh("cat /tmp/daemon.log").count("seat seat2: lease ")
        l.monitor("gpu0", 1, 800, 600)
        shot = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            shot = l.screenshot("gpu0", 1, "seat2-resized")
            if (shot.width, shot.height) == (800, 600):
                break
            time.sleep(1)
        after = seats_by_name(status(l))["seat2"]
        check(shot is not None and (shot.width, shot.height) == (800, 600),
              f"a new mode on monitor 2 is taken by seat2's compositor "
              f"({shot.width}x{shot.height} scanned out)")
        leases_after = l.sh("cat /tmp/daemon.log").count("seat seat2: lease ")
        check(after["pid"] == before["pid"] and after["lease"] == before["lease"] and
              leases_after == leases_before,
              f"without a new lease or a restart ({before['lease']} -> {after['lease']})")
        time.sleep(3)
        check(l.screenshot("gpu0", 1, "seat2-resized").distinct_colours() > 2,
              "seat2's session is drawn in the new mode")
        log = l.sh("cat /tmp/daemon.log")
        check("card" in log and "monitor hotplug" in log and "Virtual-2: 800x600" in log,
              "the card's hotplug makes seat2's compositor re-read Virtual-2 (800x600)")

        # A keyboard hot-plugged behind a second hub on hub 1 (as in a monitor with a hub)
        # is below hub 1 too: it joins seat1 and types there.
        l.plug(lab.Usb("hub3", "hub", "1.4"))
        time.sleep(2)
        l.plug(lab.Usb("kbd3", "kbd", "1.4.1", gpu="gpu0", head=1))
        st = wait_status(l, lambda s: sum(d["kind"] == "keyboard" for d in s["seat1"]["devices"]) >= 2,
                         timeout=60)
        check(st is not None, "a keyboard hot-plugged behind a hub on hub 1 joins seat1 "
              f"({[d['key'] for d in seats_by_name(status(l))['seat1']['devices']]})")
        time.sleep(2)
        type_line(l, "kbd3", f"echo $XDG_SEAT:kbd3 >> {TYPED}")
        check(l.wait_guest(f"grep -q seat1:kbd3 {TYPED}", timeout=60),
              "the hot-plugged keyboard types into seat1")
        l.unplug("kbd3")
        l.unplug("hub3")
        st = wait_status(l, lambda s: sum(d["kind"] == "keyboard" for d in s["seat1"]["devices"]) == 1,
                         timeout=60)
        check(st is not None and running(seats_by_name(st), "seat1", "seat2", "seat3"),
              "unplugged, it leaves seat1 and every seat keeps running")

        # Garbage on the control socket: that client is dropped, the daemon goes on.
        l.run("printf 'garbage\\n{\\n' | timeout 5 python3 -c \"import socket,sys; "
              "s=socket.socket(socket.AF_UNIX); s.connect('/run/multiseat/control'); "
              "s.sendall(sys.stdin.buffer.read()); print(s.recv(4096))\"")
        check(status(l) is not None, "garbage on the control socket leaves the daemon answering")

        # A config with errors on SIGHUP is rejected; nothing restarts.
        pids = {n: s.get("pid") for n, s in seats_by_name(status(l)).items()}
        l.sh("echo 'bogus-key = 1' >> /tmp/ms.conf; kill -HUP $(cat /tmp/daemon.pid); sleep 2")
        log = l.sh("cat /tmp/daemon.log")
        after = {n: s.get("pid") for n, s in seats_by_name(status(l)).items()}
        check("bogus-key" in log and "the running seats are kept" in log and after == pids,
              f"a broken config on SIGHUP is reported and changes nothing ({after})")

        l.run("kill -TERM $(cat /tmp/daemon.pid)")
        rc, _ = l.run("wait $(cat /tmp/daemon.pid)", timeout=60)
        left = l.sh("pgrep -c multiseat-comp || true").strip()
        check(rc == 0 and left == "0", f"SIGTERM stops every seat and exits 0 (rc {rc}, {left} left)")
        # Expected: the broken config, the killed compositor's session losing its display.
        log = l.sh("cat /tmp/daemon.log")
        print(log[-6000:], file=sys.stderr)
        errors = [ln for ln in log.splitlines() if "multiseatd: error" in ln and
                  "bogus-key" not in ln and "not used" not in ln]
        check(not errors, f"the daemon logged no other errors {errors}")
    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
