"""Per-seat caps in the lab: two seats with cpu.max = 50%, memory.max = 256M, pids.max = 200.
Seat1's session is weston-simple-shm (its frame callbacks, traced with WAYLAND_DEBUG, tell
whether seat1 keeps getting frames); seat2's session is a shell that runs what the test drops
into its command folder, so every load below starts inside seat2's session exactly as a
user's program would. A CPU hog is held to half a CPU, a memory hog is OOM-killed inside
seat2 (the compositor survives and restarts the session), a fork bomb stops at pids.max,
and the seat user can change none of it."""

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
from seats import (  # noqa: E402
    CTL, FRAMES, SESSION_PID, elapsed_s, events, frame_times, frames_between, guest_ms,
    prepare_two_seats, run_in_seat2, running, seats_by_name, session_pid, start_daemon, status,
    two_seats_conf, wait_status, write_conf)

check = lab.Checks()
CG = "/sys/fs/cgroup/multiseat"
SEAT1, SEAT2 = f"{CG}/seat-seat1", f"{CG}/seat-seat2"



def start_seats(l):
    """The two capped seats; returns their compositors' pids and seat1's client's pid."""
    prepare_two_seats(l)
    conf = two_seats_conf(l, "cpu.max = 50%\nmemory.max = 256M\npids.max = 200\n")
    write_conf(l, conf)
    start_daemon(l)
    st = wait_status(l, lambda s: running(s, "seat1", "seat2"))
    seats = seats_by_name(st)
    check(running(seats, "seat1", "seat2"), "both seats run")
    comp = {n: (seats.get(n) or {}).get("pid") for n in ("seat1", "seat2")}

    # Where everything runs, and what protects the compositor.
    check(l.wait_guest(f"[ -s {SESSION_PID} ]", timeout=30) and
          l.wait_guest(f"grep -q 'wl_callback@.*done' {FRAMES}", timeout=60),
          "both sessions start")
    runner = session_pid(l)
    shm = l.sh("pgrep -u lab-1 -x weston-simple-s | head -1").strip()
    where = {
        "compositor1": l.sh(f"cat /proc/{comp['seat1']}/cgroup").strip(),
        "session1": l.sh(f"cat /proc/{shm}/cgroup").strip() if shm else "",
        "session2": l.sh(f"cat /proc/{runner}/cgroup").strip() if runner else "",
    }
    check(where == {"compositor1": "0::/multiseat/seat-seat1/compositor",
                    "session1": "0::/multiseat/seat-seat1/session",
                    "session2": "0::/multiseat/seat-seat2/session"},
          f"compositors run in compositor/, sessions in session/ ({where})")
    files = l.sh(f"cat {SEAT2}/cpu.max {SEAT2}/memory.max {SEAT2}/pids.max "
                 f"{SEAT2}/session/memory.oom.group {SEAT2}/compositor/memory.min").split()
    check(files == ["50000", "100000", str(256 << 20), "200", "1", str(64 << 20)],
          f"seat2 carries its caps, session/ memory.oom.group 1, compositor/ memory.min "
          f"64M ({files})")
    tries = {
        "raise cpu.max": f"echo max > {SEAT2}/cpu.max",
        "raise memory.max": f"echo max > {SEAT2}/memory.max",
        "leave the session": f"echo $$ > {CG}/cgroup.procs",
        "move into compositor/": f"echo $$ > {SEAT2}/compositor/cgroup.procs",
    }
    allowed = [what for what, cmd in tries.items()
               if l.run(f"su lab-2 -c '{cmd}' 2>/dev/null")[0] == 0]
    check(not allowed, f"the seat user can change none of its limits ({allowed or 'none'})")
    return comp, shm


