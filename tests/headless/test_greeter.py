"""The greeter of a desktop desk, headless: this script plays multiseatd's part on the seat
link (a hello with LINK_HELLO_GREETER) and hands what wtype typed into the greeter to the real
login worker (logintool, PAM through pam_wrapper's pam_matrix, as in test_login). It checks
what the greeter draws, which credentials reach the link, the retry delay, that only the
logged-in user's clients are let in, and that logout drops them and greets again."""

import os
import pwd
import queue
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import seat_link as sl  # noqa: E402
import test_login as tl  # noqa: E402
from wayland_helpers import Checks, Compositor  # noqa: E402

check = Checks("headless greeter")
SIZE = "800x480"
OTHER_UID = 65534  # nobody: reaches the socket in this test, and must still be turned away


def receive_login(daemon, timeout=10):
    """The next LINK_LOGIN, skipping nothing else (there is nothing else to expect)."""
    try:
        msg = sl.receive(daemon, timeout=timeout)
    except (TimeoutError, OSError):
        return None
    return msg[1] if msg and msg[0] == sl.LOGIN else None


def as_user(uid, *argv):
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *argv]


def connects(c, uid, socket_path):
    """Whether wayland-info run as `uid` gets through (the greeter drops refused clients)."""
    r = subprocess.run(as_user(uid, "wayland-info"), env=dict(c.env, WAYLAND_DISPLAY=socket_path),
                       capture_output=True, text=True, timeout=20)
    return r.returncode == 0 and "wl_compositor" in r.stdout


def run_login(creds, name, command, socket_path):
    """The worker for what the greeter sent, held after authentication (as multiseatd holds
    it until the compositor knows the uid): (tool, its first "failed" or "authenticated")."""
    t = tl.Tool(creds["user"], creds["password"], command, name,
                ["--hold", "--wayland-display", socket_path])
    end = time.monotonic() + 20
    while time.monotonic() < end:
        try:
            got = t.lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if got.startswith(("failed ", "authenticated ")):
            return t, got
    return t, None


