"""What the lab tests of multiseatd share: the binaries in the guest, a session that names its
seat, reading `multiseatctl --json status` until the seats are as wanted, and for the caps
test and bench/isolation: a session that runs what it is given, and seat1's frame times."""

import json
import re
import time

DAEMON = "$LAB_BUILD/seatd/multiseatd"
CTL = "$LAB_BUILD/ctl/multiseatctl"
COMPOSITOR = "$LAB_BUILD/compositor/multiseat-compositor"
TYPED = "/tmp/typed.txt"
# The session: foot running bash, whose prompt names the seat.
SESSION = "PS1='[$XDG_SEAT] ' exec foot bash --norc --noprofile"


def status(l):
    rc, out = l.run(f"{CTL} --json status")
    try:
        return json.loads(out) if rc == 0 else None
    except ValueError:
        return None


def events(l, path):
    """A flat keyed cgroup file (cpu.stat, memory.events, ...) as a dict of strings."""
    return dict(line.split() for line in l.sh(f"cat {path}").splitlines() if line.strip())


def seats_by_name(st):
    return {s["name"]: s for s in (st or {}).get("seats", [])}


def write_conf(l, text, reload=False):
    """`text` becomes /tmp/ms.conf; with `reload`, the running daemon re-reads it (SIGHUP)."""
    l.sh(f"cat > /tmp/ms.conf <<'EOF'\n{text}EOF" +
         ("\nkill -HUP $(cat /tmp/daemon.pid)" if reload else ""))


def start_daemon(l, append_log=False):
    """multiseatd on /tmp/ms.conf, in the background: its log in /tmp/daemon.log (appended to
    with `append_log`), its pid in /tmp/daemon.pid."""
    l.sh(f"{DAEMON} --config /tmp/ms.conf --compositor {COMPOSITOR} "
         f"{'>>' if append_log else '>'} /tmp/daemon.log 2>&1 & echo $! > /tmp/daemon.pid")


def running(seats, *names):
    """Whether every named seat (of seats_by_name) has its compositor running."""
    return all(seats.get(n, {}).get("state") == "running" for n in names)

def wait_status(l, predicate, timeout=90, whole=False):
    """The status once predicate(seats by name) holds, or None after `timeout` seconds; with
    `whole`, the predicate gets the whole status (seats and unassigned devices)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = status(l)
        try:
            if st and predicate(st if whole else seats_by_name(st)):
                return st
        except (KeyError, TypeError):
            pass  # a seat or field the predicate wants is not there yet
        time.sleep(0.5)
    return None


# A session that records its pid, then runs each script dropped into CMD_DIR, in the
# background, so the session itself stays a plain shell: loads start inside a seat's session
# exactly as a user's program would.
CMD_DIR = "/tmp/seat2-cmd"
SESSION_PID = "/tmp/seat2-session.pid"


def runner_script(cmd_dir, pid_file):
    return f"""#!/bin/sh
echo $$ > {pid_file}
while :; do
    for f in {cmd_dir}/*.sh; do
        [ -f "$f" ] || continue
        mv "$f" "$f.run" && sh "$f.run" > "$f.out" 2>&1 &
    done
    sleep 0.2
done
"""


RUNNER = runner_script(CMD_DIR, SESSION_PID)


def install_runner(l, cmd_dir=CMD_DIR, pid_file=SESSION_PID, path="/tmp/runner.sh"):
    """A runner script at `path`, and its `cmd_dir` writable for the test (root) and the seat
    user alike."""
    l.sh(f"mkdir -p {cmd_dir}; chmod 777 {cmd_dir}; rm -f {pid_file}; "
         f"cat > {path} <<'EOF'\n{runner_script(cmd_dir, pid_file)}EOF\nchmod 755 {path}")


def run_in(l, cmd_dir, name, script):
    """Runs `script` in the session whose runner watches `cmd_dir`; its output goes to
    cmd_dir/name.sh.out."""
    l.sh(f"cat > {cmd_dir}/{name}.tmp <<'EOF'\n{script}\nEOF\n"
         f"mv {cmd_dir}/{name}.tmp {cmd_dir}/{name}.sh")


def run_in_seat2(l, name, script):
    run_in(l, CMD_DIR, name, script)


def session_pid(l):
    return l.sh(f"cat {SESSION_PID} 2>/dev/null || true").strip()


# Seat1's session in the caps test and bench/isolation: weston-simple-shm, its frame callbacks
# traced by libwayland (WAYLAND_DEBUG=client) into FRAMES.
FRAMES = "/tmp/seat1-frames.log"
FRAME_SESSION = f"WAYLAND_DEBUG=client weston-simple-shm 2> {FRAMES}"
FRAME_DONE = re.compile(r"^\[\s*(\d+)\.(\d+)\] wl_callback@\d+\.done\(", re.M)
WRAP_MS = 2**32 / 1000.0  # libwayland prints CLOCK_REALTIME in µs, in 32 bits, as ms


def frame_times(l):
    """Seat1's frame callback times so far, in WAYLAND_DEBUG's clock (ms, wrapping)."""
    return [int(m.group(1)) + int(m.group(2)) / 1000.0
            for m in FRAME_DONE.finditer(l.sh(f"cat {FRAMES} 2>/dev/null"))]


def frames_between(times, start_ms, end_ms):
    """The frame times in [start_ms, end_ms), as offsets from start_ms, in order."""
    span = (end_ms - start_ms) % WRAP_MS
    return [d for d in ((t - start_ms) % WRAP_MS for t in times) if d < span]


def guest_ms(l):
    """The guest's clock as WAYLAND_DEBUG prints it."""
    return (int(l.sh("date +%s%6N").strip()) % 2**32) / 1000.0


def elapsed_s(start_ms, end_ms):
    return ((end_ms - start_ms) % WRAP_MS) / 1000.0


def hubs_by_port(l):
    """The ID_PATH of each USB device by its port ("1" for hub 1, "1.1" below it ...)."""
    return {d["ID_PATH"].rsplit("-usb-0:", 1)[1]: d["ID_PATH"]
            for d in l.udev_properties("/sys/bus/usb/devices/*", by="path")
            if d.get("DEVTYPE") == "usb_device" and "-usb-0:" in d.get("ID_PATH", "")}


def two_seats_conf(l, defaults="", daemon=""):
    """multiseat.conf text for two seats on the virtio card's two monitors with hub 1 and hub 2:
    seat1 runs FRAME_SESSION as lab-1, seat2 /tmp/runner.sh as lab-2. `defaults` and `daemon`
    are extra lines for [seat-defaults] and [daemon]."""
    card0 = l.udev_properties("/dev/dri/card0")[0]["ID_PATH"]
    hubs = hubs_by_port(l)
    return (f"[daemon]\nautoseat = false\n{daemon}"
            f"[seat-defaults]\nuser = lab-%n\n{defaults}"
            f"[seat.seat1]\noutputs = {card0}-Virtual-1\ndevices = hub:{hubs.get('1')}\n"
            f"session = {FRAME_SESSION}\n"
            f"[seat.seat2]\noutputs = {card0}-Virtual-2\ndevices = hub:{hubs.get('2')}\n"
            "session = /tmp/runner.sh\n")


def prepare_two_seats(l):
    """The users and files two_seats_conf's sessions need."""
    l.sh("for n in 1 2; do id lab-$n >/dev/null 2>&1 || useradd -m -s /bin/sh lab-$n; done; "
         f"rm -f {FRAMES}; touch {FRAMES}; chown lab-1 {FRAMES}")
    install_runner(l)