def cpu_hog(l, comp, shm):
    """Four busy workers in seat2 get half a CPU; seat1 keeps its frames."""
    t_idle = guest_ms(l)
    time.sleep(5)
    t_idle_end = guest_ms(l)
    idle_span = elapsed_s(t_idle, t_idle_end)
    idle_frames = len(frames_between(frame_times(l), t_idle, t_idle_end))
    # virtio-gpu completes flips at once; the compositor holds each to the mode's refresh.
    mode = re.search(r"output Virtual-1: \d+x\d+ at ([\d.]+) Hz", l.sh("cat /tmp/daemon.log"))
    refresh = float(mode.group(1)) if mode else 0.0
    check(0 < idle_frames / idle_span <= refresh * 1.03,
          f"seat1's frames come at most at the monitor's refresh, not as fast as the CPU "
          f"allows ({idle_frames / idle_span:.1f}/s, mode {refresh:g} Hz)")
    run_in_seat2(l, "cpu", "exec stress-ng --cpu 4 --timeout 30s")
    check(l.wait_guest("pgrep -u lab-2 stress-ng-cpu >/dev/null || "
                       "pgrep -u lab-2 -f 'stress-ng' >/dev/null", timeout=20),
          "stress-ng --cpu 4 runs in seat2's session")
    time.sleep(3)
    throttled0 = events(l, f"{SEAT2}/cpu.stat").get("nr_throttled", "0")
    t0, u0 = guest_ms(l), int(events(l, f"{SEAT2}/cpu.stat")["usage_usec"])
    time.sleep(10)
    t1, u1 = guest_ms(l), int(events(l, f"{SEAT2}/cpu.stat")["usage_usec"])
    span = elapsed_s(t0, t1)
    share = (u1 - u0) / (span * 1e6)
    busy_frames = len(frames_between(frame_times(l), t0, t1))
    stats = events(l, f"{SEAT2}/cpu.stat")
    check(0.35 <= share <= 0.65,
          f"the CPU hog is held to its cap: {share:.0%} of one CPU over "
          f"{span:.1f} s (cap 50% ± 15%)")
    check(int(stats.get("nr_throttled", 0)) > int(throttled0),
          f"the kernel throttled seat2 ({throttled0} -> {stats.get('nr_throttled')} periods)")
    idle_rate, busy_rate = idle_frames / idle_span, busy_frames / span
    check(busy_frames > 0 and busy_rate >= 0.5 * idle_rate,
          f"seat1 keeps getting frames under seat2's CPU hog ({busy_rate:.1f}/s, "
          f"{idle_rate:.1f}/s before)")
    usage = ((seats_by_name(status(l)).get("seat2") or {}).get("usage") or {})
    check(usage.get("cpu_throttled_periods", 0) > 0,
          f"multiseatctl status shows the throttling ({usage.get('cpu_throttled_periods')})")
    l.run("pkill -u lab-2 stress-ng; sleep 1")


def memory_hog(l, comp, shm):
    """A hog in seat2's session is OOM-killed inside seat2, with its session."""
    before = events(l, f"{SEAT2}/memory.events").get("oom_kill", "0")
    old_runner = session_pid(l)
    run_in_seat2(l, "mem", "exec python3 -c 'import time\nb = []\nwhile True:\n"
                 "    b.append(bytearray(8 << 20))\n    time.sleep(0.02)'")
    killed = l.wait_guest(f"[ $(awk '/^oom_kill/ {{print $2}}' {SEAT2}/memory.events) "
                          f"-gt {before} ]", timeout=60)
    after = events(l, f"{SEAT2}/memory.events")
    check(killed, f"the memory hog is OOM-killed in seat2 (oom_kill {before} -> "
          f"{after.get('oom_kill')})")
    restarted = l.wait_guest(f"[ -s {SESSION_PID} ] && [ $(cat {SESSION_PID}) != {old_runner} ]",
                             timeout=30)
    new_runner = session_pid(l)
    seats = seats_by_name(status(l))
    check(restarted and not l.run(f"kill -0 {old_runner} 2>/dev/null")[0] == 0,
          f"the whole session went with it (memory.oom.group) and was restarted "
          f"({old_runner} -> {new_runner})")
    check((seats.get("seat2") or {}).get("pid") == comp["seat2"] and
          l.run(f"kill -0 {comp['seat2']}")[0] == 0,
          "seat2's compositor survives the OOM kill")
    check((seats.get("seat1") or {}).get("pid") == comp["seat1"] and
          l.run(f"kill -0 {shm}")[0] == 0 and
          events(l, f"{SEAT1}/memory.events").get("oom_kill") == "0",
          "seat1 is untouched (same compositor, same session, no OOM kill)")
    oom = ((seats.get("seat2") or {}).get("usage") or {}).get("oom_kills", 0)
    check(oom >= 1, f"multiseatctl status shows the OOM kill ({oom})")
    here = l.sh(f"cat /proc/{new_runner}/cgroup").strip() if new_runner else ""
    check(here == "0::/multiseat/seat-seat2/session",
          f"the restarted session is placed in session/ again ({here})")


