"""multiseat-compositor --seat-fd on a headless output: this script plays multiseatd's end of
the seat link (hello, identify on and off, keymaps, devices it cannot use, malformed
messages) and checks what the compositor answers, draws and logs."""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import seat_link as sl  # noqa: E402
from wayland_helpers import Checks, Compositor  # noqa: E402

check = Checks("headless seat link")
SIZE = "640x360"


def sanitizers(c, what):
    check(c.sanitizer_clean(), f"{what}: no sanitizer reports")


def linked(name, *args, session=None, first=None):
    """A compositor on a fresh link; `first` messages are queued before it starts."""
    daemon, theirs = sl.pair()
    for opcode, body in first if first is not None else [(sl.HELLO, sl.hello("seat-2", 2))]:
        sl.send(daemon, opcode, body)
    c = Compositor("--headless", SIZE, "--seat-fd", str(theirs.fileno()), *args,
                   session=session, name=name, pass_fds=[theirs.fileno()], wait_socket=False)
    return c, daemon, theirs


def wait_exit(c, timeout=15):
    try:
        return c.proc.wait(timeout=timeout)
    except Exception:
        return None


def test_hello_ready_identify():
    c, daemon, theirs = linked("link", session=["sleep", "60"])
    with c:
        theirs.close()
        msg = sl.receive(daemon)
        check(msg is not None and msg[0] == sl.READY and msg[1]["socket"] == c.socket,
              f"the compositor answers the hello with LINK_READY and its socket ({msg})")
        plain = c.screenshot("plain")

        sl.send(daemon, sl.IDENTIFY, sl.identify("Press F2 to use this screen"))
        shot = c.wait_for(lambda: (s := c.screenshot("ident")) and s.distinct_colours() > 4 and s)
        check(bool(shot) and shot.differing_pixels(plain) > 1000,
              "LINK_IDENTIFY draws the text over the session")
        sl.send(daemon, sl.IDENTIFY, sl.identify(""))
        back = c.wait_for(lambda: (s := c.screenshot("back")) and s.differing_pixels(plain) == 0)
        check(bool(back), "LINK_IDENTIFY with empty text shows the session again")

        sl.send(daemon, sl.KEYMAP, sl.keymap("nosuchlayout"))
        msg = sl.receive(daemon)
        check(msg is not None and msg[0] == sl.ERROR and "nosuchlayout" in msg[1]["message"],
              f"an unknown layout is reported back with LINK_ERROR ({msg})")
        sl.send(daemon, sl.KEYMAP, sl.keymap("de", "nodeadkeys"))

        with open("/dev/null", "rb") as null:
            sl.send(daemon, sl.INPUT_ADD, sl.input_add(1, sl.KEYBOARD, "/dev/null", "not evdev"),
                    fd=null.fileno())
        msg = sl.receive(daemon)
        check(msg is not None and msg[0] == sl.ERROR and "/dev/null" in msg[1]["message"],
              f"a device libinput cannot use is reported back ({msg})")
        sl.send(daemon, sl.INPUT_REMOVE, (7).to_bytes(4, "little"))
        with open("/dev/null", "rb") as null:
            sl.send(daemon, sl.DRM_LEASE, sl.drm_lease(3, "pci-0000:00:02.0"), fd=null.fileno())
        msg = sl.receive(daemon)
        check(msg is not None and msg[0] == sl.ERROR and "lease" in msg[1]["message"] and
              "slot 0" in msg[1]["message"],
              f"a lease sent to a headless compositor is refused with LINK_ERROR ({msg})")
        sl.send(daemon, sl.SYSRQ_SETTING, (1).to_bytes(4, "little"))
        sl.send(daemon, sl.SYSRQ_SETTING, (0).to_bytes(4, "little"))
        sl.send(daemon, sl.DRM_REVOKED, sl.drm_slot(0))
        sl.send(daemon, sl.DRM_RESCAN, sl.drm_slot(3))
        time.sleep(0.3)
        check(c.alive() and c.screenshot("after").width == 640,
              "after refused messages the compositor still runs and draws")
        log = c.log_text()
        check("seat link: this is seat-2 (F2)" in log, "the hello's seat name is logged")
        on = log.find("Alt+SysRq+<key> is the daemon's now")
        off = log.find("Alt+SysRq+<key> reaches clients as any key now")
        check(0 <= on < off, "LINK_SYSRQ_SETTING turns the seat's SysRq on and off, in order")
        check("LINK_DRM_REVOKED for slot 0, but this compositor does not drive DRM; ignored"
              in log and "LINK_DRM_RESCAN for slot 3, but this compositor does not drive DRM"
              in log, "revoke and rescan of a slot on a headless compositor are logged, ignored")

        # The daemon going away ends the seat: nothing would hand it devices any more.
        daemon.close()
        code = wait_exit(c)
        check(code == 1, f"when multiseatd closes the link the compositor exits 1 (got {code})")
        check("the seat link was closed by multiseatd" in c.log_text(),
              "the closed link is logged")
        sanitizers(c, "seat link")