def test_greeter():
    daemon, theirs = sl.pair()
    sl.send(daemon, sl.HELLO, sl.hello("desk-4", 4, flags=sl.GREETER))
    c = Compositor("--headless", SIZE, "--seat-fd", str(theirs.fileno()), "--virtual-input",
                   name="greet", pass_fds=[theirs.fileno()])
    with c:
        theirs.close()
        msg = sl.receive(daemon)
        check(msg is not None and msg[0] == sl.READY, f"a greeting desk answers READY ({msg})")
        socket_path = os.path.join(c.runtime, c.socket)
        # What multiseatd's ACLs do for the user logged in, done for everyone here: the
        # compositor's own check is what keeps other users out in this test.
        os.chmod(c.runtime, 0o711)
        os.chmod(socket_path, 0o666)

        greeter = c.wait_for(lambda: (s := c.screenshot("greeter")) and s.distinct_colours() > 4
                             and s)
        check(bool(greeter) and greeter.width == 800 and greeter.height == 480,
              "the greeter is drawn on the output (text, fields: more than a few colours)")
        check("sessions start with logins" in c.log_text() and "started as pid" not in
              c.log_text(), "a greeting desk starts no session of its own")
        check(not connects(c, tl.S.pw.pw_uid, socket_path),
              "before anyone logs in, another user's client is dropped")

        # A wrong password first: typed, sent, refused by PAM, shown, and slowed down.
        check(c.type(tl.USER) and c.keys("-k", "Return"), "wtype types the user name")
        typed = c.wait_for(lambda: (s := c.screenshot("typed")) and
                           s.differing_pixels(greeter) > 200 and s)
        check(bool(typed), "the typed name shows in the user name field")
        check(c.type(tl.WRONG) and c.keys("-k", "Return"), "wtype types a password and Enter")
        creds = receive_login(daemon)
        check(creds == {"user": tl.USER, "password": tl.WRONG},
              f"LINK_LOGIN carries exactly what was typed ({creds and creds['user']})")
        t, line = run_login(creds, "greeter-wrong", "touch /nonexistent-never", socket_path)
        check(line is not None and line.endswith(tl.AUTH_FAILED),
              f"PAM refuses the wrong password ({line})")
        t.finish()
        sl.send(daemon, sl.LOGIN_FAILED, sl.login_failed(tl.AUTH_FAILED, 1500))
        failed = c.wait_for(lambda: (s := c.screenshot("failed")) and
                            s.differing_pixels(typed) > 200 and s)
        check(bool(failed), "LINK_LOGIN_FAILED shows its message on the greeter")
        c.type(tl.PASSWORD)
        c.keys("-k", "Return")
        check(receive_login(daemon, timeout=0.8) is None,
              "during the retry delay the greeter sends nothing")
        time.sleep(1.0)

        # The right password: PAM accepts, the session runs as the user and draws.
        c.keys("-k", "Escape")
        c.type(tl.USER)
        c.keys("-k", "Tab")
        c.type(tl.PASSWORD)
        c.keys("-k", "KP_Enter")
        creds = receive_login(daemon)
        check(creds == {"user": tl.USER, "password": tl.PASSWORD},
              "after the delay, Escape, the name, Tab, the password and Enter log in")
        t, line = run_login(creds, "greeter-good", "exec weston-simple-shm", socket_path)
        check(line == f"authenticated {tl.S.pw.pw_uid} {tl.USER}",
              f"PAM accepts the right password ({line})")
        # As multiseatd does: the compositor learns the uid, then the worker goes on.
        sl.send(daemon, sl.LOGIN_ACCEPTED, sl.login_accepted(tl.S.pw.pw_uid, tl.USER))
        c.screenshot("accepted")
        t.send("proceed")
        started = t.expect("started ")
        check(started is not None, f"the worker starts the session ({started})")
        extra = subprocess.Popen(as_user(tl.S.pw.pw_uid, "weston-simple-shm"),
                                 env=dict(c.env, WAYLAND_DISPLAY=socket_path),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        session = c.wait_for(lambda: (s := c.screenshot("session")) and
                             s.differing_pixels(greeter) > 10000 and s)
        check(bool(session), "the greeter is gone and the user's clients draw")
        uid = tl.S.pw.pw_uid
        check(c.log_text().count(f"of uid {uid}:") == 1,
              "of the user's clients only the one before the login was dropped")
        time.sleep(0.5)
        check(extra.poll() is None, "a client of the logged-in user stays connected")
        check(not connects(c, OTHER_UID, socket_path),
              "while alice's session runs, a client of another user is dropped")

        # Logout: the worker ends the session, the compositor drops what is left of it.
        check(t.proc.poll() is None and not any(line.startswith("ended") for line in t.stdout),
              f"the session still runs ({''.join(t.stdout)[-300:]})")
        t.send("logout")
        ended = t.expect("ended ", timeout=20)
        check(ended is not None, f"logout ends the session ({ended})")
        sl.send(daemon, sl.LOGGED_OUT)
        try:
            extra.wait(timeout=10)
        except subprocess.TimeoutExpired:
            extra.kill()
        check(extra.returncode not in (None, -9),
              f"LINK_LOGGED_OUT drops the user's remaining client ({extra.returncode})")
        back = c.wait_for(lambda: (s := c.screenshot("back")) and
                          s.differing_pixels(greeter) < 0.02 * 800 * 480 and s)
        check(bool(back), "the greeter is back, its fields empty")
        check(not connects(c, tl.S.pw.pw_uid, socket_path),
              "after logout the user's clients are turned away again")
        t.finish()
        log = c.log_text()
        check(tl.PASSWORD not in log and tl.WRONG not in log, "no password in the compositor log")
        daemon.close()
    check(c.sanitizer_clean(), "no sanitizer reports")


def test_login_messages_need_a_greeter():
    daemon, theirs = sl.pair()
    sl.send(daemon, sl.HELLO, sl.hello("seat-5", 5))
    c = Compositor("--headless", "320x200", "--seat-fd", str(theirs.fileno()), name="nogreet",
                   pass_fds=[theirs.fileno()], session=["sleep", "60"])
    with c:
        theirs.close()
        sl.receive(daemon)
        sl.send(daemon, sl.LOGIN_ACCEPTED, sl.login_accepted(1000, "alice"))
        try:
            code = c.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        check(code == 1 and "has no greeter" in c.log_text(),
              f"login messages to a desk without a greeter close the link ({code})")
    check(c.sanitizer_clean(), "no sanitizer reports (no greeter)")


def main():
    if os.geteuid() != 0:
        check(False, "test_greeter must run as root (it makes an account; the worker setuids)")
        return check.finish()
    tl.S = tl.Setup()
    try:
        pwd.getpwuid(OTHER_UID)
        return check.run_all([test_greeter, test_login_messages_need_a_greeter])
    finally:
        tl.S.finish()


if __name__ == "__main__":
    sys.exit(main())
