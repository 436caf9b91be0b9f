"""What the lab tests of multiseatd share: the binaries in the guest, a session that names its
seat, and reading `multiseatctl --json status` until the seats are as wanted."""

import json
import time

DAEMON = "$LAB_BUILD/seatd/multiseatd"
CTL = "$LAB_BUILD/seatd/multiseatctl"
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


def seats_by_name(st):
    return {s["name"]: s for s in (st or {}).get("seats", [])}


def wait_status(l, predicate, timeout=90):
    """The status once predicate(seats by name) holds, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = status(l)
        try:
            if st and predicate(seats_by_name(st)):
                return st
        except (KeyError, TypeError):
            pass  # a seat or field the predicate wants is not there yet
        time.sleep(0.5)
    return None