def test_held_session():
    """An unclaimed seat: the hello holds the session back until LINK_SESSION_START."""
    marker = f"/tmp/ms-held-session-{os.getpid()}"
    if os.path.exists(marker):
        os.unlink(marker)
    c, daemon, theirs = linked(
        "held", session=["sh", "-c", f"touch {marker}; exec sleep 60"],
        first=[(sl.HELLO, sl.hello("seat-3", 3, flags=sl.HOLD_SESSION)),
               (sl.IDENTIFY, sl.identify("Press F3 to use this screen\nseat-3"))])
    with c:
        theirs.close()
        msg = sl.receive(daemon)
        check(msg is not None and msg[0] == sl.READY, f"a held seat still answers READY ({msg})")
        shot = c.wait_for(lambda: (s := c.screenshot("held")) and s.distinct_colours() > 4 and s)
        time.sleep(1.5)
        check(bool(shot) and not os.path.exists(marker),
              "with LINK_HELLO_HOLD_SESSION the identify screen shows and no session starts")
        sl.send(daemon, sl.IDENTIFY, sl.identify(""))
        sl.send(daemon, sl.SESSION_START)
        started = c.wait_for(lambda: os.path.exists(marker), timeout=10)
        check(bool(started), "LINK_SESSION_START starts the session")
        sl.send(daemon, sl.SESSION_START)
        time.sleep(0.5)
        check(c.alive() and c.log_text().count("starting the session") == 2 and
              c.log_text().count("' started as pid") == 1,
              "a second LINK_SESSION_START starts nothing more")
    sanitizers(c, "held session")
    if os.path.exists(marker):
        os.unlink(marker)


def proc_text(pid, name):
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_placed_sessions():
    """A seat with a cgroup: each session process waits before exec until the daemon has
    placed it (LINK_SESSION_SPAWNED, then LINK_SESSION_PLACED), or until the wait runs out."""
    marker = f"/tmp/ms-placed-session-{os.getpid()}"
    if os.path.exists(marker):
        os.unlink(marker)
    c, daemon, theirs = linked(
        "placed", "--restart", session=["sh", "-c", f"echo $$ > {marker}; exec sleep 60"],
        first=[(sl.HELLO, sl.hello("seat-4", 4, flags=sl.PLACE_SESSIONS))])

    def next_spawned():
        while True:
            msg = sl.receive(daemon, timeout=15)
            if msg is None or msg[0] == sl.SESSION_SPAWNED:
                return msg

    with c:
        theirs.close()
        msg = sl.receive(daemon)
        check(msg is not None and msg[0] == sl.READY, f"the compositor answers READY ({msg})")
        msg = next_spawned()
        check(msg is not None and msg[1]["pid"] > 0,
              f"the session's child is announced with LINK_SESSION_SPAWNED ({msg})")
        pid = msg[1]["pid"] if msg else -1
        time.sleep(0.7)
        stat = proc_text(pid, "stat")
        ppid = int(stat[stat.rindex(")") + 4:].split()[0]) if ")" in stat else -1
        check(not os.path.exists(marker) and "multiseat-compositor" in proc_text(pid, "cmdline")
              and ppid == c.proc.pid,
              "until the daemon answers, the child waits before exec (still the compositor's "
              "image, its child)")
        sl.send(daemon, sl.SESSION_PLACED, sl.session_placed(pid + 100000))
        time.sleep(0.3)
        check(c.alive() and not os.path.exists(marker),
              "LINK_SESSION_PLACED for a pid nobody waits for changes nothing")
        sl.send(daemon, sl.SESSION_PLACED, sl.session_placed(pid))
        ran = c.wait_for(lambda: os.path.exists(marker) and open(marker).read().strip(),
                         timeout=10)
        check(ran == str(pid), f"LINK_SESSION_PLACED lets that very process exec ({ran}, {pid})")

        # A failed move is logged; the session runs all the same.
        os.unlink(marker)
        os.kill(pid, 9)
        msg = next_spawned()
        pid = msg[1]["pid"] if msg else -1
        sl.send(daemon, sl.SESSION_PLACED, sl.session_placed(pid, -13))
        ran = c.wait_for(lambda: os.path.exists(marker) and open(marker).read().strip(),
                         timeout=10)
        check(ran == str(pid) and "runs outside the seat's session cgroup: Permission denied"
              in c.log_text(), "a restarted session waits again; a refused move is logged")

        # A daemon that never answers cannot keep the seat without its session.
        os.unlink(marker)
        os.kill(pid, 9)
        msg = next_spawned()
        start = time.monotonic()
        ran = c.wait_for(lambda: os.path.exists(marker), timeout=15)
        waited = time.monotonic() - start
        check(bool(ran) and 4.0 < waited < 8.0 and "was not placed in the seat's session "
              "cgroup within 5000 ms" in c.log_text(),
              f"unanswered, the session runs after the 5 s wait ({waited:.1f} s)")
    sanitizers(c, "placed sessions")
    if os.path.exists(marker):
        os.unlink(marker)