def fork_bomb(l, comp, shm):
    """A fork bomb stops at pids.max and the host stays responsive."""
    # Linux 6.1 counts a refused fork in pids.events of the forking task's cgroup (session/),
    # later kernels in the one whose limit was hit (seat-seat2): look at both.
    files = f"{SEAT2}/pids.events {SEAT2}/session/pids.events"
    before = l.sh(f"cat {files} | awk '/^max/ {{n += $2}} END {{print n + 0}}'").strip()
    run_in_seat2(l, "bomb", "bomb() { bomb | bomb & }; bomb")
    hit = l.wait_guest(f"[ $(cat {files} | awk '/^max/ {{n += $2}} END {{print n + 0}}') "
                       f"-gt {before} ]", timeout=60)
    time.sleep(3)
    current = l.sh(f"cat {SEAT2}/pids.current").strip()
    start = time.monotonic()
    rc, out = l.run("ps -e | wc -l; ls /proc | wc -l", timeout=60)
    took = time.monotonic() - start
    after = l.sh(f"cat {files} | awk '/^max/ {{n += $2}} END {{print n + 0}}'").strip()
    check(hit and int(current) <= 200,
          f"the fork bomb stops at pids.max (pids.current {current}, refused forks "
          f"{before} -> {after})")
    check(rc == 0, f"the test's own commands still run during the bomb ({took:.1f} s)")
    check((seats_by_name(status(l)).get("seat1") or {}).get("state") == "running" and
          l.run(f"kill -0 {shm}")[0] == 0, "seat1 keeps running during the bomb")
    l.sh(f"echo 1 > {SEAT2}/session/cgroup.kill")
    gone = l.wait_guest(f"[ $(cat {SEAT2}/session/cgroup.procs | wc -l) -le 2 ]",
                        timeout=30)
    check(gone and l.run(f"kill -0 {comp['seat2']}")[0] == 0,
          "cgroup.kill clears the bomb; seat2's compositor is still there")
    log = l.sh("cat /tmp/daemon.log")
    check("not the compositor's child" not in log and "Permission denied" not in log,
          "the daemon placed every session process without a complaint")


def restart_while_drawing(l, comp, shm):
    """multiseatctl restart revokes seat1's lease before its compositor gets SIGTERM: once
    while weston-simple-shm keeps it drawing, once while the next compositor is still starting
    (its first frames fail). Each must exit on SIGTERM, not spin on failed frames until the
    daemon's SIGKILL 5 s later."""
    pid = comp["seat1"]
    for when in ("drawing", "starting"):
        l.sh(f"{CTL} restart seat1")
        start = time.monotonic()
        gone = l.wait_guest(f"! kill -0 {pid} 2>/dev/null", timeout=15)
        took = time.monotonic() - start
        log = l.sh("cat /tmp/daemon.log")
        failed = log.count("the frame could not be shown")
        print(f"restart ({when}): compositor {pid} gone after {took:.1f} s; failed commits "
              f"logged so far: {failed}")
        check(gone and "did not exit within" not in log and
              f"compositor {pid} killed by signal 9" not in log,
              f"seat1's compositor, its lease revoked while {when}, exits on SIGTERM without "
              f"the SIGKILL ({took:.1f} s; failed commits logged so far {failed})")
        # The next one, as soon as it exists: it is restarted again during its start-up.
        st = wait_status(l, lambda s: s["seat1"].get("pid") not in (None, pid), timeout=30)
        pid = seats_by_name(st).get("seat1", {}).get("pid") if st else None
    st = wait_status(l, lambda s: running(s, "seat1"), timeout=60)
    check(st is not None, "seat1 runs again after the restarts")


