"""A seat's services as multiseatd runs them: tests/headless/seatstack runs seatd/services.c
(the configuration it writes, the environment, the journal streams, the ordered stop) for a
throwaway seat user, with the real dbus-daemon, PipeWire, WirePlumber and pipewire-pulse.

Shown, with stderr a plain file: all four run, PipeWire has the dummy sink, and none of them
prints a warning or an error on a good start or on the stop; each line a child prints reaches
the driver's stderr whole, after its tag (seat-t/pipewire: ...); the stop goes clients first,
then PipeWire, then the bus, and every process is gone when the driver exits.

Shown under a journald of our own (systemd-journald in a private mount namespace, the
driver's stderr a journal stream as systemd gives a service): the driver's lines carry their
priority; a child's lines carry its own SYSLOG_IDENTIFIER (seat-t/...), pid and uid and its
own priority prefixes; no service logs at warning or worse on a good start; PipeWire's errors
(provoked by junk on its socket) and WirePlumber's stop messages reach the journal once each.

Root is needed (a user is made, the services drop to it; mounts); it fails otherwise."""

import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from wayland_helpers import BUILD, COMPOSITOR, Checks  # noqa: E402

SEATSTACK = os.path.join(BUILD, "tests", "headless", "seatstack")
USER = "ms-seatsvc"
SEAT = "seat-t"
SERVICES = ("dbus-daemon", "pipewire", "wireplumber", "pipewire-pulse")
JOURNALD = next((p for p in ("/usr/lib/systemd/systemd-journald", "/lib/systemd/systemd-journald")
                 if os.path.exists(p)), None)
# PipeWire's "[W]"/"[E]" and WirePlumber's "W"/"E"/"C" (critical) line markers, after the tag
# the daemon puts before a child's line.
BAD_LINE = re.compile(r"^(\S+: )?(\[[WE]\]|[WEC] )")
TAGGED = re.compile(r"^seat-t/(dbus-daemon|pipewire|wireplumber|pipewire-pulse|probe): ")

check = Checks("headless seat services")