def send_null_lease(d, slot):
    with open("/dev/null", "rb") as null:
        sl.send(d, sl.DRM_LEASE, sl.drm_lease(3, "pci-0000:00:02.0", slot), fd=null.fileno())


def test_leased_slots():
    """Without --headless, the compositor under a seat link waits for DRM leases, one per card
    of the seat, each in its slot. What it cannot drive (here not a DRM fd at all), and a
    revoke or rescan of a slot that holds no lease, are reported; the link stays up."""
    c, daemon, theirs = linked("leased", session=["sleep", "60"])
    c.args.remove("--headless")
    c.args.remove(SIZE)
    with c:
        theirs.close()
        msg = sl.receive(daemon)
        check(msg is not None and msg[0] == sl.READY,
              f"with no lease yet the compositor answers READY ({msg})")
        check("waiting for a DRM lease on the seat link" in c.log_text(),
              "it says it waits for a lease")
        send_null_lease(daemon, 2)
        msg = sl.receive(daemon)
        check(msg is not None and msg[0] == sl.ERROR and msg[1]["message"] ==
              "the DRM lease of pci-0000:00:02.0 in slot 2 cannot be driven",
              f"a lease it cannot drive is reported with its card and slot ({msg})")
        for opcode in (sl.DRM_REVOKED, sl.DRM_RESCAN):
            for slot in (0, 2, sl.MAX_SLOTS - 1):
                sl.send(daemon, opcode, sl.drm_slot(slot))
        time.sleep(0.5)
        log = c.log_text()
        check(c.alive() and all(f"{name} for slot {slot}, which holds no lease; ignored" in log
                                for name in ("LINK_DRM_REVOKED", "LINK_DRM_RESCAN")
                                for slot in (0, 2, sl.MAX_SLOTS - 1)),
              "a revoke or rescan of an empty slot is logged with the slot and ignored")
        check("DRM lease 3 of pci-0000:00:02.0 in slot 2" in log,
              "the lease is logged with its lessee, card and slot")
        # A slot out of range is malformed: the link closes, the compositor exits 1.
        sl.send(daemon, sl.DRM_REVOKED, sl.drm_slot(sl.MAX_SLOTS))
        code = wait_exit(c)
        check(code == 1 and "LINK_DRM_REVOKED: slot 4 is out of range (0 to 3)" in c.log_text(),
              f"a slot out of range closes the link (exit {code})")
        daemon.close()
    sanitizers(c, "leased slots")