def allowed_cpus(l, pid):
    """The CPUs the kernel lets a process run on (its Cpus_allowed_list)."""
    out = l.run(f"grep Cpus_allowed_list /proc/{pid}/status")[1].split()
    return out[-1] if out else None


def cpuset_auto(l, comp, shm):
    """`cpuset = auto` shares the CPUs out among the seats and shares them out again when
    a reload takes a seat away: seat1 keeps running, its cpuset widened in place. The same
    reload sets io.weight, which the kernel must take as written."""
    defaults = ("cpu.max = 50%\nmemory.max = 256M\npids.max = 200\ncpuset = auto\n"
                "io.weight = 50\n")
    write_conf(l, two_seats_conf(l, defaults), reload=True)
    cpus = l.sh("nproc").strip()  # the lab machine has two
    want = ["0", "1"]
    l.wait_guest(f"[ \"$(cat {SEAT1}/cpuset.cpus)\" = 0 ] && "
                 f"[ \"$(cat {SEAT2}/cpuset.cpus)\" = 1 ]", timeout=10)
    got = l.run(f"cat {SEAT1}/cpuset.cpus {SEAT2}/cpuset.cpus 2>&1")[1].split()
    check(got == want, f"cpuset = auto on a {cpus}-CPU guest gives seat1 CPU 0 and seat2 "
          f"CPU 1 ({got})")
    seats = seats_by_name(status(l))
    before = seats.get("seat1", {}).get("pid")
    pinned = {n: allowed_cpus(l, seats.get(n, {}).get("pid")) for n in ("seat1", "seat2")}
    check(pinned == {"seat1": "0", "seat2": "1"},
          f"each seat's compositor may run only on its own CPU ({pinned})")
    weight = l.run(f"cat {SEAT1}/io.weight")[1].strip()
    check(weight == "default 50", f"seat1's io.weight is written as the kernel takes it "
          f"({weight!r})")

    # seat2 leaves the config: seat1 is now the only seat and gets both CPUs.
    conf = two_seats_conf(l, defaults).split("[seat.seat2]")[0]
    write_conf(l, conf, reload=True)
    st = wait_status(l, lambda s: "seat2" not in s, timeout=30)
    l.wait_guest(f"[ \"$(cat {SEAT1}/cpuset.cpus)\" = 0-1 ]", timeout=10)
    widened = l.sh(f"cat {SEAT1}/cpuset.cpus").strip()
    after = seats_by_name(status(l)).get("seat1", {}).get("pid")
    log = l.sh("grep -a 'cpuset = auto now gives it' /tmp/daemon.log || true")
    check(st is not None and widened == "0-1" and "seat seat1: cpuset = auto now gives it "
          "CPUs 0-1 (was 0)" in log,
          f"seat2 gone, seat1's cpuset is spread again to 0-1 and logged ({widened}; "
          f"{log.strip() or 'nothing logged'})")
    check(after is not None and after == before and allowed_cpus(l, after) == "0-1",
          f"seat1's compositor keeps running through it and may now use both CPUs (pid "
          f"{before} -> {after}, CPUs {allowed_cpus(l, after)})")


def main():
    with lab.Lab(lab.default_topology(), name="test-caps") as l:
        check.report_on_failure(l)
        comp, shm = start_seats(l)
        for phase in (cpu_hog, memory_hog, fork_bomb, restart_while_drawing,
                      cpuset_auto):
            phase(l, comp, shm)
        l.sh("kill $(cat /tmp/daemon.pid); sleep 2")
    return check.finish()


if __name__ == "__main__":
    sys.exit(lab.run_test(main))