def wait_until(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


class Stack:
    """seatstack for USER in a fresh directory; stderr where the caller says."""

    def __init__(self, base, stderr, env=None):
        self.base = base
        self.runtime = os.path.join(base, SEAT)
        self.proc = subprocess.Popen([SEATSTACK, base, SEAT, USER], stdout=subprocess.PIPE,
                                     stderr=stderr, stdin=subprocess.DEVNULL, text=True,
                                     env=env)
        self.lines = []

    def status(self):
        line = self.proc.stdout.readline()
        if not line:
            return None
        self.lines.append(line)
        try:
            return json.loads(line)
        except ValueError:
            return {}

    def wait_up(self, timeout=40):
        """The status once every service runs and PipeWire's dummy sink is the default."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.status()
            if st is None:
                return None
            services = st.get("services", {})
            if (all(services.get(s, {}).get("state") == "running" for s in SERVICES) and
                    st.get("default_sink") == "auto_null" and
                    os.path.exists(os.path.join(self.runtime, "pulse", "native"))):
                return st
        return None

    def stop(self, timeout=30):
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return self.proc.returncode, out


def user_processes():
    uid = pwd.getpwnam(USER).pw_uid
    r = subprocess.run(["pgrep", "-l", "-U", str(uid)], capture_output=True, text=True)
    return r.stdout.strip()


def pid_of(text, program):
    m = re.search(rf"{re.escape(program)} (\d+) started", text)
    return int(m.group(1)) if m else None


def plain():
    """stderr to a file, as multiseatd without journald."""
    base = tempfile.mkdtemp(prefix="ms-services-")
    os.chmod(base, 0o755)  # the seat user goes through it to its runtime directory
    err_path = os.path.join(base, "stderr")
    with open(err_path, "w") as err:
        stack = Stack(os.path.join(base, "run"), err)
    up = stack.wait_up()
    check(up is not None, "the seat's dbus-daemon, PipeWire, WirePlumber and pipewire-pulse "
          "run, with PipeWire's dummy sink as the default")
    time.sleep(2)  # what a service says a moment after its start counts too
    with open(err_path, errors="replace") as f:
        started = f.read()
    rc, out = stack.stop()
    left = user_processes()
    with open(err_path, errors="replace") as f:
        text = f.read()
    children = [l for l in text.splitlines() if not l.startswith("seatstack: ")]
    untagged = [l for l in children if not TAGGED.match(l)]
    check(children and not untagged and
          f"seat-t/probe: probe says hello as {USER}" in children and
          "seat-t/probe: <3>probe fails" in children,
          f"every line of a child comes whole after its seat and program ({untagged[:4]})")
    bad = [l for l in children if BAD_LINE.match(l)]
    start_bad = [l for l in started.splitlines() if BAD_LINE.match(l)]
    print(f"  the services printed {len(children)} lines in all, {len(start_bad)} warnings or "
          f"errors at the start and {len(bad)} in all")
    check(up is not None and not start_bad and not bad,
          f"no warning or error from any of them on a good start and stop ({bad[:6]})")
    check("seatstack: error:" not in text, "the driver (services.c) logs no error")
    check(rc == 0 and out.strip().endswith("stopped") and left == "",
          f"the stop reaps every service before the driver exits (status {rc}, "
          f"{out.strip()[-40:]!r}, left: {left!r})")
    order = [m.group(1) for m in re.finditer(r"seat seat-t: (\S+) \d+ stopped", text)]
    check(len(order) == 4 and set(order[:2]) == {"wireplumber", "pipewire-pulse"} and
          order[2:] == ["pipewire", "dbus-daemon"],
          f"they stop in order: PipeWire's clients, PipeWire, the bus ({order})")
    shutil.rmtree(base, ignore_errors=True)


# ---- under a journald of our own ----

def journal_stream(identifier):
    """A stream to journald as systemd makes one for a service: (socket, JOURNAL_STREAM)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("/run/systemd/journal/stdout")
    s.sendall(f"{identifier}\n\n6\n1\n0\n0\n0\n".encode())
    st = os.fstat(s.fileno())
    return s, f"{st.st_dev}:{st.st_ino}"


def journal_entries(directory):
    r = subprocess.run(["journalctl", "--directory", directory, "-o", "json", "--no-pager"],
                       capture_output=True, text=True, timeout=30)
    entries = []
    for line in r.stdout.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e.get("MESSAGE"), str):
            entries.append(e)
    return entries