def test_malformed_closes_the_link():
    cases = [
        ("unknown opcode", lambda d: sl.send(d, 999), "unknown opcode 999"),
        ("short body", lambda d: sl.send(d, sl.IDENTIFY, b"hi"),
         "LINK_IDENTIFY: body of 2 bytes, expected 1200"),
        ("lying header", lambda d: sl.send(d, sl.IDENTIFY, sl.identify("x"), claimed_size=9),
         "the header says 9 bytes"),
        ("unterminated", lambda d: sl.send(d, sl.IDENTIFY, b"A" * 1200), "is not terminated"),
        ("missing fd", lambda d: sl.send(d, sl.INPUT_ADD, sl.input_add(1, 1, "/dev/x", "x")),
         "LINK_INPUT_ADD: the fd is missing"),
        ("second hello", lambda d: sl.send(d, sl.HELLO, sl.hello("seat-9", 9)),
         "unexpected LINK_HELLO"),
        ("compositor's message", lambda d: sl.send(d, sl.READY, b"\0" * 108),
         "unexpected LINK_READY"),
        ("revoke without its slot", lambda d: sl.send(d, sl.DRM_REVOKED),
         "LINK_DRM_REVOKED: body of 0 bytes, expected 4"),
        ("rescan of a slot out of range", lambda d: sl.send(d, sl.DRM_RESCAN, sl.drm_slot(9)),
         "LINK_DRM_RESCAN: slot 9 is out of range (0 to 3)"),
        ("slot 2**32 - 1", lambda d: sl.send(d, sl.DRM_REVOKED, sl.drm_slot(2**32 - 1)),
         "LINK_DRM_REVOKED: slot 4294967295 is out of range"),
        ("lease in a slot out of range", lambda d: send_null_lease(d, sl.MAX_SLOTS),
         "LINK_DRM_LEASE: slot 4 is out of range (0 to 3)"),
    ]
    for i, (what, action, words) in enumerate(cases):
        c, daemon, theirs = linked(f"bad{i}")
        with c:
            theirs.close()
            msg = sl.receive(daemon)
            action(daemon)
            code = wait_exit(c)
            log = c.log_text()
            check(msg and msg[0] == sl.READY and code == 1 and words in log,
                  f"malformed message ({what}): logged ('{words}') and exit 1 (got {code})")
            sanitizers(c, f"malformed {what}")
            daemon.close()


def test_bad_start():
    c, daemon, theirs = linked("nohello", first=[(sl.IDENTIFY, sl.identify("x"))])
    with c:
        theirs.close()
        code = wait_exit(c)
        check(code == 1 and "the first message is LINK_IDENTIFY, expected LINK_HELLO"
              in c.log_text(), f"a link that does not start with a hello is refused (got {code})")
    daemon.close()

    c, daemon, theirs = linked("oldhello", first=[(sl.HELLO, b"\x07\0\0\0" + sl.hello("s", 1)[4:])])
    with c:
        theirs.close()
        code = wait_exit(c)
        check(code == 1 and "multiseatd speaks version 7" in c.log_text(),
              f"a hello of another version is refused (got {code})")
    daemon.close()

    r, w = os.pipe()
    c = Compositor("--headless", SIZE, "--seat-fd", str(r), name="pipe", pass_fds=[r],
                   wait_socket=False)
    with c:
        code = wait_exit(c)
        check(code == 1 and f"--seat-fd {r} is not a seat link" in c.log_text(),
              f"--seat-fd on something else than a seat link is refused (got {code})")
    os.close(r)
    os.close(w)

    # The stream socket: a plain socketpair is not the seat link either.
    a, b = socket.socketpair()
    b.set_inheritable(True)
    c = Compositor("--headless", SIZE, "--seat-fd", str(b.fileno()), name="stream",
                   pass_fds=[b.fileno()], wait_socket=False)
    with c:
        code = wait_exit(c)
        check(code == 1 and "is not a seat link" in c.log_text(),
              f"--seat-fd on a stream socket is refused (got {code})")
    a.close()
    b.close()


def main():
    return check.run_all([test_hello_ready_identify, test_held_session, test_placed_sessions,
                          test_leased_slots, test_malformed_closes_the_link, test_bad_start])


if __name__ == "__main__":
    sys.exit(main())