def in_namespace():
    """Runs inside `unshare --mount`: /run (and /var/log/journal) are our own tmpfs."""
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run"], check=True)
    # journald keeps to /run/log/journal until it is asked to flush to /var; never written.
    storage = "/run/log/journal"
    if os.path.isdir("/var/log/journal"):
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/var/log/journal"], check=True)
    journald = subprocess.Popen([JOURNALD], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        if not check(wait_until(lambda: os.path.exists("/run/systemd/journal/stdout"), 20),
                     "systemd-journald runs in the test's mount namespace"):
            return
        journaled(storage)
        compositor_session(storage)
    finally:
        journald.terminate()
        journald.wait(timeout=10)


def journaled(storage):
    base = tempfile.mkdtemp(prefix="ms-services-j-")
    os.chmod(base, 0o755)
    stream, name = journal_stream("seatstack")
    env = dict(os.environ, JOURNAL_STREAM=name)
    stack = Stack(os.path.join(base, "run"), stream.fileno(), env=env)
    stream.close()
    up = stack.wait_up()
    check(up is not None, "under journald the seat's four services run, PipeWire with its "
          "dummy sink")
    time.sleep(2)
    started = journal_entries(storage)
    # PipeWire's errors about a client that sends junk: its own lines, to count.
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(os.path.join(stack.runtime, "pipewire-0"))
        s.sendall(b"\xff" * 64)
        time.sleep(0.5)
        s.close()
    except OSError as e:
        check(False, f"PipeWire's socket takes a connection ({e})")
    time.sleep(1)
    rc, out = stack.stop()
    left = user_processes()
    check(rc == 0 and out.strip().endswith("stopped") and left == "",
          f"under journald too the stop reaps every service (status {rc}, left: {left!r})")
    time.sleep(1)
    entries = journal_entries(storage)
    uid = str(pwd.getpwnam(USER).pw_uid)

    own = [e for e in entries if e.get("SYSLOG_IDENTIFIER") == "seatstack"]
    text = "\n".join(e["MESSAGE"] for e in own)
    pids = {p: pid_of(text, f"{SEAT}: {p}") for p in SERVICES}
    probe = pid_of(text, "probe")
    started_lines = [e for e in own if "started as" in e["MESSAGE"]]
    stopped_lines = [e for e in own if re.search(r" \d+ stopped$", e["MESSAGE"])]
    check(len(started_lines) == 4 and all(e.get("PRIORITY") == "6" for e in started_lines) and
          all(e["MESSAGE"].startswith("[seatd/services.c:") for e in started_lines),
          "the driver's info lines are journal entries of priority 6, without the <6> prefix, "
          f"program or level name ({[e['MESSAGE'][:50] for e in started_lines[:1]]})")
    check(len(stopped_lines) == 4 and all(e.get("PRIORITY") == "7" for e in stopped_lines),
          "its debug lines have priority 7")
    check(not any(e["MESSAGE"].startswith("<") for e in own),
          "no priority prefix is left in a message")

    probe_entries = [e for e in entries if e.get("SYSLOG_IDENTIFIER") == f"{SEAT}/probe"]
    prios = {e["MESSAGE"]: e.get("PRIORITY") for e in probe_entries}
    check(probe is not None and len(probe_entries) == 2 and
          all(e.get("_PID") == str(probe) and e.get("_UID") == uid for e in probe_entries) and
          prios.get(f"probe says hello as {USER}") == "6" and prios.get("probe fails") == "3",
          f"a child started through spawn_process writes its own stream: identifier "
          f"{SEAT}/probe, its own pid ({probe}) and uid, priority 6 and its <3> line as 3 "
          f"({[(e.get('_PID'), e.get('PRIORITY'), e['MESSAGE']) for e in probe_entries]})")
    check(not any("probe says" in e["MESSAGE"] for e in own),
          "nothing of the child's reaches the driver's own stream")

    service_pids = {str(p) for p in pids.values() if p}
    check(len(service_pids) == 4, f"the journal has each service's pid ({pids})")

    def of_services(es):
        return [e for e in es if e.get("_PID") in service_pids]
    loud = [e for e in of_services(started) if int(e.get("PRIORITY", "6")) <= 4]
    quiet = [(e.get("SYSLOG_IDENTIFIER") or e.get("_COMM"), e.get("PRIORITY"),
              e["MESSAGE"][:60]) for e in of_services(started)]
    print(f"  on the good start the services wrote {len(quiet)} journal entries: {quiet}")
    check(not loud, "no service logs a warning or worse on a good start "
          f"({[(e.get('_COMM'), e['MESSAGE'][:80]) for e in loud]})")

    pw = [e for e in entries if e.get("_PID") == str(pids["pipewire"])]
    junk = [e for e in pw if "error -71" in e["MESSAGE"]]
    check(len(junk) == 2 and
          all(e.get("SYSLOG_IDENTIFIER") == f"{SEAT}/pipewire" and e.get("_UID") == uid
              for e in junk),
          f"PipeWire's two errors about the junk reach the journal once each, as "
          f"{SEAT}/pipewire[{pids['pipewire']}] "
          f"({[(e.get('SYSLOG_IDENTIFIER'), e['MESSAGE'][:50]) for e in junk]})")
    wp = [e for e in entries if e.get("_PID") == str(pids["wireplumber"])]
    bye = [e for e in wp if "stopped by signal" in e["MESSAGE"] or
           "disconnected from pipewire" in e["MESSAGE"]]
    said = [(e.get("SYSLOG_IDENTIFIER") or e.get("_COMM"), e.get("PRIORITY"),
             e["MESSAGE"][:40]) for e in bye]
    check(len(bye) == 2 and all(e.get("PRIORITY") == "5" for e in bye),
          f"WirePlumber's two stop messages reach the journal once each (it writes to the "
          f"journal itself when stderr is a journal stream), priority 5 ({said})")
    texts = [(e["_PID"], e["MESSAGE"]) for e in of_services(entries)]
    twice = sorted({t for t in texts if texts.count(t) > 1})
    check(not twice, f"no line of any service is in the journal twice ({twice[:4]})")
    shutil.rmtree(base, ignore_errors=True)


def compositor_session(storage):
    """The compositor as multiseatd starts it under journald (its stderr a stream, and
    JOURNAL_STREAM): its own lines carry their priority, its session gets a stream of its
    own named after XDG_SEAT."""
    runtime = tempfile.mkdtemp(prefix="ms-services-c-")
    stream, name = journal_stream(f"{SEAT}/multiseat-compositor")
    env = dict(os.environ, JOURNAL_STREAM=name, XDG_RUNTIME_DIR=runtime, XDG_SEAT=SEAT)
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.Popen([COMPOSITOR, "--headless", "320x240", "--socket", "wayland-j",
                             "--", "sh", "-c", "echo session here $$; exec sleep 60"],
                            stdout=stream.fileno(), stderr=stream.fileno(), env=env,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    stream.close()

    def said():
        es = journal_entries(storage)
        return es if any(e["MESSAGE"].startswith("session here") for e in es) else None
    entries = wait_until(said, 20, step=0.5) or journal_entries(storage)
    proc.terminate()
    proc.wait(timeout=20)
    shutil.rmtree(runtime, ignore_errors=True)
    own = [e for e in entries if e.get("_PID") == str(proc.pid)]
    session = [e for e in entries if e["MESSAGE"].startswith("session here")]
    check(own and all(e.get("SYSLOG_IDENTIFIER") == f"{SEAT}/multiseat-compositor" and
                      e.get("PRIORITY") in ("3", "6", "7") and
                      e["MESSAGE"].startswith("[compositor/") for e in own),
          "the compositor's lines are entries of its stream with their priority, without "
          f"prefix or level name ({[(e.get('PRIORITY'), e['MESSAGE'][:40]) for e in own[:2]]})")
    pid = session[0]["MESSAGE"].split()[-1] if session else None
    check(len(session) == 1 and session[0].get("SYSLOG_IDENTIFIER") == f"{SEAT}/session" and
          session[0].get("_PID") == pid,
          "its session writes to a stream of its own, named after XDG_SEAT, with its pid "
          f"({[(e.get('SYSLOG_IDENTIFIER'), e.get('_PID'), e['MESSAGE']) for e in session]})")


def main():
    if os.geteuid() != 0:
        print("test_seat_services: needs root (a throwaway user, mounts)")
        return 1
    if len(sys.argv) > 1 and sys.argv[1] == "--namespace":
        in_namespace()
        return check.finish()
    missing = [p for p in SERVICES if not shutil.which(p)]
    if missing or not JOURNALD or not shutil.which("journalctl"):
        print(f"test_seat_services: missing {missing or 'systemd-journald or journalctl'} "
              "(tools/deps.sh test)")
        return 1
    home = tempfile.mkdtemp(prefix="ms-services-home-")
    created = False
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--home-dir", home, "--shell",
                        "/bin/sh", "--user-group", USER], check=True)
        created = True
    pw = pwd.getpwnam(USER)
    os.chown(home, pw.pw_uid, pw.pw_gid)
    try:
        check.run_all([plain])
        r = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                            os.path.abspath(__file__), "--namespace"], timeout=150)
        check(r.returncode == 0, "the checks under journald pass")
    finally:
        if created:
            subprocess.run(["userdel", USER], check=False)
        shutil.rmtree(home, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
